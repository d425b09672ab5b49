//! `asyncio.as_completed(fs, timeout=)`, as `tasks.py` in 3.11.7 has it,
//! used as the source of a `for` step.
//!
//! Each future's done callback puts it on an internal `Queue`; each
//! iteration awaits `done.get()` (one iteration later than the completion)
//! and returns the future's result or raises its exception; on timeout a
//! `None` is queued for every future still pending, and each remaining
//! iteration raises TimeoutError. Coroutines become tasks in argument order
//! after the tasks already given (CPython's set order, pinned).

use super::exec::Flow;
use super::*;

/// One `as_completed()` generator.
#[derive(Debug)]
pub(crate) struct AsCompleted {
    /// The `done` queue: a finished future, or `None` after the timeout.
    pub(crate) items: VecDeque<Option<FutId>>,
    /// The iterating task's getter future while it waits on an empty queue.
    pub(crate) getter: Option<FutId>,
    /// Futures not finished yet, in creation order (task ids).
    pub(crate) todo: BTreeSet<TaskId>,
    pub(crate) handle: Option<TimerRef>,
    /// The generator is gone (its loop ended or was left): the queue lives
    /// on only while a pending future's callback refers to it.
    pub(crate) orphaned: bool,
}

impl Vm<'_> {
    /// The generator's setup (at the first `next()`); returns its id and how
    /// many times it will yield.
    pub(crate) fn as_completed_start(
        &mut self,
        t: TaskId,
        fs: &Value,
        timeout: Option<f64>,
    ) -> Result<(u32, usize), Exc> {
        if matches!(fs, Value::Task(_) | Value::Coro(_)) {
            return Err(crate::value::ops::type_error(format!(
                "expect an iterable of futures, not {}",
                fs.type_name()
            )));
        }
        let items = crate::value::ops::iter_items(fs)?;
        let mut todo = BTreeSet::new();
        let mut coros: Vec<Value> = Vec::new();
        for v in &items {
            match v {
                Value::Task(r) => {
                    todo.insert(r.id);
                }
                Value::Coro(c) => {
                    if !coros.iter().any(|o| matches!(o, Value::Coro(d) if Rc::ptr_eq(c, d))) {
                        coros.push(v.clone());
                    }
                }
                _ => {
                    return Err(crate::value::ops::type_error(
                        "An asyncio.Future, a coroutine or an awaitable is required".to_owned(),
                    ))
                }
            }
        }
        for c in coros {
            let (coro, args) = match &c {
                Value::Coro(o) => {
                    if o.used.replace(true) {
                        return Err(ExcObj::msg(ExcClass::RuntimeError, "cannot reuse already awaited coroutine"));
                    }
                    (o.coro, self.full_args_pub(o.coro, &o.args))
                }
                _ => unreachable!(),
            };
            let child = self.create_task(coro, args, false)?;
            self.record(t, EventKind::Spawn(child));
            todo.insert(child);
        }
        let ac = self.as_completed.len() as u32;
        let n = todo.len();
        let mut ordered: Vec<TaskId> = todo.iter().copied().collect();
        self.set_order(&mut ordered, super::set_order::SetSite::AsCompleted, Some(t));
        for id in ordered {
            let f = self.tasks[id as usize].fut;
            self.hold(f, 1);
            self.add_done_callback(f, Callback::AsCompletedDone(ac));
        }
        let handle = match timeout {
            Some(d) if n > 0 => Some(self.call_at(self.now + d, TimerCb::AsCompletedTimeout(ac))),
            _ => None,
        };
        self.as_completed.push(AsCompleted { items: VecDeque::new(), getter: None, todo, handle, orphaned: false });
        Ok((ac, n))
    }

    /// `done.put_nowait(x)`: queue it, wake the waiting getter.
    fn ac_put(&mut self, ac: u32, x: Option<FutId>) {
        let a = &mut self.as_completed[ac as usize];
        a.items.push_back(x);
        if let Some(g) = a.getter.take() {
            if !self.futs[g as usize].done() {
                self.set_result(g, Value::None);
            }
        }
    }

    /// `_on_completion(f)`.
    pub(crate) fn as_completed_done(&mut self, ac: u32, f: FutId) {
        let FutKind::Task(id) = self.futs[f as usize].kind() else { return };
        let a = &mut self.as_completed[ac as usize];
        if a.todo.is_empty() {
            return;
        }
        a.todo.remove(&id);
        let finished = a.todo.is_empty();
        let handle = a.handle;
        self.ac_put(ac, Some(f));
        if finished {
            if let Some(h) = handle {
                self.cancel_timer(h);
            }
            self.ac_maybe_free(ac);
        }
    }

    /// The generator's last reference went.
    pub(crate) fn as_completed_dropped(&mut self, ac: u32) {
        self.as_completed[ac as usize].orphaned = true;
        self.ac_maybe_free(ac);
    }

    /// With the generator gone and no future left to complete, nothing
    /// refers to the `done` queue: the finished futures in it are let go
    /// (a failed task among them is "never retrieved").
    fn ac_maybe_free(&mut self, ac: u32) {
        let a = &mut self.as_completed[ac as usize];
        if !a.orphaned || !a.todo.is_empty() {
            return;
        }
        let items = std::mem::take(&mut a.items);
        for f in items.into_iter().flatten() {
            self.hold(f, -1);
        }
    }

    /// `_on_timeout()`.
    pub(crate) fn as_completed_timeout(&mut self, ac: u32) {
        let todo: Vec<TaskId> = std::mem::take(&mut self.as_completed[ac as usize].todo).into_iter().collect();
        for id in todo {
            let f = self.tasks[id as usize].fut;
            self.remove_done_callback(f, Callback::AsCompletedDone(ac));
            self.hold(f, -1);
            self.ac_put(ac, None);
        }
        self.ac_maybe_free(ac);
    }

    /// `await _wait_for_one()`: the next item, or wait for one.
    pub(crate) fn as_completed_next(&mut self, t: TaskId, ac: u32, target: Target) -> Flow {
        match self.as_completed[ac as usize].items.pop_front() {
            Some(item) => self.as_completed_item(t, item, target),
            None => {
                let g = self.new_fut(FutKind::Plain);
                self.as_completed[ac as usize].getter = Some(g);
                self.record(t, EventKind::Wait(WaitOn::AsCompleted(self.as_completed[ac as usize].todo.len())));
                if self.wants_awaits() {
                    let kids: Vec<TaskId> = self.as_completed[ac as usize].todo.iter().copied().collect();
                    self.record_awaits(t, kids);
                }
                self.tasks[t as usize].resume = Resume::AsCompleted { ac, fut: g, target };
                Flow::Suspend(g)
            }
        }
    }

    fn as_completed_item(&mut self, t: TaskId, item: Option<FutId>, target: Target) -> Flow {
        // What `_wait_for_one` raises keeps its frame, and through it the
        // `done` queue, alive.
        let keep = |vm: &mut Self, e: &Exc| {
            if let Some(token) = vm.ac_token(t) {
                e.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(token)));
            }
        };
        let Some(f) = item else {
            let e = ExcObj::new(ExcClass::TimeoutError, vec![]);
            keep(self, &e);
            return self.raise(t, e);
        };
        self.hold(f, -1);
        match self.held_outcome(f) {
            Ok(v) => match self.assign(t, &target, v) {
                Ok(()) => Flow::Continue,
                Err(e) => self.raise(t, e),
            },
            Err(e) => {
                keep(self, &e);
                self.raise(t, e)
            }
        }
    }

    /// The token of the `as_completed` loop the task is in.
    fn ac_token(&mut self, t: TaskId) -> Option<Rc<crate::value::AcToken>> {
        let frame = self.tasks[t as usize].frames.last_mut()?;
        let x = frame.x_from(&mut self.spare_extras);
        x.iters.iter().rev().find_map(|i| match i {
            Iter::AsCompleted(token, _) => Some(token.clone()),
            _ => None,
        })
    }

    /// Resuming in `done.get()`.
    pub(crate) fn as_completed_resume(
        &mut self,
        t: TaskId,
        ac: u32,
        fut: FutId,
        target: Target,
        exc: Option<Exc>,
    ) -> Flow {
        self.record_wake(t);
        if let Some(e) = exc {
            self.fut_cancel(fut, None);
            let a = &mut self.as_completed[ac as usize];
            if a.getter == Some(fut) {
                a.getter = None;
            }
            // Thrown into `_wait_for_one`, whose frame (and `done` queue)
            // its traceback keeps.
            if let Some(token) = self.ac_token(t) {
                e.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(token)));
            }
            return self.raise(t, e);
        }
        self.as_completed_next(t, ac, target)
    }
}
