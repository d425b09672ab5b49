//! `asim run --summary`: where the time went, instead of the event list.
//!
//! A table of the tasks (lifetime, virtual time spent ready, running a
//! `block`, sleeping and blocked, what each was blocked on longest, how it
//! ended), or, beyond [`MAX_ROWS`] tasks, one row per coroutine; then a
//! table of the primitives (acquisitions, most waiters and holders at once,
//! waits and their total and longest time, queue puts and gets). Then the
//! end-of-run explanation and the `== elapsed` line, as in the human view.
//! With `--format json`, the same figures as one JSON object.
//!
//! The states come from [`Lanes`]: the view sums segments as they close
//! and keeps one record per task and per primitive, nothing per event.

use super::lanes::{Blocked, Lanes, Segment, State};
use super::prims::PrimStats;
use super::{epilogue, outcome_word, Streams, Style, BOLD, DIM, GREEN, RED};
use crate::runtime::{Event, EventKind, Outcome, RunEnd, Sink, Tasks};
use crate::source::Source;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io;

/// Beyond this many tasks the table has one row per coroutine.
pub const MAX_ROWS: usize = 30;

/// What a task was blocked on, for "blocked most on".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum On {
    /// A primitive, by interned name.
    Prim(u32),
    /// A task.
    Task(u32),
    /// A gather, `asyncio.wait`, `as_completed` or task group (the word).
    Kind(&'static str),
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Pending,
    Ok,
    /// Raised: the exception type, interned.
    Raised(u32),
    Cancelled,
}

/// Seconds per state: ready, running (a `block`), sleeping, blocked.
type Times = [f64; 4];

fn slot(s: State) -> usize {
    match s {
        State::Ready => 0,
        State::Running => 1,
        State::Sleeping => 2,
        State::Blocked(_) => 3,
    }
}

#[derive(Debug, Clone)]
struct TaskRec {
    /// Created at; finished at (NaN while pending).
    created: f64,
    ended: f64,
    end: End,
    /// Its call as it was created; its coroutine (interned).
    call: String,
    coro: u32,
    times: Times,
    /// Seconds blocked, per thing waited on (a few entries).
    on: Vec<(On, f64)>,
}

/// The summary view.
pub struct SummaryView<'w, 's> {
    streams: Streams<'w>,
    source: &'s Source,
    title: String,
    style: Style,
    json: bool,
    lanes: Lanes,
    segs: Vec<Segment>,
    tasks: Vec<Option<TaskRec>>,
    prims: PrimStats,
    /// Interned coroutine names and exception types.
    words: Vec<String>,
    word_ids: BTreeMap<String, u32>,
    seeded: bool,
}

impl<'w, 's> SummaryView<'w, 's> {
    /// A summary of the scenario `title`, as text (in colour if `color`)
    /// or as JSON.
    pub fn new(streams: Streams<'w>, source: &'s Source, title: &str, color: bool, json: bool) -> Self {
        SummaryView {
            streams,
            source,
            title: title.to_owned(),
            style: Style { on: color },
            json,
            lanes: Lanes::new(),
            segs: Vec::new(),
            tasks: Vec::new(),
            prims: PrimStats::new(),
            words: Vec::new(),
            word_ids: BTreeMap::new(),
            seeded: false,
        }
    }

    fn word(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.word_ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.to_owned());
        self.word_ids.insert(w.to_owned(), id);
        id
    }

    /// The scenario's declared primitives come first, in their order.
    fn seed(&mut self, tasks: &Tasks<'_>) {
        self.seeded = true;
        self.prims.seed(&mut self.lanes, tasks);
    }

    fn segment(&mut self, s: Segment) {
        let d = (s.end - s.start).max(0.0);
        if let Some(Some(rec)) = self.tasks.get_mut(s.task as usize) {
            rec.times[slot(s.state)] += d;
            if let State::Blocked(b) = s.state {
                let on = match b {
                    Blocked::Task(t) => On::Task(t),
                    b => b.prim().map_or(On::Kind(b.word()), On::Prim),
                };
                match rec.on.iter_mut().find(|(o, _)| *o == on) {
                    Some((_, total)) => *total += d,
                    None => rec.on.push((on, d)),
                }
            }
        }
        self.prims.segment(&s);
    }

    fn flush_segments(&mut self) {
        let segs = std::mem::take(&mut self.segs);
        for s in &segs {
            self.segment(*s);
        }
        self.segs = segs;
        self.segs.clear();
    }

    fn finished(&mut self, t: u32, at: f64, end: End) {
        if let Some(Some(rec)) = self.tasks.get_mut(t as usize) {
            rec.ended = at;
            rec.end = end;
        }
    }
}

