//! `asim run --critical-path`: the chain of waits that decided how long the
//! run took, from the end back to the start, with each link's share of the
//! elapsed time, and what shortening would shorten the run most.
//!
//! The run is followed backwards from main's end. A task that ran at some
//! instant ran because something woke it; the causes in the event stream
//! (docs/events.md) say what: its own sleep's timer (the path goes on in
//! the same task, before the sleep), a deadline, a task that released,
//! set, notified or put (the path goes on in that task, at that moment), a
//! task that finished, a cancellation. A task's first step goes back to the
//! task that created it. Only sleeps, deadlines, `block`s and a loop stalled
//! by another task's `block` take virtual time; those links add up to the
//! elapsed time.
//!
//! The view keeps, per task, its suspensions and wake-ups: memory follows
//! the events of the run, as an analysis may.

use super::{end_line, epilogue, Streams, Style, BOLD, DIM, GREEN, RED, YELLOW};
use crate::runtime::{Canceller, Cause, Event, EventKind, Outcome, RunEnd, Sink, Tasks};
use crate::source::Source;
use std::io;

/// What one task did, in order, as far as the path needs it.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// It started (its first step).
    Start { t: f64, seq: u64 },
    /// It suspended: on a sleep (`None`) or on something named (an index
    /// into the labels), at a scenario line.
    Suspend { t: f64, on: Option<u32>, line: u32 },
    /// It resumed, woken by `by` (the task whose action woke it, if any).
    Wake { t: f64, seq: u64, ready: f64, how: How },
    /// It ran a `block` of `d` seconds from `t`, at a scenario line.
    Block { t: f64, d: f64, line: u32 },
}

/// How a wake-up came about, for the path.
#[derive(Debug, Clone, Copy)]
enum How {
    /// Its sleep ended.
    Slept,
    /// A deadline (or an expired timeout) came.
    Timer,
    /// A task did something (an index into the labels says what), or finished.
    By(u32, u32),
    /// Nothing to follow.
    Loop,
}

/// One link of the path, in the order of the run.
#[derive(Debug, Clone)]
struct Link {
    start: f64,
    end: f64,
    task: u32,
    /// What happened, in words.
    what: String,
    /// Whether its time is one a scenario could shorten (a sleep, a block, a deadline).
    shortenable: bool,
    /// The scenario line of that sleep, block or wait (0: none).
    line: u32,
}

/// The critical-path view.
pub struct CriticalView<'w, 's> {
    streams: Streams<'w>,
    source: &'s Source,
    title: String,
    style: Style,
    steps: Vec<Vec<Step>>,
    /// Who created each task, when, and the event's sequence number.
    parent: Vec<Option<(u32, f64, u64)>>,
    labels: Vec<String>,
    /// Each task's call as it started (its arguments are gone once it is done).
    calls: Vec<String>,
    /// The last task that ended with an exception, when and in which event:
    /// what a TaskGroup's cancellation at that instant comes from.
    last_failed: Option<(u32, f64, u64)>,
    /// The task of the run's last step.
    last: Option<u32>,
    /// Every `block`: start, seconds, task, in time order.
    blocks: Vec<(f64, f64, u32, u32)>,
    seq: u64,
}

impl<'w, 's> CriticalView<'w, 's> {
    /// A view of the scenario `title`, in colour if `color`.
    pub fn new(streams: Streams<'w>, source: &'s Source, title: &str, color: bool) -> Self {
        CriticalView {
            streams,
            source,
            title: title.to_owned(),
            style: Style { on: color },
            steps: Vec::new(),
            parent: Vec::new(),
            labels: Vec::new(),
            calls: Vec::new(),
            last_failed: None,
            blocks: Vec::new(),
            last: None,
            seq: 0,
        }
    }

    fn task(&mut self, t: u32) -> &mut Vec<Step> {
        let i = t as usize;
        if self.steps.len() <= i {
            self.steps.resize(i + 1, Vec::new());
            self.parent.resize(i + 1, None);
        }
        &mut self.steps[i]
    }

