//! Running a task: `Task.__step`, and the coroutine code between two
//! suspensions.
//!
//! A task is a stack of frames (an inline `await f()` pushes one). A step
//! first finishes the `await` it was suspended in — the code CPython runs
//! after `await fut` in `sleep`, `Lock.acquire`, `TaskGroup.__aexit__`... —
//! then runs instructions until the coroutine suspends, yields or ends.
//! Exceptions unwind through a block stack of handlers exactly as
//! CPython's `try`/`with`/`finally` do.

mod awaiting;
mod call;
mod ops;
mod task_group;
mod unwind;

use super::fifo::Fifo;
use super::*;
use crate::compile::{CExpr, CGatherItem, Op};

pub(crate) use awaiting::Item;

/// What the coroutine did at the end of a step.
pub(crate) enum Flow {
    /// Keep executing.
    Continue,
    /// Suspended on a pending future.
    Suspend(FutId),
    /// Suspended in `asyncio.sleep(d)`, on its private future (see
    /// [`Resume::Sleep`]).
    Sleep,
    /// Bare yield (`sleep(0)`).
    Yield,
    /// The coroutine ended.
    Finished(Result<Value, Exc>),
}

fn is_cancel(e: &Exc) -> bool {
    e.class == ExcClass::CancelledError
}

