//! `asim run --format perfetto`: the run as a Chrome Trace Event Format
//! JSON file, which ui.perfetto.dev and chrome://tracing open.
//!
//! One process (`asim: SCENARIO`), one thread track per task (its `tid` is
//! its creation index plus one, so main is the process's main thread), in
//! virtual microseconds:
//!
//! - complete (`X`) slices for the states [`Lanes`] reports: `ready`,
//!   `sleeping`, blocked (named by what it waits on: ``lock `db` ``,
//!   `Task-3`, `gather of 3`...), `time.sleep` (a `block` stalling the
//!   loop), and a `running` slice, of no duration, for every step a task
//!   takes (a step takes no virtual time);
//! - instant (`i`) events for prints, results, raises, cancellations,
//!   operations on primitives, timeouts and warnings;
//! - flow (`s`/`f`) arrows from the task that spawned or woke another
//!   (released the lock, set the event, finished, cancelled it) to the
//!   woken task's next `running` slice;
//! - a counter (`C`) of each primitive's waiters (a woken waiter counts
//!   until it runs); who holds a lock shows in its `acquire` and
//!   `release` instants.
//!
//! Events are written as they come, into one reused buffer handed to the
//! writer in blocks: memory follows the live tasks, never the length of
//! the run. A state's slice is written when it ends, so a track's slices
//! appear in time order (an instant that happens to a task in a state, a
//! cancellation request, is written before the state's slice); a step's
//! slice is written when it starts, after the arrows that lead to it; an
//! arrow is written when the woken task runs.

use super::json::{name as json_name, string};
use super::lanes::{Blocked, Lanes, Segment, State};
use super::{outcome_word, Streams};
use crate::runtime::{Canceller, Cause, Event, EventKind, Outcome, RunEnd, Sink, Tasks};
use std::io;

/// Written to the writer in blocks of about this many bytes.
const BLOCK: usize = 64 * 1024;

/// What the view keeps per task: who spawned it ([`NONE`]: the run
/// itself) and when.
#[derive(Debug, Clone, Copy)]
struct Track {
    parent: u32,
    spawned_at: f64,
}

const NONE: u32 = u32::MAX;

impl Default for Track {
    fn default() -> Self {
        Track { parent: NONE, spawned_at: 0.0 }
    }
}

/// The waiters of one primitive (by [`Lanes`]' interned name).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    waiters: u32,
    changed: bool,
}

/// The Perfetto view.
pub struct PerfettoView<'w> {
    streams: Streams<'w>,
    scenario: String,
    lanes: Lanes,
    tracks: Vec<Track>,
    prims: Vec<Counts>,
    /// Segments closed by the event being handled (reused).
    segs: Vec<Segment>,
    /// The JSON not yet handed to the writer.
    buf: Vec<u8>,
    /// Reused for text that needs building (a slice name, a repr).
    scratch: String,
    scratch2: String,
    /// Flows written so far: the next flow's id.
    flows: u64,
    /// The primitives whose waiters changed at `now`: their counters are
    /// written once time moves on (a thousand tasks queueing on a lock at
    /// one instant make one counter event).
    changed: Vec<u32>,
    now: f64,
    /// The last timestamp written, in nanoseconds, and its text: the
    /// events of one loop iteration share their time.
    last_ts: (i64, Vec<u8>),
    /// The last track's `tid` and its digits: events of one task come in runs.
    last_tid: (u32, Vec<u8>),
}

