//! One instruction: what each compiled [`Op`] does to the running task.

use super::*;

impl Vm<'_> {
    pub(super) fn exec(&mut self, t: TaskId, op: &Op) -> Result<Flow, Exc> {
        Ok(match op {
            Op::Print(parts) => {
                let text = self.render(t, parts)?;
                // What evaluating the text warned about or freed comes first.
                if crate::value::any_dropped() {
                    self.after_handle(Some(t));
                }
                self.output_bytes += text.len() as u64 + 1;
                if self.output_bytes > self.limits.max_output {
                    self.limit_hit =
                        Some(format!("the program printed more than {} bytes (--max-output)", self.limits.max_output));
                    return Ok(Flow::Yield);
                }
                self.record(t, EventKind::Print(&text));
                Flow::Continue
            }
            Op::Sleep(e, site) => {
                let d = self.eval(t, e)?;
                if matches!(d, Value::Float(f) if f.is_nan()) {
                    if let Some(e) = crate::value::messages::sleep_nan() {
                        return Err(e);
                    }
                }
                let d = crate::runtime::eval::seconds(&d, "sleep")?;
                if d <= 0.0 {
                    self.tasks[t as usize].resume = Resume::Yield;
                    return Ok(Flow::Yield);
                }
                let d = match &mut self.vary {
                    Some(v) => v.draw(*site, t, d),
                    None => d,
                };
                let when = self.now + d;
                let timer = self.call_at(when, TimerCb::SleepDone(t));
                self.record(t, EventKind::Sleep(when));
                self.tasks[t as usize].resume = Resume::Sleep { timer, done: false };
                Flow::Sleep
            }
            Op::Block(e, site) => {
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
                let d = match &mut self.vary {
                    Some(v) if d > 0.0 => v.draw(*site, t, d),
                    _ => d,
                };
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
                let name = match name {
                    Some(parts) => Some(self.render(t, parts)?.into()),
                    None => None,
                };
                let group = group.map(|slot| self.frame(t).x().groups[slot as usize]);
                let child = self.spawn(t, &v, name, group, true)?;
                self.bind_value(t, bind, child)?;
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
                let token = Rc::new(crate::value::AcToken(ac));
                self.frame(t).x().iters[*slot as usize] = Iter::AsCompleted(token, n);
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
                let ac = ac.0;
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
                // `arg_to_fut`: the same coroutine object twice is one task.
                let mut coro_futs: Vec<(*const crate::value::CoroObj, FutId)> = Vec::new();
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
                        Value::Coro(c) => {
                            let ptr = std::rc::Rc::as_ptr(c);
                            if let Some(&(_, f)) = coro_futs.iter().find(|(p, _)| *p == ptr) {
                                self.gather_child_again(g, f);
                                continue;
                            }
                            // Only a coroutine referred to elsewhere can come again.
                            let shared = std::rc::Rc::strong_count(c) > 1;
                            let (coro, args, reused) = self.coro_for_task_owned(v)?;
                            let child = self.create_task(coro, args, false)?;
                            self.mark_reused(child, reused);
                            self.record(t, EventKind::Spawn(child));
                            let f = self.tasks[child as usize].fut;
                            if shared {
                                coro_futs.push((ptr, f));
                            }
                            (f, true)
                        }
                        _ => {
                            let e = crate::value::ops::type_error(
                                "An asyncio.Future, a coroutine or an awaitable is required".to_owned(),
                            );
                            // gather's frame, which the traceback keeps, holds
                            // the items not made tasks yet: a coroutine among
                            // them is "never awaited" only when `e` is freed.
                            e.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(values)));
                            return Err(e);
                        }
                    };
                    self.gather_child(g, fut, fresh);
                }
                let n = self.gathers[g as usize].children.len();
                let kids =
                    if self.wants_awaits() { self.fut_tasks(&self.gathers[g as usize].children) } else { Vec::new() };
                let outer = self.gather_end(g);
                if self.futs[outer as usize].done() {
                    let v = self.fut_outcome(outer)?;
                    return Ok(self.bind(t, bind, v));
                }
                self.record(t, EventKind::Wait(WaitOn::Gather(n)));
                self.record_awaits(t, kids);
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
                    view: None,
                });
                self.frame(t).x().groups[*slot as usize] = g;
                Flow::Continue
            }
            Op::TgBind(slot, target) => {
                let g = self.frame(t).x().groups[*slot as usize];
                let view =
                    Rc::new(TgView { id: g, tasks: Cell::new(0), errors: Cell::new(0), aborting: Cell::new(false) });
                self.groups[g as usize].view = Some(view.clone());
                self.groups[g as usize].sync_view();
                self.assign(t, target, Value::TaskGroup(view))?;
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
                Flow::Continue
            }
            Op::Assign(items) => {
                for (target, e) in items {
                    let v = self.eval(t, e)?;
                    self.assign(t, target, v)?;
                }
                Flow::Continue
            }
            Op::Del(targets) => {
                for target in targets.iter() {
                    self.delete(t, target)?;
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
                        Some(e) => return Ok(self.reraise(t, e.clone())),
                        None => return Err(ExcObj::msg(ExcClass::RuntimeError, "No active exception to reraise")),
                    },
                    Some(e) => {
                        let v = self.eval(t, e)?;
                        crate::runtime::eval::to_exception(&v)?
                    }
                };
                return Err(exc);
            }
            Op::RaiseFrom(parts) => {
                let v = self.eval(t, &parts[0])?;
                let exc = crate::runtime::eval::to_exception(&v)?;
                let cause = match self.eval(t, &parts[1])? {
                    Value::None => None,
                    c @ (Value::Exc(_) | Value::ExcClass(_) | Value::UserClass(_)) => {
                        Some(crate::runtime::eval::to_exception(&c)?)
                    }
                    _ => return Err(crate::value::ops::type_error("exception causes must derive from BaseException")),
                };
                let mut chain = exc.chain.borrow_mut();
                chain.cause = cause;
                chain.suppress_context = true;
                drop(chain);
                return Err(exc);
            }
            Op::PushExcept(pc) => self.push_handler(t, HandlerKind::Except, *pc),
            Op::PushExceptStar(pc) => self.push_handler(t, HandlerKind::ExceptStar, *pc),
            Op::PushFinally(pc) => self.push_handler(t, HandlerKind::Finally, *pc),
            Op::PushStarCollect(pc) => {
                self.push_handler(t, HandlerKind::StarCollect, *pc);
                // The handler runs with the part it matched as the exception
                // being handled (`CHECK_EG_MATCH`): a bare `raise` raises
                // it, and it is the context of what the handler raises.
                let matched = self.frame(t).x().stars.last().and_then(|s| s.matched.last().cloned());
                if let Some(m) = matched {
                    self.tasks[t as usize].rare.exc_push(m);
                }
                Flow::Continue
            }
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
                let matched = classes.is_empty() || classes.iter().any(|c| c.matches(&exc));
                if matched {
                    if let Some(b) = bind {
                        self.assign(t, b, Value::Exc(exc))?;
                    }
                } else {
                    self.frame(t).jump(*next);
                }
                Flow::Continue
            }
            Op::IterDone(slot) => {
                frame_iter_done(self.frame(t), *slot);
                Flow::Continue
            }
            Op::Unbind(target) => {
                // `e = None` first: deleting it then cannot fail.
                self.assign(t, target, Value::None)?;
                self.delete(t, target)?;
                Flow::Continue
            }
            Op::ExceptDone => {
                self.tasks[t as usize].rare.exc_pop();
                Flow::Continue
            }
            Op::Reraise => {
                let exc = self.tasks[t as usize].rare.exc_pop().expect("handled exception");
                return Ok(self.reraise(t, exc));
            }
            Op::StarMatch(types, bind, next) => {
                let classes = self.eval_classes(t, types)?;
                let frame = self.frame(t);
                let state = frame.x().stars.last_mut().expect("except* state");
                let Some(rest) = state.rest.clone() else {
                    frame.jump(*next);
                    return Ok(Flow::Continue);
                };
                let (m, r) = if state.naked {
                    // `exception_group_match` of a naked exception: the
                    // whole wrapping group, or nothing.
                    match classes.iter().any(|c| c.matches(&state.orig)) {
                        true => (Some(rest), None),
                        false => (None, Some(rest)),
                    }
                } else {
                    rest.split(&|e: &ExcObj| classes.iter().any(|c| c.matches(e)))
                };
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
                // `PREP_RERAISE_STAR` then `RERAISE`: this frame adds no
                // traceback entry (a part split off keeps the original's).
                match star_result(state) {
                    Some(e) => return Ok(self.reraise(t, e)),
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
                    if self.has(crate::version::Change::WaitForInPlace) {
                        // `async with timeouts.timeout(None): return await fut`.
                        let coro = self.coro_obj(self.prog.wait_for_coro, vec![v, timeout]);
                        return self.await_value(t, coro, *bind);
                    }
                    return self.await_value(t, v, *bind);
                }
                let d = match crate::runtime::eval::seconds(&timeout, "wait_for timeout") {
                    Ok(d) => d,
                    Err(e) => {
                        // Raised in wait_for's frame, which holds the awaitable.
                        e.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(v)));
                        return Err(e);
                    }
                };
                if self.has(crate::version::Change::WaitForInPlace) && d > 0.0 {
                    // `async with timeouts.timeout(timeout): return await fut`.
                    let coro = self.coro_obj(self.prog.wait_for_coro, vec![v, timeout]);
                    return self.await_value(t, coro, *bind);
                }
                if d <= 0.0 {
                    let fut = self.ensure_future(t, &v)?;
                    if self.futs[fut as usize].done() {
                        let v = self.held_outcome(fut)?;
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
                // wait_for's frame refers to the task while it waits: its
                // exception is not "never retrieved" before it looks.
                self.hold(fut, 1);
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
                        let raised = match self.frame(t).x().completions.last() {
                            Some(Completion::Raise(e)) => Some(e.clone()),
                            _ => None,
                        };
                        if self.task_uncancel(t) <= self.timeouts[id].cancelling {
                            match raised {
                                Some(c) if is_cancel(&c) => {
                                    // `raise TimeoutError from exc_val`, in `__aexit__`.
                                    self.drop_completion(t);
                                    return Ok(self.raise_handling(t, timeout_error_from(&c), &c));
                                }
                                Some(e) if self.has(crate::version::Change::TimeoutMarksOtherErrors) => {
                                    insert_timeout_error(&e);
                                    if e.is(ExcClass::ExceptionGroup) {
                                        for member in &e.group {
                                            insert_timeout_error(member);
                                        }
                                    }
                                }
                                _ => {}
                            }
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
                        self.reraise(t, e)
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
}

fn frame_iter_done(frame: &mut Frame, slot: u32) {
    frame.x().iters[slot as usize] = Iter::Done;
}

/// What an `except*` block re-raises at its end.
/// Same traceback, cause and context as `b`.
fn same_metadata(a: &ExcObj, b: &ExcObj) -> bool {
    let same = |x: &Option<Exc>, y: &Option<Exc>| match (x, y) {
        (Some(x), Some(y)) => Rc::ptr_eq(x, y),
        (None, None) => true,
        _ => false,
    };
    let (ca, cb) = (a.chain.borrow(), b.chain.borrow());
    *a.traceback.borrow() == *b.traceback.borrow() && same(&ca.cause, &cb.cause) && same(&ca.context, &cb.context)
}

fn star_result(s: StarState) -> Option<Exc> {
    if s.naked {
        // `_PyExc_PrepReraiseStar` of a naked exception: only one handler
        // can have run; what it raised goes on as it is (the wrapping group
        // too), else what no handler matched, the exception itself.
        return match s.raised.into_iter().next() {
            Some(r) => Some(r),
            None if s.matched.is_empty() => Some(s.orig),
            None => None,
        };
    }
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
        // CPython's `is_same_exception_metadata`: a part raised again as it
        // was split off (a bare `raise`) goes back into the original group;
        // one raised anew (`raise eg` adds a traceback entry) is new.
        if same_metadata(r, &s.orig) {
            leaves(r, &mut keep);
        } else {
            new.push(r.clone());
        }
    }
    let kept = if keep.is_empty() { None } else { s.group.split(&|e: &ExcObj| keep.contains(&(e as *const ExcObj))).0 };
    if new.is_empty() {
        return kept;
    }
    new.extend(kept);
    // One exception goes on as it is (since CPython 3.11.4), several in a
    // new group.
    if new.len() == 1 {
        return new.pop();
    }
    Some(ExcObj::group("", new))
}

/// 3.13's `Timeout._insert_timeout_error`: where the exception's context
/// chain first reaches a CancelledError (the timeout's), a TimeoutError
/// caused by it goes in between.
fn insert_timeout_error(e: &Exc) {
    let mut cur = e.clone();
    // A context chain has no cycles (raising breaks them); the bound is a guard.
    for _ in 0..100_000 {
        let Some(ctx) = cur.chain.borrow().context.clone() else { return };
        if is_cancel(&ctx) {
            let te = timeout_error_from(&ctx);
            te.chain.borrow_mut().context = Some(ctx);
            cur.chain.borrow_mut().context = Some(te);
            return;
        }
        cur = ctx;
    }
}
