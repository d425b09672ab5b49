//! Per-primitive figures of a run, from its event stream: acquisitions,
//! most holders and most waiters at once, waits and their total and
//! longest time, queue puts and gets. `--summary` prints them; `asim
//! sweep` keeps most waiters and longest wait per grid point.
//!
//! Primitives are known by their [`Lanes`]-interned names, so a wait is
//! timed from the segment [`Lanes`] closes when the waiter is woken.

use super::lanes::{Blocked, Lanes, Segment, State};
use crate::runtime::{Event, EventKind, Op, Tasks};

/// A primitive's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrimRec {
    /// Its class (`Lock`, `Queue`...) when known; empty for a name never
    /// used as a primitive.
    pub kind: &'static str,
    /// Acquisitions (locks, semaphores, conditions).
    pub acquisitions: u64,
    /// Tasks waiting on it now.
    waiters: u32,
    /// Most tasks waiting on it at once.
    pub max_waiters: u32,
    /// Waits that ended (or were still open at the end of the run).
    pub waits: u64,
    /// Seconds waited, summed over the waits.
    pub wait_total: f64,
    /// The longest wait, in seconds.
    pub wait_max: f64,
    /// Tasks holding it now.
    holders: u32,
    /// Most tasks holding it at once.
    pub max_holders: u32,
    /// Queue puts.
    pub puts: u64,
    /// Queue gets.
    pub gets: u64,
}

impl PrimRec {
    /// Whether acquisitions and holders mean something for its kind.
    pub fn locking(&self) -> bool {
        matches!(self.kind, "Lock" | "Semaphore" | "BoundedSemaphore" | "Condition")
    }

    /// Whether puts and gets mean something for its kind.
    pub fn queue(&self) -> bool {
        self.kind.ends_with("Queue")
    }
}

/// The figures of every primitive, by interned name.
#[derive(Debug, Default)]
pub struct PrimStats {
    recs: Vec<PrimRec>,
    seeded: bool,
}

impl PrimStats {
    /// No figures yet.
    pub fn new() -> Self {
        PrimStats::default()
    }

    fn rec(&mut self, p: u32) -> &mut PrimRec {
        let i = p as usize;
        if self.recs.len() <= i {
            self.recs.resize(i + 1, PrimRec::default());
        }
        &mut self.recs[i]
    }

    /// The scenario's declared primitives come first, in their order
    /// (called with the first event, and at the end of a run without one).
    pub fn seed(&mut self, lanes: &mut Lanes, tasks: &Tasks<'_>) {
        if self.seeded {
            return;
        }
        self.seeded = true;
        for def in &tasks.prog.prims {
            let p = lanes.intern(&def.name);
            self.rec(p).kind = def.kind.class_name();
        }
    }

    /// Follows one event (after `lanes` has seen it).
    pub fn event(&mut self, e: &Event<'_>, lanes: &mut Lanes) {
        match e.kind {
            EventKind::Wait(on) => {
                if let Some(p) = lanes.blocked(&on).prim() {
                    let r = self.rec(p);
                    r.waiters += 1;
                    r.max_waiters = r.max_waiters.max(r.waiters);
                }
            }
            EventKind::Prim(op, name) => {
                let p = lanes.intern(name);
                let r = self.rec(p);
                if r.kind.is_empty() {
                    r.kind = op_kind(op);
                }
                match op {
                    Op::Acquire => {
                        r.acquisitions += 1;
                        r.holders += 1;
                        r.max_holders = r.max_holders.max(r.holders);
                    }
                    Op::Release => r.holders = r.holders.saturating_sub(1),
                    Op::Put => r.puts += 1,
                    Op::Get => r.gets += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Follows a segment [`Lanes`] closed: a wait on a primitive ended.
    pub fn segment(&mut self, s: &Segment) {
        if let State::Blocked(b) = s.state {
            if let Some(p) = b.prim() {
                let d = (s.end - s.start).max(0.0);
                let r = self.rec(p);
                if r.kind.is_empty() {
                    r.kind = blocked_kind(b);
                }
                r.waiters = r.waiters.saturating_sub(1);
                r.waits += 1;
                r.wait_total += d;
                r.wait_max = r.wait_max.max(d);
            }
        }
    }

    /// The figures of the primitive interned as `p`, if it has any.
    pub fn get(&self, p: u32) -> Option<&PrimRec> {
        self.recs.get(p as usize)
    }

    /// The primitives seen, by interned name, declared ones first.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &PrimRec)> {
        self.recs.iter().enumerate().filter(|(_, r)| !r.kind.is_empty()).map(|(p, r)| (p as u32, r))
    }
}

/// The class a blocked state names, when nothing else said it.
fn blocked_kind(b: Blocked) -> &'static str {
    match b {
        Blocked::Lock(_) => "Lock",
        Blocked::Semaphore(_) => "Semaphore",
        Blocked::Event(_) => "Event",
        Blocked::Condition(_) => "Condition",
        Blocked::Queue(_) => "Queue",
        _ => "",
    }
}

/// The class an operation implies, when nothing else said it.
fn op_kind(op: Op) -> &'static str {
    match op {
        Op::Acquire | Op::Release => "Lock",
        Op::Set | Op::Clear => "Event",
        Op::Notify => "Condition",
        Op::Put | Op::Get | Op::TaskDone | Op::Shutdown => "Queue",
    }
}
