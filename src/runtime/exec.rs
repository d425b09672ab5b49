//! Running a task: `Task.__step`, and the coroutine code between two
//! suspensions.
//!
//! A task is a stack of frames (an inline `await f()` pushes one). A step
//! first finishes the `await` it was suspended in — the code CPython runs
//! after `await fut` in `sleep`, `Lock.acquire`, `TaskGroup.__aexit__`... —
//! then runs instructions until the coroutine suspends, yields or ends.
//! Exceptions unwind through a block stack of handlers exactly as
//! CPython's `try`/`with`/`finally` do.

use super::fifo::Fifo;
use super::*;
use crate::compile::{CExpr, CGatherItem, Op};

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

/// A gather or wait item, evaluated (see [`Vm::eval_items`]).
pub(crate) enum Item {
    Value(Value),
    Call(CoroCall),
}

/// A coroutine call held without its coroutine object. Dropped unused, it
/// is reported never awaited, as the object would be.
pub(crate) struct CoroCall {
    coro: CoroId,
    args: Vec<Value>,
}

impl CoroCall {
    /// The coroutine and its arguments; the call is used, not dropped.
    fn into_parts(mut self) -> (CoroId, Vec<Value>) {
        let args = std::mem::take(&mut self.args);
        let coro = self.coro;
        std::mem::forget(self);
        (coro, args)
    }
}