    fn label(&mut self, text: String) -> u32 {
        self.labels.push(text);
        (self.labels.len() - 1) as u32
    }

    /// The link for a task ready from `ready` to `t` while the loop was
    /// stalled: the `block` of the task that stalled it, if one covers it.
    fn stalled(&self, task: u32, ready: f64, t: f64) -> Link {
        // The blocks are in time order: the last one to start by `ready`.
        let i = self.blocks.partition_point(|&(b, _, _, _)| b <= ready);
        if let Some(&(b, d, other, line)) = i.checked_sub(1).and_then(|i| self.blocks.get(i)) {
            if b + d >= t && d > 0.0 {
                return Link {
                    start: ready,
                    end: t,
                    task: other,
                    what: format!("block {}s (time.sleep: the loop stalls while a task is ready)", short(d)),
                    shortenable: true,
                    line,
                };
            }
        }
        Link {
            start: ready,
            end: t,
            task,
            what: "ready, while the loop was stalled".to_owned(),
            shortenable: false,
            line: 0,
        }
    }

    /// The path, walked back from `task` at `time`; links in run order.
    fn walk(&self, mut task: u32, mut time: f64, mut seq: u64, tasks: &Tasks<'_>) -> Vec<Link> {
        let mut links = Vec::new();
        // Within one task the walk moves to an earlier step (`before`); to
        // another, to its last step at or before (time, seq). Either way to
        // an earlier event: the walk ends.
        let mut before: Option<usize> = None;
        for _ in 0..self.seq + 2 {
            let steps = match self.steps.get(task as usize) {
                Some(s) => s,
                None => break,
            };
            let steps = &steps[..before.unwrap_or(steps.len())];
            // The last step of the task at or before (time, seq).
            let at = steps.iter().rposition(|s| match *s {
                Step::Start { t, seq: q } | Step::Wake { t, seq: q, .. } => t < time || (t == time && q <= seq),
                Step::Block { t, d, .. } => t + d <= time,
                Step::Suspend { .. } => false,
            });
            let Some(i) = at else { break };
            match steps[i] {
                Step::Block { t, d, line } => {
                    links.push(Link {
                        start: t,
                        end: t + d,
                        task,
                        what: format!("block {}s (time.sleep: the loop stalls)", short(d)),
                        shortenable: true,
                        line,
                    });
                    time = t;
                    seq = u64::MAX;
                    before = Some(i);
                }
                Step::Start { t, .. } => match self.parent.get(task as usize).copied().flatten() {
                    Some((p, at, spawned)) => {
                        if at < t {
                            links.push(self.stalled(task, at, t));
                        }
                        links.push(Link {
                            start: at,
                            end: at,
                            task,
                            what: format!("created by {}", tasks.name(p)),
                            shortenable: false,
                            line: 0,
                        });
                        task = p;
                        time = at;
                        seq = spawned;
                        before = None;
                    }
                    None => break,
                },
                Step::Wake { t, seq: q, ready, how } => {
                    let (since, line) = match steps[..i].iter().rev().find(|s| matches!(s, Step::Suspend { .. })) {
                        Some(Step::Suspend { t, on, line }) => ((*t, *on), *line),
                        _ => ((ready, None), 0),
                    };
                    if ready < t {
                        links.push(self.stalled(task, ready, t));
                    }
                    match how {
                        How::Slept => {
                            links.push(Link {
                                start: since.0,
                                end: ready,
                                task,
                                what: format!("sleep {}s", short(ready - since.0)),
                                shortenable: true,
                                line,
                            });
                            time = since.0;
                            seq = u64::MAX;
                            before = Some(i);
                        }
                        How::Timer => {
                            let what = match since.1 {
                                None => format!("sleep {}s, cut short by its timeout", short(ready - since.0)),
                                Some(l) => format!(
                                    "deadline after {}s waiting on {}",
                                    short(ready - since.0),
                                    self.labels[l as usize]
                                ),
                            };
                            if ready > since.0 {
                                links.push(Link { start: since.0, end: ready, task, what, shortenable: true, line });
                            }
                            time = since.0;
                            seq = u64::MAX;
                            before = Some(i);
                        }
                        How::By(by, what) => {
                            let on = since.1.map_or("its sleep", |l| self.labels[l as usize].as_str());
                            links.push(Link {
                                start: ready,
                                end: ready,
                                task,
                                what: format!("waited on {on} from {}: {}", short(since.0), self.labels[what as usize]),
                                shortenable: false,
                                line,
                            });
                            task = by;
                            time = ready;
                            // What `by` did before this wake-up (strictly: it may be this task).
                            seq = q - 1;
                            before = None;
                        }
                        How::Loop => break,
                    }
                }
                Step::Suspend { .. } => unreachable!("not matched above"),
            }
        }
        links.reverse();
        links
    }
}

