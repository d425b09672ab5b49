//! `asim run --format json`: JSON Lines, one object per event as it
//! happens, then an `end` object. Each line is written straight into the
//! buffered writer, keys in sorted order (the order of the format since
//! its first version), with no intermediate JSON value.

use super::{outcome_word, push_wait_text, Streams};
use crate::runtime::{Canceller, Cause, Event, EventKind, Failure, Link, Outcome, RunEnd, Sink, Tasks};
use std::io;

/// The version of the event schema (docs/events.md), in the `end` object:
/// raised when a kind or key is renamed or removed, not when one is added.
pub const SCHEMA: u32 = 2;

/// The JSON Lines view.
pub struct JsonView<'w> {
    streams: Streams<'w>,
    /// Whole lines not yet handed to the writer; the line being built is
    /// appended to them. They go out in blocks of about [`BLOCK`] bytes, and
    /// whenever the streams are due a flush.
    line: Vec<u8>,
    /// Reused for text that needs formatting (a repr, a call).
    scratch: String,
    /// The last event time and its JSON text: the events of one loop
    /// iteration share their time.
    last_t: (u64, Vec<u8>),
}

impl<'w> JsonView<'w> {
    /// A view writing to these streams (JSON on stdout; nothing on stderr).
    pub fn new(streams: Streams<'w>) -> Self {
        let last_t = (f64::NAN.to_bits(), b"null".to_vec());
        JsonView { streams, line: Vec::with_capacity(BLOCK + 1024), scratch: String::new(), last_t }
    }

    /// Hands the buffered lines to the writer.
    fn write_out(&mut self) -> io::Result<()> {
        let r = self.streams.out.write_all(&self.line);
        self.line.clear();
        r
    }
}

/// See [`JsonView::line`]. As large as the `BufWriter` the command line
/// gives the view (`cli.rs`), so that a block skips its buffer and goes
/// straight to the file instead of being copied once more.
const BLOCK: usize = 64 * 1024;

/// A JSON string. Most (calls such as `worker(5)`, results, plain
/// prints) need no escaping: those are copied as they are.
pub(crate) fn string(w: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') {
        w.reserve(s.len() + 2);
        w.push(b'"');
        w.extend_from_slice(s.as_bytes());
        w.push(b'"');
    } else {
        serde_json::to_writer(&mut *w, s).expect("writing to a Vec cannot fail");
    }
}

/// A JSON number, as serde_json prints an `f64` (`1.0`, `1e-7`; `null` if not finite).
fn number(w: &mut Vec<u8>, x: f64) {
    serde_json::to_writer(&mut *w, &x).expect("writing to a Vec cannot fail");
}

/// A task's name as a JSON string; `Task-N` needs no escaping.
pub(crate) fn name(w: &mut Vec<u8>, scratch: &mut String, tasks: &Tasks<'_>, t: u32) {
    let n = tasks.name(t);
    match n.number() {
        Some(k) => {
            w.extend_from_slice(b"\"Task-");
            crate::runtime::push_u32_bytes(w, k);
            w.push(b'"');
        }
        None => {
            scratch.clear();
            n.push_to(scratch);
            string(w, scratch);
        }
    }
}

/// `"key":`, after a comma unless it is the first.
/// An exception of the end object: `type`, `message`, `traceback` (the
/// scenario frames, outermost first), and when there are any, `chain` (the
/// exceptions Python's report shows before it, earliest first, each with the
/// `link` to the next) and a group's `exceptions`. Keys in sorted order.
fn failure(w: &mut Vec<u8>, f: &Failure, link: Option<Link>) {
    w.push(b'{');
    if !f.chain.is_empty() {
        w.extend_from_slice(b"\"chain\":[");
        for (i, (earlier, link)) in f.chain.iter().enumerate() {
            if i > 0 {
                w.push(b',');
            }
            failure(w, earlier, Some(*link));
        }
        w.extend_from_slice(b"],");
    }
    if !f.exceptions.is_empty() {
        w.extend_from_slice(b"\"exceptions\":[");
        for (i, x) in f.exceptions.iter().enumerate() {
            if i > 0 {
                w.push(b',');
            }
            failure(w, x, None);
        }
        w.extend_from_slice(b"],");
    }
    if let Some(link) = link {
        w.extend_from_slice(b"\"link\":");
        string(w, link.word());
        w.push(b',');
    }
    w.extend_from_slice(b"\"message\":");
    string(w, &f.message);
    w.extend_from_slice(b",\"traceback\":[");
    for (i, (coro, line, _)) in f.traceback.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        w.extend_from_slice(b"{\"coroutine\":");
        string(w, coro);
        w.extend_from_slice(b",\"line\":");
        w.extend_from_slice(itoa::Buffer::new().format(*line).as_bytes());
        w.push(b'}');
    }
    w.extend_from_slice(b"],\"type\":");
    string(w, &f.kind);
    w.push(b'}');
}

