//! Futures: `asyncio.Future`'s state, its done callbacks (scheduled with
//! `call_soon`, in registration order), cancellation with a message, and
//! `result()` / `exception()` retrieval.

use super::*;

/// A future's state.
#[derive(Debug, Clone)]
pub(crate) enum FutState {
    Pending,
    Result(Value),
    Exception(Exc),
    Cancelled,
}

/// What a future stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FutKind {
    Plain,
    Task(TaskId),
    Gather(u32),
}

/// A callback registered on a future; it is called with the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callback {
    /// `Task.__wakeup`.
    Wakeup(TaskId),
    /// gather's `_done_callback`.
    Gather(u32),
    /// `TaskGroup._on_task_done`.
    TgTaskDone(u32),
    /// `_run_until_complete_cb`: stop the loop.
    RunUntilComplete,
    /// `tasks._release_waiter(waiter)` (wait_for).
    ReleaseWaiter(FutId),
    /// `as_completed`'s `_on_completion`.
    AsCompletedDone(u32),
    /// `asyncio.wait`'s `_on_completion`.
    WaitDone(u32),
    /// shield's `_inner_done_callback`, with the outer future.
    ShieldInner(FutId),
    /// shield's `_outer_done_callback`, with the inner future.
    ShieldOuter(FutId),
}

#[derive(Debug)]
pub(crate) struct Fut {
    pub(crate) state: FutState,
    pub(crate) kind: FutKind,
    pub(crate) callbacks: Callbacks,
    /// Done callbacks queued but not run yet (they keep the future alive).
    pub(crate) queued: u32,
    /// What a cancelled future remembers; few futures are, so it is boxed.
    cancel: Option<Box<FutCancel>>,
}

/// A future's done callbacks, in registration order. Most futures get
/// exactly one (the task that awaits it), which needs no allocation; more
/// are boxed so that the common case stays two words.
#[derive(Debug, Default)]
#[allow(clippy::box_collection)] // the point: one pointer, not three words
pub(crate) enum Callbacks {
    #[default]
    None,
    One(Callback),
    Many(Box<Vec<Callback>>),
}

impl Callbacks {
    pub(crate) fn push(&mut self, cb: Callback) {
        *self = match std::mem::take(self) {
            Callbacks::None => Callbacks::One(cb),
            Callbacks::One(a) => Callbacks::Many(Box::new(vec![a, cb])),
            Callbacks::Many(mut v) => {
                v.push(cb);
                Callbacks::Many(v)
            }
        };
    }

