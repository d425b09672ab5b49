//! `asim run --format json`: JSON Lines, one object per event as it
//! happens, then an `end` object. Each line is written straight into the
//! buffered writer, keys in sorted order (the order of the format since
//! its first version), with no intermediate JSON value.

use super::{outcome_word, wait_text, Streams};
use crate::runtime::{Event, EventKind, Outcome, RunEnd, Sink, Tasks};
use std::io::{self, Write};

/// The JSON Lines view.
pub struct JsonView<'w> {
    streams: Streams<'w>,
    /// Reused for values that need formatting (a repr, a name).
    scratch: String,
}

impl<'w> JsonView<'w> {
    /// A view writing to these streams (JSON on stdout; nothing on stderr).
    pub fn new(streams: Streams<'w>) -> Self {
        JsonView { streams, scratch: String::new() }
    }
}

/// A JSON string.
fn string(w: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *w, s).map_err(io::Error::from)
}

/// A JSON number, as serde_json prints an `f64` (`1.0`, `1e-7`; `null` if not finite).
fn number(w: &mut dyn Write, x: f64) -> io::Result<()> {
    serde_json::to_writer(&mut *w, &x).map_err(io::Error::from)
}

/// `"key":` after a comma unless it is the first.
fn key(w: &mut dyn Write, first: &mut bool, k: &str) -> io::Result<()> {
    if !std::mem::take(first) {
        w.write_all(b",")?;
    }
    write!(w, "\"{k}\":")
}

impl Sink for JsonView<'_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        use std::fmt::Write as _;
        let (name, extra): (&str, Option<&str>) = match e.kind {
            EventKind::Created => return Ok(()),
            EventKind::Print(_) => ("print", Some("text")),
            EventKind::Start => ("start", Some("call")),
            EventKind::Spawn(_) => ("spawn", Some("child")),
            EventKind::Sleep(_) => ("sleep", Some("until")),
            EventKind::Block(_) => ("block", Some("seconds")),
            EventKind::Wait(_) => ("wait", Some("on")),
            EventKind::Wake => ("wake", None),
            EventKind::Done(_) => ("done", Some("result")),
            EventKind::Failed(..) => ("raise", Some("error")),
            EventKind::Cancelled => ("cancelled", None),
            EventKind::ShutdownCancel => ("shutdown_cancel", None),
            EventKind::CancelRequested(_) => ("cancel_requested", Some("by")),
            EventKind::TimeoutExpired => ("timeout_expired", None),
            EventKind::Warning(_) => ("warning", Some("text")),
        };
        let w: &mut dyn Write = &mut *self.streams.out;
        w.write_all(b"{")?;
        let mut first = true;
        // Keys sorted: the extra key goes before "event" when it sorts so.
        let write_extra = |w: &mut dyn Write, first: &mut bool, scratch: &mut String| -> io::Result<()> {
            let Some(k) = extra else { return Ok(()) };
            key(w, first, k)?;
            match e.kind {
                EventKind::Print(text) | EventKind::Warning(text) => string(w, text),
                EventKind::Start => string(w, &tasks.call(e.task)),
                EventKind::Spawn(c) | EventKind::CancelRequested(c) => {
                    scratch.clear();
                    let _ = write!(scratch, "{}", tasks.name(c));
                    string(w, scratch)
                }
                EventKind::Sleep(x) | EventKind::Block(x) => number(w, x),
                EventKind::Wait(on) => string(w, &wait_text(&on, tasks)),
                EventKind::Done(v) => {
                    scratch.clear();
                    let _ = write!(scratch, "{v}");
                    string(w, scratch)
                }
                EventKind::Failed(kind, message) => {
                    w.write_all(b"{\"message\":")?;
                    string(w, message)?;
                    w.write_all(b",\"type\":")?;
                    string(w, kind)?;
                    w.write_all(b"}")
                }
                _ => Ok(()),
            }
        };
        let extra_first = extra.is_some_and(|k| k < "event");
        if extra_first {
            write_extra(w, &mut first, &mut self.scratch)?;
        }
        key(w, &mut first, "event")?;
        string(w, name)?;
        if extra.is_some_and(|k| k > "event" && k < "t") {
            write_extra(w, &mut first, &mut self.scratch)?;
        }
        key(w, &mut first, "t")?;
        number(w, e.t)?;
        key(w, &mut first, "task")?;
        self.scratch.clear();
        let _ = write!(self.scratch, "{}", tasks.name(e.task));
        string(w, &self.scratch)?;
        if extra.is_some_and(|k| k > "task") {
            write_extra(w, &mut first, &mut self.scratch)?;
        }
        w.write_all(b"}\n")
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        self.streams.tick()
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        let w: &mut dyn Write = &mut *self.streams.out;
        let name = |t: u32| tasks.name(t).to_string();
        w.write_all(b"{")?;
        let mut first = true;
        if let Outcome::Deadlock(d) = &end.outcome {
            key(w, &mut first, "blocked")?;
            w.write_all(b"[")?;
            for (i, b) in d.blocked.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                w.write_all(b"{\"on\":")?;
                string(w, &b.on)?;
                w.write_all(b",\"task\":")?;
                string(w, &name(b.task))?;
                w.write_all(b"}")?;
            }
            w.write_all(b"]")?;
            key(w, &mut first, "cycle")?;
            match &d.cycle {
                None => w.write_all(b"null")?,
                Some(c) => {
                    w.write_all(b"[")?;
                    for (i, t) in c.iter().enumerate() {
                        if i > 0 {
                            w.write_all(b",")?;
                        }
                        string(w, &name(*t))?;
                    }
                    w.write_all(b"]")?;
                }
            }
        }
        key(w, &mut first, "elapsed")?;
        number(w, end.elapsed)?;
        key(w, &mut first, "error")?;
        match &end.outcome {
            Outcome::Error { kind, message, .. } => {
                w.write_all(b"{\"message\":")?;
                string(w, message)?;
                w.write_all(b",\"type\":")?;
                string(w, kind)?;
                w.write_all(b"}")?;
            }
            _ => w.write_all(b"null")?,
        }
        key(w, &mut first, "event")?;
        string(w, "end")?;
        if let Outcome::Limit(limit) = &end.outcome {
            key(w, &mut first, "limit")?;
            string(w, &limit.message)?;
        }
        key(w, &mut first, "outcome")?;
        string(w, outcome_word(&end.outcome))?;
        if let Outcome::Limit(limit) = &end.outcome {
            key(w, &mut first, "running")?;
            w.write_all(b"[")?;
            for (i, (t, place)) in limit.running.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                w.write_all(b"{\"at\":")?;
                string(w, place)?;
                w.write_all(b",\"task\":")?;
                string(w, &name(*t))?;
                w.write_all(b"}")?;
            }
            w.write_all(b"]")?;
        }
        key(w, &mut first, "t")?;
        number(w, end.elapsed)?;
        key(w, &mut first, "tasks")?;
        write!(w, "{}", end.tasks)?;
        w.write_all(b"}\n")?;
        self.streams.flush()
    }
}