impl Sink for SummaryView<'_, '_> {
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        if !self.seeded {
            self.seed(tasks);
        }
        let t = e.task;
        if tasks.internal(t) {
            return Ok(());
        }
        let segs = &mut self.segs;
        self.lanes.event(e, tasks, &mut |s| segs.push(s));
        self.flush_segments();
        match e.kind {
            EventKind::Created => {
                let call = tasks.call(t);
                let coro = self.word(call.split('(').next().unwrap_or_default());
                let i = t as usize;
                if self.tasks.len() <= i {
                    self.tasks.resize(i + 1, None);
                }
                self.tasks[i] = Some(TaskRec {
                    created: e.t,
                    ended: f64::NAN,
                    end: End::Pending,
                    call,
                    coro,
                    times: [0.0; 4],
                    on: Vec::new(),
                });
            }
            EventKind::Wait(_) | EventKind::Prim(..) => self.prims.event(e, &mut self.lanes),
            EventKind::Done(_) => self.finished(t, e.t, End::Ok),
            EventKind::Failed(kind, _) => {
                let k = self.word(kind);
                self.finished(t, e.t, End::Raised(k));
            }
            EventKind::Cancelled => self.finished(t, e.t, End::Cancelled),
            EventKind::Warning(text, error, line) => {
                // What CPython writes to stderr still goes there.
                self.streams.err.write_all(super::stderr_text(text, error, line, self.source).as_bytes())?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        if !self.seeded {
            self.seed(tasks);
        }
        let segs = &mut self.segs;
        self.lanes.finish(end.elapsed, &mut |s| segs.push(s));
        self.flush_segments();
        let names: Vec<String> = (0..self.tasks.len() as u32)
            .map(|t| if self.tasks[t as usize].is_some() { tasks.name(t).to_string() } else { String::new() })
            .collect();
        let text = if self.json { self.json_text(end, &names) } else { self.text(end, tasks, &names) };
        self.streams.out.write_all(text.as_bytes())?;
        self.streams.flush()
    }
}

/// Seconds as the human view writes times.
fn secs(x: f64) -> String {
    format!("{x:.3}")
}

/// The median of sorted values.
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The rows of one coroutine's tasks.
#[derive(Debug, Default)]
struct Group {
    lifetimes: Vec<f64>,
    times: Times,
    on: BTreeMap<On, f64>,
    ok: usize,
    raised: usize,
    cancelled: usize,
    pending: usize,
}

impl SummaryView<'_, '_> {
    fn lifetime(rec: &TaskRec, end: &RunEnd) -> f64 {
        (if rec.ended.is_nan() { end.elapsed } else { rec.ended }) - rec.created
    }

    /// The thing blocked on longest, as text, with its time.
    fn most(&self, on: impl Iterator<Item = (On, f64)>, names: &[String]) -> Option<(String, f64)> {
        // The first of equal totals (in the order first blocked on) wins.
        let mut best: Option<(On, f64)> = None;
        for (o, d) in on {
            if d > 0.0 && best.is_none_or(|(_, b)| d > b) {
                best = Some((o, d));
            }
        }
        best.map(|(o, d)| {
            let what = match o {
                On::Prim(p) => {
                    let kind = self.prims.get(p).map_or("", |r| r.kind);
                    format!("{} `{}`", kind_word(kind), self.lanes.name(p))
                }
                On::Task(t) => names.get(t as usize).cloned().unwrap_or_default(),
                On::Kind(k) => k.replace('_', " "),
            };
            (what, d)
        })
    }

    fn outcome_text(&self, e: End) -> String {
        match e {
            End::Pending => "pending at end".to_owned(),
            End::Ok => "ok".to_owned(),
            End::Raised(k) => format!("raised {}", self.words[k as usize]),
            End::Cancelled => "cancelled".to_owned(),
        }
    }

    fn groups(&self, end: &RunEnd) -> BTreeMap<u32, Group> {
        let mut groups: BTreeMap<u32, Group> = BTreeMap::new();
        for rec in self.tasks.iter().flatten() {
            let g = groups.entry(rec.coro).or_default();
            g.lifetimes.push(Self::lifetime(rec, end));
            for (a, b) in g.times.iter_mut().zip(rec.times) {
                *a += b;
            }
            for &(o, d) in &rec.on {
                *g.on.entry(o).or_default() += d;
            }
            match rec.end {
                End::Pending => g.pending += 1,
                End::Ok => g.ok += 1,
                End::Raised(_) => g.raised += 1,
                End::Cancelled => g.cancelled += 1,
            }
        }
        for g in groups.values_mut() {
            g.lifetimes.sort_by(f64::total_cmp);
        }
        groups
    }

