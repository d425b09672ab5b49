//! `asyncio.gather` and `asyncio.TaskGroup`: the state their callbacks
//! share, following `tasks.py` and `taskgroups.py` line by line.

use super::*;

/// A `gather()` in progress.
#[derive(Debug)]
pub(crate) struct Gather {
    pub(crate) outer: Option<FutId>,
    pub(crate) children: Vec<FutId>,
    /// The distinct children, in order, until gather lets go of them;
    /// `None` while every child is distinct (then they are `children`).
    pub(crate) distinct: Option<Vec<FutId>>,
    /// `nfuts`: how many distinct children.
    pub(crate) nfuts: usize,
    /// Children given as existing tasks (only those can repeat).
    pub(crate) seen: BTreeSet<FutId>,
    pub(crate) nfinished: usize,
    pub(crate) return_exceptions: bool,
    pub(crate) cancel_requested: bool,
    /// From 3.12, the children already done when given (`done_futs`):
    /// taken once the outer future exists, before `gather()` returns.
    pub(crate) done_now: Vec<FutId>,
}

/// A `TaskGroup`.
#[derive(Debug)]
pub(crate) struct TaskGroup {
    pub(crate) parent: TaskId,
    pub(crate) exiting: bool,
    pub(crate) aborting: bool,
    pub(crate) parent_cancel_requested: bool,
    /// A set in CPython; asim iterates it in creation order (task ids).
    pub(crate) tasks: BTreeSet<TaskId>,
    pub(crate) errors: Vec<Exc>,
    pub(crate) base_error: Option<Exc>,
    pub(crate) on_completed: Option<FutId>,
    /// `__aexit__`'s `et`/`exc` and `propagate_cancellation_error`.
    pub(crate) body_exc: Option<Exc>,
    pub(crate) propagate: Option<Exc>,
    /// The group as a program's value, once it is bound (`as: tg`).
    pub(crate) view: Option<Rc<TgView>>,
}

impl TaskGroup {
    /// `TaskGroup.__repr__` (it appears in CPython's error messages).
    pub(crate) fn repr(&self) -> String {
        let mut info = String::new();
        if !self.tasks.is_empty() {
            info.push_str(&format!(" tasks={}", self.tasks.len()));
        }
        if !self.errors.is_empty() {
            info.push_str(&format!(" errors={}", self.errors.len()));
        }
        // Always entered by the time a spawn can reach it.
        info.push_str(if self.aborting { " cancelling" } else { " entered" });
        format!("<TaskGroup{info}>")
    }

    /// Brings the program's view of the group up to date after a change.
    pub(crate) fn sync_view(&self) {
        if let Some(v) = &self.view {
            v.tasks.set(self.tasks.len() as u32);
            v.errors.set(self.errors.len() as u32);
            v.aborting.set(self.aborting);
        }
    }
}

