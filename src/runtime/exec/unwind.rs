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
    fn trace(&self, t: TaskId, exc: &Exc) {
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
    }

    /// Raises `exc` in the task: unwind to the nearest handler. As CPython's
    /// `_PyErr_SetObject` (a raise, an error, an awaited failure) and
    /// `_PyErr_ChainStackItem` (an exception thrown into the coroutine) do,
    /// the exception the task is handling becomes its `__context__`.
    pub(crate) fn raise(&mut self, t: TaskId, exc: Exc) -> Flow {
        if let Some(handled) = self.tasks[t as usize].rare.exc_info().last() {
            exc.set_context(handled);
        }
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
                    let f = task.frames.pop().expect("frame");
                    let done = task.frames.is_empty();
                    self.drop_frame(f);
                    self.tasks[t as usize].rare.exc_truncate(base);
                    if done {
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
                    if task.frames.is_empty() {
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