/// A number of seconds as Python prints a float, short.
fn short(x: f64) -> String {
    crate::value::pyfmt::float_repr((x * 1e9).round() / 1e9)
}

impl Sink for CriticalView<'_, '_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        self.seq += 1;
        let (t, seq) = (e.t, self.seq);
        if matches!(e.kind, EventKind::Start | EventKind::Wake { .. } | EventKind::Block(_)) && !tasks.internal(e.task)
        {
            self.last = Some(e.task);
        }
        match e.kind {
            EventKind::Created if !tasks.internal(e.task) => {
                self.task(e.task);
            }
            EventKind::Spawn(child) => {
                self.task(child);
                self.parent[child as usize] = Some((e.task, t, seq));
            }
            EventKind::Start if !tasks.internal(e.task) => {
                self.task(e.task).push(Step::Start { t, seq });
                let i = e.task as usize;
                if self.calls.len() <= i {
                    self.calls.resize(i + 1, String::new());
                }
                self.calls[i] = tasks.call(e.task);
            }
            EventKind::Sleep(_) => {
                let line = tasks.line(e.task);
                self.task(e.task).push(Step::Suspend { t, on: None, line });
            }
            EventKind::Wait(on) => {
                let text = super::wait_text(&on, tasks);
                let l = self.label(text);
                let line = tasks.line(e.task);
                self.task(e.task).push(Step::Suspend { t, on: Some(l), line });
            }
            EventKind::Block(d) => {
                let line = tasks.line(e.task);
                self.task(e.task).push(Step::Block { t, d, line });
                self.blocks.push((t, d, e.task, line));
            }
            EventKind::Failed(..) => self.last_failed = Some((e.task, t, seq)),
            EventKind::Wake { cause, ready } => {
                let how = match cause {
                    Cause::Slept => How::Slept,
                    Cause::Deadline | Cause::Cancel(Canceller::Timeout) => How::Timer,
                    Cause::Op { by, op, prim } => {
                        let l = self.label(format!("{} {} `{prim}`", tasks.name(by), op.past()));
                        How::By(by, l)
                    }
                    Cause::Finished(x) => {
                        let l = self.label(format!("{} finished", tasks.name(x)));
                        How::By(x, l)
                    }
                    // A TaskGroup cancels because a child failed: the path goes on in that child.
                    Cause::Cancel(Canceller::TaskGroup(_))
                        if self.last_failed.is_some_and(|(_, at, _)| at == ready) =>
                    {
                        let (x, _, _) = self.last_failed.expect("checked");
                        let l = self.label(format!("its TaskGroup cancelled it: {} failed", tasks.name(x)));
                        How::By(x, l)
                    }
                    Cause::Cancel(c @ (Canceller::Task(x) | Canceller::TaskGroup(x))) => {
                        let mut text = "cancelled".to_owned();
                        super::push_canceller_text(c, e.task, tasks, &mut text);
                        let l = self.label(text);
                        How::By(x, l)
                    }
                    Cause::Task(x) => {
                        let l = self.label(format!("woken by {}", tasks.name(x)));
                        How::By(x, l)
                    }
                    // asyncio.run cancels what is left once main has returned.
                    Cause::Cancel(Canceller::Shutdown) => {
                        let l = self.label("asyncio.run cancelled it at shutdown, after main returned".to_owned());
                        How::By(0, l)
                    }
                    Cause::Cancel(_) | Cause::Loop => How::Loop,
                };
                self.task(e.task).push(Step::Wake { t, seq, ready, how });
            }
            EventKind::Warning(text, error, line) => {
                // What CPython writes to stderr goes there, as it happens.
                self.streams.err.write_all(super::stderr_text(text, error, line, self.source).as_bytes())?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        let st = self.style;
        // Main is the first task the run created; the path ends where it ended.
        // The path ends where the run did: at the last task to run (main,
        // or a task asyncio.run waited for at shutdown).
        let links = match self.last {
            Some(t) => self.walk(t, end.elapsed, u64::MAX, tasks),
            None => Vec::new(),
        };
        let out = &mut self.streams.out;
        writeln!(out, "{}", st.paint(BOLD, &format!("asim run {} · critical path", self.title)))?;
        let timed = links.iter().fold(0.0, |sum, l| sum + (l.end - l.start));
        let pct = |d: f64| if end.elapsed > 0.0 { 100.0 * d / end.elapsed } else { 0.0 };
        writeln!(
            out,
            "{}",
            st.paint(
                DIM,
                &format!(
                    "the chain of waits that decided the elapsed time ({}s), earliest first; timed links add up to {}s",
                    short(end.elapsed),
                    short(timed)
                )
            )
        )?;
        let width = links.iter().map(|l| tasks.name(l.task).len()).max().unwrap_or(4);
        for l in &links {
            let d = l.end - l.start;
            let span = if d > 0.0 {
                format!("{:>9.3} → {:<9.3}", l.start, l.end)
            } else {
                format!("{:>9.3}   {:9}", l.start, "")
            };
            let share = if d > 0.0 { format!("{:>5.1}%", pct(d)) } else { "      ".to_owned() };
            let name = tasks.name(l.task).to_string();
            let colour = if l.shortenable { YELLOW } else { DIM };
            writeln!(out, "{}  {share}  {name:width$}  {}", st.paint(DIM, &span), st.paint(colour, &l.what))?;
        }
        // What to shorten: the timed links, longest first (ties in run order).
        let mut best: Vec<&Link> = links.iter().filter(|l| l.shortenable && l.end > l.start).collect();
        best.sort_by(|a, b| (b.end - b.start).total_cmp(&(a.end - a.start)));
        if !best.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", st.paint(BOLD, "what would shorten the run most (each link's time is on the path):"))?;
            for (i, l) in best.iter().take(5).enumerate() {
                let call = self.calls.get(l.task as usize).map_or("", String::as_str);
                let place = if l.line > 0 { format!(" at {}:{}", self.source.path, l.line) } else { String::new() };
                writeln!(
                    out,
                    "  {}. the {}{place} ({} {call}, from {:.3}): {}s on the path ({:.1}%)",
                    i + 1,
                    l.what.split(' ').next().unwrap_or(""),
                    tasks.name(l.task),
                    l.start,
                    short(l.end - l.start),
                    pct(l.end - l.start)
                )?;
            }
        }
        let epi = epilogue(end, tasks, self.source);
        if !epi.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", st.paint(RED, epi.trim_end()))?;
        }
        let colour = if matches!(end.outcome, Outcome::Ok | Outcome::Stopped(_)) { GREEN } else { RED };
        writeln!(out, "{}", st.paint(colour, &end_line(end)))?;
        self.streams.flush()
    }
}

/// Filters (`--task`, `--until`) are refused with this view; nothing is hidden.
impl super::filter::Hidden for CriticalView<'_, '_> {}