impl Vm<'_> {
    /// Starts `asyncio.gather(...)`: the state its callbacks refer to. The
    /// children are added one by one with [`Vm::gather_child`], each wrapped
    /// and given its done callback before the next argument is looked at, as
    /// CPython's loop does; [`Vm::gather_end`] makes the outer future.
    pub(crate) fn gather_begin(&mut self, return_exceptions: bool) -> u32 {
        self.gathers.push(Gather {
            outer: None,
            children: Vec::new(),
            distinct: None,
            nfuts: 0,
            seen: BTreeSet::new(),
            nfinished: 0,
            return_exceptions,
            cancel_requested: false,
            done_now: Vec::new(),
        });
        (self.gathers.len() - 1) as u32
    }

    /// Adds a child future; one seen before is listed again but counted
    /// once. A `fresh` child (a task gather itself just made of a
    /// coroutine) cannot have been seen.
    pub(crate) fn gather_child(&mut self, g: u32, fut: FutId, fresh: bool) {
        let gs = &mut self.gathers[g as usize];
        gs.children.push(fut);
        if fresh || gs.seen.insert(fut) {
            if let Some(d) = &mut gs.distinct {
                d.push(fut);
            }
            gs.nfuts += 1;
            self.hold(fut, 1);
            if self.futs[fut as usize].done() && self.has(crate::version::Change::GatherDoneArguments) {
                self.gathers[g as usize].done_now.push(fut);
            } else {
                self.add_done_callback(fut, Callback::Gather(g));
            }
        } else if gs.distinct.is_none() {
            // The first repeat: the children before it are the distinct ones.
            gs.distinct = Some(gs.children[..gs.children.len() - 1].to_vec());
        }
    }

    /// A child given again (the same coroutine object, made a task once):
    /// listed again, with no second callback.
    pub(crate) fn gather_child_again(&mut self, g: u32, fut: FutId) {
        let gs = &mut self.gathers[g as usize];
        gs.children.push(fut);
        if gs.distinct.is_none() {
            gs.distinct = Some(gs.children[..gs.children.len() - 1].to_vec());
        }
    }

    /// gather / wait / as_completed keep a task alive while they hold it.
    pub(crate) fn hold(&mut self, fut: FutId, delta: i32) {
        if let FutKind::Task(t) = self.futs[fut as usize].kind() {
            let h = &mut self.tasks[t as usize].holds;
            *h = h.saturating_add_signed(delta);
            if *h == 0 && delta < 0 {
                self.maybe_unretrieved(fut);
            }
        }
    }

    /// The outer future is done: gather lets go of its children.
    pub(super) fn gather_release(&mut self, g: u32) {
        let gs = &mut self.gathers[g as usize];
        gs.seen = BTreeSet::new();
        match gs.distinct.take() {
            Some(d) => {
                for c in d {
                    self.hold(c, -1);
                }
            }
            None => {
                // Let go once: later calls find an empty list.
                gs.distinct = Some(Vec::new());
                for i in 0..self.gathers[g as usize].children.len() {
                    let c = self.gathers[g as usize].children[i];
                    self.hold(c, -1);
                }
            }
        }
    }

    /// Makes the outer future (already done, with `[]`, for no children).
    pub(crate) fn gather_end(&mut self, g: u32) -> FutId {
        if self.gathers[g as usize].children.is_empty() {
            let outer = self.new_fut(FutKind::Plain);
            self.futs[outer as usize].state = FutState::Result(Value::list(Vec::new()));
            return outer;
        }
        let outer = self.new_fut(FutKind::Gather(g));
        self.gathers[g as usize].outer = Some(outer);
        // 3.12: `for fut in done_futs: _done_callback(fut)`.
        let done_now = std::mem::take(&mut self.gathers[g as usize].done_now);
        for fut in done_now {
            self.gather_done(g, fut);
        }
        outer
    }

    /// gather's `_done_callback(fut)`.
    pub(super) fn gather_done(&mut self, g: u32, fut: FutId) {
        let gs = &mut self.gathers[g as usize];
        gs.nfinished += 1;
        // bpo-46672: a child may finish before gather() made the outer future.
        let outer = gs.outer;
        if outer.is_none_or(|o| self.futs[o as usize].done()) {
            // `if not fut.cancelled(): fut.exception()`
            self.retrieve(fut);
            return;
        }
        let outer = outer.expect("checked");
        if !self.gathers[g as usize].return_exceptions {
            if self.futs[fut as usize].cancelled() {
                let exc = self.make_cancelled_error(fut);
                self.set_exception(outer, exc);
                self.gather_release(g);
                return;
            }
            if let FutState::Exception(e, _) = &self.futs[fut as usize].state {
                let e = e.clone();
                self.retrieve(fut);
                self.set_exception(outer, e);
                self.gather_release(g);
                return;
            }
        }
        let gs = &self.gathers[g as usize];
        if gs.nfinished == gs.nfuts {
            let children = gs.children.clone();
            for &c in &children {
                self.retrieve(c);
            }
            let mut results = Vec::with_capacity(children.len());
            for &c in &children {
                let f = &self.futs[c as usize];
                results.push(match &f.state {
                    FutState::Cancelled => {
                        let msg = match f.cancel_msg() {
                            None | Some(Value::None) => Value::str(""),
                            Some(m) => m.clone(),
                        };
                        Value::Exc(ExcObj::new(ExcClass::CancelledError, vec![msg]))
                    }
                    FutState::Exception(e, _) => Value::Exc(e.clone()),
                    FutState::Result(v) => v.clone(),
                    FutState::Pending | FutState::Freed => Value::None,
                });
            }
            if self.gathers[g as usize].cancel_requested {
                let last = *children.last().expect("gather has children");
                let exc = self.make_cancelled_error(last);
                self.set_exception(outer, exc);
            } else {
                self.set_result(outer, Value::list(results));
            }
            self.gather_release(g);
        }
    }

    /// `TaskGroup._abort()`: cancel every child not done, in creation order.
    pub(crate) fn tg_abort(&mut self, g: u32) {
        self.groups[g as usize].aborting = true;
        self.groups[g as usize].sync_view();
        let mut tasks: Vec<TaskId> =
            self.groups[g as usize].tasks.iter().copied().filter(|&t| !self.task_done(t)).collect();
        let parent = self.groups[g as usize].parent;
        self.set_order(&mut tasks, super::set_order::SetSite::TaskGroupAbort, Some(parent));
        let before = self.set_canceller(Canceller::TaskGroup(parent));
        for t in tasks {
            if !self.task_done(t) {
                self.task_cancel(t, None);
            }
        }
        self.set_canceller(before);
    }

    /// `TaskGroup._on_task_done(task)`.
    pub(super) fn tg_task_done(&mut self, g: u32, fut: FutId) {
        let FutKind::Task(t) = self.futs[fut as usize].kind() else {
            return;
        };
        let grp = &mut self.groups[g as usize];
        grp.tasks.remove(&t);
        grp.sync_view();
        if let Some(oc) = grp.on_completed {
            if grp.tasks.is_empty() && !self.futs[oc as usize].done() {
                self.set_result(oc, Value::Bool(true));
            }
        }
        let exc = match &self.futs[fut as usize].state {
            FutState::Exception(e, _) => e.clone(),
            _ => return,
        };
        self.retrieve(fut);
        let grp = &mut self.groups[g as usize];
        grp.errors.push(exc.clone());
        grp.sync_view();
        if (exc.is(ExcClass::KeyboardInterrupt) || exc.is(ExcClass::SystemExit)) && grp.base_error.is_none() {
            grp.base_error = Some(exc);
        }
        let parent = grp.parent;
        if self.task_done(parent) {
            return;
        }
        let grp = &self.groups[g as usize];
        if !grp.aborting && !grp.parent_cancel_requested {
            self.tg_abort(g);
            self.groups[g as usize].parent_cancel_requested = true;
            let before = self.set_canceller(Canceller::TaskGroup(parent));
            self.task_cancel(parent, None);
            self.set_canceller(before);
        }
    }
}
