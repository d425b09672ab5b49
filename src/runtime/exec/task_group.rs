//! `TaskGroup.__aexit__`: waiting for the group's children, then raising
//! their errors as one group.

use super::*;
use crate::version::Change;

impl Vm<'_> {
    pub(super) fn tg_exit_start(&mut self, t: TaskId, g: u32) -> Flow {
        let body_exc = match self.frame(t).x().completions.last() {
            Some(Completion::Raise(e)) => Some(e.clone()),
            _ => None,
        };
        let grp = &mut self.groups[g as usize];
        grp.exiting = true;
        if let Some(e) = &body_exc {
            if (e.is(ExcClass::KeyboardInterrupt) || e.is(ExcClass::SystemExit)) && grp.base_error.is_none() {
                grp.base_error = Some(e.clone());
            }
        }
        grp.propagate = body_exc.as_ref().filter(|e| is_cancel(e)).cloned();
        grp.body_exc = body_exc.clone();
        // Up to 3.12 the group's own cancellation of its parent is taken
        // back here, before the children are waited for; from 3.13 after.
        if self.groups[g as usize].parent_cancel_requested && !self.has(Change::TaskGroupSettlesAfterChildren) {
            self.tg_uncancel_parent(g);
        }
        if body_exc.is_some() && !self.groups[g as usize].aborting {
            self.tg_abort(g);
        }
        self.tg_exit_loop(t, g)
    }

    pub(super) fn tg_exit_loop(&mut self, t: TaskId, g: u32) -> Flow {
        if !self.groups[g as usize].tasks.is_empty() {
            let fut = match self.groups[g as usize].on_completed {
                Some(f) => f,
                None => {
                    let f = self.new_fut(FutKind::Plain);
                    self.groups[g as usize].on_completed = Some(f);
                    f
                }
            };
            let n = self.groups[g as usize].tasks.len();
            self.record(t, EventKind::Wait(WaitOn::TaskGroup(n)));
            if self.wants_awaits() {
                let kids: Vec<TaskId> = self.groups[g as usize].tasks.iter().copied().collect();
                self.record_awaits(t, kids);
            }
            self.tasks[t as usize].resume = Resume::TgWait { tg: g };
            return Flow::Suspend(fut);
        }
        let grp = &mut self.groups[g as usize];
        let raises = grp.base_error.is_some()
            || (grp.propagate.is_some() && grp.errors.is_empty())
            || !grp.errors.is_empty()
            || grp.body_exc.as_ref().is_some_and(|e| !is_cancel(e));
        // From 3.13 `__aexit__` clears the group's references (its parent
        // task, errors) as it leaves: no cycle.
        let cyclic = raises && !self.has(Change::TaskGroupBreaksCycles);
        if cyclic {
            // What `__aexit__` raises has its frame in the traceback, and
            // that frame's `self` is the group, whose `_parent_task` is this
            // task: a cycle only the garbage collector frees. The task is
            // not freed (nor "never retrieved") while the program runs.
            self.tasks[t as usize].referenced = true;
        }
        let grp = &mut self.groups[g as usize];
        if let Some(e) = grp.base_error.clone() {
            self.drop_completion(t);
            if cyclic {
                self.make_cyclic(&e);
            }
            return self.raise(t, e);
        }
        if self.groups[g as usize].parent_cancel_requested && self.has(Change::TaskGroupSettlesAfterChildren) {
            self.tg_uncancel_parent(g);
        }
        let grp = &mut self.groups[g as usize];
        if let Some(p) = grp.propagate.clone() {
            if grp.errors.is_empty() {
                self.drop_completion(t);
                if cyclic {
                    self.make_cyclic(&p);
                }
                return self.raise(t, p);
            }
        }
        if let Some(e) = grp.body_exc.clone() {
            if !is_cancel(&e) {
                grp.errors.push(e);
            }
        }
        if !grp.errors.is_empty()
            && self.tasks[t as usize].num_cancels > 0
            && self.has(Change::TaskGroupSettlesAfterChildren)
        {
            // 3.13: cancelled from outside too: the cancellation is not lost,
            // it is delivered at the parent's next await.
            self.task_uncancel(t);
            let before = self.set_canceller(Canceller::TaskGroup(t));
            self.task_cancel(t, None);
            self.set_canceller(before);
        }
        let grp = &mut self.groups[g as usize];
        if !grp.errors.is_empty() {
            let errors = std::mem::take(&mut grp.errors);
            grp.sync_view();
            let eg = ExcObj::group("unhandled errors in a TaskGroup", errors);
            // `raise me from None` in `__aexit__`, which handles the body's
            // exception if it raised one.
            eg.chain.borrow_mut().suppress_context = true;
            if cyclic {
                self.make_cyclic(&eg);
            }
            let body_exc = self.groups[g as usize].body_exc.clone();
            self.drop_completion(t);
            return match body_exc {
                Some(b) => self.raise_handling(t, eg, &b),
                None => self.raise(t, eg),
            };
        }
        Flow::Continue
    }

    /// `if self._parent_task.uncancel() == 0: propagate_cancellation_error = None`.
    fn tg_uncancel_parent(&mut self, g: u32) {
        let parent = self.groups[g as usize].parent;
        if self.task_uncancel(parent) == 0 {
            self.groups[g as usize].propagate = None;
        }
    }
}