impl<'w> PerfettoView<'w> {
    /// A view of the scenario named `scenario`, writing to these streams
    /// (the trace on stdout; nothing on stderr).
    pub fn new(streams: Streams<'w>, scenario: &str) -> Self {
        let mut buf = Vec::with_capacity(BLOCK + 4096);
        buf.extend_from_slice(b"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        buf.extend_from_slice(b"{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":");
        string(&mut buf, &format!("asim: {scenario}"));
        buf.extend_from_slice(b"}}");
        PerfettoView {
            streams,
            scenario: scenario.to_owned(),
            lanes: Lanes::new(),
            tracks: Vec::new(),
            prims: Vec::new(),
            segs: Vec::new(),
            buf,
            scratch: String::new(),
            scratch2: String::new(),
            flows: 0,
            changed: Vec::new(),
            now: 0.0,
            last_ts: (0, b"0".to_vec()),
            last_tid: (u32::MAX, Vec::new()),
        }
    }

    fn track(&mut self, t: u32) -> &mut Track {
        let i = t as usize;
        if self.tracks.len() <= i {
            self.tracks.resize(i + 1, Track::default());
        }
        &mut self.tracks[i]
    }

    fn counts(&mut self, p: u32) -> &mut Counts {
        let i = p as usize;
        if self.prims.len() <= i {
            self.prims.resize(i + 1, Counts::default());
        }
        &mut self.prims[i]
    }

    /// Starts an event on task `t`'s track: `,\n{"ph":"P","pid":1,"tid":N`.
    fn head(&mut self, ph: u8, t: u32) {
        self.buf.extend_from_slice(b",\n{\"ph\":\"");
        self.buf.push(ph);
        self.buf.extend_from_slice(b"\",\"pid\":1,\"tid\":");
        if self.last_tid.0 != t {
            self.last_tid.1.clear();
            crate::runtime::push_u32_bytes(&mut self.last_tid.1, t + 1);
            self.last_tid.0 = t;
        }
        self.buf.extend_from_slice(&self.last_tid.1);
    }

    /// `,"ts":T`.
    fn ts(&mut self, at: f64) {
        self.buf.extend_from_slice(b",\"ts\":");
        self.put_ts(nanos(at));
    }

    /// A timestamp, in microseconds.
    fn put_ts(&mut self, ns: i64) {
        if self.last_ts.0 != ns {
            self.last_ts.1.clear();
            micros(&mut self.last_ts.1, ns);
            self.last_ts.0 = ns;
        }
        self.buf.extend_from_slice(&self.last_ts.1);
    }

    /// A task's name as a JSON string.
    fn task_name(&mut self, tasks: &Tasks<'_>, t: u32) {
        json_name(&mut self.buf, &mut self.scratch2, tasks, t);
    }

    /// A complete slice on task `t`'s track from `start` to `end`, with
    /// its name, category and the start of its args (`None`: no args).
    fn slice(&mut self, t: u32, start: f64, end: f64, cat: &str, name: &str) {
        self.head(b'X', t);
        let (s, e) = (nanos(start), nanos(end));
        self.buf.extend_from_slice(b",\"ts\":");
        self.put_ts(s);
        self.buf.extend_from_slice(b",\"dur\":");
        if e > s {
            micros(&mut self.buf, e - s);
        } else {
            self.buf.push(b'0');
        }
        self.buf.extend_from_slice(b",\"cat\":\"");
        self.buf.extend_from_slice(cat.as_bytes());
        self.buf.extend_from_slice(b"\",\"name\":");
        string(&mut self.buf, name);
    }

    /// The `running` slice of a step task `t` takes at `at`: a step takes
    /// no virtual time (a `block` is a slice of its own, and the step goes
    /// on in another `running` slice after it), so it is written at once,
    /// before what the step does.
    fn step(&mut self, t: u32, at: f64) {
        self.head(b'X', t);
        self.ts(at);
        self.buf.extend_from_slice(b",\"dur\":0,\"cat\":\"running\",\"name\":\"running\"}");
    }

    /// A state segment [`Lanes`] closed.
    fn segment(&mut self, s: Segment, tasks: &Tasks<'_>) {
        // An instant in a state says nothing a step's slice does not.
        if s.end <= s.start && !s.open {
            if let State::Blocked(b) = s.state {
                self.waiter_left(b);
            }
            return;
        }
        let mut name = std::mem::take(&mut self.scratch);
        name.clear();
        match s.state {
            State::Ready => name.push_str("ready"),
            State::Sleeping => name.push_str("sleeping"),
            State::Running => name.push_str("time.sleep"),
            State::Blocked(b) => self.blocked_name(b, tasks, &mut name),
        }
        self.slice(s.task, s.start, s.end, "state", &name);
        self.scratch = name;
        self.buf.extend_from_slice(b",\"args\":{\"state\":\"");
        self.buf.extend_from_slice(s.state.word().as_bytes());
        self.buf.push(b'"');
        match s.state {
            State::Running => {
                self.buf.extend_from_slice(b",\"seconds\":");
                number(&mut self.buf, s.end - s.start);
            }
            State::Blocked(b) => {
                self.buf.extend_from_slice(b",\"on\":\"");
                self.buf.extend_from_slice(b.word().as_bytes());
                self.buf.push(b'"');
                match b {
                    Blocked::Task(t) => {
                        self.buf.extend_from_slice(b",\"task\":");
                        self.task_name(tasks, t);
                    }
                    Blocked::Gather(n) | Blocked::Wait(n) | Blocked::AsCompleted(n) | Blocked::TaskGroup(n) => {
                        self.buf.extend_from_slice(b",\"n\":");
                        crate::runtime::push_u32_bytes(&mut self.buf, n);
                    }
                    _ => {
                        if let Some(p) = b.prim() {
                            self.buf.extend_from_slice(b",\"name\":");
                            string(&mut self.buf, self.lanes.name(p));
                        }
                    }
                }
            }
            _ => {}
        }
        if s.open {
            self.buf.extend_from_slice(b",\"open\":true");
        }
        self.buf.extend_from_slice(b"}}");
        if let State::Blocked(b) = s.state {
            self.waiter_left(b);
        }
    }

    /// What a blocked slice is called: what it waits on.
    fn blocked_name(&self, b: Blocked, tasks: &Tasks<'_>, out: &mut String) {
        match b {
            Blocked::Task(t) => tasks.name(t).push_to(out),
            Blocked::Gather(n) => push_n(out, "gather of ", n),
            Blocked::Wait(n) => push_n(out, "asyncio.wait of ", n),
            Blocked::AsCompleted(n) => push_n(out, "as_completed of ", n),
            Blocked::TaskGroup(n) => push_n(out, "task group of ", n),
            _ => {
                out.push_str(b.word());
                out.push_str(" `");
                out.push_str(b.prim().map_or("", |p| self.lanes.name(p)));
                out.push('`');
            }
        }
    }

    /// A waiter of a primitive stopped waiting at `at`.
    fn waiter_left(&mut self, b: Blocked) {
        if let Some(p) = b.prim() {
            let c = self.counts(p);
            c.waiters = c.waiters.saturating_sub(1);
            self.changed_waiters(p);
        }
    }

    fn changed_waiters(&mut self, p: u32) {
        let c = self.counts(p);
        if !std::mem::replace(&mut c.changed, true) {
            self.changed.push(p);
        }
    }

    /// Writes the counters that changed at `self.now`.
    fn write_counters(&mut self) {
        let changed = std::mem::take(&mut self.changed);
        for &p in &changed {
            let c = &mut self.prims[p as usize];
            c.changed = false;
            let n = c.waiters;
            self.counter(p, self.now, "waiters", n);
        }
        self.changed = changed;
        self.changed.clear();
    }

    /// `{"ph":"C",...,"name":PRIM,"args":{"KEY":N}}`: Perfetto shows the
    /// track as `PRIM KEY`.
    fn counter(&mut self, p: u32, at: f64, key: &str, n: u32) {
        self.buf.extend_from_slice(b",\n{\"ph\":\"C\",\"pid\":1");
        self.ts(at);
        self.buf.extend_from_slice(b",\"cat\":\"primitive\",\"name\":");
        string(&mut self.buf, self.lanes.name(p));
        self.buf.extend_from_slice(b",\"args\":{\"");
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
        crate::runtime::push_u32_bytes(&mut self.buf, n);
        self.buf.extend_from_slice(b"}}");
    }

    /// An instant on task `t`'s track; the caller closes the object
    /// (after args, if any).
    fn instant(&mut self, t: u32, at: f64, cat: &str, name: &str) {
        self.head(b'i', t);
        self.buf.extend_from_slice(b",\"s\":\"t\"");
        self.ts(at);
        self.buf.extend_from_slice(b",\"cat\":\"");
        self.buf.extend_from_slice(cat.as_bytes());
        self.buf.extend_from_slice(b"\",\"name\":");
        string(&mut self.buf, name);
    }

    /// An arrow from task `from` at `start` to task `to`'s next slice
    /// from `end` on: a `s` and a `f` event with one id.
    fn flow(&mut self, word: &str, from: u32, start: f64, to: u32, end: f64) {
        let id = self.flows;
        self.flows += 1;
        for (ph, t, at) in [(b's', from, start), (b'f', to, end)] {
            self.head(ph, t);
            self.ts(at);
            self.buf.extend_from_slice(b",\"cat\":\"flow\",\"name\":\"");
            self.buf.extend_from_slice(word.as_bytes());
            self.buf.extend_from_slice(b"\",\"id\":");
            self.buf.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
            self.buf.push(b'}');
        }
    }

    fn write_out(&mut self) -> io::Result<()> {
        let r = self.streams.out.write_all(&self.buf);
        self.buf.clear();
        r
    }

    /// Writes the segments the last call to [`Lanes`] closed.
    fn flush_segments(&mut self, tasks: &Tasks<'_>) {
        let segs = std::mem::take(&mut self.segs);
        for s in &segs {
            self.segment(*s, tasks);
        }
        self.segs = segs;
        self.segs.clear();
    }
}

/// `prefix` then `n`.
fn push_n(out: &mut String, prefix: &str, n: u32) {
    out.push_str(prefix);
    out.push_str(itoa::Buffer::new().format(n));
}

/// Virtual seconds as whole nanoseconds (what the trace can show), so that
/// a slice ending where the next begins shares its timestamp exactly.
fn nanos(t: f64) -> i64 {
    let ns = t * 1e9;
    if ns.is_nan() || ns <= 0.0 {
        0
    } else if ns >= 9.0e18 {
        9_000_000_000_000_000_000
    } else {
        // Rounded half up (the cast truncates): no call into libm's `round`.
        (ns + 0.5) as i64
    }
}

/// Nanoseconds as microseconds, the trace's unit: `1500`, `0.25`.
fn micros(w: &mut Vec<u8>, ns: i64) {
    let mut b = itoa::Buffer::new();
    w.extend_from_slice(b.format(ns / 1000).as_bytes());
    let frac = (ns % 1000) as u32;
    if frac != 0 {
        let digits = [b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8];
        let keep = if frac % 100 == 0 {
            1
        } else if frac % 10 == 0 {
            2
        } else {
            3
        };
        w.push(b'.');
        w.extend_from_slice(&digits[..keep]);
    }
}

/// A JSON number (seconds in args).
fn number(w: &mut Vec<u8>, x: f64) {
    serde_json::to_writer(&mut *w, &x).expect("writing to a Vec cannot fail");
}

impl Sink for PerfettoView<'_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        let t = e.task;
        if tasks.internal(t) {
            return Ok(());
        }
        if e.t != self.now {
            self.write_counters();
            self.now = e.t;
        }
        match e.kind {
            EventKind::Created => {
                for (key, sort) in [(&b"thread_name"[..], false), (&b"thread_sort_index"[..], true)] {
                    self.head(b'M', t);
                    self.buf.extend_from_slice(b",\"name\":\"");
                    self.buf.extend_from_slice(key);
                    self.buf.extend_from_slice(b"\",\"args\":{");
                    if sort {
                        self.buf.extend_from_slice(b"\"sort_index\":");
                        crate::runtime::push_u32_bytes(&mut self.buf, t);
                    } else {
                        self.buf.extend_from_slice(b"\"name\":");
                        self.task_name(tasks, t);
                    }
                    self.buf.extend_from_slice(b"}}");
                }
            }
            EventKind::Spawn(c) => {
                let tr = self.track(c);
                tr.parent = t;
                tr.spawned_at = e.t;
            }
            EventKind::Start => {
                let tr = *self.track(t);
                if tr.parent != NONE && !tasks.internal(tr.parent) {
                    self.flow("spawn", tr.parent, tr.spawned_at, t, e.t);
                }
            }
            EventKind::Wake { cause, ready } => {
                // Cause::Task(_) names a task too, but not as one that did
                // something the woken task waited for.
                let by = match cause {
                    Cause::Op { by, .. } | Cause::Finished(by) => Some(by),
                    Cause::Cancel(Canceller::Task(by) | Canceller::TaskGroup(by)) => Some(by),
                    _ => None,
                };
                if let Some(by) = by.filter(|&b| b != t && !tasks.internal(b)) {
                    self.flow(cause.word(), by, ready, t, e.t);
                }
            }
            _ => {}
        }
        let segs = &mut self.segs;
        self.lanes.event(e, tasks, &mut |s| segs.push(s));
        self.flush_segments(tasks);
        match e.kind {
            EventKind::Start | EventKind::Wake { .. } => self.step(t, e.t),
            EventKind::Block(d) => self.step(t, e.t + d),
            EventKind::Wait(_) => {
                let on = match self.lanes.state(t) {
                    Some((State::Blocked(b), _)) => b.prim(),
                    _ => None,
                };
                if let Some(p) = on {
                    let c = self.counts(p);
                    c.waiters += 1;
                    self.changed_waiters(p);
                }
            }
            EventKind::Print(text) => {
                self.instant(t, e.t, "print", text);
                self.buf.extend_from_slice(b",\"args\":{\"text\":");
                string(&mut self.buf, text);
                self.buf.extend_from_slice(b"}}");
            }
            EventKind::Done(v) => {
                self.instant(t, e.t, "end", "done");
                if !v.is_none() {
                    let mut text = std::mem::take(&mut self.scratch);
                    text.clear();
                    v.0.write_repr(&mut text);
                    self.buf.extend_from_slice(b",\"args\":{\"result\":");
                    string(&mut self.buf, &text);
                    self.buf.push(b'}');
                    self.scratch = text;
                }
                self.buf.push(b'}');
            }
            EventKind::Failed(kind, message) => {
                let mut text = std::mem::take(&mut self.scratch);
                text.clear();
                text.push_str("raise ");
                text.push_str(kind);
                self.instant(t, e.t, "end", &text);
                self.scratch = text;
                self.buf.extend_from_slice(b",\"args\":{\"message\":");
                string(&mut self.buf, message);
                self.buf.extend_from_slice(b"}}");
            }
            EventKind::Cancelled => {
                self.instant(t, e.t, "end", "cancelled");
                self.buf.push(b'}');
            }
            EventKind::Cancel(by) => {
                self.instant(t, e.t, "cancel", "cancel requested");
                self.buf.extend_from_slice(b",\"args\":{\"by\":\"");
                self.buf.extend_from_slice(by.word().as_bytes());
                self.buf.push(b'"');
                if let Some(b) = by.task() {
                    self.buf.extend_from_slice(b",\"task\":");
                    self.task_name(tasks, b);
                }
                self.buf.extend_from_slice(b"}}");
            }
            EventKind::TimeoutExpired => {
                self.instant(t, e.t, "cancel", "timeout expired");
                self.buf.push(b'}');
            }
            EventKind::Warning(text, _, _) => {
                self.instant(t, e.t, "warning", text.lines().next().unwrap_or_default());
                self.buf.extend_from_slice(b",\"args\":{\"text\":");
                string(&mut self.buf, text);
                self.buf.extend_from_slice(b"}}");
            }
            EventKind::Prim(op, prim) => {
                let mut text = std::mem::take(&mut self.scratch);
                text.clear();
                text.push_str(op.word());
                text.push_str(" `");
                text.push_str(prim);
                text.push('`');
                self.instant(t, e.t, "primitive", &text);
                self.scratch = text;
                self.buf.push(b'}');
            }
            _ => {}
        }
        if self.buf.len() >= BLOCK {
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
        let segs = &mut self.segs;
        self.lanes.finish(end.elapsed, &mut |s| segs.push(s));
        self.flush_segments(tasks);
        self.write_counters();
        // How the run ended, on the whole process.
        let word = outcome_word(&end.outcome);
        self.buf.extend_from_slice(b",\n{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":1");
        self.ts(end.elapsed);
        self.buf.extend_from_slice(b",\"cat\":\"outcome\",\"name\":\"");
        self.buf.extend_from_slice(word.as_bytes());
        self.buf.extend_from_slice(b"\",\"args\":{");
        let mut text = String::new();
        match &end.outcome {
            // (The filters that stop a run early are refused with this view.)
            Outcome::Ok | Outcome::Stopped(_) => {}
            Outcome::Error(f) => {
                text = if f.message.is_empty() { f.kind.clone() } else { format!("{}: {}", f.kind, f.message) };
                self.buf.extend_from_slice(b"\"error\":");
            }
            Outcome::Deadlock(d) => {
                if let Some(c) = &d.cycle {
                    text = c.iter().map(|t| tasks.name(*t).to_string()).collect::<Vec<_>>().join(" -> ");
                    self.buf.extend_from_slice(b"\"cycle\":");
                } else {
                    self.buf.extend_from_slice(b"\"blocked\":");
                    text = format!("{} tasks", d.blocked.len());
                }
            }
            Outcome::Limit(l) => {
                text.clone_from(&l.message);
                self.buf.extend_from_slice(b"\"limit\":");
            }
        }
        if !text.is_empty() {
            string(&mut self.buf, &text);
        }
        self.buf.extend_from_slice(b"}}\n],\"otherData\":{\"scenario\":");
        string(&mut self.buf, &self.scenario);
        self.buf.extend_from_slice(b",\"python\":");
        string(&mut self.buf, end.python.as_str());
        self.buf.extend_from_slice(b",\"elapsed\":");
        number(&mut self.buf, end.elapsed);
        self.buf.extend_from_slice(b",\"outcome\":\"");
        self.buf.extend_from_slice(word.as_bytes());
        self.buf.extend_from_slice(b"\",\"tasks\":");
        self.buf.extend_from_slice(itoa::Buffer::new().format(end.tasks).as_bytes());
        self.buf.extend_from_slice(b",\"clock\":\"virtual\"}}\n");
        self.write_out()?;
        self.streams.flush()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn microseconds_keep_nanoseconds_and_drop_trailing_zeros() {
        let fmt = |t: f64| {
            let mut w = Vec::new();
            super::micros(&mut w, super::nanos(t));
            String::from_utf8(w).unwrap()
        };
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(1.5), "1500000");
        assert_eq!(fmt(0.1), "100000");
        assert_eq!(fmt(1e-7), "0.1");
        assert_eq!(fmt(1.23e-7), "0.123");
        assert_eq!(fmt(1.2e-8), "0.012");
        assert_eq!(fmt(f64::INFINITY), "9000000000000000");
    }
}