    pub(crate) fn as_slice(&self) -> &[Callback] {
        match self {
            Callbacks::None => &[],
            Callbacks::One(c) => std::slice::from_ref(c),
            Callbacks::Many(v) => v,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Keeps the callbacks for which `keep` holds, in order.
    pub(crate) fn retain(&mut self, keep: impl Fn(&Callback) -> bool) {
        match self {
            Callbacks::None => {}
            Callbacks::One(c) => {
                if !keep(c) {
                    *self = Callbacks::None;
                }
            }
            Callbacks::Many(v) => v.retain(keep),
        }
    }
}

/// `_cancel_message` and `_cancelled_exc`.
#[derive(Debug, Default)]
pub(super) struct FutCancel {
    pub(super) msg: Option<Value>,
    pub(super) exc: Option<Exc>,
}

impl Fut {
    /// `_cancel_message`.
    pub(crate) fn cancel_msg(&self) -> Option<&Value> {
        self.cancel.as_ref().and_then(|c| c.msg.as_ref())
    }

    pub(crate) fn set_cancel_msg(&mut self, msg: Option<Value>) {
        match (&mut self.cancel, msg) {
            (Some(c), msg) => c.msg = msg,
            (None, None) => {}
            (c @ None, msg) => *c = Some(Box::new(FutCancel { msg, exc: None })),
        }
    }

    /// `_cancelled_exc`: the CancelledError a task ended with.
    pub(crate) fn set_cancelled_exc(&mut self, e: Exc) {
        self.cancel.get_or_insert_with(Box::default).exc = Some(e);
    }

    pub(crate) fn done(&self) -> bool {
        !matches!(self.state, FutState::Pending)
    }

    pub(crate) fn cancelled(&self) -> bool {
        matches!(self.state, FutState::Cancelled)
    }
}

impl Vm<'_> {
    pub(crate) fn new_fut(&mut self, kind: FutKind) -> FutId {
        let fut = Fut { state: FutState::Pending, kind, callbacks: Callbacks::None, queued: 0, cancel: None };
        match self.free_futs.pop() {
            Some(id) => {
                self.futs[id as usize] = fut;
                id
            }
            None => {
                self.futs.push(fut);
                (self.futs.len() - 1) as FutId
            }
        }
    }

    /// Returns a plain future nobody refers to any more.
    pub(crate) fn free_fut(&mut self, id: FutId) {
        self.futs[id as usize].callbacks = Callbacks::None;
        self.free_futs.push(id);
    }

    pub(crate) fn add_done_callback(&mut self, fut: FutId, cb: Callback) {
        if self.futs[fut as usize].done() {
            self.futs[fut as usize].queued += 1;
            self.call_soon(Ready::Call(cb, fut));
        } else {
            self.futs[fut as usize].callbacks.push(cb);
        }
    }

    /// `fut.remove_done_callback(cb)`: every registration of it.
    pub(crate) fn remove_done_callback(&mut self, fut: FutId, cb: Callback) {
        self.futs[fut as usize].callbacks.retain(|c| *c != cb);
    }

    /// `_release_waiter(waiter)`.
    pub(super) fn release_waiter(&mut self, waiter: FutId) {
        if !self.futs[waiter as usize].done() {
            self.set_result(waiter, Value::None);
        }
    }

    pub(super) fn schedule_callbacks(&mut self, fut: FutId) {
        let cbs = std::mem::take(&mut self.futs[fut as usize].callbacks);
        self.futs[fut as usize].queued += cbs.len() as u32;
        for &cb in cbs.as_slice() {
            self.ready.push_back(Ready::Call(cb, fut));
        }
    }

    pub(crate) fn set_result(&mut self, fut: FutId, v: Value) {
        self.futs[fut as usize].state = FutState::Result(v);
        self.schedule_callbacks(fut);
    }

    pub(crate) fn set_exception(&mut self, fut: FutId, e: Exc) {
        self.futs[fut as usize].state = FutState::Exception(e);
        self.schedule_callbacks(fut);
    }

    /// `Future.cancel(msg)` on the future object itself.
    pub(super) fn future_cancel_plain(&mut self, fut: FutId, msg: Option<Value>) -> bool {
        let f = &mut self.futs[fut as usize];
        if f.done() {
            return false;
        }
        f.state = FutState::Cancelled;
        f.set_cancel_msg(msg);
        self.schedule_callbacks(fut);
        true
    }

    /// `fut.cancel(msg)`, dispatched on what the future is.
    pub(crate) fn fut_cancel(&mut self, fut: FutId, msg: Option<Value>) -> bool {
        match self.futs[fut as usize].kind {
            FutKind::Plain => self.future_cancel_plain(fut, msg),
            FutKind::Task(t) => self.task_cancel(t, msg),
            FutKind::Gather(g) => {
                if self.futs[fut as usize].done() {
                    return false;
                }
                let children = self.gathers[g as usize].children.clone();
                let mut ret = false;
                for c in children {
                    if self.fut_cancel(c, msg.clone()) {
                        ret = true;
                    }
                }
                if ret {
                    self.gathers[g as usize].cancel_requested = true;
                }
                ret
            }
        }
    }

    /// `_make_cancelled_error()`.
    pub(crate) fn make_cancelled_error(&mut self, fut: FutId) -> Exc {
        let f = &mut self.futs[fut as usize];
        if let Some(e) = f.cancel.as_mut().and_then(|c| c.exc.take()) {
            return e;
        }
        match f.cancel_msg() {
            None | Some(Value::None) => ExcObj::new(ExcClass::CancelledError, vec![]),
            Some(m) => ExcObj::new(ExcClass::CancelledError, vec![m.clone()]),
        }
    }

    /// `fut.result()`: the value, or the exception it raises.
    pub(crate) fn fut_outcome(&mut self, fut: FutId) -> Result<Value, Exc> {
        match &self.futs[fut as usize].state {
            FutState::Result(v) => Ok(v.clone()),
            FutState::Exception(e) => {
                let e = e.clone();
                self.retrieve(fut);
                Err(e)
            }
            FutState::Cancelled => Err(self.make_cancelled_error(fut)),
            FutState::Pending => Err(ExcObj::msg(ExcClass::InvalidStateError, "Result is not set.")),
        }
    }
}
