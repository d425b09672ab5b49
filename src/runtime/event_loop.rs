//! The loop itself: `BaseEventLoop._run_once` step by step (purge, select,
//! expire timers, run the ready snapshot), the handles it runs, and
//! `run_forever`. The clock moves here and nowhere else.

use super::cache::prefetch;
use super::*;

/// A handle in the ready queue.
#[derive(Debug, Clone)]
pub(crate) enum Ready {
    /// `Task.__step(exc)`.
    Step(TaskId, Option<Exc>),
    /// A future's done callback, with the future.
    Call(Callback, FutId),
    /// An expired timer (possibly cancelled since).
    Timer(u32),
}

impl Vm<'_> {
    /// `BaseEventLoop._run_once`.
    pub(super) fn run_once(&mut self) -> Result<(), Stop> {
        // 1. Purge cancelled timers.
        let n = self.heap.len();
        if n > MIN_SCHEDULED_TIMER_HANDLES && (self.timer_cancelled_count as f64) / (n as f64) > MIN_CANCELLED_FRACTION
        {
            let mut kept = Vec::with_capacity(n);
            for i in 0..n {
                let entry = self.heap[i];
                let id = entry.id;
                if self.timers[id as usize].cancelled {
                    self.timers[id as usize].scheduled = false;
                    self.free_timer(id);
                } else {
                    kept.push(entry);
                }
            }
            heap::heapify(&mut kept, Self::timer_lt);
            self.heap = kept;
            self.timer_cancelled_count = 0;
        } else {
            while let Some(&HeapEntry { id: root, .. }) = self.heap.first() {
                if !self.timers[root as usize].cancelled {
                    break;
                }
                heap::pop(&mut self.heap, Self::timer_lt);
                self.timer_cancelled_count -= 1;
                self.timers[root as usize].scheduled = false;
                self.free_timer(root);
            }
        }
        self.iterations += 1;
        if self.iterations > self.limits.max_iterations {
            return Err(Stop::Limit(format!(
                "the event loop ran more than {} iterations (--max-iterations); it may never end",
                self.limits.max_iterations
            )));
        }
        // 2-3. Select: the clock moves only when nothing is ready.
        let timeout = if !self.ready.is_empty() || self.stopping {
            Some(0.0)
        } else if let Some(&HeapEntry { when, .. }) = self.heap.first() {
            if when == f64::INFINITY {
                // Every timer left is due at infinity: real asyncio would
                // wait 24 hours at a time, for ever.
                return Err(Stop::Deadlock);
            }
            Some((when - self.now).clamp(0.0, MAX_SELECT_TIMEOUT))
        } else {
            None
        };
        let before = self.now;
        match timeout {
            None => return Err(Stop::Deadlock),
            // `asim run --at`: the state at T is the state before the clock passes T.
            Some(t) if t > 0.0 && self.now + t > self.at_time => return Err(Stop::At),
            Some(t) if t > 0.0 => self.now += t,
            Some(_) => {}
        }
        if self.now > self.horizon {
            // The sink wants nothing past this instant (`--until`): the run
            // stops where it is, its clock at the last instant it reached.
            self.now = before;
            return Err(Stop::Horizon);
        }
        if self.now > self.limits.max_time {
            return Err(Stop::Limit(format!(
                "virtual time passed {}s (--max-time)",
                crate::value::pyfmt::float_repr(self.limits.max_time)
            )));
        }
        // 4. Move expired timers to the ready queue.
        self.expire_timers();
        if self.ready.is_empty() && !self.stopping && self.now == before && !self.heap.is_empty() {
            // The float clock could not move (past 2**24 s, `now + 1e-9 ==
            // now`): a real clock moves on regardless, so the earliest timer
            // comes due at the next representable instant.
            self.now = next_up(self.now);
            self.expire_timers();
        }
        // 5. Run exactly the handles that are ready now.
        let ntodo = self.ready.len();
        for _ in 0..ntodo {
            let Some(h) = self.ready.pop_front() else {
                break;
            };
            self.prefetch_ahead();
            let who = match &h {
                Ready::Step(t, _) | Ready::Call(Callback::Wakeup(t), _) => Some(*t),
                _ => None,
            };
            self.run_handle(h);
            if let Some(e) = self.interrupt.take() {
                // The rest of this iteration's handles stay queued.
                return Err(Stop::Interrupt(e));
            }
            // A closed output or a limit stops the run before what the
            // stopped handle left behind is looked at: the failure either
            // causes inside a task is not the program's, and is not reported.
            if self.write_error.get().is_some() {
                return Err(Stop::Output);
            }
            if let Some(msg) = self.limit_hit.take() {
                return Err(Stop::Limit(msg));
            }
            if crate::value::any_dropped() || !self.unretrieved_pending.is_empty() {
                self.after_handle(who);
            }
            if self.write_error.get().is_some() {
                return Err(Stop::Output);
            }
        }
        self.note_live();
        self.check_memory();
        if let Some(msg) = self.limit_hit.take() {
            return Err(Stop::Limit(msg));
        }
        if let Err(e) = self.sink.get_mut().iteration_end() {
            self.write_error.set(Some(e.kind()));
            return Err(Stop::Output);
        }
        Ok(())
    }

    /// Asks the CPU to start loading what the handles a little further down
    /// the ready queue will touch. At a million tasks a wake-up reaches a
    /// timer, a task and its future that left the cache long ago, in an
    /// order unrelated to where they lie; two stages (the timer first, then
    /// the task its callback names) hide most of that wait. Only a hint:
    /// it changes nothing the run does.
    #[inline]
    fn prefetch_ahead(&self) {
        const FAR: usize = 12;
        const NEAR: usize = 5;
        match self.ready.get(FAR) {
            Some(Ready::Timer(id)) => prefetch(&self.timers[*id as usize]),
            Some(Ready::Step(t, _)) | Some(Ready::Call(Callback::Wakeup(t), _)) => {
                prefetch_task(&self.tasks[*t as usize])
            }
            Some(Ready::Call(_, f)) => prefetch(&self.futs[*f as usize]),
            None => {}
        }
        match self.ready.get(NEAR) {
            Some(Ready::Timer(id)) => {
                if let Some(TimerCb::SleepDone(t)) = self.timers[*id as usize].cb {
                    let task = &self.tasks[t as usize];
                    prefetch_task(task);
                }
            }
            Some(Ready::Step(t, _)) => {
                let task = &self.tasks[*t as usize];
                prefetch(&self.futs[task.fut as usize]);
                if let Some(f) = task.frames.last() {
                    prefetch(f.locals.as_ptr());
                }
            }
            _ => {}
        }
    }

    /// `--max-memory`: sets the limit if the heap has grown past it.
    pub(crate) fn check_memory(&mut self) {
        let used = crate::memory::allocated() as u64;
        if used > self.limits.max_memory && self.limit_hit.is_none() {
            self.limit_hit =
                Some(format!("the run holds more than {} MiB of memory (--max-memory)", self.limits.max_memory >> 20));
        }
    }

    /// Records the high-water mark of live objects (for tests and `RunEnd`).
    pub(super) fn note_live(&mut self) {
        let live = Live {
            tasks: self.tasks.len() - self.finished_tasks,
            futures: self.futs.len() - self.free_futs.len(),
            timers: self.timers.len() - self.free_timers.len(),
            ready: self.ready.len(),
        };
        let p = &mut self.peak_live;
        p.tasks = p.tasks.max(live.tasks);
        p.futures = p.futures.max(live.futures);
        p.timers = p.timers.max(live.timers);
        p.ready = p.ready.max(live.ready);
    }

    pub(super) fn run_handle(&mut self, h: Ready) {
        match h {
            Ready::Step(t, exc) => {
                self.cause_handle(Some(t), RawCause::Loop);
                self.task_step(t, exc)
            }
            Ready::Call(cb, fut) => {
                if self.causes.on {
                    let cause = match (cb, self.futs[fut as usize].kind()) {
                        (Callback::Wakeup(t), _) => {
                            self.cause_handle(Some(t), RawCause::Loop);
                            return self.run_callback(cb, fut);
                        }
                        (_, FutKind::Task(t)) => RawCause::Finished(t),
                        _ => RawCause::Loop,
                    };
                    self.cause_handle(None, cause);
                }
                self.run_callback(cb, fut)
            }
            Ready::Timer(id) => {
                let timer = &self.timers[id as usize];
                let cb = if timer.cancelled { None } else { timer.cb };
                self.free_timer(id);
                match cb {
                    Some(TimerCb::Timeout(_)) => self.cause_handle(None, RawCause::Cancel(Canceller::Timeout)),
                    Some(_) => self.cause_handle(None, RawCause::Deadline),
                    None => {}
                }
                match cb {
                    // futures._set_result_unless_cancelled
                    Some(TimerCb::SleepDone(t)) => self.sleep_done(t),
                    Some(TimerCb::ReleaseWaiter(w)) => self.release_waiter(w),
                    Some(TimerCb::AsCompletedTimeout(ac)) => self.as_completed_timeout(ac),
                    // Timeout._on_timeout
                    Some(TimerCb::Timeout(id)) => {
                        let task = self.timeouts[id as usize].task;
                        self.record(task, EventKind::TimeoutExpired);
                        self.task_cancel(task, None);
                        let to = &mut self.timeouts[id as usize];
                        to.state = TimeoutState::Expiring;
                        to.handle = None;
                    }
                    None => {}
                }
            }
        }
    }

    pub(super) fn run_callback(&mut self, cb: Callback, fut: FutId) {
        let f = &mut self.futs[fut as usize];
        f.queued = f.queued.saturating_sub(1);
        if f.queued == 0 {
            self.maybe_unretrieved(fut);
        }
        match cb {
            Callback::Wakeup(t) => {
                let exc = self.fut_outcome(fut).err();
                self.task_step(t, exc);
            }
            Callback::Gather(g) => self.gather_done(g, fut),
            Callback::TgTaskDone(g) => self.tg_task_done(g, fut),
            Callback::RunUntilComplete => self.stopping = true,
            Callback::ReleaseWaiter(w) => self.release_waiter(w),
            Callback::WaitDone(w) => self.wait_done(w, fut),
            Callback::AsCompletedDone(ac) => self.as_completed_done(ac, fut),
            Callback::ShieldInner(outer) => {
                if self.futs[outer as usize].cancelled() {
                    // Up to 3.13 the inner's exception is marked retrieved
                    // here; 3.14 leaves that to `_log_on_exception`.
                    if !self.has(crate::version::Change::ShieldLogsLateFailure) {
                        self.retrieve(fut);
                    }
                    return;
                }
                self.retrieve(fut);
                match self.futs[fut as usize].state.clone() {
                    FutState::Cancelled => {
                        self.future_cancel_plain(outer, None);
                    }
                    FutState::Exception(e, _) => self.set_exception(outer, e),
                    FutState::Result(v) => self.set_result(outer, v),
                    FutState::Freed => self.set_result(outer, Value::None),
                    FutState::Pending => {}
                }
            }
            Callback::ShieldOuter(inner) => {
                if !self.futs[inner as usize].done() {
                    self.remove_done_callback(inner, Callback::ShieldInner(fut));
                    if self.has(crate::version::Change::ShieldLogsLateFailure) {
                        self.add_done_callback(inner, Callback::ShieldLog);
                    }
                }
            }
            Callback::ShieldLog => {
                // `if fut.cancelled(): return; exc = fut.exception()`, and
                // `call_exception_handler` if it failed.
                if self.futs[fut as usize].cancelled() {
                    return;
                }
                self.retrieve(fut);
                let class = match &self.futs[fut as usize].state {
                    FutState::Exception(e, _) => e.name().to_owned(),
                    _ => return,
                };
                if let FutKind::Task(t) = self.futs[fut as usize].kind() {
                    let text = format!("{class} exception in shielded future\nfuture: {}", self.task_repr(t));
                    self.warn_with_exception(t, &text);
                }
            }
        }
    }

    /// `run_forever()`: iterate until stopped.
    pub(super) fn run_forever(&mut self) -> Result<(), Stop> {
        loop {
            self.run_once()?;
            if self.stopping {
                self.stopping = false;
                return Ok(());
            }
        }
    }
}

/// The next float above a non-negative `x` (`f64::next_up`, Rust 1.86).
pub(super) fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// Both cache lines of a task record.
#[inline(always)]
fn prefetch_task(t: &Task) {
    let p: *const Task = t;
    prefetch(p);
    prefetch(p.cast::<u8>().wrapping_add(64));
}
