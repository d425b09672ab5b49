//! Leaving blocks: pushing handlers, raising an exception through the block
//! stack, and returning from a coroutine.

use super::*;

impl Vm<'_> {
    pub(super) fn push_handler(&mut self, t: TaskId, kind: HandlerKind, pc: usize) -> Flow {
        let exc_depth = self.tasks[t as usize].rare.exc_info().len() as u32;
        let frame = self.tasks[t as usize].frames.last_mut().expect("a running task has a frame");
        let x = frame.x_from(&mut self.spare_extras);
        let h =
            Handler { kind, pc, exc_depth, comp_depth: x.completions.len() as u32, star_depth: x.stars.len() as u32 };
        x.handlers.push(h);
        Flow::Continue
    }

    /// Drops the pending completion of the `finally` being run (its cleanup
    /// raised instead).
    pub(super) fn drop_completion(&mut self, t: TaskId) {
        if let Some(Completion::Raise(_)) = self.frame(t).x().completions.pop() {
            self.tasks[t as usize].rare.exc_pop();
        }
    }

    /// Adds the task's current frame to the exception's traceback, as
    /// CPython's `PyTraceBack_Here` does each time an exception enters a
    /// frame (raised there, propagated from a callee, thrown in), but not
    /// when it is raised again ([`Vm::reraise`]).
    fn trace(&mut self, t: TaskId, exc: &Exc) {
        use crate::value::exc::{FrameName, TbEntry};
        let task = &self.tasks[t as usize];
        let entry = match task.frames.last() {
            Some(frame) if !self.prog.coros[frame.coro as usize].builtin => {
                let code = &self.prog.coros[frame.coro as usize].code;
                let Some(instr) = code.get(frame.pc().saturating_sub(1)) else { return };
                TbEntry { frame: FrameName::Coro(frame.coro), line: self.line_of(instr.span.start) }
            }
            // asyncio's own code (a task running `asyncio.sleep`, Barrier's
            // methods): not shown, but the exception has a traceback.
            _ => TbEntry { frame: FrameName::Internal, line: 0 },
        };
        let mut tb = exc.traceback.borrow_mut();
        if entry.frame == FrameName::Internal && tb.last().is_some_and(|e| e.frame == FrameName::Internal) {
            return;
        }
        tb.push(entry);
        drop(tb);
        let owner = exc.chain.borrow().owner;
        if let Some(owner) = owner {
            let refers =
                self.tasks[t as usize].frames.last().is_some_and(|f| f.locals.iter().any(|v| names_task(v, owner)));
            if refers {
                self.make_cyclic(exc);
            }
        }
        if exc.chain.borrow().cyclic {
            if let Some(frame) = self.tasks[t as usize].frames.last_mut() {
                frame.x_from(&mut self.spare_extras).pinned = true;
            }
        }
    }

    /// `e` is in a reference cycle through its traceback (what a
    /// TaskGroup's `__aexit__` raises is its own frame's `me`; a failed
    /// task's exception raised in a frame that refers to the task): only the
    /// garbage collector frees it, and the frames it enters.
    pub(crate) fn make_cyclic(&mut self, e: &Exc) {
        let mut chain = e.chain.borrow_mut();
        if !chain.cyclic {
            chain.cyclic = true;
            drop(chain);
            self.uncollected.push(Box::new(e.clone()));
        }
    }

    /// `fut.result()` called from asyncio's own code that keeps `fut` in a
    /// local (`wait_for`, `as_completed`'s `_wait_for_one`): a task's
    /// exception raised there refers to its own task through that frame.
    pub(crate) fn held_outcome(&mut self, fut: FutId) -> Result<Value, Exc> {
        let r = self.fut_outcome(fut);
        if let (Err(e), FutKind::Task(owner)) = (&r, self.futs[fut as usize].kind()) {
            if e.chain.borrow().owner == Some(owner) {
                self.make_cyclic(e);
            }
        }
        r
    }

    /// Raises `exc` in the task: unwind to the nearest handler. As CPython's
    /// `_PyErr_SetObject` (a raise, an error, an awaited failure) and
    /// `_PyErr_ChainStackItem` (an exception thrown into the coroutine) do,
    /// the exception the task is handling becomes its `__context__`.
    pub(crate) fn raise(&mut self, t: TaskId, exc: Exc) -> Flow {
        match self.tasks[t as usize].rare.exc_info().last() {
            Some(handled) => exc.set_context(handled),
            // The loop itself runs inside a handler (asyncio.run's shutdown
            // after main failed): that exception is the one being handled.
            None => {
                if let Some(outside) = &self.handling_outside {
                    exc.set_context(outside);
                }
            }
        }
        self.unwind(t, exc, true)
    }

    /// An exception coming out of a plain function called in this frame:
    /// it enters the frame (a traceback entry) with its context as it is.
    pub(crate) fn propagate(&mut self, t: TaskId, exc: Exc) -> Flow {
        self.unwind(t, exc, true)
    }

    /// Raises again the exception being handled (a bare `raise`, the end of
    /// a `finally`, an `except` that matched nothing): CPython's `RERAISE`
    /// changes neither its context nor its traceback in this frame.
    pub(crate) fn reraise(&mut self, t: TaskId, exc: Exc) -> Flow {
        self.unwind(t, exc, false)
    }

    /// Raises `exc` from asyncio's own code while it handles `handling`
    /// (`raise TimeoutError from exc` in `wait_for` and `timeout`): that is
    /// its context, not what the task's own code handles.
    pub(crate) fn raise_handling(&mut self, t: TaskId, exc: Exc, handling: &Exc) -> Flow {
        exc.set_context(handling);
        self.unwind(t, exc, true)
    }

    fn unwind(&mut self, t: TaskId, exc: Exc, trace_here: bool) -> Flow {
        let mut trace = trace_here;
        // A frame left holds its TaskGroup as `tg`, whose `_parent_task` is
        // this task: if the exception ends the task, the task, its exception
        // and that frame make a cycle the garbage collector alone frees.
        let mut left_a_group = false;
        loop {
            if trace {
                self.trace(t, &exc);
            }
            trace = true;
            let task = &mut self.tasks[t as usize];
            let Some(frame) = task.frames.last_mut() else {
                return Flow::Finished(Err(exc));
            };
            match frame.pop_handler() {
                Some(h) => {
                    frame.x().completions.truncate(h.comp_depth as usize);
                    frame.x().stars.truncate(h.star_depth as usize);
                    frame.jump(h.pc);
                    task.rare.exc_truncate(h.exc_depth as usize);
                    match h.kind {
                        HandlerKind::Except => task.rare.exc_push(exc),
                        HandlerKind::ExceptStar => {
                            let naked = !exc.class.is_group();
                            let group = if naked { ExcObj::wrap_naked(&exc) } else { exc.clone() };
                            frame.x().stars.push(StarState {
                                orig: exc.clone(),
                                naked,
                                group: group.clone(),
                                rest: Some(group),
                                matched: Vec::new(),
                                raised: Vec::new(),
                            });
                            task.rare.exc_push(exc);
                        }
                        HandlerKind::Finally => {
                            frame.x().completions.push(Completion::Raise(exc.clone()));
                            task.rare.exc_push(exc);
                        }
                        HandlerKind::StarCollect => {
                            if let Some(s) = frame.x().stars.last_mut() {
                                s.raised.push(exc);
                            }
                        }
                    }
                    return Flow::Continue;
                }
                None => {
                    let base = frame.exc_base();
                    let mut f = task.frames.pop().expect("frame");
                    // The traceback keeps the frame, and so its locals, alive
                    // as long as the exception lives (a task it names is not
                    // freed, nor "never retrieved", before it). Only values
                    // that can hold a task or a coroutine matter (and not
                    // exceptions, which would make a cycle of `Rc`s).
                    let holds = |v: &Value| {
                        matches!(
                            v,
                            Value::List(_)
                                | Value::Tuple(_)
                                | Value::Dict(_)
                                | Value::Task(_)
                                | Value::Coro(_)
                                | Value::Func(_)
                                | Value::Cell(_)
                        )
                    };
                    if f.locals.iter().any(holds) {
                        let locals = std::mem::take(&mut f.locals);
                        exc.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(locals)));
                    }
                    let done = task.frames.len() == self.sync_floor;
                    left_a_group |= f.used_a_group();
                    self.drop_frame(f);
                    self.tasks[t as usize].rare.exc_truncate(base);
                    if done {
                        // From 3.13 the group's `__aexit__` cleared its
                        // `_parent_task` before the exception left: no cycle.
                        if left_a_group
                            && self.sync_floor == 0
                            && !self.has(crate::version::Change::TaskGroupBreaksCycles)
                        {
                            self.tasks[t as usize].referenced = true;
                        }
                        return Flow::Finished(Err(exc));
                    }
                }
            }
        }
    }

    /// `return v`: run the `finally` blocks on the way out.
    pub(super) fn do_return(&mut self, t: TaskId, v: Value) -> Flow {
        loop {
            let task = &mut self.tasks[t as usize];
            let frame = task.frames.last_mut().expect("frame");
            match frame.pop_handler() {
                Some(h) if h.kind == HandlerKind::Finally => {
                    frame.x().completions.truncate(h.comp_depth as usize);
                    frame.x().stars.truncate(h.star_depth as usize);
                    task.rare.exc_truncate(h.exc_depth as usize);
                    frame.jump(h.pc);
                    frame.x().completions.push(Completion::Return(v));
                    return Flow::Continue;
                }
                Some(_) => {}
                None => {
                    let mut frame = task.frames.pop().expect("frame");
                    task.rare.exc_truncate(frame.exc_base());
                    if task.frames.len() == self.sync_floor {
                        self.drop_frame(frame);
                        return Flow::Finished(Ok(v));
                    }
                    // The callee's frame goes after its value is stored, as before.
                    let assigned = match frame.take_ret() {
                        Some(target) => self.assign(t, &target, v),
                        None => Ok(()),
                    };
                    self.drop_frame(frame);
                    if let Err(e) = assigned {
                        return self.raise(t, e);
                    }
                    return Flow::Continue;
                }
            }
        }
    }
}

/// Whether a local refers to the task, itself or in a list, tuple or dict.
fn names_task(v: &Value, t: TaskId) -> bool {
    match v {
        Value::Task(r) => r.id == t,
        Value::List(l) => l.borrow().iter().any(|x| matches!(x, Value::Task(r) if r.id == t)),
        Value::Tuple(xs) => xs.iter().any(|x| matches!(x, Value::Task(r) if r.id == t)),
        Value::Dict(d) => d.borrow().iter().any(|(_, x)| matches!(x, Value::Task(r) if r.id == t)),
        Value::Cell(c) => matches!(&*c.borrow(), Value::Task(r) if r.id == t),
        _ => false,
    }
}
