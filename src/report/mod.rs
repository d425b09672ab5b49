//! Stage 5: the views. Each one is a [`Sink`](crate::runtime::Sink) of the
//! run's event stream and writes as the events arrive:
//!
//! - [`human`]: time, task, event, aligned, with the waits and wake-ups that
//!   explain the order, and a summary line (the default);
//! - [`stdout`]: exactly what the Python program prints (`-q`);
//! - [`json`]: JSON Lines, one object per event, then an `end` object;
//! - [`perfetto`]: a Chrome Trace Event Format file (`--format perfetto`);
//! - [`summary`]: where the time went, per task and per primitive (`--summary`);
//! - [`timeline`]: a picture (HTML or SVG) beside any of them ([`tee`]).
//!
//! What they share lives here: the end-of-run explanation, the wording of
//! waits, and a writer that flushes often enough for `| head` and a
//! terminal, but not on every line.

pub mod compare;
pub mod critical;
pub mod expect;
pub mod filter;
mod fold;
pub mod graph;
pub mod human;
pub mod json;
pub mod lanes;
pub mod orders;
mod palette;
pub mod perfetto;
pub mod prims;
pub mod pstree;
pub mod snapshot;
pub mod stdout;
pub mod summary;
pub mod tee;
pub mod timeline;
pub mod traceback;

use crate::runtime::{Canceller, Cause, Outcome, RunEnd, Sink, Tasks, WaitOn};
use crate::source::Source;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{Duration, Instant};

pub(crate) const DIM: &str = "\x1b[2m";
pub(crate) const BOLD: &str = "\x1b[1m";
pub(crate) const RED: &str = "\x1b[31m";
pub(crate) const YELLOW: &str = "\x1b[33m";
pub(crate) const GREEN: &str = "\x1b[32m";
pub(crate) const RESET: &str = "\x1b[0m";

/// ANSI colour, or none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) on: bool,
}

impl Style {
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

/// The two output streams of a view, flushed at most every few
/// milliseconds of wall time (wall time decides only *when* bytes leave,
/// never *which* bytes: the output stays deterministic).
pub struct Streams<'w> {
    pub(crate) out: &'w mut dyn Write,
    pub(crate) err: &'w mut dyn Write,
    last_flush: Instant,
    iterations: u32,
}

/// How long written output may wait in a buffer.
const FLUSH_EVERY: Duration = Duration::from_millis(10);

impl<'w> Streams<'w> {
    /// stdout and stderr of a view (buffer them: views write small pieces).
    pub fn new(out: &'w mut dyn Write, err: &'w mut dyn Write) -> Self {
        Streams { out, err, last_flush: Instant::now(), iterations: 0 }
    }

    /// Called at the end of every loop iteration.
    pub(crate) fn tick(&mut self) -> io::Result<()> {
        if self.due() {
            self.flush()?;
        }
        Ok(())
    }

    /// Counts an iteration; says whether output has waited long enough
    /// that it should be flushed now.
    pub(crate) fn due(&mut self) -> bool {
        self.iterations = self.iterations.wrapping_add(1);
        self.iterations % 64 == 0 && self.last_flush.elapsed() >= FLUSH_EVERY
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.last_flush = Instant::now();
        self.err.flush()?;
        self.out.flush()
    }
}

/// A sink that wants no event (`asim run --at` prints only its snapshot).
pub struct Discard;

impl Sink for Discard {
    fn interest(&self) -> crate::runtime::Interest {
        crate::runtime::Interest::NONE
    }
    fn event(&mut self, _: &crate::runtime::Event<'_>, _: &Tasks<'_>) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &RunEnd, _: &Tasks<'_>) -> io::Result<()> {
        Ok(())
    }
}

pub(crate) fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Error(_) => "error",
        Outcome::Deadlock(_) => "deadlock",
        Outcome::Limit(_) => "limit",
        Outcome::Stopped(_) => "stopped",
    }
}

