//! Futures: `asyncio.Future`'s state, its done callbacks (scheduled with
//! `call_soon`, in registration order), cancellation with a message, and
//! `result()` / `exception()` retrieval.

use super::*;
use crate::value::exc::TbEntry;

/// A future's state.
#[derive(Debug, Clone)]
pub(crate) enum FutState {
    Pending,
    Result(Value),
    /// The exception, and its traceback when it was set (`_exception_tb`):
    /// the first `result()` gives it back, later ones leave it empty.
    // One pointer, not a boxed slice's two: a future stays 48 bytes.
    #[allow(clippy::box_collection)]
    Exception(Exc, Option<Box<Vec<TbEntry>>>),
    Cancelled,
    /// A task CPython has freed (nothing can look at it any more): its
    /// exception is let go of.
    Freed,
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
    /// 3.14's `_log_on_exception` (shield's inner, once the outer was
    /// cancelled first).
    ShieldLog,
}

#[derive(Debug)]
pub(crate) struct Fut {
    pub(crate) state: FutState,
    /// The first done callback. Most futures get exactly one (the task that
    /// awaits it); the others follow it in [`FutRare::more`].
    first: Option<Callback>,
    /// What it stands for, packed: see [`Fut::kind`].
    kind: u32,
    /// Done callbacks queued but not run yet (they keep the future alive).
    pub(crate) queued: u32,
    /// More callbacks, and what a cancelled future remembers: few futures
    /// have either, so a future stays 48 bytes.
    rare: Option<Box<FutRare>>,
}

#[derive(Debug, Default)]
struct FutRare {
    /// The done callbacks after the first, in registration order.
    more: Vec<Callback>,
    /// `_cancel_message`.
    msg: Option<Value>,
    /// `_cancelled_exc`.
    exc: Option<Exc>,
}

/// [`Fut::kind`]'s packing: a plain future, and the bit that marks a gather.
const PLAIN: u32 = u32::MAX;
const GATHER: u32 = 1 << 31;

/// A future's done callbacks, taken from it in registration order.
#[derive(Debug, Default)]
pub(crate) struct Callbacks {
    first: Option<Callback>,
    more: Vec<Callback>,
}

impl Callbacks {
    pub(crate) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Callback> + '_ {
        self.first.iter().chain(&self.more).copied()
    }
}

impl Fut {
    fn new(kind: FutKind) -> Self {
        let kind = match kind {
            FutKind::Plain => PLAIN,
            FutKind::Task(t) => {
                assert!(t < GATHER, "task ids fit in 31 bits");
                t
            }
            FutKind::Gather(g) => {
                assert!(g < GATHER - 1, "gather ids fit in 31 bits");
                GATHER | g
            }
        };
        Fut { state: FutState::Pending, first: None, kind, queued: 0, rare: None }
    }

    /// What the future stands for.
    pub(crate) fn kind(&self) -> FutKind {
        match self.kind {
            PLAIN => FutKind::Plain,
            k if k & GATHER != 0 => FutKind::Gather(k & !GATHER),
            t => FutKind::Task(t),
        }
    }

    fn rare_mut(&mut self) -> &mut FutRare {
        self.rare.get_or_insert_with(Box::default)
    }

    pub(crate) fn push_callback(&mut self, cb: Callback) {
        match self.first {
            None => self.first = Some(cb),
            Some(_) => self.rare_mut().more.push(cb),
        }
    }