impl Vm<'_> {
    /// `Task.__step(exc)`.
    pub(crate) fn task_step(&mut self, t: TaskId, exc: Option<Exc>) {
        if self.task_done(t) {
            return;
        }
        let mut exc = exc;
        let task = &mut self.tasks[t as usize];
        if task.must_cancel {
            if !exc.as_ref().is_some_and(is_cancel) {
                let msg = task.cancel_msg().cloned();
                exc = Some(match msg {
                    None | Some(Value::None) => ExcObj::new(ExcClass::CancelledError, vec![]),
                    Some(m) => ExcObj::new(ExcClass::CancelledError, vec![m]),
                });
            }
            task.must_cancel = false;
        }
        task.set_fut_waiter(None);
        // `__step`'s `exc` (or `__wakeup`'s, which calls it) holds the
        // exception thrown in until the step ends, and with it what its
        // traceback keeps alive (the frames it left, their locals).
        let held = exc.clone();
        let flow = if task.noop { Flow::Finished(Ok(Value::None)) } else { self.resume(t, exc) };
        let flow = match flow {
            Flow::Continue => self.execute(t),
            other => other,
        };
        match flow {
            Flow::Continue => unreachable!("execute runs until the coroutine stops"),
            Flow::Suspend(fut) => {
                self.add_done_callback(fut, Callback::Wakeup(t));
                self.tasks[t as usize].set_fut_waiter(Some(Waiter::Fut(fut)));
                if self.tasks[t as usize].must_cancel {
                    let msg = self.tasks[t as usize].cancel_msg().cloned();
                    if self.fut_cancel(fut, msg) {
                        self.tasks[t as usize].must_cancel = false;
                    }
                }
            }
            Flow::Sleep => {
                self.tasks[t as usize].set_fut_waiter(Some(Waiter::Sleep));
                if self.tasks[t as usize].must_cancel {
                    let msg = self.tasks[t as usize].cancel_msg().cloned();
                    if self.sleep_cancel(t, msg) {
                        self.tasks[t as usize].must_cancel = false;
                    }
                }
            }
            Flow::Yield => self.call_soon(Ready::Step(t, None)),
            Flow::Finished(result) => self.finish_task(t, result),
        }
        drop(held);
    }

    fn finish_task(&mut self, t: TaskId, result: Result<Value, Exc>) {
        self.finished_tasks += 1;
        // A finished task's frames are gone in CPython too (the coroutine is closed).
        let task = &mut self.tasks[t as usize];
        task.done = true;
        let frames = std::mem::take(&mut task.frames);
        task.rare.exc_truncate(0);
        for f in frames.into_frames() {
            self.drop_frame(f);
        }
        let task = &mut self.tasks[t as usize];
        let fut = task.fut;
        self.tasks[t as usize].resume = Resume::Finished;
        // Who awaits it wakes because it finished.
        self.set_cause(RawCause::Finished(t));
        let noop = self.tasks[t as usize].noop;
        match result {
            Ok(v) => {
                if self.tasks[t as usize].must_cancel {
                    self.tasks[t as usize].must_cancel = false;
                    let msg = self.tasks[t as usize].cancel_msg().cloned();
                    if !noop {
                        self.record(t, EventKind::Cancelled);
                    }
                    self.future_cancel_task(fut, msg);
                } else {
                    if !noop {
                        self.record(t, EventKind::Done(crate::runtime::Repr(&v)));
                    }
                    self.set_result(fut, v);
                }
            }
            Err(e) if is_cancel(&e) => {
                self.record(t, EventKind::Cancelled);
                self.futs[fut as usize].set_cancelled_exc(e);
                self.future_cancel_task(fut, None);
                // Freed once nothing refers to it: its exception goes then.
                self.unretrieved_pending.push(t);
            }
            Err(e) => {
                if self.tracing() {
                    self.record(t, EventKind::Failed(e.name(), &e.to_str()));
                }
                // `except (KeyboardInterrupt, SystemExit): set_exception; raise`.
                let interrupt = e.is(ExcClass::KeyboardInterrupt) || e.is(ExcClass::SystemExit);
                if interrupt {
                    self.interrupt = Some(e.clone());
                    // Its traceback holds `__step`, which holds the task: a cycle.
                    self.tasks[t as usize].referenced = true;
                }
                self.set_exception(fut, e);
                if !noop && !interrupt {
                    self.tasks[t as usize].unretrieved = true;
                }
                self.unretrieved_pending.push(t);
            }
        }
        self.trim_rare(t);
    }

    /// `Future.cancel()` on a task's own future (the task ended cancelled).
    fn future_cancel_task(&mut self, fut: FutId, msg: Option<Value>) {
        let f = &mut self.futs[fut as usize];
        f.state = FutState::Cancelled;
        f.set_cancel_msg(msg);
        self.schedule_callbacks(fut);
    }

    fn frame(&mut self, t: TaskId) -> &mut Frame {
        self.tasks[t as usize].frames.last_mut().expect("a running task has a frame")
    }

    /// Assigns to a target in the task's current frame.
    pub(crate) fn assign(&mut self, t: TaskId, target: &Target, v: Value) -> Result<(), Exc> {
        match target {
            Target::Local(s) => {
                let slot = &mut self.frame(t).locals[*s as usize];
                if let Value::Cell(c) = slot {
                    let old = std::mem::replace(&mut *c.borrow_mut(), v);
                    drop(old);
                } else {
                    *slot = v;
                }
                Ok(())
            }
            Target::Global(g) => {
                self.globals[*g as usize] = v;
                Ok(())
            }
            Target::Unpack(i) => {
                use crate::value::ops::value_error;
                let prog = self.prog;
                let coro = self.frame(t).coro;
                let u = &prog.coros[coro as usize].unpacks[*i as usize];
                let items = crate::value::ops::unpack_items(&v)?;
                let n = u.targets.len();
                match u.star {
                    None if items.len() < n => {
                        return Err(value_error(format!(
                            "not enough values to unpack (expected {n}, got {})",
                            items.len()
                        )))
                    }
                    None if items.len() > n => return Err(crate::value::messages::too_many_values(n, &v, items.len())),
                    None => {
                        for (tt, v) in u.targets.iter().zip(items) {
                            self.assign(t, tt, v)?;
                        }
                    }
                    Some(star) => {
                        let star = star as usize;
                        if items.len() < n - 1 {
                            return Err(value_error(format!(
                                "not enough values to unpack (expected at least {}, got {})",
                                n - 1,
                                items.len()
                            )));
                        }
                        let after = n - 1 - star;
                        let mut items = items;
                        let tail = items.split_off(items.len() - after);
                        let middle = items.split_off(star);
                        for (tt, v) in u.targets[..star].iter().zip(items) {
                            self.assign(t, tt, v)?;
                        }
                        self.assign(t, &u.targets[star], Value::list(middle))?;
                        for (tt, v) in u.targets[star + 1..].iter().zip(tail) {
                            self.assign(t, tt, v)?;
                        }
                    }
                }
                Ok(())
            }
            Target::Item(i) => {
                use crate::compile::CIndex;
                use crate::value::store;
                let prog = self.prog;
                let coro = self.frame(t).coro;
                let it = &prog.coros[coro as usize].items[*i as usize];
                let obj = self.eval(t, &it.obj)?;
                match &it.index {
                    CIndex::One(e) => {
                        let i = self.eval(t, e)?;
                        store::set_item(&obj, &i, v)
                    }
                    CIndex::Slice(parts) => {
                        let [lo, hi, step] = self.slice_bounds(t, parts)?;
                        store::set_slice(&obj, lo, hi, step, &v)
                    }
                }
            }
        }
    }

    /// Evaluates a slice's bounds, all of them before any is checked (as
    /// CPython builds the slice object first).
    pub(crate) fn slice_bounds(&mut self, t: TaskId, parts: &[Option<CExpr>; 3]) -> Result<[Option<i64>; 3], Exc> {
        let mut vals = [Value::None, Value::None, Value::None];
        for (k, p) in parts.iter().enumerate() {
            if let Some(e) = p {
                vals[k] = self.eval(t, e)?;
            }
        }
        let mut out = [None; 3];
        for (k, v) in vals.iter().enumerate() {
            out[k] = crate::value::store::slice_bound(v)?;
        }
        Ok(out)
    }

    /// `del target`.
    pub(crate) fn delete(&mut self, t: TaskId, target: &Target) -> Result<(), Exc> {
        use crate::compile::CIndex;
        use crate::value::store;
        let prog = self.prog;
        let coro = self.frame(t).coro;
        match target {
            Target::Local(s) => {
                let unbound = match &self.frame(t).locals[*s as usize] {
                    Value::Unbound => true,
                    Value::Cell(c) => matches!(*c.borrow(), Value::Unbound),
                    _ => false,
                };
                if unbound {
                    let name = &prog.coros[coro as usize].local_names[*s as usize];
                    return Err(ExcObj::msg(
                        ExcClass::UnboundLocalError,
                        format!("cannot access local variable '{name}' where it is not associated with a value"),
                    ));
                }
                let old = match &self.frame(t).locals[*s as usize] {
                    Value::Cell(c) => std::mem::replace(&mut *c.borrow_mut(), Value::Unbound),
                    _ => std::mem::replace(&mut self.frame(t).locals[*s as usize], Value::Unbound),
                };
                drop(old);
                Ok(())
            }
            Target::Global(g) => {
                if let Value::Unbound = self.globals[*g as usize] {
                    return Err(ExcObj::msg(
                        ExcClass::NameError,
                        format!("name '{}' is not defined", prog.globals[*g as usize]),
                    ));
                }
                self.globals[*g as usize] = Value::Unbound;
                Ok(())
            }
            Target::Unpack(i) => {
                for tt in prog.coros[coro as usize].unpacks[*i as usize].targets.iter() {
                    self.delete(t, tt)?;
                }
                Ok(())
            }
            Target::Item(i) => {
                let it = &prog.coros[coro as usize].items[*i as usize];
                let obj = self.eval(t, &it.obj)?;
                match &it.index {
                    CIndex::One(e) => {
                        let i = self.eval(t, e)?;
                        store::del_item(&obj, &i)
                    }
                    CIndex::Slice(parts) => {
                        let [lo, hi, step] = self.slice_bounds(t, parts)?;
                        store::del_slice(&obj, lo, hi, step)
                    }
                }
            }
        }
    }

    fn bind(&mut self, t: TaskId, target: &Option<Target>, v: Value) -> Flow {
        match target {
            Some(tg) => match self.assign(t, tg, v) {
                Ok(()) => Flow::Continue,
                Err(e) => self.raise(t, e),
            },
            None => Flow::Continue,
        }
    }

    /// Finishes the `await` the task was suspended in.
    fn resume(&mut self, t: TaskId, exc: Option<Exc>) -> Flow {
        let resume = std::mem::replace(&mut self.tasks[t as usize].resume, Resume::Finished);
        match resume {
            Resume::StartReused => {
                let e = match exc {
                    Some(e) => e,
                    None => ExcObj::msg(ExcClass::RuntimeError, "cannot reuse already awaited coroutine"),
                };
                e.traceback
                    .borrow_mut()
                    .push(crate::value::exc::TbEntry { frame: crate::value::exc::FrameName::Internal, line: 0 });
                Flow::Finished(Err(e))
            }
            Resume::Start => {
                if let Some(e) = exc {
                    // Thrown in before the first line: the body never runs,
                    // and the traceback shows the frame at its `def` line.
                    if let Some(f) = self.tasks[t as usize].frames.last() {
                        let code = &self.prog.coros[f.coro as usize];
                        if !code.builtin {
                            let line = self.line_of(code.def_at);
                            e.traceback.borrow_mut().push(crate::value::exc::TbEntry {
                                frame: crate::value::exc::FrameName::Coro(f.coro),
                                line,
                            });
                        }
                    }
                    return Flow::Finished(Err(e));
                }
                self.record(t, EventKind::Start);
                Flow::Continue
            }
            Resume::Yield | Resume::Finished => match exc {
                Some(e) => self.raise(t, e),
                None => Flow::Continue,
            },
            Resume::Sleep { timer, .. } => {
                self.record_wake(t);
                // sleep's `finally: h.cancel()`.
                self.cancel_timer(timer);
                match exc {
                    Some(e) => self.raise(t, e),
                    None => Flow::Continue,
                }
            }
            Resume::Lock { prim, fut, bind } => {
                self.record_wake(t);
                self.remove_waiter(prim, fut);
                self.free_fut(fut);
                match exc {
                    Some(e) => {
                        if is_cancel(&e) && !self.lock_locked(prim) {
                            self.lock_wake_first(prim);
                        }
                        self.raise(t, e)
                    }
                    None => {
                        self.lock_take(prim, t);
                        self.note_acquire(t, prim);
                        self.bind(t, &bind, Value::Bool(true))
                    }
                }
            }
            Resume::Sem { prim, fut, bind } => {
                self.record_wake(t);
                self.remove_waiter(prim, fut);
                let was_cancelled = self.futs[fut as usize].cancelled();
                self.free_fut(fut);
                match exc {
                    Some(e) => {
                        if is_cancel(&e) && !was_cancelled {
                            self.sem_add(prim, 1);
                            self.sem_pass_on(prim);
                        } else if self.py.has(crate::version::Change::SemaphoreWakesAll) {
                            // 3.13's `finally:` runs whatever ended the wait.
                            self.sem_pass_on(prim);
                        }
                        self.raise(t, e)
                    }
                    None => {
                        self.sem_pass_on(prim);
                        self.sem_holder(prim, t);
                        self.note_acquire(t, prim);
                        self.bind(t, &bind, Value::Bool(true))
                    }
                }
            }
            Resume::Event { prim, fut, bind } => {
                self.record_wake(t);
                self.remove_waiter(prim, fut);
                self.free_fut(fut);
                match exc {
                    Some(e) => self.raise(t, e),
                    None => self.bind(t, &bind, Value::Bool(true)),
                }
            }
            Resume::Await { fut, bind } => {
                self.record_wake(t);
                match exc {
                    Some(e) => self.raise(t, e),
                    None => {
                        let v = match self.fut_outcome(fut) {
                            Ok(v) => v,
                            Err(e) => return self.raise(t, e),
                        };
                        self.bind(t, &bind, v)
                    }
                }
            }
            Resume::Queue(w) => self.queue_resume(t, *w, exc),
            Resume::Wait { w, bind } => self.wait_resume(t, w, bind, exc),
            Resume::AsCompleted { ac, fut, target } => self.as_completed_resume(t, ac, fut, target, exc),
            Resume::Cond(w) => self.cond_resume(t, *w, exc),
            Resume::WaitFor(w) => {
                let WaitFor { fut, waiter, handle, bind } = *w;
                self.hold(fut, -1);
                self.record_wake(t);
                if self.futs[fut as usize].done() {
                    self.cancel_timer(handle);
                    return match (self.held_outcome(fut), exc) {
                        (Ok(v), _) => self.bind(t, &bind, v),
                        // `except CancelledError: if fut.done(): return
                        // fut.result()`: raised while the cancellation
                        // (which went through wait_for's frame) is handled.
                        (Err(e), Some(c)) => {
                            c.traceback.borrow_mut().push(crate::value::exc::TbEntry {
                                frame: crate::value::exc::FrameName::Internal,
                                line: 0,
                            });
                            self.raise_handling(t, e, &c)
                        }
                        (Err(e), None) => self.raise(t, e),
                    };
                }
                self.remove_done_callback(fut, Callback::ReleaseWaiter(waiter));
                // Cancelled while waiting: cancel the inner, wait, re-raise.
                // Timed out: cancel the inner, wait, then TimeoutError.
                self.cancel_and_wait(t, fut, Some(handle), exc, bind)
            }
            Resume::WaitForCancel(w) => {
                let WaitForCancel { fut, waiter, handle, reraise, bind } = *w;
                self.hold(fut, -1);
                self.remove_done_callback(fut, Callback::ReleaseWaiter(waiter));
                if let Some(h) = handle {
                    self.cancel_timer(h);
                }
                if let Some(e) = exc.or(reraise) {
                    return self.raise(t, e);
                }
                match self.held_outcome(fut) {
                    Ok(v) => self.bind(t, &bind, v),
                    // `except CancelledError as exc: raise TimeoutError() from exc`.
                    Err(e) if is_cancel(&e) => self.raise_handling(t, timeout_error_from(&e), &e),
                    Err(e) => self.raise(t, e),
                }
            }
            Resume::TgWait { tg } => {
                self.record_wake(t);
                if let Some(e) = exc {
                    if is_cancel(&e) && !self.groups[tg as usize].aborting {
                        self.groups[tg as usize].propagate = Some(e);
                        self.tg_abort(tg);
                    } else if !is_cancel(&e) {
                        return self.raise(t, e);
                    }
                }
                self.groups[tg as usize].on_completed = None;
                self.tg_exit_loop(t, tg)
            }
        }
    }

    /// Runs instructions until the coroutine suspends or ends.
    fn execute(&mut self, t: TaskId) -> Flow {
        let prog = self.prog;
        loop {
            self.steps += 1;
            if self.steps > self.limits.max_steps {
                let msg = format!(
                    "the run executed more than {} steps (--max-steps); it may never end",
                    self.limits.max_steps
                );
                self.limit_hit = Some(msg);
                return Flow::Yield;
            }
            if self.stopped() {
                return Flow::Yield;
            }
            let frame = self.tasks[t as usize].frames.last_mut().expect("frame");
            let coro = frame.coro;
            let pc = frame.pc();
            frame.jump(pc + 1);
            let instr = &prog.coros[coro as usize].code[pc];
            let flow = match self.exec(t, &instr.op) {
                Ok(f) => {
                    if self.sync_escaped.is_some() {
                        // A function's exception the instruction dealt with.
                        self.sync_escaped = None;
                    }
                    f
                }
                // A limit hit inside the instruction: the task stays where it
                // is (the report shows it there), nothing of it runs on.
                Err(_) if self.stopped() => return Flow::Yield,
                Err(e) => match self.sync_escaped.take() {
                    // Out of a plain function: it enters this frame as it
                    // propagates (its context was set where it was raised).
                    Some(x) if Rc::ptr_eq(&x, &e) => self.propagate(t, e),
                    _ => self.raise(t, e),
                },
            };
            // A value the instruction dropped (a coroutine never awaited) is
            // reported now, before the next line runs, as CPython's
            // reference counting does.
            if crate::value::any_dropped() {
                let line = self.line_of(instr.span.start);
                self.after_handle_at(Some(t), line);
            }
            if self.steps % 4096 == 0 {
                // After the instruction, so the report shows the task at it.
                self.check_memory();
            }
            match flow {
                Flow::Continue => {}
                other => return other,
            }
        }
    }

    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        self.line_starts().partition_point(|&s| s <= offset) as u32
    }
}

/// `TimeoutError()` raised `from` the cancellation it replaces.
pub(super) fn timeout_error_from(cancelled: &Exc) -> Exc {
    let e = ExcObj::new(ExcClass::TimeoutError, vec![]);
    {
        let mut chain = e.chain.borrow_mut();
        chain.cause = Some(cancelled.clone());
        chain.suppress_context = true;
    }
    e
}
