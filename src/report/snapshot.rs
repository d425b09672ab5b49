//! The snapshot view (`asim test`): what a test pins down about a run, as
//! text that reads well and diffs well. Each print and each warning is a
//! line with its virtual time (Python's `repr` of `loop.time()`) and task;
//! then the end: the explanation of an error, deadlock or limit as the
//! other views give it, the outcome, the elapsed time, the task count and
//! the exit status.
//!
//! ```text
//! 0.0 Task-2 | start a.example
//! 1.0 Task-2 | done a.example
//! 2.0 Task-1 | sizes [9, 9, 9]
//! --
//! outcome: ok
//! elapsed: 2.0
//! tasks: 4
//! exit: 0
//! ```

use super::epilogue;
use crate::runtime::{Event, EventKind, Interest, Outcome, RunEnd, Sink, Tasks};
use crate::source::Source;
use crate::value::pyfmt::float_repr;
use std::fmt::Write as _;
use std::io;

/// The first line of every snapshot file: what it is, the CPython
/// release the run reproduced, and how to update it; `full` for a snapshot
/// of the whole human view (`asim test --full`).
pub fn header(python: crate::version::Python, full: bool) -> String {
    if full {
        format!("# asim snapshot (python {python}, --full): `asim test --full --review` or `--accept` updates it")
    } else {
        format!("# asim snapshot (python {python}): `asim test --review` or `--accept` updates it")
    }
}

/// Builds the snapshot of one run in memory (a test compares it whole).
pub struct SnapshotView<'s> {
    text: String,
    source: &'s Source,
    /// The size the text may reach; past it, the rest is cut (a runaway
    /// stops at a run limit first; this bounds a test of many scenarios).
    cap: usize,
    cut: bool,
    /// The last time written, and its text.
    last_t: f64,
    last_t_text: String,
}

impl<'s> SnapshotView<'s> {
    /// A view of a run of `source`, keeping at most `cap` bytes of lines.
    pub fn new(source: &'s Source, cap: usize) -> Self {
        SnapshotView { text: String::new(), source, cap, cut: false, last_t: f64::NAN, last_t_text: String::new() }
    }

    /// The snapshot text so far (all of it once the run has finished),
    /// without the trailer that [`SnapshotView::finish_with`] adds.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Appends the run's verdict lines: the exit status, and what the
    /// `expect:` block said.
    pub fn finish_with(&mut self, exit: i32, expect: Option<&str>) {
        if let Some(e) = expect {
            let _ = writeln!(self.text, "expect: {e}");
        }
        let _ = writeln!(self.text, "exit: {exit}");
    }

    fn line(&mut self, t: f64, task: &str, mark: &str, text: &str) {
        if self.cut {
            return;
        }
        if self.text.len() > self.cap {
            let _ = writeln!(self.text, "[snapshot cut here: more than {} bytes]", self.cap);
            self.cut = true;
            return;
        }
        if t.to_bits() != self.last_t.to_bits() {
            self.last_t = t;
            self.last_t_text = float_repr(t);
        }
        let mut lines = text.split('\n');
        let first = lines.next().unwrap_or("");
        let _ = writeln!(self.text, "{} {task} {mark} {first}", self.last_t_text);
        // A print with newlines in it is one event: its other lines are
        // indented under the first, so two prints never read as one.
        let indent = self.last_t_text.len() + task.len() + 2;
        for more in lines {
            let _ = writeln!(self.text, "{:indent$}{mark} {more}", "");
        }
    }
}

impl Sink for SnapshotView<'_> {
    fn interest(&self) -> Interest {
        Interest::PRINTS.with(Interest::WARNINGS)
    }

    fn event(&mut self, event: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        match event.kind {
            EventKind::Print(text) => self.line(event.t, &tasks.name(event.task).to_string(), "|", text),
            EventKind::Warning(text, ..) => self.line(event.t, &tasks.name(event.task).to_string(), "warn", text),
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.text.push_str("--\n");
        let explained = epilogue(end, tasks, self.source);
        self.text.push_str(&explained);
        let outcome = match &end.outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Error(f) => format!("error {}", f.kind),
            Outcome::Deadlock(_) => "deadlock".to_owned(),
            Outcome::Limit(_) => "limit".to_owned(),
            Outcome::Stopped(_) => "stopped".to_owned(),
        };
        let _ = writeln!(self.text, "outcome: {outcome}");
        let _ = writeln!(self.text, "elapsed: {}", float_repr(end.elapsed));
        let _ = writeln!(self.text, "tasks: {}", end.tasks);
        Ok(())
    }
}
