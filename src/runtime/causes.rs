//! Why each task woke up, and who cancelled it: the causes the event
//! stream names ([`Cause`], [`Canceller`]).
//!
//! The loop notes what is going on as it goes: the handle it runs (a task's
//! step, a done callback, a timer), and within a step the operation that
//! completes futures (a release, a `set()`, a `put`...). When a future's
//! completion queues a task's wake-up, the task keeps that note and the
//! moment it became ready; its `wake` event names them. A run whose sink
//! wants only prints and warnings keeps no notes at all.

use super::*;
use crate::runtime::event::{Canceller, Cause, Op};

/// [`Cause`] with the primitive by index, kept until the wake-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RawCause {
    Slept,
    Deadline,
    Op(TaskId, Op, u32),
    Finished(TaskId),
    Cancel(Canceller),
    Task(TaskId),
    Loop,
}

/// The causes' bookkeeping, on for sinks that read more than prints.
#[derive(Debug)]
pub(crate) struct Causes {
    /// Whether notes are kept (the sink reads wake-ups).
    pub(crate) on: bool,
    /// What completes futures right now.
    pub(crate) now: RawCause,
    /// Who a cancellation requested right now comes from.
    pub(crate) canceller: Canceller,
    /// The task whose step runs (an operation's author).
    pub(crate) running: TaskId,
    /// Per task: why its pending wake-up was queued, and when.
    pub(crate) woke: Vec<(RawCause, f64)>,
}

impl Causes {
    pub(crate) fn new(on: bool) -> Self {
        Causes { on, now: RawCause::Loop, canceller: Canceller::Loop, running: u32::MAX, woke: Vec::new() }
    }
}

impl Vm<'_> {
    /// A handle is about to run: a task's step (`Some`), or a callback or
    /// timer of the loop with this cause.
    #[inline]
    pub(crate) fn cause_handle(&mut self, task: Option<TaskId>, cause: RawCause) {
        if !self.causes.on {
            return;
        }
        let c = &mut self.causes;
        match task {
            Some(t) => {
                c.now = RawCause::Task(t);
                c.canceller = Canceller::Task(t);
                c.running = t;
            }
            None => {
                c.now = cause;
                c.canceller = match cause {
                    RawCause::Cancel(by) => by,
                    _ => Canceller::Loop,
                };
                c.running = u32::MAX;
            }
        }
    }

    /// Sets what completes futures from now on; returns what it was.
    #[inline]
    pub(crate) fn set_cause(&mut self, cause: RawCause) -> RawCause {
        std::mem::replace(&mut self.causes.now, cause)
    }

    /// The running task did `op` to primitive `prim`: an event, and the
    /// cause of what it completes. Returns the previous cause.
    pub(crate) fn prim_op(&mut self, op: Op, prim: u32) -> RawCause {
        if !self.causes.on {
            return RawCause::Loop;
        }
        let by = self.causes.running;
        if let (true, Some(shown)) = (by != u32::MAX, self.shown_prim(prim)) {
            self.record(by, EventKind::Prim(op, &self.prim_names[shown as usize]));
        }
        self.set_cause(RawCause::Op(by, op, prim))
    }

    /// The running task acquired `prim` (an event only: it wakes nobody).
    pub(crate) fn note_acquire(&self, t: TaskId, prim: u32) {
        if let (true, Some(shown)) = (self.causes.on, self.shown_prim(prim)) {
            self.record(t, EventKind::Prim(Op::Acquire, &self.prim_names[shown as usize]));
        }
    }

    /// The primitive whose name events give `prim` (see [`Vm::prim_alias`]).
    pub(crate) fn shown_prim(&self, prim: u32) -> Option<u32> {
        if self.prim_alias.is_empty() {
            return Some(prim);
        }
        self.prim_alias.get(&prim).copied().unwrap_or(Some(prim))
    }

    /// Who requests cancellations from now on; returns who did.
    #[inline]
    pub(crate) fn set_canceller(&mut self, by: Canceller) -> Canceller {
        std::mem::replace(&mut self.causes.canceller, by)
    }

    /// Task `t`'s wake-up was just queued, by the current cause.
    #[inline]
    pub(crate) fn note_woken(&mut self, t: TaskId) {
        // Checked here, inline: a run that keeps no notes pays one branch.
        if self.causes.on {
            self.note_woken_by(t, self.causes.now);
        }
    }

    /// Task `t`'s wake-up was just queued, by `cause`.
    pub(crate) fn note_woken_by(&mut self, t: TaskId, cause: RawCause) {
        if !self.causes.on {
            return;
        }
        let woke = &mut self.causes.woke;
        if woke.len() <= t as usize {
            woke.resize(t as usize + 1, (RawCause::Loop, 0.0));
        }
        woke[t as usize] = (cause, self.now);
    }

    /// The `wake` event of task `t`, resuming now.
    pub(crate) fn record_wake(&self, t: TaskId) {
        if !self.causes.on {
            return;
        }
        let (raw, ready) = self.causes.woke.get(t as usize).copied().unwrap_or((RawCause::Loop, self.now));
        let cause = match raw {
            RawCause::Slept => Cause::Slept,
            RawCause::Deadline => Cause::Deadline,
            RawCause::Op(by, _, _) if by == u32::MAX => Cause::Loop,
            RawCause::Op(by, op, p) => {
                Cause::Op { by, op, prim: &self.prim_names[self.shown_prim(p).unwrap_or(p) as usize] }
            }
            RawCause::Finished(x) => Cause::Finished(x),
            RawCause::Cancel(c) => Cause::Cancel(c),
            RawCause::Task(x) => Cause::Task(x),
            RawCause::Loop => Cause::Loop,
        };
        self.record(t, EventKind::Wake { cause, ready });
    }
}
