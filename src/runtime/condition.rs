//! Condition, as `locks.py` in 3.11.7 has it.
//!
//! A Condition wraps a Lock (its own, or the one it was given): `acquire`,
//! `release` and `locked` are the lock's. `wait()` releases the lock, waits
//! for a notify, then re-acquires the lock in a loop that swallows
//! CancelledError until it succeeds, and raises a CancelledError afterwards
//! if any arrived. Up to 3.12 that is a fresh one, and a notified waiter
//! that is cancelled before it resumes does not pass its notification on;
//! from 3.13 (gh-112202) it is the last one that arrived, and a wait that
//! ends with any exception wakes the next waiter.

use super::exec::Flow;
use super::*;

/// A task inside `Condition.wait()`.
#[derive(Debug, Clone)]
pub(crate) struct CondWait {
    pub(crate) cond: u32,
    /// The notify future, or the lock waiter future while re-acquiring.
    pub(crate) fut: FutId,
    /// Re-acquiring the lock (second phase) rather than waiting for a notify.
    pub(crate) reacquiring: bool,
    /// The last CancelledError that arrived while re-acquiring.
    pub(crate) cancelled: Option<Exc>,
    /// The exception the wait for a notify ended with, re-raised at the end.
    pub(crate) pending: Option<Exc>,
    pub(crate) bind: Option<Target>,
}

impl Vm<'_> {
    /// The lock behind a Condition, or the primitive itself.
    pub(crate) fn lock_target(&self, prim: u32) -> u32 {
        match &self.prims[prim as usize] {
            Prim::Cond { lock, .. } => *lock,
            _ => prim,
        }
    }

    /// `await cond.wait()`.
    pub(crate) fn cond_wait(&mut self, t: TaskId, cond: u32, name: &str, bind: Option<Target>) -> Result<Flow, Exc> {
        let lock = self.lock_target(cond);
        if !self.lock_locked(lock) {
            return Err(ExcObj::msg(ExcClass::RuntimeError, "cannot wait on un-acquired lock"));
        }
        self.release_lock(lock)?;
        let fut = self.new_fut(FutKind::Plain);
        if let Prim::Cond { waiters, .. } = &mut self.prims[cond as usize] {
            waiters.push_back(fut);
        }
        self.record(t, EventKind::Wait(WaitOn::Condition(name)));
        self.tasks[t as usize].resume =
            Resume::Cond(Box::new(CondWait { cond, fut, reacquiring: false, cancelled: None, pending: None, bind }));
        Ok(Flow::Suspend(fut))
    }

    /// `cond.notify(n)`: wake the first n waiters not already woken.
    pub(crate) fn cond_notify(&mut self, cond: u32, n: i64) -> Result<(), Exc> {
        let lock = self.lock_target(cond);
        if !self.lock_locked(lock) {
            return Err(ExcObj::msg(ExcClass::RuntimeError, "cannot notify on un-acquired lock"));
        }
        let before = self.prim_op(crate::runtime::Op::Notify, cond);
        self.cond_wake(cond, n);
        self.set_cause(before);
        Ok(())
    }

    /// `Condition._notify(n)`: sets the first n waiters not done.
    fn cond_wake(&mut self, cond: u32, n: i64) {
        let ws: Vec<FutId> = match &self.prims[cond as usize] {
            Prim::Cond { waiters, .. } => waiters.iter().copied().collect(),
            _ => Vec::new(),
        };
        let mut idx = 0;
        for f in ws {
            if idx >= n {
                break;
            }
            if !self.futs[f as usize].done() {
                idx += 1;
                self.set_result(f, Value::Bool(false));
            }
        }
    }

    /// The number of waiters (for `notify_all`).
    pub(crate) fn cond_waiters(&self, cond: u32) -> i64 {
        match &self.prims[cond as usize] {
            Prim::Cond { waiters, .. } => waiters.len() as i64,
            _ => 0,
        }
    }

    /// Resuming inside `wait()`.
    pub(crate) fn cond_resume(&mut self, t: TaskId, mut w: CondWait, exc: Option<Exc>) -> Flow {
        self.record_wake(t);
        let lock = self.lock_target(w.cond);
        if !w.reacquiring {
            // finally: self._waiters.remove(fut)
            if let Prim::Cond { waiters, .. } = &mut self.prims[w.cond as usize] {
                if let Some(i) = waiters.iter().position(|&f| f == w.fut) {
                    waiters.remove(i);
                }
            }
            w.pending = exc;
            w.reacquiring = true;
            return self.cond_reacquire(t, w);
        }
        // Lock.acquire() after its await.
        self.remove_waiter(lock, w.fut);
        match exc {
            Some(e) => {
                if e.class == ExcClass::CancelledError {
                    if !self.lock_locked(lock) {
                        self.lock_wake_first(lock);
                    }
                    w.cancelled = Some(e);
                    self.cond_reacquire(t, w)
                } else {
                    self.raise(t, e)
                }
            }
            None => {
                self.lock_take(lock, t);
                self.note_acquire(t, lock);
                self.cond_done(t, w)
            }
        }
    }

    /// The re-acquire loop: `await self.acquire()` until it succeeds.
    fn cond_reacquire(&mut self, t: TaskId, mut w: CondWait) -> Flow {
        let lock = self.lock_target(w.cond);
        let free = match &self.prims[lock as usize] {
            Prim::Lock { locked, waiters, .. } => {
                !*locked && waiters.iter().all(|&f| self.futs[f as usize].cancelled())
            }
            _ => true,
        };
        if free {
            self.lock_take(lock, t);
            self.note_acquire(t, lock);
            return self.cond_done(t, w);
        }
        let fut = self.new_fut(FutKind::Plain);
        let holder = match &mut self.prims[lock as usize] {
            Prim::Lock { waiters, holder, .. } => {
                waiters.push_back(fut);
                *holder
            }
            _ => None,
        };
        if self.causes.on {
            let name = &self.prim_names[self.shown_prim(lock).unwrap_or(lock) as usize];
            self.record(t, EventKind::Wait(WaitOn::Lock(name, holder)));
        }
        w.fut = fut;
        self.tasks[t as usize].resume = Resume::Cond(Box::new(w));
        Flow::Suspend(fut)
    }

    fn cond_done(&mut self, t: TaskId, w: CondWait) -> Flow {
        let err = match w.cancelled {
            // 3.13: `raise err`, the last one; before: `raise CancelledError`.
            Some(e) if self.py.has(crate::version::Change::ConditionPassesNotification) => Some(e),
            Some(_) => Some(ExcObj::new(ExcClass::CancelledError, vec![])),
            None => w.pending,
        };
        if let Some(e) = err {
            // 3.13: `except BaseException: self._notify(1); raise`.
            if self.has(crate::version::Change::ConditionPassesNotification) {
                // The waiter's own `_notify(1)`: an event of its own.
                let before = self.prim_op(crate::runtime::Op::Notify, w.cond);
                self.cond_wake(w.cond, 1);
                self.set_cause(before);
            }
            return self.raise(t, e);
        }
        match w.bind {
            Some(b) => match self.assign(t, &b, Value::Bool(true)) {
                Ok(()) => Flow::Continue,
                Err(e) => self.raise(t, e),
            },
            None => Flow::Continue,
        }
    }
}
