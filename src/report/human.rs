//! The default view: time, task and event per line, aligned, with the
//! waits and wake-ups that explain the order, then the end-of-run
//! explanation and a summary line.
//!
//! The task column is as wide as the longest task name, which a stream
//! does not know in advance. So the view holds back the first
//! [`LOOKAHEAD`] lines: a run that ends within them (every scenario a
//! person reads line by line) is aligned on all of its task names, exactly;
//! a longer run is aligned on the names seen by then, and the column widens
//! from the line where a longer name first appears. Output held back is a
//! bounded number of lines, never the run.

use super::fold::{Fold, Release};
use super::{epilogue, wait_text, Streams, Style, BOLD, DIM, GREEN, RED, YELLOW};
use crate::runtime::{Canceller, Cause, Event, EventKind, Interest, Outcome, RunEnd, SetOrder, SetSite, Sink, Tasks};
use crate::source::Source;
use std::io;

/// Lines held back to learn the width of the task column.
pub const LOOKAHEAD: usize = 4096;

/// One line whose task column is not padded yet.
struct Line {
    /// `{t:>9.3}`, or empty for the continuation of a multi-line print.
    time: String,
    name: String,
    /// The task, for its colour (`None`: a line of no one task).
    task: Option<u32>,
    /// Everything after the task column, styled.
    tail: String,
}

/// The human view.
pub struct HumanView<'w, 's> {
    streams: Streams<'w>,
    source: &'s Source,
    title: String,
    style: Style,
    width: usize,
    /// Lines held back while the width is unknown; `None` once committed.
    pending: Option<Vec<Line>>,
    /// Each spawned task's call as it was at the spawn, until its `start`
    /// line shows it (an argument may change in between: a list appended to).
    spawned: std::collections::HashMap<u32, String>,
    /// Folds runs of sleep lines (`None`: every line shows).
    fold: Option<Fold>,
}

impl<'w, 's> HumanView<'w, 's> {
    /// A view of the scenario `title`, in colour if `color`.
    pub fn new(streams: Streams<'w>, source: &'s Source, title: &str, color: bool) -> Self {
        HumanView {
            streams,
            source,
            title: title.to_owned(),
            style: Style { on: color },
            width: 4,
            pending: Some(Vec::new()),
            spawned: std::collections::HashMap::new(),
            fold: None,
        }
    }

    /// Folds runs of more than three sleep lines at one virtual time
    /// (`asim run` does, unless `--no-fold`; `asim test --full` does not).
    pub fn folding(mut self, on: bool) -> Self {
        self.fold = on.then(Fold::default);
        self
    }

    fn header(&mut self) -> io::Result<()> {
        let st = self.style;
        writeln!(self.streams.out, "{}", st.paint(BOLD, &format!("asim run {}", self.title)))?;
        writeln!(self.streams.out, "{}", st.paint(DIM, &format!("{:>9}  {:w$}  event", "time", "task", w = self.width)))
    }

    fn write_line(&mut self, line: &Line) -> io::Result<()> {
        let lead = if line.time.is_empty() {
            format!("{:>9}  {:w$}", "", "", w = self.width)
        } else if let (true, Some(task)) = (self.style.on, line.task) {
            // A colour per task, to follow one down the log.
            let name = format!("{:w$}", line.name, w = self.width);
            let st = self.style;
            return writeln!(
                self.streams.out,
                "{}  {}{}",
                st.paint(DIM, &line.time),
                st.paint(super::palette::task_colour(task), &name),
                line.tail
            );
        } else {
            format!("{}  {:w$}", line.time, line.name, w = self.width)
        };
        writeln!(self.streams.out, "{}{}", self.style.paint(DIM, &lead), line.tail)
    }

    fn push(&mut self, line: Line) -> io::Result<()> {
        match &mut self.pending {
            Some(lines) => {
                lines.push(line);
                if lines.len() >= LOOKAHEAD {
                    self.commit()?;
                }
                Ok(())
            }
            None => self.write_line(&line),
        }
    }

