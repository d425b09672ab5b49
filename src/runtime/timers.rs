//! Timer handles: `call_at` / `call_later` into CPython's heap (see
//! `heap.rs`), cancellation that leaves the timer in place (lazy deletion),
//! and the `asyncio.timeout()` context manager's state.

use super::*;

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TimerCb {
    /// `futures._set_result_unless_cancelled(fut, None)` on the future
    /// the task sleeps on (asyncio.sleep).
    SleepDone(TaskId),
    /// `Timeout._on_timeout` of an `asyncio.timeout()` block.
    Timeout(u32),
    /// `tasks._release_waiter(waiter)` (wait_for's timeout).
    ReleaseWaiter(FutId),
    /// `as_completed`'s `_on_timeout`.
    AsCompletedTimeout(u32),
}

/// `asyncio.timeouts._State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeoutState {
    Entered,
    Expiring,
    Expired,
    Exited,
}

/// An `asyncio.timeout()` context manager.
#[derive(Debug)]
pub(crate) struct Timeout {
    pub(crate) state: TimeoutState,
    pub(crate) task: TaskId,
    /// `task.cancelling()` on entry.
    pub(crate) cancelling: u32,
    pub(crate) handle: Option<TimerRef>,
}

/// A timer handle. Its deadline is kept in its heap entry only.
#[derive(Debug)]
pub(super) struct Timer {
    pub(super) cb: Option<TimerCb>,
    pub(super) cancelled: bool,
    pub(super) scheduled: bool,
    pub(super) gen: u32,
}

/// A timer in the heap: its deadline, copied from the timer, and its id.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeapEntry {
    pub(super) when: f64,
    pub(super) id: u32,
}

/// A timer handle that may outlive its timer (a sleep cancels it in its
/// `finally`, by which time it may have fired and been reused).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimerRef {
    id: u32,
    gen: u32,
}

impl Vm<'_> {
    pub(crate) fn call_soon(&mut self, r: Ready) {
        self.ready.push_back(r);
    }

    /// `TimerHandle.__lt__`: the deadline alone.
    pub(super) fn timer_lt(a: HeapEntry, b: HeapEntry) -> bool {
        a.when < b.when
    }

    /// `loop.call_at(when, cb)`.
    pub(crate) fn call_at(&mut self, when: f64, cb: TimerCb) -> TimerRef {
        let r = self.new_handle(cb, true);
        heap::push(&mut self.heap, HeapEntry { when, id: r.id }, Self::timer_lt);
        r
    }

    /// `loop.call_soon(cb)`, keeping the handle so it can be cancelled. It
    /// never enters the heap, so cancelling it does not count as a
    /// cancelled timer.
    pub(crate) fn call_soon_handle(&mut self, cb: TimerCb) -> TimerRef {
        let r = self.new_handle(cb, false);
        self.ready.push_back(Ready::Timer(r.id));
        r
    }

    pub(super) fn new_handle(&mut self, cb: TimerCb, scheduled: bool) -> TimerRef {
        let id = match self.free_timers.pop() {
            Some(id) => {
                let t = &mut self.timers[id as usize];
                t.cb = Some(cb);
                t.cancelled = false;
                t.scheduled = scheduled;
                id
            }
            None => {
                self.timers.push(Timer { cb: Some(cb), cancelled: false, scheduled, gen: 0 });
                (self.timers.len() - 1) as u32
            }
        };
        TimerRef { id, gen: self.timers[id as usize].gen }
    }

    /// Whether the timer `r` refers to is scheduled and will never fire:
    /// when the earliest deadline in the heap is infinite, all are.
    pub(crate) fn timer_never_due(&self, r: TimerRef) -> bool {
        let t = &self.timers[r.id as usize];
        t.gen == r.gen && !t.cancelled && t.scheduled && self.heap.first().is_some_and(|e| e.when == f64::INFINITY)
    }

    /// `TimerHandle.cancel()`.
    pub(crate) fn cancel_timer(&mut self, r: TimerRef) {
        let t = &mut self.timers[r.id as usize];
        if t.gen != r.gen || t.cancelled {
            return;
        }
        if t.scheduled {
            self.timer_cancelled_count += 1;
        }
        t.cancelled = true;
        t.cb = None;
    }

    pub(super) fn free_timer(&mut self, id: u32) {
        let t = &mut self.timers[id as usize];
        t.gen = t.gen.wrapping_add(1);
        t.cb = None;
        self.free_timers.push(id);
    }

    /// Step 4 of `_run_once`: timers due within `clock_resolution` become ready.
    pub(super) fn expire_timers(&mut self) {
        let end_time = self.now + CLOCK_RESOLUTION;
        while let Some(&HeapEntry { when, id: root }) = self.heap.first() {
            if when >= end_time {
                break;
            }
            heap::pop(&mut self.heap, Self::timer_lt);
            self.timers[root as usize].scheduled = false;
            self.ready.push_back(Ready::Timer(root));
        }
    }
}
