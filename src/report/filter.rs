//! `--task`, `--only`, `--since`, `--until`: a [`Sink`] in front of a view
//! that hands it only the events a reader asked for.
//!
//! [`Filter`] wraps any view. It decides per event with no formatting and
//! no allocation: the kind is a bit in a mask, the time two comparisons,
//! and a task's match against the `--task` globs is computed once per task
//! and kept (see [`TaskVerdicts`]). Times compare to the millisecond, as
//! the human view shows them ([`HALF_MS`]). `--until` also ends the run:
//! the filter tells the emulator, through [`Sink::horizon`], that nothing
//! later is wanted, and the run stops before its clock passes that instant
//! ([`Outcome::Stopped`], which names `--until` as given).
//!
//! The end of the run (the outcome, its explanation, the summary line) is
//! never filtered. What a view does with an event it does not get is its
//! own business ([`Hidden`]): the human view still writes CPython's
//! warnings to stderr, so stderr stays what the program writes there.

use crate::runtime::{Event, EventKind, Interest, Outcome, RunEnd, Sink, Tasks};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::io;

/// The kinds of events `--only` names. Each [`EventKind`] belongs to exactly
/// one (the match in [`Kind::of`] has no catch-all, so a new kind must be
/// given one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `print` output (the `|` lines).
    Prints,
    /// A task created another.
    Spawns,
    /// A task's first step.
    Starts,
    /// `asyncio.sleep`.
    Sleeps,
    /// `time.sleep`: the whole loop stalls.
    Blocks,
    /// Suspended on a lock, semaphore, event, queue, task, gather...
    Waits,
    /// Resumed after a wait or a sleep (and what woke it).
    Wakes,
    /// What a task did to a primitive: acquire, release, set, clear,
    /// notify, put, get, task_done, shutdown.
    Prims,
    /// Finished: `done`, `raise`, `cancelled`.
    Done,
    /// A cancellation requested (by a task, a TaskGroup, asyncio.run's
    /// shutdown, a timeout).
    Cancels,
    /// An `asyncio.timeout()` expired.
    Timeouts,
    /// What CPython writes to stderr (asyncio's log, Python's warnings).
    Warnings,
    /// A set iteration whose order CPython leaves to memory addresses.
    Orders,
}