    /// Whether a done callback is registered (someone waits for it).
    /// Its done callbacks, in registration order (`asim run --at` reads them).
    pub(crate) fn callbacks(&self) -> impl Iterator<Item = Callback> + '_ {
        self.first.iter().copied().chain(self.rare.iter().flat_map(|r| r.more.iter().copied()))
    }

    pub(crate) fn has_callbacks(&self) -> bool {
        self.first.is_some()
    }

    /// Takes the done callbacks, leaving none.
    pub(crate) fn take_callbacks(&mut self) -> Callbacks {
        let more = match &mut self.rare {
            Some(r) => std::mem::take(&mut r.more),
            None => Vec::new(),
        };
        Callbacks { first: self.first.take(), more }
    }

    /// Keeps the callbacks for which `keep` holds, in order.
    pub(crate) fn retain_callbacks(&mut self, keep: impl Fn(&Callback) -> bool) {
        let all = self.take_callbacks();
        for cb in all.iter() {
            if keep(&cb) {
                self.push_callback(cb);
            }
        }
    }

    /// `_cancel_message`.
    pub(crate) fn cancel_msg(&self) -> Option<&Value> {
        self.rare.as_ref().and_then(|c| c.msg.as_ref())
    }

    pub(crate) fn set_cancel_msg(&mut self, msg: Option<Value>) {
        match (&mut self.rare, msg) {
            (Some(c), msg) => c.msg = msg,
            (None, None) => {}
            (None, msg) => self.rare_mut().msg = msg,
        }
    }

    /// `_cancelled_exc`: the CancelledError a task ended with.
    pub(crate) fn set_cancelled_exc(&mut self, e: Exc) {
        self.rare_mut().exc = Some(e);
    }

    /// Takes the `_cancelled_exc` it keeps.
    pub(crate) fn take_cancelled_exc(&mut self) -> Option<Exc> {
        self.rare.as_mut().and_then(|r| r.exc.take())
    }

    /// Whether it keeps a `_cancelled_exc`.
    pub(crate) fn has_cancelled_exc(&self) -> bool {
        self.rare.as_ref().is_some_and(|r| r.exc.is_some())
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
        let fut = Fut::new(kind);
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
        self.futs[id as usize].take_callbacks();
        self.free_futs.push(id);
    }

    pub(crate) fn add_done_callback(&mut self, fut: FutId, cb: Callback) {
        if self.futs[fut as usize].done() {
            if let (Callback::Wakeup(t), true) = (cb, self.causes.on) {
                let cause = match self.futs[fut as usize].kind() {
                    FutKind::Task(x) => RawCause::Finished(x),
                    _ => self.causes.now,
                };
                self.note_woken_by(t, cause);
            }
            self.futs[fut as usize].queued += 1;
            self.call_soon(Ready::Call(cb, fut));
        } else {
            self.futs[fut as usize].push_callback(cb);
        }
    }

    /// `fut.remove_done_callback(cb)`: every registration of it.
    pub(crate) fn remove_done_callback(&mut self, fut: FutId, cb: Callback) {
        self.futs[fut as usize].retain_callbacks(|c| *c != cb);
    }

    /// `_release_waiter(waiter)`.
    pub(super) fn release_waiter(&mut self, waiter: FutId) {
        if !self.futs[waiter as usize].done() {
            self.set_result(waiter, Value::None);
        }
    }

    pub(super) fn schedule_callbacks(&mut self, fut: FutId) {
        let cbs = self.futs[fut as usize].take_callbacks();
        self.futs[fut as usize].queued += cbs.len() as u32;
        for cb in cbs.iter() {
            if let Callback::Wakeup(t) = cb {
                self.note_woken(t);
            }
            self.ready.push_back(Ready::Call(cb, fut));
        }
    }

    pub(crate) fn set_result(&mut self, fut: FutId, v: Value) {
        self.futs[fut as usize].state = FutState::Result(v);
        self.schedule_callbacks(fut);
    }

    pub(crate) fn set_exception(&mut self, fut: FutId, e: Exc) {
        if let FutKind::Task(owner) = self.futs[fut as usize].kind() {
            e.chain.borrow_mut().owner.get_or_insert(owner);
        }
        // (Boxed twice so a future stays small; most tracebacks are short.)
        let tb = Box::new(e.traceback.borrow().clone());
        self.futs[fut as usize].state = FutState::Exception(e, Some(tb));
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
        match self.futs[fut as usize].kind() {
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
        if let Some(e) = f.rare.as_mut().and_then(|c| c.exc.take()) {
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
            // Nothing refers to a freed task: no one can ask.
            FutState::Freed => Ok(Value::None),
            FutState::Exception(..) => {
                // CPython's `future_get_result`: the exception gets back the
                // traceback it was set with, once; after that, none.
                let FutState::Exception(e, tb) = &mut self.futs[fut as usize].state else { unreachable!() };
                let e = e.clone();
                *e.traceback.borrow_mut() = tb.take().map(|tb| *tb).unwrap_or_default();
                self.retrieve(fut);
                Err(e)
            }
            FutState::Cancelled => Err(self.make_cancelled_error(fut)),
            FutState::Pending => Err(ExcObj::msg(ExcClass::InvalidStateError, "Result is not set.")),
        }
    }
}