    fn text(&self, end: &RunEnd, tasks: &Tasks<'_>, names: &[String]) -> String {
        let st = self.style;
        let mut out = String::new();
        out.push_str(&st.paint(BOLD, &format!("asim run {} · summary", self.title)));
        out.push('\n');
        let count = self.tasks.iter().flatten().count();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let header: Vec<&str>;
        if count <= MAX_ROWS {
            header = vec![
                "task",
                "call",
                "created",
                "ended",
                "ready",
                "running",
                "sleeping",
                "blocked",
                "blocked most on",
                "outcome",
            ];
            for (t, rec) in self.tasks.iter().enumerate() {
                let Some(rec) = rec else { continue };
                let most = self.most(rec.on.iter().copied(), names);
                rows.push(vec![
                    names[t].clone(),
                    rec.call.clone(),
                    secs(rec.created),
                    if rec.ended.is_nan() { "-".to_owned() } else { secs(rec.ended) },
                    secs(rec.times[0]),
                    secs(rec.times[1]),
                    secs(rec.times[2]),
                    secs(rec.times[3]),
                    most.map_or("-".to_owned(), |(w, d)| format!("{w} ({})", secs(d))),
                    self.outcome_text(rec.end),
                ]);
            }
        } else {
            out.push_str(&format!(
                "{count} tasks, more than {MAX_ROWS}: one row per coroutine (lifetimes min / median / max, other times summed over its tasks)\n"
            ));
            header = vec![
                "coroutine",
                "tasks",
                "lifetime",
                "ready",
                "running",
                "sleeping",
                "blocked",
                "blocked most on",
                "outcomes",
            ];
            for (coro, g) in self.groups(end) {
                let lt = &g.lifetimes;
                let most = self.most(g.on.iter().map(|(o, d)| (*o, *d)), names);
                let mut outcomes = Vec::new();
                for (n, w) in [(g.ok, "ok"), (g.raised, "raised"), (g.cancelled, "cancelled"), (g.pending, "pending")] {
                    if n > 0 {
                        outcomes.push(format!("{n} {w}"));
                    }
                }
                rows.push(vec![
                    self.words[coro as usize].clone(),
                    lt.len().to_string(),
                    format!("{} / {} / {}", secs(lt[0]), secs(median(lt)), secs(lt[lt.len() - 1])),
                    secs(g.times[0]),
                    secs(g.times[1]),
                    secs(g.times[2]),
                    secs(g.times[3]),
                    most.map_or("-".to_owned(), |(w, d)| format!("{w} ({})", secs(d))),
                    outcomes.join(", "),
                ]);
            }
        }
        // Text columns are left-aligned, figures right-aligned.
        let left = |c: usize, h: &[&str]| {
            matches!(h[c], "task" | "call" | "coroutine" | "blocked most on" | "outcome" | "outcomes")
        };
        table(&mut out, st, &header, &rows, |c| left(c, &header));
        let prims: Vec<_> = self.prims.iter().collect();
        if !prims.is_empty() {
            out.push('\n');
            let header = [
                "primitive",
                "kind",
                "acquired",
                "max holders",
                "waits",
                "max waiters",
                "total wait",
                "max wait",
                "puts",
                "gets",
            ];
            let rows: Vec<Vec<String>> = prims
                .iter()
                .map(|&(p, r)| {
                    let (locking, queue) = (r.locking(), r.queue());
                    let opt = |on: bool, n: u64| if on { n.to_string() } else { "-".to_owned() };
                    vec![
                        self.lanes.name(p).to_owned(),
                        r.kind.to_owned(),
                        opt(locking, r.acquisitions),
                        opt(locking, u64::from(r.max_holders)),
                        r.waits.to_string(),
                        r.max_waiters.to_string(),
                        secs(r.wait_total),
                        secs(r.wait_max),
                        opt(queue, r.puts),
                        opt(queue, r.gets),
                    ]
                })
                .collect();
            table(&mut out, st, &header, &rows, |c| c < 2);
        }
        let epi = epilogue(end, tasks, self.source);
        if !epi.is_empty() {
            out.push('\n');
            out.push_str(&st.paint(RED, epi.trim_end()));
            out.push('\n');
        }
        let line = super::end_line(end);
        let colour = if matches!(end.outcome, Outcome::Ok | Outcome::Stopped(_)) { GREEN } else { RED };
        out.push_str(&st.paint(colour, &line));
        out.push('\n');
        out
    }

