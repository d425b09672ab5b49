//! `asim run --format json`: JSON Lines, one object per event as it
//! happens, then an `end` object. Each line is written straight into the
//! buffered writer, keys in sorted order (the order of the format since
//! its first version), with no intermediate JSON value.

use super::{outcome_word, wait_text, Streams};
use crate::runtime::{Event, EventKind, Outcome, RunEnd, Sink, Tasks};
use std::io;

/// The JSON Lines view.
pub struct JsonView<'w> {
    streams: Streams<'w>,
    /// The line being built, written out whole.
    line: Vec<u8>,
    /// Reused for text that needs formatting (a repr, a call).
    scratch: String,
}

impl<'w> JsonView<'w> {
    /// A view writing to these streams (JSON on stdout; nothing on stderr).
    pub fn new(streams: Streams<'w>) -> Self {
        JsonView { streams, line: Vec::with_capacity(256), scratch: String::new() }
    }
}

/// A JSON string.
fn string(w: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *w, s).expect("writing to a Vec cannot fail");
}

/// A JSON number, as serde_json prints an `f64` (`1.0`, `1e-7`; `null` if not finite).
fn number(w: &mut Vec<u8>, x: f64) {
    serde_json::to_writer(&mut *w, &x).expect("writing to a Vec cannot fail");
}

/// A task's name as a JSON string; `Task-N` needs no escaping.
fn name(w: &mut Vec<u8>, scratch: &mut String, tasks: &Tasks<'_>, t: u32) {
    let n = tasks.name(t);
    scratch.clear();
    n.push_to(scratch);
    if n.number().is_some() {
        w.push(b'"');
        w.extend_from_slice(scratch.as_bytes());
        w.push(b'"');
    } else {
        string(w, scratch);
    }
}

/// `"key":`, after a comma unless it is the first.
fn key(w: &mut Vec<u8>, first: &mut bool, k: &str) {
    if !std::mem::take(first) {
        w.push(b',');
    }
    w.push(b'"');
    w.extend_from_slice(k.as_bytes());
    w.extend_from_slice(b"\":");
}

impl JsonView<'_> {
    /// The value of an event's one extra key.
    fn extra(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) {
        let (w, scratch) = (&mut self.line, &mut self.scratch);
        match e.kind {
            EventKind::Print(text) | EventKind::Warning(text) => string(w, text),
            EventKind::Start => {
                scratch.clear();
                tasks.push_call(e.task, scratch);
                string(w, scratch);
            }
            EventKind::Spawn(c) | EventKind::CancelRequested(c) => name(w, scratch, tasks, c),
            EventKind::Sleep(x) | EventKind::Block(x) => number(w, x),
            EventKind::Wait(on) => string(w, &wait_text(&on, tasks)),
            EventKind::Done(v) => {
                scratch.clear();
                v.0.write_repr(scratch);
                string(w, scratch);
            }
            EventKind::Failed(kind, message) => {
                w.extend_from_slice(b"{\"message\":");
                string(w, message);
                w.extend_from_slice(b",\"type\":");
                string(w, kind);
                w.push(b'}');
            }
            _ => {}
        }
    }
}

impl Sink for JsonView<'_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        let (event, extra): (&str, Option<&str>) = match e.kind {
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
        self.line.clear();
        self.line.push(b'{');
        let mut first = true;
        // Keys in sorted order: the extra key goes where it sorts.
        let before = |k: &str| extra.is_some_and(|x| x < k);
        if before("event") {
            key(&mut self.line, &mut first, extra.unwrap_or_default());
            self.extra(e, tasks);
        }
        key(&mut self.line, &mut first, "event");
        self.line.push(b'"');
        self.line.extend_from_slice(event.as_bytes());
        self.line.push(b'"');
        if extra.is_some_and(|x| x > "event" && x < "t") {
            key(&mut self.line, &mut first, extra.unwrap_or_default());
            self.extra(e, tasks);
        }
        key(&mut self.line, &mut first, "t");
        number(&mut self.line, e.t);
        key(&mut self.line, &mut first, "task");
        name(&mut self.line, &mut self.scratch, tasks, e.task);
        if extra.is_some_and(|x| x > "task") {
            key(&mut self.line, &mut first, extra.unwrap_or_default());
            self.extra(e, tasks);
        }
        self.line.extend_from_slice(b"}\n");
        self.streams.out.write_all(&self.line)
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        self.streams.tick()
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        let mut w = std::mem::take(&mut self.line);
        let scratch = &mut self.scratch;
        w.clear();
        w.push(b'{');
        let mut first = true;
        if let Outcome::Deadlock(d) = &end.outcome {
            key(&mut w, &mut first, "blocked");
            w.push(b'[');
            for (i, b) in d.blocked.iter().enumerate() {
                if i > 0 {
                    w.push(b',');
                }
                w.extend_from_slice(b"{\"on\":");
                string(&mut w, &b.on);
                w.extend_from_slice(b",\"task\":");
                name(&mut w, scratch, tasks, b.task);
                w.push(b'}');
            }
            w.push(b']');
            key(&mut w, &mut first, "cycle");
            match &d.cycle {
                None => w.extend_from_slice(b"null"),
                Some(c) => {
                    w.push(b'[');
                    for (i, t) in c.iter().enumerate() {
                        if i > 0 {
                            w.push(b',');
                        }
                        name(&mut w, scratch, tasks, *t);
                    }
                    w.push(b']');
                }
            }
        }
        key(&mut w, &mut first, "elapsed");
        number(&mut w, end.elapsed);
        key(&mut w, &mut first, "error");
        match &end.outcome {
            Outcome::Error { kind, message, .. } => {
                w.extend_from_slice(b"{\"message\":");
                string(&mut w, message);
                w.extend_from_slice(b",\"type\":");
                string(&mut w, kind);
                w.push(b'}');
            }
            _ => w.extend_from_slice(b"null"),
        }
        key(&mut w, &mut first, "event");
        string(&mut w, "end");
        if let Outcome::Limit(limit) = &end.outcome {
            key(&mut w, &mut first, "limit");
            string(&mut w, &limit.message);
        }
        key(&mut w, &mut first, "outcome");
        string(&mut w, outcome_word(&end.outcome));
        if let Outcome::Limit(limit) = &end.outcome {
            key(&mut w, &mut first, "running");
            w.push(b'[');
            for (i, (t, place)) in limit.running.iter().enumerate() {
                if i > 0 {
                    w.push(b',');
                }
                w.extend_from_slice(b"{\"at\":");
                string(&mut w, place);
                w.extend_from_slice(b",\"task\":");
                name(&mut w, scratch, tasks, *t);
                w.push(b'}');
            }
            w.push(b']');
            key(&mut w, &mut first, "running_more");
            w.extend_from_slice(limit.more.to_string().as_bytes());
        }
        key(&mut w, &mut first, "t");
        number(&mut w, end.elapsed);
        key(&mut w, &mut first, "tasks");
        w.extend_from_slice(end.tasks.to_string().as_bytes());
        w.extend_from_slice(b"}\n");
        self.streams.out.write_all(&w)?;
        self.streams.flush()
    }
}