impl Drop for CoroCall {
    fn drop(&mut self) {
        crate::value::dropped_coro_call(self.coro);
    }
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
            }
            Err(e) => {
                if self.tracing() {
                    self.record(t, EventKind::Failed(e.class.name(), &e.to_str()));
                }
                self.set_exception(fut, e);
                if !noop {
                    self.tasks[t as usize].unretrieved = true;
                    self.unretrieved_pending.push(t);
                }
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
                self.frame(t).locals[*s as usize] = v;
                Ok(())
            }
            Target::Global(g) => {
                self.globals[*g as usize] = v;
                Ok(())
            }
            Target::Unpack(i) => {
                let prog = self.prog;
                let coro = self.frame(t).coro;
                let ts = &prog.coros[coro as usize].unpacks[*i as usize];
                let items = crate::value::ops::iter_items(&v)?;
                if items.len() < ts.len() {
                    return Err(crate::value::ops::value_error(format!(
                        "not enough values to unpack (expected {}, got {})",
                        ts.len(),
                        items.len()
                    )));
                }
                if items.len() > ts.len() {
                    return Err(crate::value::ops::value_error(format!(
                        "too many values to unpack (expected {})",
                        ts.len()
                    )));
                }
                for (tt, v) in ts.iter().zip(items) {
                    self.assign(t, tt, v)?;
                }
                Ok(())
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
            Resume::Start => {
                if let Some(e) = exc {
                    // Thrown in before the first line: the body never runs.
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
                // sleep's `finally: h.cancel()`.
                self.cancel_timer(timer);
                match exc {
                    Some(e) => self.raise(t, e),
                    None => Flow::Continue,
                }
            }
            Resume::Lock { prim, fut, bind } => {
                self.record(t, EventKind::Wake);
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
                        self.bind(t, &bind, Value::Bool(true))
                    }
                }
            }
            Resume::Sem { prim, fut, bind } => {
                self.record(t, EventKind::Wake);
                self.remove_waiter(prim, fut);
                let was_cancelled = self.futs[fut as usize].cancelled();
                self.free_fut(fut);
                match exc {
                    Some(e) => {
                        if is_cancel(&e) && !was_cancelled {
                            self.sem_add(prim, 1);
                            self.sem_wake_next(prim);
                        }
                        self.raise(t, e)
                    }
                    None => {
                        if self.sem_value(prim) > 0 {
                            self.sem_wake_next(prim);
                        }
                        self.sem_holder(prim, t);
                        self.bind(t, &bind, Value::Bool(true))
                    }
                }
            }
            Resume::Event { prim, fut, bind } => {
                self.record(t, EventKind::Wake);
                self.remove_waiter(prim, fut);
                self.free_fut(fut);
                match exc {
                    Some(e) => self.raise(t, e),
                    None => self.bind(t, &bind, Value::Bool(true)),
                }
            }
            Resume::Await { fut, bind } => {
                self.record(t, EventKind::Wake);
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
                self.record(t, EventKind::Wake);
                if self.futs[fut as usize].done() {
                    self.cancel_timer(handle);
                    return match self.fut_outcome(fut) {
                        Ok(v) => self.bind(t, &bind, v),
                        Err(e) => self.raise(t, e),
                    };
                }
                self.remove_done_callback(fut, Callback::ReleaseWaiter(waiter));
                // Cancelled while waiting: cancel the inner, wait, re-raise.
                // Timed out: cancel the inner, wait, then TimeoutError.
                self.cancel_and_wait(t, fut, Some(handle), exc, bind)
            }
            Resume::WaitForCancel(w) => {
                let WaitForCancel { fut, waiter, handle, reraise, bind } = *w;
                self.remove_done_callback(fut, Callback::ReleaseWaiter(waiter));
                if let Some(h) = handle {
                    self.cancel_timer(h);
                }
                if let Some(e) = exc.or(reraise) {
                    return self.raise(t, e);
                }
                match self.fut_outcome(fut) {
                    Ok(v) => self.bind(t, &bind, v),
                    Err(e) if is_cancel(&e) => self.raise(t, ExcObj::new(ExcClass::TimeoutError, vec![])),
                    Err(e) => self.raise(t, e),
                }
            }
            Resume::TgWait { tg } => {
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
                Ok(f) => f,
                // A limit hit inside the instruction: the task stays where it
                // is (the report shows it there), nothing of it runs on.
                Err(_) if self.stopped() => return Flow::Yield,
                Err(e) => self.raise(t, e),
            };
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

    fn exec(&mut self, t: TaskId, op: &Op) -> Result<Flow, Exc> {
        Ok(match op {
            Op::Print(parts) => {
                let text = self.render(t, parts)?;
                self.output_bytes += text.len() as u64 + 1;
                if self.output_bytes > self.limits.max_output {
                    self.limit_hit =
                        Some(format!("the program printed more than {} bytes (--max-output)", self.limits.max_output));
                    return Ok(Flow::Yield);
                }
                self.record(t, EventKind::Print(&text));
                Flow::Continue
            }
            Op::Sleep(e) => {
                let d = self.eval(t, e)?;
                let d = crate::runtime::eval::seconds(&d, "sleep")?;
                if d <= 0.0 {
                    self.tasks[t as usize].resume = Resume::Yield;
                    return Ok(Flow::Yield);
                }
                let when = self.now + d;
                let timer = self.call_at(when, TimerCb::SleepDone(t));
                self.record(t, EventKind::Sleep(when));
                self.tasks[t as usize].resume = Resume::Sleep { timer, done: false };
                Flow::Sleep
            }
            Op::Block(e) => {
                let d = self.eval(t, e)?;
                // time.sleep(d): _PyTime_FromSecondsObject, then the sign check.
                let d = match d {
                    Value::Float(f) if f.is_nan() => {
                        return Err(crate::value::ops::value_error("Invalid value NaN (not a number)"))
                    }
                    d => crate::runtime::eval::seconds(&d, "block")?,
                };
                if !(-(2f64.powi(63))..2f64.powi(63)).contains(&(d * 1e9)) {
                    return Err(ExcObj::msg(ExcClass::OverflowError, "timestamp out of range for platform time_t"));
                }
                if d < 0.0 {
                    return Err(crate::value::ops::value_error("sleep length must be non-negative"));
                }
                self.record(t, EventKind::Block(d));
                self.now += d;
                Flow::Continue
            }
            Op::Await(e, bind) => {
                let v = self.eval(t, e)?;
                self.await_value(t, v, *bind)?
            }
            Op::AwaitAcquire(e, bind) => {
                let v = self.eval(t, e)?;
                self.acquire(t, &v, *bind)?
            }
            Op::AwaitWait(e, bind) => {
                let v = self.eval(t, e)?;
                self.event_wait(t, &v, *bind)?
            }
            Op::Spawn { call, name, bind, group } => {
                let v = self.eval(t, call)?;
                let (coro, args) = self.take_coro(&v, "create_task")?;
                let name = match name {
                    Some(parts) => Some(self.render(t, parts)?),
                    None => None,
                };
                if let Some(slot) = group {
                    let g = self.frame(t).x().groups[*slot as usize];
                    let grp = &self.groups[g as usize];
                    if grp.exiting && grp.tasks.is_empty() {
                        return Err(ExcObj::msg(
                            ExcClass::RuntimeError,
                            format!("TaskGroup {} is finished", grp.repr()),
                        ));
                    }
                    if grp.aborting {
                        return Err(ExcObj::msg(
                            ExcClass::RuntimeError,
                            format!("TaskGroup {} is shutting down", grp.repr()),
                        ));
                    }
                    let child = self.create_named_task(coro, args, false, name.map(Into::into))?;
                    let f = self.tasks[child as usize].fut;
                    self.add_done_callback(f, Callback::TgTaskDone(g));
                    self.groups[g as usize].tasks.insert(child);
                    self.record(t, EventKind::Spawn(child));
                    self.bind_value(t, bind, child)?;
                } else {
                    let child = self.create_named_task(coro, args, false, name.map(Into::into))?;
                    self.record(t, EventKind::Spawn(child));
                    self.bind_value(t, bind, child)?;
                }
                Flow::Continue
            }
            Op::AsCompletedStart(fs, timeout, slot) => {
                let fs = self.eval(t, fs)?;
                let timeout = match timeout {
                    Some(e) => match self.eval(t, e)? {
                        Value::None => None,
                        v => Some(crate::runtime::eval::seconds(&v, "as_completed timeout")?),
                    },
                    None => None,
                };
                let (ac, n) = self.as_completed_start(t, &fs, timeout)?;
                self.frame(t).x().iters[*slot as usize] = Iter::AsCompleted(ac, n);
                Flow::Continue
            }
            Op::AsCompletedNext(slot, target, end) => {
                let frame = self.frame(t);
                let Iter::AsCompleted(ac, left) = &mut frame.x().iters[*slot as usize] else {
                    unreachable!("as_completed slot")
                };
                if *left == 0 {
                    frame.x().iters[*slot as usize] = Iter::Done;
                    frame.jump(*end);
                    return Ok(Flow::Continue);
                }
                *left -= 1;
                let ac = *ac;
                self.as_completed_next(t, ac, *target)
            }
            Op::Wait { items, timeout, return_when, bind } => {
                let mut items = self.eval_items(t, items)?;
                let mut values = Vec::with_capacity(items.len());
                while let Some(i) = items.pop_front() {
                    values.push(self.item_value(i));
                }
                let timeout = match timeout {
                    Some(e) => match self.eval(t, e)? {
                        Value::None => None,
                        v => Some(crate::runtime::eval::seconds(&v, "wait timeout")?),
                    },
                    None => None,
                };
                self.wait_begin(t, values, timeout, *return_when, *bind)?
            }
            Op::Gather { items, return_exceptions, bind } => {
                let mut values = self.eval_items(t, items)?;
                let rex = match return_exceptions {
                    Some(e) => self.eval(t, e)?.truthy(),
                    None => false,
                };
                let g = self.gather_begin(rex);
                while let Some(item) = values.pop_front() {
                    let v = match item {
                        Item::Call(c) => {
                            let (coro, args) = self.take_call(c);
                            let child = self.create_task(coro, args, false)?;
                            self.record(t, EventKind::Spawn(child));
                            self.gather_child(g, self.tasks[child as usize].fut, true);
                            continue;
                        }
                        Item::Value(v) => v,
                    };
                    let (fut, fresh) = match &v {
                        Value::Task(r) => (self.tasks[r.id as usize].fut, false),
                        Value::Coro(_) => {
                            let (coro, args) = self.take_coro_owned(v, "gather")?;
                            let child = self.create_task(coro, args, false)?;
                            self.record(t, EventKind::Spawn(child));
                            (self.tasks[child as usize].fut, true)
                        }
                        _ => {
                            return Err(crate::value::ops::type_error(
                                "An asyncio.Future, a coroutine or an awaitable is required".to_owned(),
                            ))
                        }
                    };
                    self.gather_child(g, fut, fresh);
                }
                let n = self.gathers[g as usize].children.len();
                let outer = self.gather_end(g);
                if self.futs[outer as usize].done() {
                    let v = self.fut_outcome(outer)?;
                    return Ok(self.bind(t, bind, v));
                }
                self.record(t, EventKind::Wait(WaitOn::Gather(n)));
                self.tasks[t as usize].resume = Resume::Await { fut: outer, bind: *bind };
                Flow::Suspend(outer)
            }
            Op::TgEnter(slot) => {
                let g = self.groups.len() as u32;
                self.groups.push(TaskGroup {
                    parent: t,
                    exiting: false,
                    aborting: false,
                    parent_cancel_requested: false,
                    tasks: BTreeSet::new(),
                    errors: Vec::new(),
                    base_error: None,
                    on_completed: None,
                    body_exc: None,
                    propagate: None,
                });
                self.frame(t).x().groups[*slot as usize] = g;
                Flow::Continue
            }
            Op::TgExit(slot) => {
                let g = self.frame(t).x().groups[*slot as usize];
                self.tg_exit_start(t, g)
            }
            Op::WithEnter(e, slot) => {
                let v = self.eval(t, e)?;
                match &v {
                    Value::Prim(p)
                        if matches!(
                            p.kind,
                            crate::value::PrimKind::Lock
                                | crate::value::PrimKind::Semaphore
                                | crate::value::PrimKind::BoundedSemaphore
                                | crate::value::PrimKind::Condition
                        ) => {}
                    other => {
                        return Err(crate::value::ops::type_error(format!(
                            "'{}' object does not support the asynchronous context manager protocol",
                            other.type_name()
                        )))
                    }
                }
                self.frame(t).locals[*slot as usize] = v.clone();
                self.acquire(t, &v, None)?
            }
            Op::WithExit(slot) => {
                let v = self.frame(t).locals[*slot as usize].clone();
                match self.release(t, &v) {
                    Ok(()) => Flow::Continue,
                    Err(e) => {
                        self.drop_completion(t);
                        return Err(e);
                    }
                }
            }
            Op::Do(e) => {
                self.eval(t, e)?;
                // A value dropped here (a coroutine never awaited) is reported now.
                if crate::value::any_dropped() {
                    self.after_handle(Some(t));
                }
                Flow::Continue
            }
            Op::Assign(items) => {
                for (target, e) in items {
                    let v = self.eval(t, e)?;
                    self.assign(t, target, v)?;
                }
                if crate::value::any_dropped() {
                    self.after_handle(Some(t));
                }
                Flow::Continue
            }
            Op::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(t, e)?,
                    None => Value::None,
                };
                self.do_return(t, v)
            }
            Op::Raise(e) => {
                let exc = match e {
                    None => match self.tasks[t as usize].rare.exc_info().last() {
                        Some(e) => e.clone(),
                        None => return Err(ExcObj::msg(ExcClass::RuntimeError, "No active exception to reraise")),
                    },
                    Some(e) => {
                        let v = self.eval(t, e)?;
                        crate::runtime::eval::to_exception(&v)?
                    }
                };
                return Err(exc);
            }
            Op::PushExcept(pc) => self.push_handler(t, HandlerKind::Except, *pc),
            Op::PushExceptStar(pc) => self.push_handler(t, HandlerKind::ExceptStar, *pc),
            Op::PushFinally(pc) => self.push_handler(t, HandlerKind::Finally, *pc),
            Op::PushStarCollect(pc) => self.push_handler(t, HandlerKind::StarCollect, *pc),
            Op::PopHandler => {
                self.frame(t).pop_handler();
                Flow::Continue
            }
            Op::Jump(pc) => {
                self.frame(t).jump(*pc);
                Flow::Continue
            }
            Op::JumpIfNot(e, pc) => {
                if !self.eval(t, e)?.truthy() {
                    self.frame(t).jump(*pc);
                }
                Flow::Continue
            }
            Op::ForStart(e, slot) => {
                let v = self.eval(t, e)?;
                let it = match &v {
                    Value::Range(r) => Iter::Range { next: r.0, stop: r.1, step: r.2 },
                    Value::List(l) => Iter::List(l.clone(), 0),
                    _ => Iter::Items(crate::value::ops::iter_items(&v)?.into(), 0),
                };
                self.frame(t).x().iters[*slot as usize] = it;
                Flow::Continue
            }
            Op::ForNext(slot, target, end) => {
                let frame = self.frame(t);
                let it = &mut frame.x().iters[*slot as usize];
                let next = match it {
                    Iter::Range { next, stop, step } => {
                        if (*step > 0 && *next < *stop) || (*step < 0 && *next > *stop) {
                            let v = *next;
                            *next += *step;
                            Some(Value::Int(v))
                        } else {
                            None
                        }
                    }
                    Iter::List(l, i) => {
                        let item = l.borrow().get(*i).cloned();
                        *i += 1;
                        item
                    }
                    Iter::Items(items, i) => {
                        let item = items.get(*i).cloned();
                        *i += 1;
                        item
                    }
                    Iter::Done | Iter::AsCompleted(..) => None,
                };
                match next {
                    Some(v) => self.assign(t, target, v)?,
                    None => {
                        frame_iter_done(self.frame(t), *slot);
                        self.frame(t).jump(*end);
                    }
                }
                Flow::Continue
            }
            Op::Match(types, bind, next) => {
                let exc = self.tasks[t as usize].rare.exc_info().last().cloned().expect("handled exception");
                let classes = self.eval_classes(t, types)?;
                let matched = classes.is_empty() || classes.iter().any(|c| exc.is(*c));
                if matched {
                    if let Some(b) = bind {
                        self.assign(t, b, Value::Exc(exc))?;
                    }
                } else {
                    self.frame(t).jump(*next);
                }
                Flow::Continue
            }
            Op::ExceptDone => {
                self.tasks[t as usize].rare.exc_pop();
                Flow::Continue
            }
            Op::Reraise => {
                let exc = self.tasks[t as usize].rare.exc_pop().expect("handled exception");
                return Ok(self.raise(t, exc));
            }
            Op::StarMatch(types, bind, next) => {
                let classes = self.eval_classes(t, types)?;
                let frame = self.frame(t);
                let state = frame.x().stars.last_mut().expect("except* state");
                let Some(rest) = state.rest.clone() else {
                    frame.jump(*next);
                    return Ok(Flow::Continue);
                };
                let (m, r) = rest.split(&|e: &ExcObj| classes.iter().any(|c| e.is(*c)));
                match m {
                    None => frame.jump(*next),
                    Some(m) => {
                        state.rest = r;
                        state.matched.push(m.clone());
                        if let Some(b) = bind {
                            self.assign(t, b, Value::Exc(m))?;
                        }
                    }
                }
                Flow::Continue
            }
            Op::StarEnd => {
                let state = self.frame(t).x().stars.pop().expect("except* state");
                self.tasks[t as usize].rare.exc_pop();
                match star_result(state) {
                    Some(e) => return Ok(self.raise(t, e)),
                    None => Flow::Continue,
                }
            }
            Op::AwaitQueue(recv, op, item, bind) => {
                let q = self.eval(t, recv)?;
                let item = match item {
                    Some(e) => Some(self.eval(t, e)?),
                    None => None,
                };
                let attr = match op {
                    QueueOp::Get => "get",
                    QueueOp::Put => "put",
                    QueueOp::Join => "join",
                };
                match &q {
                    Value::Prim(p) if matches!(self.prims[p.id as usize], Prim::Queue(_)) => {
                        let name = p.name.to_string();
                        self.queue_op(t, p.id, &name, *op, item, *bind)?
                    }
                    other => {
                        return Err(ExcObj::msg(
                            ExcClass::AttributeError,
                            format!("'{}' object has no attribute '{attr}'", other.type_name()),
                        ))
                    }
                }
            }
            Op::WaitFor(what, timeout, bind) => {
                let v = self.eval(t, what)?;
                let timeout = self.eval(t, timeout)?;
                if matches!(timeout, Value::None) {
                    return self.await_value(t, v, *bind);
                }
                let d = crate::runtime::eval::seconds(&timeout, "wait_for timeout")?;
                if d <= 0.0 {
                    let fut = self.ensure_future(t, &v)?;
                    if self.futs[fut as usize].done() {
                        let v = self.fut_outcome(fut)?;
                        return Ok(self.bind(t, bind, v));
                    }
                    return Ok(self.cancel_and_wait(t, fut, None, None, *bind));
                }
                let waiter = self.new_fut(FutKind::Plain);
                let handle = self.call_at(self.now + d, TimerCb::ReleaseWaiter(waiter));
                let fut = match self.ensure_future(t, &v) {
                    Ok(f) => f,
                    Err(e) => {
                        self.cancel_timer(handle);
                        return Err(e);
                    }
                };
                self.add_done_callback(fut, Callback::ReleaseWaiter(waiter));
                if let FutKind::Task(o) = self.futs[fut as usize].kind() {
                    self.record(t, EventKind::Wait(WaitOn::Task(o)));
                }
                self.tasks[t as usize].resume = Resume::WaitFor(Box::new(WaitFor { fut, waiter, handle, bind: *bind }));
                Flow::Suspend(waiter)
            }
            Op::AwaitShield(what, bind) => {
                let v = self.eval(t, what)?;
                let inner = self.ensure_future(t, &v)?;
                if self.futs[inner as usize].done() {
                    let v = self.fut_outcome(inner)?;
                    return Ok(self.bind(t, bind, v));
                }
                let outer = self.new_fut(FutKind::Plain);
                self.add_done_callback(inner, Callback::ShieldInner(outer));
                self.add_done_callback(outer, Callback::ShieldOuter(inner));
                if let FutKind::Task(o) = self.futs[inner as usize].kind() {
                    self.record(t, EventKind::Wait(WaitOn::Task(o)));
                }
                self.tasks[t as usize].resume = Resume::Await { fut: outer, bind: *bind };
                Flow::Suspend(outer)
            }
            Op::TimeoutEnter(delay, slot) => {
                // asyncio.timeout(delay): the deadline is taken now.
                let d = self.eval(t, delay)?;
                let when = match d {
                    Value::None => None,
                    d => Some(self.now + crate::runtime::eval::seconds(&d, "timeout")?),
                };
                let id = self.timeouts.len() as u32;
                let cancelling = self.tasks[t as usize].num_cancels;
                self.timeouts.push(Timeout { state: TimeoutState::Entered, task: t, cancelling, handle: None });
                // reschedule(when)
                if let Some(when) = when {
                    let h = if when <= self.now {
                        self.call_soon_handle(TimerCb::Timeout(id))
                    } else {
                        self.call_at(when, TimerCb::Timeout(id))
                    };
                    self.timeouts[id as usize].handle = Some(h);
                }
                self.frame(t).locals[*slot as usize] = Value::Int(i64::from(id));
                Flow::Continue
            }
            Op::TimeoutExit(slot) => {
                let Value::Int(id) = self.frame(t).locals[*slot as usize] else { unreachable!("timeout slot") };
                let id = id as usize;
                if let Some(h) = self.timeouts[id].handle.take() {
                    self.cancel_timer(h);
                }
                match self.timeouts[id].state {
                    TimeoutState::Expiring => {
                        self.timeouts[id].state = TimeoutState::Expired;
                        let cancelled =
                            matches!(self.frame(t).x().completions.last(), Some(Completion::Raise(e)) if is_cancel(e));
                        if self.task_uncancel(t) <= self.timeouts[id].cancelling && cancelled {
                            self.drop_completion(t);
                            return Err(ExcObj::new(ExcClass::TimeoutError, vec![]));
                        }
                    }
                    TimeoutState::Entered => self.timeouts[id].state = TimeoutState::Exited,
                    _ => {}
                }
                Flow::Continue
            }
            Op::Barrier(op) => {
                let Value::Prim(p) = self.frame(t).locals[0].clone() else { unreachable!("Barrier's own code") };
                let mut notify = None;
                if let Prim::Barrier { state, count, cond, .. } = &mut self.prims[p.id as usize] {
                    use crate::compile::barrier_state::*;
                    match op {
                        crate::compile::BarrierOp::AddCount(n) => *count += n,
                        crate::compile::BarrierOp::SetState(s) => *state = s,
                        crate::compile::BarrierOp::Exit => {
                            *count -= 1;
                            if *count == 0 {
                                if *state == RESETTING || *state == DRAINING {
                                    *state = FILLING;
                                }
                                notify = Some(*cond);
                            }
                        }
                        crate::compile::BarrierOp::Reset => {
                            if *count > 0 {
                                *state = RESETTING;
                            } else {
                                *state = FILLING;
                            }
                        }
                    }
                }
                if let Some(c) = notify {
                    let n = self.cond_waiters(c);
                    self.cond_notify(c, n)?;
                }
                Flow::Continue
            }
            Op::EnterFinally => {
                self.frame(t).x().completions.push(Completion::Normal);
                Flow::Continue
            }
            Op::EndFinally => {
                let c = self.frame(t).x().completions.pop().unwrap_or(Completion::Normal);
                match c {
                    Completion::Normal => Flow::Continue,
                    Completion::Raise(e) => {
                        self.tasks[t as usize].rare.exc_pop();
                        self.raise(t, e)
                    }
                    Completion::Return(v) => self.do_return(t, v),
                }
            }
            Op::Assert(c, msg) => {
                if !self.eval(t, c)?.truthy() {
                    let args = match msg {
                        Some(parts) => vec![Value::str(self.render(t, parts)?)],
                        None => vec![],
                    };
                    return Err(ExcObj::new(ExcClass::AssertionError, args));
                }
                Flow::Continue
            }
        })
    }

    fn bind_value(&mut self, t: TaskId, bind: &Option<Target>, child: TaskId) -> Result<(), Exc> {
        if let Some(b) = bind {
            let v = self.task_ref(child);
            self.assign(t, b, v)?;
        }
        Ok(())
    }

    /// [`Vm::take_coro`] of a value the caller owns: a coroutine object
    /// nothing else refers to gives up its arguments instead of copying them.
    fn take_coro_owned(&mut self, v: Value, what: &str) -> Result<(CoroId, Vec<Value>), Exc> {
        let Value::Coro(rc) = v else { return self.take_coro(&v, what) };
        match std::rc::Rc::try_unwrap(rc) {
            Ok(mut obj) => {
                if obj.used.replace(true) {
                    return Err(ExcObj::msg(ExcClass::RuntimeError, "cannot reuse already awaited coroutine"));
                }
                let mut args = std::mem::take(&mut obj.args);
                self.fill_defaults(obj.coro, &mut args);
                Ok((obj.coro, args))
            }
            Err(rc) => self.take_coro(&Value::Coro(rc), what),
        }
    }

    /// A coroutine object's id and arguments, consuming it.
    fn take_coro(&mut self, v: &Value, what: &str) -> Result<(CoroId, Vec<Value>), Exc> {
        match v {
            Value::Coro(c) => {
                if c.used.replace(true) {
                    return Err(ExcObj::msg(ExcClass::RuntimeError, "cannot reuse already awaited coroutine"));
                }
                Ok((c.coro, self.full_args(c.coro, &c.args)))
            }
            other => Err(crate::value::ops::type_error(if what == "create_task" {
                format!("a coroutine was expected, got {}", other.repr())
            } else {
                "An asyncio.Future, a coroutine or an awaitable is required".to_owned()
            })),
        }
    }

    /// [`Vm::full_args`] for other modules.
    pub(crate) fn full_args_pub(&self, coro: CoroId, args: &[Value]) -> Vec<Value> {
        self.full_args(coro, args)
    }

    /// Fills in defaults (`Value::Unbound` marks a missing argument).
    fn full_args(&self, coro: CoroId, args: &[Value]) -> Vec<Value> {
        args.iter()
            .enumerate()
            .map(|(i, a)| match a {
                Value::Unbound => self.defaults[coro as usize].get(i).cloned().flatten().unwrap_or(Value::None),
                v => v.clone(),
            })
            .collect()
    }

    /// The arguments of gather / wait, in order (`*xs` and `{for, call}` expanded).
    /// The items of `gather(...)` / `wait(...)`, evaluated in order, as
    /// CPython builds the argument list before the call. A direct coroutine
    /// call is kept as its coroutine and arguments: gather wraps it in a
    /// task at once, so the object would only be made to be freed (at a
    /// million items that was 100 MB of garbage the allocator kept).
    fn eval_items(&mut self, t: TaskId, items: &[CGatherItem]) -> Result<Fifo<Item>, Exc> {
        let mut values = Fifo::default();
        for item in items {
            match item {
                CGatherItem::One(e) => values.push_back(self.eval_item(t, e)?),
                CGatherItem::Star(e) => {
                    let v = self.eval(t, e)?;
                    for x in crate::value::ops::iter_items(&v)? {
                        values.push_back(Item::Value(x));
                    }
                }
                CGatherItem::For(it, target, call) => {
                    let v = self.eval(t, it)?;
                    for x in crate::value::ops::iter_items(&v)? {
                        self.assign(t, target, x)?;
                        values.push_back(self.eval_item(t, call)?);
                    }
                }
            }
        }
        Ok(values)
    }

    fn eval_item(&mut self, t: TaskId, e: &CExpr) -> Result<Item, Exc> {
        Ok(match e {
            CExpr::Coro(id, args) => Item::Call(CoroCall { coro: *id, args: self.coro_args(Some(t), *id, args)? }),
            e => Item::Value(self.eval(t, e)?),
        })
    }

    /// An item as a value (a call becomes its coroutine object).
    fn item_value(&self, item: Item) -> Value {
        match item {
            Item::Value(v) => v,
            Item::Call(c) => {
                let (coro, args) = c.into_parts();
                self.coro_obj(coro, args)
            }
        }
    }

    /// A held call's coroutine and arguments, defaults filled in.
    fn take_call(&self, c: CoroCall) -> (CoroId, Vec<Value>) {
        let (coro, mut args) = c.into_parts();
        self.fill_defaults(coro, &mut args);
        (coro, args)
    }

    /// Fills in defaults where `Value::Unbound` marks a missing argument.
    fn fill_defaults(&self, coro: CoroId, args: &mut [Value]) {
        for (i, a) in args.iter_mut().enumerate() {
            if let Value::Unbound = a {
                *a = self.defaults[coro as usize].get(i).cloned().flatten().unwrap_or(Value::None);
            }
        }
    }

    /// Binds a value and carries on (for helpers that return `Result<Flow>`).
    pub(crate) fn bind_value_pub(&mut self, t: TaskId, bind: &Option<Target>, v: Value) -> Result<Flow, Exc> {
        Ok(self.bind(t, bind, v))
    }

    /// `ensure_future(v)`: a task's own future, or a new task for a coroutine.
    fn ensure_future(&mut self, t: TaskId, v: &Value) -> Result<FutId, Exc> {
        match v {
            Value::Task(r) => Ok(self.tasks[r.id as usize].fut),
            Value::Coro(_) => {
                let (coro, args) = self.take_coro(v, "ensure_future")?;
                let child = self.create_task(coro, args, false)?;
                self.record(t, EventKind::Spawn(child));
                Ok(self.tasks[child as usize].fut)
            }
            _ => Err(crate::value::ops::type_error(
                "An asyncio.Future, a coroutine or an awaitable is required".to_owned(),
            )),
        }
    }

    /// `_cancel_and_wait(fut)` inside wait_for: cancel the inner and wait for
    /// it to finish; then `reraise`, or return its result (TimeoutError if it
    /// ended cancelled).
    fn cancel_and_wait(
        &mut self,
        t: TaskId,
        fut: FutId,
        handle: Option<TimerRef>,
        reraise: Option<Exc>,
        bind: Option<Target>,
    ) -> Flow {
        let waiter = self.new_fut(FutKind::Plain);
        self.add_done_callback(fut, Callback::ReleaseWaiter(waiter));
        if let FutKind::Task(o) = self.futs[fut as usize].kind() {
            if !self.task_done(o) {
                self.record(o, EventKind::CancelRequested(t));
            }
        }
        self.fut_cancel(fut, None);
        self.tasks[t as usize].resume =
            Resume::WaitForCancel(Box::new(WaitForCancel { fut, waiter, handle, reraise, bind }));
        Flow::Suspend(waiter)
    }

    pub(crate) fn await_value(&mut self, t: TaskId, v: Value, bind: Option<Target>) -> Result<Flow, Exc> {
        match &v {
            Value::Coro(_) => {
                let (coro, args) = self.take_coro(&v, "await")?;
                if self.tasks[t as usize].frames.len() >= MAX_FRAMES {
                    return Err(ExcObj::msg(ExcClass::RecursionError, "maximum recursion depth exceeded"));
                }
                let mut frame = self.new_frame(coro, args);
                let exc_base = self.tasks[t as usize].rare.exc_info().len() as u32;
                if bind.is_some() || exc_base > 0 {
                    let x = frame.x_from(&mut self.spare_extras);
                    x.ret = bind;
                    x.exc_base = exc_base;
                }
                self.tasks[t as usize].frames.push(frame);
                Ok(Flow::Continue)
            }
            Value::Task(r) => {
                let fut = self.tasks[r.id as usize].fut;
                if self.futs[fut as usize].done() {
                    let v = self.fut_outcome(fut)?;
                    return Ok(self.bind(t, &bind, v));
                }
                if r.id == t {
                    return Err(ExcObj::msg(ExcClass::RuntimeError, "Task cannot await on itself"));
                }
                self.record(t, EventKind::Wait(WaitOn::Task(r.id)));
                self.tasks[t as usize].resume = Resume::Await { fut, bind };
                Ok(Flow::Suspend(fut))
            }
            other => Err(crate::value::ops::type_error(format!(
                "object {} can't be used in 'await' expression",
                other.type_name()
            ))),
        }
    }

    fn push_handler(&mut self, t: TaskId, kind: HandlerKind, pc: usize) -> Flow {
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
    fn drop_completion(&mut self, t: TaskId) {
        if let Some(Completion::Raise(_)) = self.frame(t).x().completions.pop() {
            self.tasks[t as usize].rare.exc_pop();
        }
    }

    /// Adds the task's current frame to the exception's traceback, as
    /// CPython does for each frame an exception passes through.
    fn trace(&self, t: TaskId, exc: &Exc) {
        let task = &self.tasks[t as usize];
        let Some(frame) = task.frames.last() else { return };
        if self.prog.coros[frame.coro as usize].builtin {
            return;
        }
        let depth = task.frames.len() as u32;
        let mut tb = exc.traceback.borrow_mut();
        if tb.first().is_some_and(|e| e.task == t && e.depth == depth) {
            return;
        }
        let code = &self.prog.coros[frame.coro as usize].code;
        let Some(instr) = code.get(frame.pc().saturating_sub(1)) else { return };
        let line = self.line_of(instr.span.start);
        tb.insert(0, crate::value::exc::TbEntry { task: t, depth, coro: frame.coro, line });
    }

    /// Raises `exc` in the task: unwind to the nearest handler.
    pub(crate) fn raise(&mut self, t: TaskId, exc: Exc) -> Flow {
        loop {
            self.trace(t, &exc);
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
                            let group = if naked { ExcObj::group("", vec![exc.clone()]) } else { exc.clone() };
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
    fn do_return(&mut self, t: TaskId, v: Value) -> Flow {
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

    // ---- TaskGroup.__aexit__ ----------------------------------------------

    fn tg_exit_start(&mut self, t: TaskId, g: u32) -> Flow {
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
        if grp.parent_cancel_requested {
            let parent = grp.parent;
            if self.task_uncancel(parent) == 0 {
                self.groups[g as usize].propagate = None;
            }
        }
        if body_exc.is_some() && !self.groups[g as usize].aborting {
            self.tg_abort(g);
        }
        self.tg_exit_loop(t, g)
    }

    fn tg_exit_loop(&mut self, t: TaskId, g: u32) -> Flow {
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
            self.tasks[t as usize].resume = Resume::TgWait { tg: g };
            return Flow::Suspend(fut);
        }
        let grp = &mut self.groups[g as usize];
        if let Some(e) = grp.base_error.clone() {
            self.drop_completion(t);
            return self.raise(t, e);
        }
        if let Some(p) = grp.propagate.clone() {
            if grp.errors.is_empty() {
                self.drop_completion(t);
                return self.raise(t, p);
            }
        }
        if let Some(e) = grp.body_exc.clone() {
            if !is_cancel(&e) {
                grp.errors.push(e);
            }
        }
        if !grp.errors.is_empty() {
            let errors = std::mem::take(&mut grp.errors);
            let eg = ExcObj::group("unhandled errors in a TaskGroup", errors);
            self.drop_completion(t);
            return self.raise(t, eg);
        }
        Flow::Continue
    }
}

fn frame_iter_done(frame: &mut Frame, slot: u32) {
    frame.x().iters[slot as usize] = Iter::Done;
}

/// What an `except*` block re-raises at its end.
fn star_result(s: StarState) -> Option<Exc> {
    let leaves = |e: &Exc, out: &mut Vec<*const ExcObj>| {
        fn walk(e: &Exc, out: &mut Vec<*const ExcObj>) {
            if e.class.is_group() {
                e.group.iter().for_each(|x| walk(x, out));
            } else {
                out.push(Rc::as_ptr(e));
            }
        }
        walk(e, out);
    };
    let mut keep = Vec::new();
    if let Some(r) = &s.rest {
        leaves(r, &mut keep);
    }
    let mut new = Vec::new();
    for r in &s.raised {
        if s.matched.iter().any(|m| Rc::ptr_eq(m, r)) {
            leaves(r, &mut keep);
        } else {
            new.push(r.clone());
        }
    }
    let kept = if keep.is_empty() { None } else { s.group.split(&|e: &ExcObj| keep.contains(&(e as *const ExcObj))).0 };
    let kept = match kept {
        Some(_) if s.naked && s.matched.is_empty() => Some(s.orig.clone()),
        k => k,
    };
    if new.is_empty() {
        return kept;
    }
    new.extend(kept);
    Some(ExcObj::group("", new))
}