impl Kind {
    /// The kind an event belongs to.
    pub fn of(kind: &EventKind<'_>) -> Kind {
        match kind {
            EventKind::Print(_) => Kind::Prints,
            EventKind::Created | EventKind::Spawn(_) => Kind::Spawns,
            EventKind::Start => Kind::Starts,
            EventKind::Sleep(_) => Kind::Sleeps,
            EventKind::Block(_) => Kind::Blocks,
            EventKind::Wait(_) | EventKind::Awaits(_) => Kind::Waits,
            EventKind::Wake { .. } => Kind::Wakes,
            EventKind::Prim(..) => Kind::Prims,
            EventKind::Done(_) | EventKind::Failed(..) | EventKind::Cancelled => Kind::Done,
            EventKind::Cancel(_) => Kind::Cancels,
            EventKind::TimeoutExpired => Kind::Timeouts,
            EventKind::Warning(..) => Kind::Warnings,
            EventKind::SetOrder { .. } => Kind::Orders,
        }
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// What to keep: the command line's filter flags, parsed and checked.
#[derive(Debug, Clone)]
pub struct Criteria {
    /// `--task` globs (`None`: every task).
    tasks: Option<GlobSet>,
    /// `--only`: a bit per [`Kind`].
    kinds: u32,
    /// `--since`, inclusive.
    since: f64,
    /// `--until`, inclusive (infinity: none).
    until: f64,
}

/// Half the precision of the human view's time column: `--since` and
/// `--until` compare times as that column shows them, to the millisecond.
/// A clock that adds 0.05 eighty-eight times reads 4.3999999999999915,
/// shown as `4.400`; `--since 4.4` keeps it.
const HALF_MS: f64 = 0.0005;

impl Default for Criteria {
    fn default() -> Self {
        Criteria { tasks: None, kinds: u32::MAX, since: 0.0, until: f64::INFINITY }
    }
}

impl Criteria {
    /// The criteria of the flags: `--task` globs, `--only` kinds (empty:
    /// all), `--since` and `--until`. A message for what makes no sense.
    pub fn new(tasks: &[String], kinds: &[Kind], since: Option<f64>, until: Option<f64>) -> Result<Self, String> {
        let mut c = Criteria::default();
        if !tasks.is_empty() {
            let mut set = GlobSetBuilder::new();
            for t in tasks {
                set.add(task_glob(t)?);
            }
            c.tasks = Some(set.build().map_err(|e| e.to_string())?);
        }
        if !kinds.is_empty() {
            c.kinds = kinds.iter().fold(0, |bits, k| bits | k.bit());
        }
        c.since = since.unwrap_or(0.0);
        c.until = until.unwrap_or(f64::INFINITY);
        if c.since > c.until {
            return Err(format!(
                "--since {} is after --until {}: no event can be in between",
                crate::value::pyfmt::float_repr(c.since),
                crate::value::pyfmt::float_repr(c.until)
            ));
        }
        Ok(c)
    }

    /// Whether no flag narrows anything (then no filter is needed).
    pub fn is_everything(&self) -> bool {
        self.tasks.is_none() && self.kinds == u32::MAX && self.since <= 0.0 && self.until == f64::INFINITY
    }

    /// Whether `--only` keeps this kind.
    fn keeps(&self, kind: Kind) -> bool {
        self.kinds & kind.bit() != 0
    }

    /// The event kinds the emulator must build for the view to get these.
    fn interest(&self) -> Interest {
        let mut i = Interest::NONE;
        if self.keeps(Kind::Prints) {
            i = i.with(Interest::PRINTS);
        }
        if self.keeps(Kind::Warnings) {
            i = i.with(Interest::WARNINGS);
        }
        if self.kinds & !(Kind::Prints.bit() | Kind::Warnings.bit()) != 0 {
            // Every other kind comes with the trace.
            i = i.with(Interest(!(Interest::PRINTS.0 | Interest::WARNINGS.0)));
        }
        i
    }
}

/// A `--task` pattern as a glob; `Task-1?` and `worker-*` as a shell reads
/// them (a name has no path separators to respect).
fn task_glob(pattern: &str) -> Result<Glob, String> {
    Glob::new(pattern).map_err(|e| format!("--task {pattern:?} is not a valid glob: {}", e.kind()))
}

/// Parses a `--task` value (for clap: a bad glob is an error at once).
pub fn parse_task_glob(pattern: &str) -> Result<String, String> {
    task_glob(pattern).map(|_| pattern.to_owned()).map_err(|e| e.trim_start_matches("--task ").to_owned())
}

/// Parses a `--since` / `--until` value: virtual seconds, a finite number ≥ 0.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let t: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number of virtual seconds"))?;
    if !t.is_finite() {
        return Err(format!("`{text}` is not a finite number of virtual seconds"));
    }
    if t < 0.0 {
        return Err(format!("`{text}` is before the run: virtual time starts at 0"));
    }
    Ok(t)
}

/// What a view does with an event the filter keeps from it (by default,
/// nothing).
pub trait Hidden {
    /// The kinds the view needs even when they are filtered out.
    fn hidden_interest(&self) -> Interest {
        Interest::NONE
    }
    /// An event the filter did not pass on.
    fn hidden(&mut self, _event: &Event<'_>, _tasks: &Tasks<'_>) -> io::Result<()> {
        Ok(())
    }
}

/// Whether each task's name matches the `--task` globs, worked out once
/// per task. A task is named when it is created, and a `Task-N` name never
/// changes; a name given as a string is kept beside its verdict and
/// compared (not formatted) on each event, so a task renamed later is
/// judged again by its new name.
#[derive(Debug, Default)]
struct TaskVerdicts {
    /// Per task id: 0 not seen yet, [`AUTO_YES`], [`AUTO_NO`], or
    /// `GIVEN + i` for `given[i]`.
    state: Vec<u32>,
    /// Given names and their verdicts.
    given: Vec<(Box<str>, bool)>,
    /// Reused to spell `Task-N` once per task.
    scratch: String,
}

const AUTO_YES: u32 = 1;
const AUTO_NO: u32 = 2;
const GIVEN: u32 = 3;

impl TaskVerdicts {
    fn matches(&mut self, globs: &GlobSet, tasks: &Tasks<'_>, task: u32) -> bool {
        let i = task as usize;
        if i >= self.state.len() {
            self.state.resize(i + 1, 0);
        }
        let name = tasks.name(task);
        match (self.state[i], name.given()) {
            (AUTO_YES, None) => return true,
            (AUTO_NO, None) => return false,
            (s, Some(text)) if s >= GIVEN && *self.given[(s - GIVEN) as usize].0 == *text => {
                return self.given[(s - GIVEN) as usize].1;
            }
            _ => {}
        }
        // First seen, or renamed: judge the name as it is now.
        self.scratch.clear();
        name.push_to(&mut self.scratch);
        let yes = globs.is_match(&self.scratch);
        match name.given() {
            None => self.state[i] = if yes { AUTO_YES } else { AUTO_NO },
            Some(text) => {
                let entry = (Box::from(text), yes);
                match self.state[i] {
                    s if s >= GIVEN => self.given[(s - GIVEN) as usize] = entry,
                    _ => {
                        self.state[i] = GIVEN + self.given.len() as u32;
                        self.given.push(entry);
                    }
                }
            }
        }
        yes
    }
}

/// A view behind a filter.
pub struct Filter<S> {
    inner: S,
    criteria: Criteria,
    verdicts: TaskVerdicts,
}

impl<S: Sink + Hidden> Filter<S> {
    /// `inner`, shown only the events `criteria` keeps.
    pub fn new(inner: S, criteria: Criteria) -> Self {
        Filter { inner, criteria, verdicts: TaskVerdicts::default() }
    }

    fn keeps(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> bool {
        let c = &self.criteria;
        if !c.keeps(Kind::of(&e.kind)) || e.t < c.since - HALF_MS || e.t >= c.until + HALF_MS {
            return false;
        }
        match &c.tasks {
            None => true,
            Some(globs) => self.verdicts.matches(globs, tasks, e.task),
        }
    }
}

impl<S: Sink + Hidden> Sink for Filter<S> {
    fn interest(&self) -> Interest {
        let wanted = self.criteria.interest().with(self.inner.hidden_interest());
        Interest(self.inner.interest().0 & wanted.0)
    }

    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        if self.keeps(e, tasks) {
            self.inner.event(e, tasks)
        } else {
            self.inner.hidden(e, tasks)
        }
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        self.inner.iteration_end()
    }

    fn horizon(&self) -> Option<f64> {
        // The clock may reach what shows as `--until`, not beyond.
        let own = (self.criteria.until < f64::INFINITY).then_some(self.criteria.until + HALF_MS);
        match (own, self.inner.horizon()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        match end.outcome {
            // Stopped at this filter's horizon: say `--until` as given.
            Outcome::Stopped(h) if h == self.criteria.until + HALF_MS => {
                let end = RunEnd { outcome: Outcome::Stopped(self.criteria.until), ..end.clone() };
                self.inner.finish(&end, tasks)
            }
            _ => self.inner.finish(end, tasks),
        }
    }
}

impl Hidden for super::json::JsonView<'_> {}
