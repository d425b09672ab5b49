//! The figures of one grid point's run, gathered from its event stream as
//! it goes (nothing is kept per event): tasks created, max concurrency,
//! and per primitive the figures `--summary` shows ([`PrimStats`]).
//!
//! Max concurrency is the most tasks at once that are doing something or
//! could: created and not finished, and not blocked (on a lock, semaphore,
//! event, condition, queue, another task, a gather, `asyncio.wait`,
//! `as_completed` or a task group): running a `block`, sleeping (what a
//! scenario's I/O is), or ready to run. It is counted over stretches of
//! virtual time, not at single instants, so the moment a batch of tasks is
//! created and has not yet reached its first wait does not count, nor a
//! task woken and blocked again at the same instant. A run that takes no
//! virtual time has a max concurrency of 0. asyncio.run's own shutdown
//! tasks are not counted; main is.

use crate::report::lanes::{Lanes, Segment};
use crate::report::prims::PrimStats;
use crate::runtime::{Event, EventKind, Interest, RunEnd, Sink, Tasks};
use std::io;

/// One primitive's figures in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimFigures {
    /// Its name (`db`, or `Lock-1` for one made in code).
    pub name: String,
    /// Its class (`Semaphore`, `Queue`...).
    pub kind: &'static str,
    /// Acquisitions (locks, semaphores, conditions; `None` for the others).
    pub acquisitions: Option<u64>,
    /// Most holders at once (locks, semaphores, conditions).
    pub max_holders: Option<u32>,
    /// Waits on it.
    pub waits: u64,
    /// Most tasks waiting on it at once.
    pub max_waiters: u32,
    /// Seconds waited, summed.
    pub total_wait: f64,
    /// The longest wait, in seconds.
    pub max_wait: f64,
}

/// What a run's stream says, beyond its [`RunEnd`].
#[derive(Debug, Default)]
pub struct Figures {
    lanes: Lanes,
    prims: PrimStats,
    segs: Vec<Segment>,
    /// Per task: alive (created, unfinished) and not blocked.
    active: Vec<bool>,
    /// Per task: blocked now.
    blocked: Vec<bool>,
    count: u32,
    peak: u32,
    /// The virtual time the count has held since.
    since: f64,
}

impl Figures {
    /// No figures yet.
    pub fn new() -> Self {
        Figures::default()
    }

    /// The most tasks at once neither finished nor blocked (see the module).
    pub fn max_concurrency(&self) -> u32 {
        self.peak
    }

    /// The primitives' figures, declared ones first, then in the order
    /// they were first used.
    pub fn prims(&self) -> Vec<PrimFigures> {
        self.prims
            .iter()
            .map(|(p, r)| PrimFigures {
                name: self.lanes.name(p).to_owned(),
                kind: r.kind,
                acquisitions: r.locking().then_some(r.acquisitions),
                max_holders: r.locking().then_some(r.max_holders),
                waits: r.waits,
                max_waiters: r.max_waiters,
                total_wait: r.wait_total,
                max_wait: r.wait_max,
            })
            .collect()
    }

    fn flag(v: &mut Vec<bool>, t: u32) -> &mut bool {
        let i = t as usize;
        if v.len() <= i {
            v.resize(i + 1, false);
        }
        &mut v[i]
    }

    /// The count held from `since` to `t`: a stretch of time if `t` is later.
    fn advance(&mut self, t: f64) {
        if t > self.since {
            self.peak = self.peak.max(self.count);
            self.since = t;
        }
    }

    fn concurrency(&mut self, e: &Event<'_>) {
        let t = e.task;
        match e.kind {
            EventKind::Created => {
                *Self::flag(&mut self.active, t) = true;
                self.count += 1;
            }
            EventKind::Wait(_) => {
                if std::mem::replace(Self::flag(&mut self.blocked, t), true) {
                    return;
                }
                if *Self::flag(&mut self.active, t) {
                    self.count -= 1;
                }
            }
            EventKind::Wake { .. } => {
                let was_blocked = std::mem::replace(Self::flag(&mut self.blocked, t), false);
                self.count += u32::from(was_blocked && *Self::flag(&mut self.active, t));
            }
            EventKind::Done(_) | EventKind::Failed(..) | EventKind::Cancelled => {
                let blocked = std::mem::replace(Self::flag(&mut self.blocked, t), false);
                if std::mem::replace(Self::flag(&mut self.active, t), false) && !blocked {
                    self.count -= 1;
                }
            }
            _ => {}
        }
    }
}

impl Sink for Figures {
    fn interest(&self) -> Interest {
        Interest::TRACE
    }

    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        self.prims.seed(&mut self.lanes, tasks);
        if tasks.internal(e.task) {
            return Ok(());
        }
        self.advance(e.t);
        self.concurrency(e);
        let segs = &mut self.segs;
        self.lanes.event(e, tasks, &mut |s| segs.push(s));
        for s in self.segs.drain(..) {
            self.prims.segment(&s);
        }
        self.prims.event(e, &mut self.lanes);
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.prims.seed(&mut self.lanes, tasks);
        self.advance(end.elapsed);
        let segs = &mut self.segs;
        self.lanes.finish(end.elapsed, &mut |s| segs.push(s));
        for s in self.segs.drain(..) {
            self.prims.segment(&s);
        }
        Ok(())
    }
}
