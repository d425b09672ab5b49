//! Coroutine calls and awaiting: the items of `gather` and `wait`, a
//! coroutine's arguments and defaults, `ensure_future`, and `await` of a value.

use super::*;

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
    pub(super) fn bind_value(&mut self, t: TaskId, bind: &Option<Target>, child: TaskId) -> Result<(), Exc> {
        if let Some(b) = bind {
            let v = self.task_ref(child);
            self.assign(t, b, v)?;
        }
        Ok(())
    }

    /// [`Vm::take_coro`] of a value the caller owns: a coroutine object
    /// nothing else refers to gives up its arguments instead of copying them.
    pub(super) fn take_coro_owned(&mut self, v: Value, what: &str) -> Result<(CoroId, Vec<Value>), Exc> {
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

    /// What `create_task`/`ensure_future` makes a task of: a coroutine
    /// object's id and arguments, and whether it was awaited already (the
    /// task is made all the same, and fails at its first step).
    pub(super) fn coro_for_task(&mut self, v: &Value) -> Result<(CoroId, Vec<Value>, bool), Exc> {
        match v {
            Value::Coro(c) if c.used.get() => Ok((c.coro, self.full_args(c.coro, &c.args), true)),
            _ => self.take_coro(v, "create_task").map(|(coro, args)| (coro, args, false)),
        }
    }

    /// [`Vm::coro_for_task`] of a value it may consume (no copy of the
    /// arguments when nothing else refers to the coroutine).
    pub(super) fn coro_for_task_owned(&mut self, v: Value) -> Result<(CoroId, Vec<Value>, bool), Exc> {
        match &v {
            Value::Coro(c) if c.used.get() => self.coro_for_task(&v),
            _ => self.take_coro_owned(v, "gather").map(|(coro, args)| (coro, args, false)),
        }
    }

    /// `asyncio.create_task(v, name=name)` by task `t`, or
    /// `tg.create_task(...)` of task group `group`, or with neither
    /// `loop.create_task(...)` (`numbered` false: a named task takes no
    /// `Task-N` number): the new task.
    pub(crate) fn spawn(
        &mut self,
        t: TaskId,
        v: &Value,
        name: Option<Rc<str>>,
        group: Option<u32>,
        numbered: bool,
    ) -> Result<TaskId, Exc> {
        if let Some(g) = group {
            let grp = &self.groups[g as usize];
            let state = if grp.exiting && grp.tasks.is_empty() {
                "finished"
            } else if grp.aborting {
                "shutting down"
            } else {
                ""
            };
            if !state.is_empty() {
                let e = ExcObj::msg(ExcClass::RuntimeError, format!("TaskGroup {} is {state}", grp.repr()));
                if self.has(crate::version::Change::TaskGroupClosesRefusedCoroutine) {
                    // 3.13: `coro.close()` before raising.
                    if let Value::Coro(c) = v {
                        c.used.set(true);
                    }
                } else {
                    // `create_task`'s frame, which the traceback keeps, holds
                    // the coroutine: it is "never awaited" when `e` is freed.
                    e.chain.borrow_mut().keep.push(crate::value::exc::KeepAlive(Box::new(v.clone())));
                }
                return Err(e);
            }
        }
        let (coro, args, reused) = self.coro_for_task(v)?;
        let numbered = numbered && (name.is_none() || !self.has(crate::version::Change::NamedTaskUnnumbered));
        let child = self.create_named_task(coro, args, false, name, numbered)?;
        self.mark_reused(child, reused);
        if let Some(g) = group {
            let f = self.tasks[child as usize].fut;
            self.add_done_callback(f, Callback::TgTaskDone(g));
            self.groups[g as usize].tasks.insert(child);
            self.groups[g as usize].sync_view();
        }
        self.record(t, EventKind::Spawn(child));
        Ok(child)
    }

    /// Marks a new task made of an awaited coroutine (see
    /// [`Vm::coro_for_task`]).
    pub(super) fn mark_reused(&mut self, child: TaskId, reused: bool) {
        if reused {
            self.tasks[child as usize].resume = Resume::StartReused;
        }
    }

    /// A coroutine object's id and arguments, consuming it.
    pub(super) fn take_coro(&mut self, v: &Value, what: &str) -> Result<(CoroId, Vec<Value>), Exc> {
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
    pub(super) fn eval_items(&mut self, t: TaskId, items: &[CGatherItem]) -> Result<Fifo<Item>, Exc> {
        let mut values = Fifo::default();
        match self.eval_items_into(t, items, &mut values) {
            Ok(()) => Ok(values),
            Err(e) => {
                // CPython pops the arguments built so far off its stack, the
                // last first: coroutines among them are "never awaited" in
                // that order.
                let mut left = Vec::with_capacity(values.len());
                while let Some(v) = values.pop_front() {
                    left.push(v);
                }
                while left.pop().is_some() {}
                Err(e)
            }
        }
    }

    fn eval_items_into(&mut self, t: TaskId, items: &[CGatherItem], values: &mut Fifo<Item>) -> Result<(), Exc> {
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
                    // `*[call for target in it]`, a list comprehension.
                    let v = self.eval(t, it)?;
                    let start = values.len();
                    for x in crate::value::ops::iter_items(&v)? {
                        let item = self.assign(t, target, x).and_then(|()| self.eval_item(t, call));
                        match item {
                            Ok(item) => values.push_back(item),
                            Err(e) => {
                                if self.has(crate::version::Change::InlinedComprehensions) {
                                    // 3.12: the partial list is freed by the
                                    // inlined comprehension's cleanup, which
                                    // has no line number.
                                    let mut all = Vec::with_capacity(values.len());
                                    while let Some(v) = values.pop_front() {
                                        all.push(v);
                                    }
                                    let mut built = all.split_off(start);
                                    for v in all {
                                        values.push_back(v);
                                    }
                                    // A list frees its items last first.
                                    self.free_without_line(Some(t), || while built.pop().is_some() {});
                                }
                                return Err(e);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn eval_item(&mut self, t: TaskId, e: &CExpr) -> Result<Item, Exc> {
        Ok(match e {
            CExpr::Coro(id, args) => Item::Call(CoroCall { coro: *id, args: self.coro_args(Some(t), *id, args)? }),
            e => Item::Value(self.eval(t, e)?),
        })
    }

    /// An item as a value (a call becomes its coroutine object).
    pub(super) fn item_value(&self, item: Item) -> Value {
        match item {
            Item::Value(v) => v,
            Item::Call(c) => {
                let (coro, args) = c.into_parts();
                self.coro_obj(coro, args)
            }
        }
    }

    /// A held call's coroutine and arguments, defaults filled in.
    pub(super) fn take_call(&self, c: CoroCall) -> (CoroId, Vec<Value>) {
        let (coro, mut args) = c.into_parts();
        self.fill_defaults(coro, &mut args);
        (coro, args)
    }

    /// Fills in defaults where `Value::Unbound` marks a missing argument.
    pub(super) fn fill_defaults(&self, coro: CoroId, args: &mut [Value]) {
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
    pub(super) fn ensure_future(&mut self, t: TaskId, v: &Value) -> Result<FutId, Exc> {
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
    pub(super) fn cancel_and_wait(
        &mut self,
        t: TaskId,
        fut: FutId,
        handle: Option<TimerRef>,
        reraise: Option<Exc>,
        bind: Option<Target>,
    ) -> Flow {
        let waiter = self.new_fut(FutKind::Plain);
        self.add_done_callback(fut, Callback::ReleaseWaiter(waiter));
        self.fut_cancel(fut, None);
        self.hold(fut, 1);
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
}
