//! `asyncio.wait(fs, timeout=, return_when=)`, as `tasks.py` in 3.11.7 has it.
//!
//! `fs` becomes a set; CPython iterates it in an order that depends on
//! memory addresses, asim in task creation order (docs/fidelity.md), which
//! is also the order of the `done` and `pending` lists it returns.

use super::exec::Flow;
use super::*;
use crate::syntax::ast::ReturnWhen;

/// One `asyncio.wait` call.
#[derive(Debug)]
pub(crate) struct WaitState {
    pub(crate) waiter: FutId,
    pub(crate) handle: Option<TimerRef>,
    pub(crate) counter: usize,
    pub(crate) return_when: ReturnWhen,
    /// The distinct futures, in creation order.
    pub(crate) futs: Vec<FutId>,
}

impl Vm<'_> {
    /// `wait()` and the start of `_wait()`.
    pub(crate) fn wait_begin(
        &mut self,
        t: TaskId,
        values: Vec<Value>,
        timeout: Option<f64>,
        return_when: ReturnWhen,
        bind: Option<Target>,
    ) -> Result<Flow, Exc> {
        if values.is_empty() {
            return Err(crate::value::ops::value_error("Set of Tasks/Futures is empty."));
        }
        let mut tasks = BTreeSet::new();
        for v in &values {
            match v {
                Value::Task(r) => {
                    tasks.insert(r.id);
                }
                Value::Coro(_) => {
                    return Err(crate::value::ops::type_error(
                        "Passing coroutines is forbidden, use tasks explicitly.",
                    ));
                }
                other => {
                    return Err(ExcObj::msg(
                        ExcClass::AttributeError,
                        format!("'{}' object has no attribute 'add_done_callback'", other.type_name()),
                    ))
                }
            }
        }
        let mut ordered: Vec<TaskId> = tasks.iter().copied().collect();
        self.set_order(&mut ordered, super::set_order::SetSite::Wait, Some(t));
        let futs: Vec<FutId> = ordered.iter().map(|&id| self.tasks[id as usize].fut).collect();
        let waiter = self.new_fut(FutKind::Plain);
        let handle = timeout.map(|d| self.call_at(self.now + d, TimerCb::ReleaseWaiter(waiter)));
        let w = self.waits.len() as u32;
        self.waits.push(WaitState { waiter, handle, counter: futs.len(), return_when, futs: futs.clone() });
        for f in futs {
            self.hold(f, 1);
            self.add_done_callback(f, Callback::WaitDone(w));
        }
        let until = match return_when {
            ReturnWhen::FirstCompleted => "the first to finish",
            ReturnWhen::FirstException => "the first error, or all",
            ReturnWhen::AllCompleted => "all to finish",
        };
        self.record(t, EventKind::Wait(WaitOn::Wait(tasks.len(), until)));
        if self.wants_awaits() {
            self.record_awaits(t, ordered.iter().copied());
        }
        self.tasks[t as usize].resume = Resume::Wait { w, bind };
        Ok(Flow::Suspend(waiter))
    }

    /// `_on_completion(f)`.
    pub(crate) fn wait_done(&mut self, w: u32, f: FutId) {
        let ws = &mut self.waits[w as usize];
        ws.counter = ws.counter.saturating_sub(1);
        // `counter <= 0 or return_when == FIRST_COMPLETED or return_when ==
        // FIRST_EXCEPTION and (not f.cancelled() and f.exception() is not
        // None)`: the exception is looked at (and so counts as retrieved)
        // only when the first two are false.
        let (counter, return_when) = (ws.counter, ws.return_when);
        let release = counter == 0
            || return_when == ReturnWhen::FirstCompleted
            || (return_when == ReturnWhen::FirstException && !self.futs[f as usize].cancelled() && {
                let failed = matches!(self.futs[f as usize].state, FutState::Exception(..));
                self.retrieve(f);
                failed
            });
        let ws = &self.waits[w as usize];
        if release {
            if let Some(h) = ws.handle {
                self.cancel_timer(h);
            }
            let waiter = self.waits[w as usize].waiter;
            if !self.futs[waiter as usize].done() {
                self.set_result(waiter, Value::None);
            }
        }
    }

    /// After `await waiter`: the `finally`, then split into done / pending.
    pub(crate) fn wait_resume(&mut self, t: TaskId, w: u32, bind: Option<Target>, exc: Option<Exc>) -> Flow {
        self.record_wake(t);
        if let Some(h) = self.waits[w as usize].handle {
            self.cancel_timer(h);
        }
        let futs = self.waits[w as usize].futs.clone();
        for &f in &futs {
            self.remove_done_callback(f, Callback::WaitDone(w));
            self.hold(f, -1);
        }
        if let Some(e) = exc {
            return self.raise(t, e);
        }
        let (mut done, mut pending) = (Vec::new(), Vec::new());
        for f in futs {
            let FutKind::Task(id) = self.futs[f as usize].kind() else { continue };
            let v = self.task_ref(id);
            if self.futs[f as usize].done() {
                done.push(v);
            } else {
                pending.push(v);
            }
        }
        let result = Value::tuple(vec![Value::list(done), Value::list(pending)]);
        match bind {
            Some(b) => match self.assign(t, &b, result) {
                Ok(()) => Flow::Continue,
                Err(e) => self.raise(t, e),
            },
            None => Flow::Continue,
        }
    }
}