/// The end-of-run explanation: a traceback, a deadlock report or a limit,
/// or nothing for a clean run. Goes to stderr with `--stdout`.
pub fn epilogue(end: &RunEnd, tasks: &Tasks<'_>, source: &Source) -> String {
    let mut out = String::new();
    match &end.outcome {
        // A run stopped at `--until` has nothing to explain: the summary
        // line says where it stopped.
        Outcome::Ok | Outcome::Stopped(_) => {}
        Outcome::Error(failure) => traceback::write(&mut out, failure, source),
        Outcome::Deadlock(d) => {
            let _ =
                writeln!(out, "deadlock at {:.3}s: no task can ever run again, and main has not finished", end.elapsed);
            let _ = writeln!(out, "(real asyncio would hang here forever)");
            let width = d.blocked.iter().map(|w| tasks.name(w.task).len()).max().unwrap_or(0);
            for w in &d.blocked {
                let _ = writeln!(out, "  {:width$}  {} waits for {}", tasks.name(w.task), tasks.call(w.task), w.on);
            }
            if let Some(c) = &d.cycle {
                let names: Vec<String> = c.iter().map(|i| tasks.name(*i).to_string()).collect();
                let _ = writeln!(out, "  cycle: {}", names.join(" -> "));
            }
        }
        Outcome::Limit(limit) => {
            let _ = writeln!(out, "asim stopped the run at {:.3}s: {}", end.elapsed, limit.message);
            if !limit.running.is_empty() {
                let _ = writeln!(out, "still running:");
                let width = limit.running.iter().map(|(t, _)| tasks.name(*t).len()).max().unwrap_or(0);
                for (t, place) in &limit.running {
                    let _ = writeln!(out, "  {:width$}  {place}", tasks.name(*t));
                }
                if limit.more > 0 {
                    let _ = writeln!(out, "  ... and {} more", limit.more);
                }
            }
            let _ = writeln!(out, "(the scenario may never end; raise the limit if it really needs more)");
        }
    }
    out
}