    fn json_text(&self, end: &RunEnd, names: &[String]) -> String {
        let most = |on: &mut dyn Iterator<Item = (On, f64)>| match self.most(on, names) {
            Some((what, d)) => json!({"on": what, "seconds": d}),
            None => Value::Null,
        };
        let times = |t: &Times| json!({"ready": t[0], "running": t[1], "sleeping": t[2], "blocked": t[3]});
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(t, rec)| rec.as_ref().map(|r| (t, r)))
            .map(|(t, r)| {
                let (outcome, error) = match r.end {
                    End::Pending => ("pending", Value::Null),
                    End::Ok => ("ok", Value::Null),
                    End::Raised(k) => ("raised", Value::from(self.words[k as usize].as_str())),
                    End::Cancelled => ("cancelled", Value::Null),
                };
                json!({
                    "task": names[t], "call": r.call, "coroutine": self.words[r.coro as usize],
                    "created": r.created, "ended": if r.ended.is_nan() { Value::Null } else { r.ended.into() },
                    "seconds": times(&r.times), "blocked_most": most(&mut r.on.iter().copied()),
                    "outcome": outcome, "error": error,
                })
            })
            .collect();
        let coroutines: Vec<Value> = self
            .groups(end)
            .into_iter()
            .map(|(c, g)| {
                let lt = &g.lifetimes;
                json!({
                    "coroutine": self.words[c as usize], "tasks": lt.len(),
                    "lifetime": {"min": lt[0], "median": median(lt), "max": lt[lt.len() - 1]},
                    "seconds": times(&g.times), "blocked_most": most(&mut g.on.iter().map(|(o, d)| (*o, *d))),
                    "outcomes": {"ok": g.ok, "raised": g.raised, "cancelled": g.cancelled, "pending": g.pending},
                })
            })
            .collect();
        let prims: Vec<Value> = self
            .prims
            .iter()
            .map(|(p, r)| {
                json!({
                    "name": self.lanes.name(p), "kind": r.kind, "acquisitions": r.acquisitions,
                    "max_holders": r.max_holders, "waits": r.waits, "max_waiters": r.max_waiters,
                    "total_wait": r.wait_total, "max_wait": r.wait_max, "puts": r.puts, "gets": r.gets,
                })
            })
            .collect();
        let v = json!({
            "scenario": self.title.split(" · ").next().unwrap_or_default(), "python": end.python.as_str(), "elapsed": end.elapsed,
            "outcome": outcome_word(&end.outcome), "tasks": tasks, "coroutines": coroutines, "primitives": prims,
        });
        let mut s = serde_json::to_string(&v).expect("a JSON value always serialises");
        s.push('\n');
        s
    }
}

/// `lock` for `Lock`, `semaphore` for `BoundedSemaphore`...: as the human
/// view names what a task waits on.
fn kind_word(kind: &str) -> &'static str {
    match kind {
        "Lock" => "lock",
        "Semaphore" | "BoundedSemaphore" => "semaphore",
        "Event" => "event",
        "Condition" => "condition",
        "Barrier" => "barrier",
        k if k.ends_with("Queue") => "queue",
        _ => "primitive",
    }
}

/// An aligned table: a dim header, then the rows; `left(c)` says which
/// columns are text (left-aligned); the last column is not padded.
fn table(out: &mut String, st: Style, header: &[&str], rows: &[Vec<String>], left: impl Fn(usize) -> bool) {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (c, cell) in cells.enumerate() {
            if c > 0 {
                s.push_str("  ");
            }
            let pad = widths[c].saturating_sub(cell.chars().count());
            let last = c + 1 == widths.len();
            if left(c) {
                s.push_str(cell);
                if !last {
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            } else {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(cell);
            }
        }
        s
    };
    out.push_str(&st.paint(DIM, line(&mut header.iter().copied()).trim_end()));
    out.push('\n');
    for r in rows {
        out.push_str(line(&mut r.iter().map(String::as_str)).trim_end());
        out.push('\n');
    }
}

/// `--task` keeps the tasks the summary adds up (and their operations on
/// the primitives); the others are not seen at all.
impl super::filter::Hidden for SummaryView<'_, '_> {}