/// Who cancelled: `{"kind": "task", "task": "Task-1"}` (`task` only for a
/// task or a TaskGroup's parent).
fn canceller(w: &mut Vec<u8>, scratch: &mut String, tasks: &Tasks<'_>, by: Canceller) {
    w.extend_from_slice(b"{\"kind\":\"");
    w.extend_from_slice(by.word().as_bytes());
    w.push(b'"');
    if let Some(t) = by.task() {
        w.extend_from_slice(b",\"task\":");
        name(w, scratch, tasks, t);
    }
    w.push(b'}');
}

/// What woke a task: `{"kind": "release", "prim": "lock", "task": "Task-2"}`;
/// a cancellation adds `by` (a [`canceller`] object).
fn cause(w: &mut Vec<u8>, scratch: &mut String, tasks: &Tasks<'_>, c: &Cause<'_>) {
    w.push(b'{');
    if let Cause::Cancel(by) = c {
        w.extend_from_slice(b"\"by\":");
        canceller(w, scratch, tasks, *by);
        w.push(b',');
    }
    w.extend_from_slice(b"\"kind\":\"");
    w.extend_from_slice(c.word().as_bytes());
    w.push(b'"');
    if let Cause::Op { prim, .. } = c {
        w.extend_from_slice(b",\"prim\":");
        string(w, prim);
    }
    match c {
        Cause::Op { by: t, .. } | Cause::Finished(t) | Cause::Task(t) => {
            w.extend_from_slice(b",\"task\":");
            name(w, scratch, tasks, *t);
        }
        _ => {}
    }
    w.push(b'}');
}

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
            EventKind::Print(text) | EventKind::Warning(text, None, _) => string(w, text),
            EventKind::Warning(_, Some(f), _) => failure(w, f, None),
            EventKind::Start => {
                scratch.clear();
                tasks.push_call(e.task, scratch);
                string(w, scratch);
            }
            EventKind::Spawn(c) => name(w, scratch, tasks, c),
            EventKind::Cancel(by) => canceller(w, scratch, tasks, by),
            EventKind::Wake { cause: c, .. } => cause(w, scratch, tasks, &c),
            EventKind::Prim(_, prim) => string(w, prim),
            EventKind::Sleep(x) | EventKind::Block(x) => number(w, x),
            EventKind::Wait(on) => {
                scratch.clear();
                push_wait_text(&on, tasks, scratch);
                string(w, scratch);
            }
            EventKind::Done(v) => {
                scratch.clear();
                v.0.write_repr(scratch);
                string(w, scratch);
            }
            EventKind::SetOrder { site, order, n } => {
                scratch.clear();
                let _ = std::fmt::Write::write_fmt(scratch, format_args!("{order}"));
                string(w, scratch);
                w.extend_from_slice(b",\"site\":\"");
                w.extend_from_slice(site.key().as_bytes());
                w.extend_from_slice(b"\",\"size\":");
                crate::runtime::push_u32_bytes(w, n);
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
        // Keys in sorted order, the event's one extra key where it sorts;
        // the constant text between the values is written in one piece:
        // `head` VALUE `mid` T `,"task":` TASK `tail`.
        macro_rules! shape {
            (None, $ev:literal) => {
                (concat!("{\"event\":\"", $ev, "\",\"t\":"), "", false, "}\n")
            };
            (BeforeEvent, $ev:literal, $k:literal) => {
                (concat!("{\"", $k, "\":"), concat!(",\"event\":\"", $ev, "\",\"t\":"), true, "}\n")
            };
            (BeforeT, $ev:literal, $k:literal) => {
                (concat!("{\"event\":\"", $ev, "\",\"", $k, "\":"), ",\"t\":", true, "}\n")
            };
            (Last, $ev:literal, $k:literal) => {
                (concat!("{\"event\":\"", $ev, "\",\"t\":"), "", false, concat!(",\"", $k, "\":"))
            };
        }
        let (head, mid, extra_first, tail): (&str, &str, bool, &str) = match e.kind {
            EventKind::Created | EventKind::Awaits(_) => return Ok(()),
            EventKind::Print(_) => shape!(Last, "print", "text"),
            EventKind::Start => shape!(BeforeEvent, "start", "call"),
            EventKind::Spawn(_) => shape!(BeforeEvent, "spawn", "child"),
            EventKind::Sleep(_) => shape!(Last, "sleep", "until"),
            EventKind::Block(_) => shape!(BeforeT, "block", "seconds"),
            EventKind::Wait(_) => shape!(BeforeT, "wait", "on"),
            EventKind::Wake { ready, .. } if ready != e.t => {
                // `cause`, then `ready` between `event` and `t`.
                self.line.extend_from_slice(b"{\"cause\":");
                self.extra(e, tasks);
                self.line.extend_from_slice(b",\"event\":\"wake\",\"ready\":");
                number(&mut self.line, ready);
                (",\"t\":", "", false, "}\n")
            }
            EventKind::Wake { .. } => shape!(BeforeEvent, "wake", "cause"),
            EventKind::Prim(op, _) => {
                self.line.extend_from_slice(b"{\"event\":\"");
                self.line.extend_from_slice(op.word().as_bytes());
                self.line.extend_from_slice(b"\",\"prim\":");
                self.extra(e, tasks);
                (",\"t\":", "", false, "}\n")
            }
            EventKind::Done(_) => shape!(BeforeT, "done", "result"),
            EventKind::Failed(..) => shape!(BeforeEvent, "raise", "error"),
            EventKind::Cancelled => shape!(None, "cancelled"),
            EventKind::Cancel(_) => shape!(BeforeEvent, "cancel", "by"),
            EventKind::TimeoutExpired => shape!(None, "timeout_expired"),
            EventKind::Warning(_, None, _) => shape!(Last, "warning", "text"),
            // `error` first, `text` last.
            EventKind::Warning(_, Some(_), _) => ("{\"error\":", ",\"event\":\"warning\",\"t\":", true, ",\"text\":"),
            EventKind::SetOrder { .. } => shape!(BeforeT, "set_order", "order"),
        };
        self.line.extend_from_slice(head.as_bytes());
        if extra_first {
            self.extra(e, tasks);
            self.line.extend_from_slice(mid.as_bytes());
        }
        if self.last_t.0 != e.t.to_bits() {
            self.last_t.1.clear();
            number(&mut self.last_t.1, e.t);
            self.last_t.0 = e.t.to_bits();
        }
        self.line.extend_from_slice(&self.last_t.1);
        self.line.extend_from_slice(b",\"task\":");
        name(&mut self.line, &mut self.scratch, tasks, e.task);
        if tail == "}\n" {
            self.line.extend_from_slice(b"}\n");
        } else {
            self.line.extend_from_slice(tail.as_bytes());
            match e.kind {
                EventKind::Warning(text, Some(_), _) => string(&mut self.line, text),
                _ => self.extra(e, tasks),
            }
            self.line.extend_from_slice(b"}\n");
        }
        if self.line.len() >= BLOCK {
            self.write_out()?;
        }
        Ok(())
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        if self.streams.due() {
            self.write_out()?;
            self.streams.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.write_out()?;
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
            Outcome::Error(f) => failure(&mut w, f, None),
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
        key(&mut w, &mut first, "python");
        string(&mut w, end.python.as_str());
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
        key(&mut w, &mut first, "schema");
        w.extend_from_slice(itoa::Buffer::new().format(SCHEMA).as_bytes());
        key(&mut w, &mut first, "t");
        number(&mut w, end.elapsed);
        key(&mut w, &mut first, "tasks");
        w.extend_from_slice(end.tasks.to_string().as_bytes());
        if let Outcome::Stopped(until) = end.outcome {
            key(&mut w, &mut first, "until");
            number(&mut w, until);
        }
        w.extend_from_slice(b"}\n");
        self.streams.out.write_all(&w)?;
        self.streams.flush()
    }
}

#[cfg(test)]
mod string_tests {
    /// The copy-as-is path writes exactly what serde_json writes.
    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for s in ["", "worker(5)", "a \"q\" b", "back\\slash", "tab\there", "nl\n", "\u{7f}", "é ∑ 😀", "\u{1}x"] {
            let mut ours = Vec::new();
            super::string(&mut ours, s);
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