/// A warning event as CPython writes it to stderr: a log message with the
/// traceback of its exception; a Python warning as `warnings` formats it,
/// `FILE:LINE: Category: message`, the source line, and for a coroutine
/// never awaited the tracemalloc hint.
pub(crate) fn stderr_text(text: &str, error: Option<&crate::runtime::Failure>, line: u32, source: &Source) -> String {
    let mut out = String::new();
    if line == crate::runtime::NO_LINE {
        // Code without a line number (3.12's inlined comprehension cleanup).
        let _ = writeln!(out, "{}:-1: {text}", source.path);
        if text.starts_with("RuntimeWarning: coroutine ") {
            out.push_str("RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
        }
    } else if line > 0 {
        let _ = writeln!(out, "{}:{line}: {text}", source.path);
        if let Some(code) = source.line(line as usize) {
            let _ = writeln!(out, "  {}", code.trim());
        }
        if text.starts_with("RuntimeWarning: coroutine ") {
            out.push_str("RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
        }
    } else {
        out.push_str(text);
        out.push('\n');
    }
    if let Some(f) = error {
        traceback::write(&mut out, f, source);
    }
    out
}

pub(crate) fn wait_text(on: &WaitOn<'_>, tasks: &Tasks<'_>) -> String {
    let mut out = String::new();
    push_wait_text(on, tasks, &mut out);
    out
}

/// What woke a task, as the human view says it after `wake` ("Task-2
/// released `lock`"); empty when nothing more precise than the loop is known.
pub(crate) fn push_cause_text(cause: &Cause<'_>, subject: u32, tasks: &Tasks<'_>, out: &mut String) {
    match *cause {
        Cause::Slept => out.push_str("its sleep ended"),
        Cause::Deadline => out.push_str("the deadline passed"),
        Cause::Op { by, op, prim } => {
            tasks.name(by).push_to(out);
            out.push(' ');
            out.push_str(op.past());
            out.push_str(" `");
            out.push_str(prim);
            out.push('`');
        }
        Cause::Finished(t) => {
            tasks.name(t).push_to(out);
            out.push_str(" finished");
        }
        Cause::Cancel(by) => {
            out.push_str("cancelled");
            push_canceller_text(by, subject, tasks, out);
        }
        Cause::Task(t) => {
            out.push_str("by ");
            tasks.name(t).push_to(out);
        }
        Cause::Loop => {}
    }
}

/// Who cancelled task `subject`, after "cancelled" or "cancel requested"
/// (" by Task-1").
pub(crate) fn push_canceller_text(by: Canceller, subject: u32, tasks: &Tasks<'_>, out: &mut String) {
    match by {
        Canceller::TaskGroup(t) if t == subject => out.push_str(" by its TaskGroup"),
        Canceller::Task(t) => {
            out.push_str(" by ");
            tasks.name(t).push_to(out);
        }
        Canceller::TaskGroup(t) => {
            out.push_str(" by the TaskGroup of ");
            tasks.name(t).push_to(out);
        }
        Canceller::Shutdown => out.push_str(" by asyncio.run() at shutdown"),
        Canceller::Timeout => out.push_str(": its timeout expired"),
        Canceller::Loop => out.push_str(" by the loop"),
    }
}

/// [`wait_text`], appended to `out` (no allocation once `out` has room).
pub(crate) fn push_wait_text(on: &WaitOn<'_>, tasks: &Tasks<'_>, out: &mut String) {
    let plural = |n: &usize| if *n == 1 { "" } else { "s" };
    let quoted = |out: &mut String, what: &str, n: &str, rest: &str| {
        out.push_str(what);
        out.push_str(" `");
        out.push_str(n);
        out.push_str("` ");
        out.push_str(rest);
    };
    match on {
        WaitOn::Lock(n, Some(h)) => {
            quoted(out, "lock", n, "(held by ");
            tasks.name(*h).push_to(out);
            out.push(')');
        }
        WaitOn::Lock(n, None) => quoted(out, "lock", n, "(handed to an earlier waiter)"),
        WaitOn::Semaphore(n) => quoted(out, "semaphore", n, "(no free unit)"),
        WaitOn::Event(n) => {
            quoted(out, "event", n, "");
            out.pop();
        }
        WaitOn::Task(t) => tasks.name(*t).push_to(out),
        WaitOn::Gather(n) => {
            let _ = write!(out, "gather of {n} awaitable{}", plural(n));
        }
        WaitOn::Wait(n, until) => {
            let _ = write!(out, "asyncio.wait of {n} task{} ({until})", plural(n));
        }
        WaitOn::AsCompleted(n) => {
            let _ = write!(out, "as_completed: the next of {n} task{}", plural(n));
        }
        WaitOn::Queue(q, what) => {
            quoted(out, "queue", q, "(");
            out.push_str(what);
            out.push(')');
        }
        WaitOn::Condition(c) => quoted(out, "condition", c, "(a notify)"),
        WaitOn::TaskGroup(n) => {
            let _ = write!(out, "task group ({n} task{} left)", plural(n));
        }
    }
}

/// Appends `s` escaped for XML (and HTML) text and attribute values;
/// characters XML 1.0 cannot hold at all (control characters other than
/// tab, newline and carriage return, U+FFFE, U+FFFF) become `?`.
pub(crate) fn push_xml_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('?'),
            c => out.push(c),
        }
    }
}

/// The last line of the text views: `== elapsed 2.000s · 4 tasks · ok`
/// (`stopped at 1.5s (--until)` for a run `--until` stopped).
pub(crate) fn end_line(end: &RunEnd) -> String {
    let n = end.tasks;
    let outcome = match end.outcome {
        Outcome::Stopped(t) => format!("stopped at {}s (--until)", crate::value::pyfmt::float_repr(t)),
        ref o => outcome_word(o).to_owned(),
    };
    format!("== elapsed {:.3}s · {n} task{} · {outcome}", end.elapsed, if n == 1 { "" } else { "s" })
}