    /// Passes an event by the fold: first shows what a run of sleeps it
    /// ends leaves, then says whether to show its own line (`false`: the
    /// fold took it).
    fn unfold(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<bool> {
        let Some(fold) = &mut self.fold else { return Ok(true) };
        let (released, show) = match e.kind {
            _ if silent(e) => return Ok(true),
            EventKind::Sleep(until) => fold.sleep(e.t, e.task, until),
            _ => (fold.end(), true),
        };
        if let Some(r) = released {
            self.release(r, tasks)?;
        }
        Ok(show)
    }

    /// Shows what a run of sleep lines left.
    fn release(&mut self, r: Release, tasks: &Tasks<'_>) -> io::Result<()> {
        match r {
            Release::One { t, task, until } => self.push_line(
                t,
                task,
                "sleep",
                format!("until {}", crate::value::pyfmt::float_repr(until)),
                DIM,
                tasks,
            ),
            Release::Many(t, folded) => {
                let tail = format!("  {}", self.style.paint(DIM, &folded.text(tasks)));
                self.push(Line { time: format!("{t:>9.3}"), name: String::new(), task: None, tail })
            }
        }
    }

    /// One event's line: `verb rest`, in `colour`.
    fn push_line(
        &mut self,
        t: f64,
        task: u32,
        verb: &str,
        rest: String,
        colour: &str,
        tasks: &Tasks<'_>,
    ) -> io::Result<()> {
        let line = if rest.is_empty() { verb.to_owned() } else { format!("{verb:<6} {rest}") };
        let tail = format!("  {}", self.style.paint(colour, &line));
        self.push(Line { time: format!("{t:>9.3}"), name: tasks.name(task).to_string(), task: Some(task), tail })
    }

    /// What CPython writes to stderr goes there, as it happens (filtered
    /// out of the view or not).
    fn stderr(&mut self, e: &Event<'_>) -> io::Result<()> {
        if let EventKind::Warning(text, error, line) = e.kind {
            self.streams.err.write_all(super::stderr_text(text, error, line, self.source).as_bytes())?;
        }
        Ok(())
    }

    /// Fixes the width from what was seen and writes what was held back.
    fn commit(&mut self) -> io::Result<()> {
        let Some(lines) = self.pending.take() else { return Ok(()) };
        self.header()?;
        for line in &lines {
            self.write_line(line)?;
        }
        Ok(())
    }
}

/// Whether the view gives an event no line: a task's creation (its
/// `spawn` says it), what a gather waits for (its `wait` says it), the
/// wake-up of a sleep that ended on time (its `sleep` line said until
/// when), the cancellation an expired timeout requests (its `timeout` line
/// says it).
fn silent(e: &Event<'_>) -> bool {
    match e.kind {
        EventKind::Created | EventKind::Awaits(_) | EventKind::Cancel(Canceller::Timeout) => true,
        EventKind::Wake { cause: Cause::Slept, ready } => ready == e.t,
        _ => false,
    }
}

impl Sink for HumanView<'_, '_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        if !self.unfold(e, tasks)? || silent(e) {
            return Ok(());
        }
        let st = self.style;
        let name = tasks.name(e.task);
        self.width = self.width.max(name.len());
        let (verb, rest, colour) = match e.kind {
            EventKind::Created | EventKind::Awaits(_) => unreachable!("silent"),
            EventKind::Print(text) => {
                let time = format!("{:>9.3}", e.t);
                let name = name.to_string();
                for (i, line) in text.split('\n').enumerate() {
                    let tail = format!("  {} {}", st.paint(DIM, "|"), st.paint(BOLD, line));
                    let time = if i == 0 { time.clone() } else { String::new() };
                    self.push(Line { time, name: name.clone(), task: Some(e.task), tail })?;
                }
                return Ok(());
            }
            EventKind::Start => {
                let call = self.spawned.remove(&e.task).unwrap_or_else(|| tasks.call(e.task));
                ("start", call, DIM)
            }
            EventKind::Spawn(c) => {
                self.width = self.width.max(tasks.name(c).len());
                let call = tasks.call(c);
                self.spawned.insert(c, call.clone());
                ("spawn", format!("{} {call}", tasks.name(c)), DIM)
            }
            EventKind::Sleep(until) => ("sleep", format!("until {}", crate::value::pyfmt::float_repr(until)), DIM),
            EventKind::Block(d) => ("block", format!("{d}s: the whole loop stalls (time.sleep)"), YELLOW),
            EventKind::Wait(on) => ("wait", wait_text(&on, tasks), YELLOW),
            EventKind::Wake { cause, ready } => {
                let mut text = String::new();
                super::push_cause_text(&cause, e.task, tasks, &mut text);
                if ready < e.t {
                    // A `block` stalled the loop while it was ready.
                    text.push_str(&format!(" (ready since {:.3})", ready));
                }
                ("wake", text, DIM)
            }
            EventKind::Prim(op, prim) => (op.word(), format!("`{prim}`"), DIM),
            EventKind::Done(v) if v.is_none() => ("done", String::new(), GREEN),
            EventKind::Done(v) => ("done", format!("-> {v}"), GREEN),
            EventKind::Failed(k, "") => ("raise", k.to_owned(), RED),
            EventKind::Failed(k, m) => ("raise", format!("{k}: {m}"), RED),
            EventKind::Cancelled => ("cancelled", String::new(), RED),
            EventKind::Cancel(Canceller::Shutdown) => {
                ("cancel", "asyncio.run() cancels leftover tasks at shutdown".to_owned(), YELLOW)
            }
            EventKind::Cancel(by) => {
                let mut text = "requested".to_owned();
                super::push_canceller_text(by, e.task, tasks, &mut text);
                ("cancel", text, YELLOW)
            }
            EventKind::TimeoutExpired => ("timeout", "expired: CancelledError at the next await".to_owned(), YELLOW),
            EventKind::SetOrder { site, order, n } => {
                let what = match site {
                    SetSite::TaskGroupAbort => format!("the TaskGroup cancels its {n} other tasks"),
                    SetSite::Shutdown => format!("asyncio.run() cancels the {n} leftover tasks"),
                    SetSite::Wait => format!("asyncio.wait() holds its {n} tasks"),
                    SetSite::AsCompleted => format!("as_completed() holds its {n} tasks"),
                };
                let how = match order {
                    SetOrder::Creation => "in creation order".to_owned(),
                    SetOrder::Reverse => "newest first".to_owned(),
                    SetOrder::Shuffle(s) => format!("shuffled (seed {s})"),
                };
                ("order", format!("{what} {how}; CPython: memory-address order (--set-order)"), YELLOW)
            }
            EventKind::Warning(text, ..) => {
                self.stderr(e)?;
                ("warn", format!("{} (stderr)", text.lines().next().unwrap_or_default()), RED)
            }
        };
        self.push_line(e.t, e.task, verb, rest, colour, tasks)
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        if self.pending.is_none() {
            self.streams.tick()?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        if let Some(r) = self.fold.as_mut().and_then(Fold::end) {
            self.release(r, tasks)?;
        }
        // Every task counts for the width, those no line names included.
        if self.pending.is_some() {
            for t in 0..tasks.len() as u32 {
                self.width = self.width.max(tasks.name(t).len());
            }
        }
        self.commit()?;
        let st = self.style;
        let epi = epilogue(end, tasks, self.source);
        if !epi.is_empty() {
            self.streams.out.write_all(b"\n")?;
            writeln!(self.streams.out, "{}", st.paint(RED, epi.trim_end()))?;
        }
        let summary = super::end_line(end);
        let colour = match end.outcome {
            Outcome::Ok => GREEN,
            Outcome::Stopped(_) => YELLOW,
            _ => RED,
        };
        writeln!(self.streams.out, "{}", st.paint(colour, &summary))?;
        self.streams.flush()
    }
}

impl super::filter::Hidden for HumanView<'_, '_> {
    fn hidden_interest(&self) -> Interest {
        Interest::WARNINGS
    }

    /// Filtered out of the view, a warning still goes to stderr: stderr
    /// stays what the program writes there. A start not shown lets go of
    /// the call its spawn line kept for it.
    fn hidden(&mut self, e: &Event<'_>, _tasks: &Tasks<'_>) -> io::Result<()> {
        if let EventKind::Start = e.kind {
            self.spawned.remove(&e.task);
        }
        self.stderr(e)
    }
}
