//! Compiling steps: each step of a coroutine body to instructions, with
//! structured steps as jumps and handler blocks, and `await` in all its forms.

use super::*;

impl Ctx<'_> {
    pub(super) fn steps(&mut self, steps: &[Step]) {
        for s in steps {
            self.step(s);
        }
    }

    /// Whether `n` names a coroutine function (not a plain function).
    pub(super) fn is_coroutine(&self, n: &str) -> bool {
        self.ch.coros.get(n).is_some_and(|&id| !self.ch.scenario.coroutines.get(id as usize).is_some_and(|d| d.is_fn))
    }

    /// `await`, `spawn` or `gather` of a plain function's call: Python's
    /// TypeError at run time, known here.
    pub(super) fn not_awaitable(&mut self, c: &Code, verb: &str) {
        let Some(n) = crate::check::called_name(c) else { return };
        if self.ch.coros.contains_key(n) && !self.is_coroutine(n) {
            self.error(
                Diagnostic::error(format!("`{n}(...)` is a plain function: its call is a value, not a coroutine"), c.span())
                    .with_label(format!("`{verb}` needs a coroutine"))
                    .with_hint(format!("call it in an expression (`let: {{x: {n}(...)}}`, `do: {n}(...)`), or declare `{n}` under `coroutines:`")),
            );
        }
    }

    /// A step only a coroutine can take, in a plain function: Python's
    /// SyntaxError.
    fn async_only(&self, s: &Step) -> Option<Diagnostic> {
        let (verb, with) = match &s.kind {
            StepKind::Sleep(_) => ("sleep", false),
            StepKind::Await { .. } => ("await", false),
            StepKind::Gather { .. } => ("gather", false),
            StepKind::Wait { .. } => ("wait", false),
            StepKind::WaitFor { .. } => ("wait_for", false),
            StepKind::TaskGroup(..) => ("task_group", true),
            StepKind::With { .. } => ("with", true),
            StepKind::Timeout { .. } => ("timeout", true),
            _ => return None,
        };
        let message = if with { "'async with' outside async function" } else { "'await' outside async function" };
        let end = (s.span.start + verb.len()).min(s.span.end);
        let hint = if verb == "sleep" {
            "a plain function cannot await: `block:` is `time.sleep` (the loop waits too), or declare it under `coroutines:`".to_owned()
        } else {
            format!("`{verb}` awaits: declare `{}` under `coroutines:` and await it", self.coro_name)
        };
        Some(
            Diagnostic::error(message, s.span.start..end)
                .with_label(format!("SyntaxError in Python: `{}` is a plain function (`def`)", self.coro_name))
                .with_hint(hint),
        )
    }

    pub(super) fn step(&mut self, s: &Step) {
        self.span = s.span.clone();
        match crate::memory::ceiling() {
            crate::memory::Ceiling::Under => {}
            crate::memory::Ceiling::First => return self.errors.push(crate::memory::ceiling_error(s.span.clone())),
            crate::memory::Ceiling::Again => return,
        }
        if self.sync_fn {
            if let Some(d) = self.async_only(s) {
                return self.error(d);
            }
        }
        match &s.kind {
            StepKind::Print(t) => {
                let t = self.text(t);
                self.emit(Op::Print(t));
            }
            StepKind::Sleep(d) => {
                let (d, site) = self.varied(d, false);
                self.emit(Op::Sleep(d, site));
            }
            StepKind::Block(d) => {
                let (d, site) = self.varied(d, true);
                self.emit(Op::Block(d, site));
            }
            StepKind::Await { what, bind } => self.await_step(what, bind.as_ref()),
            StepKind::Spawn { call, bind, name } => {
                self.not_awaitable(call, "spawn");
                let call = self.code(call);
                let name = name.as_ref().map(|n| self.text(n).into_boxed_slice());
                let bind = bind.as_ref().map(|b| self.target(b));
                let group = self.groups.last().copied();
                self.emit(Op::Spawn { call, name, bind, group });
            }
            StepKind::Gather { items, bind, return_exceptions } => {
                let items = items.iter().map(|i| self.gather_item(i)).collect();
                let return_exceptions = return_exceptions.as_ref().map(|r| Box::new(self.code(r)));
                let bind = bind.as_ref().map(|b| self.target(b));
                self.span = s.span.clone();
                self.emit(Op::Gather { items, return_exceptions, bind });
            }
            StepKind::TaskGroup(body, bind) => {
                let g = self.n_groups;
                self.n_groups += 1;
                let bind = bind.as_ref().map(|b| self.target(b));
                self.context(Op::TgEnter(g), Op::TgExit(g), &s.span, |cx| {
                    if let Some(b) = bind {
                        cx.emit(Op::TgBind(g, b));
                    }
                    cx.groups.push(g);
                    cx.steps(body);
                    cx.groups.pop();
                });
            }
            StepKind::With { prim, body } => {
                if let Code::Expr(Expr { kind: ExprKind::Name(n), .. }, _) = prim {
                    let kind = (!self.is_local(n)).then(|| self.ch.prims.get(n.as_str())).flatten().map(|&(_, k)| k);
                    use crate::value::PrimKind as K;
                    if let Some(k @ (K::Event | K::Queue | K::LifoQueue | K::PriorityQueue | K::Barrier)) = kind {
                        let class = k.class_name();
                        let a = if class.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
                        self.error(
                            Diagnostic::error(format!("`{n}` is {a} {class}, which `async with` cannot use"), prim.span())
                                .with_label(format!(
                                    "TypeError: '{class}' object does not support the asynchronous context manager protocol"
                                ))
                                .with_hint("`with` takes a Lock, a Semaphore, a BoundedSemaphore or a Condition"),
                        );
                    }
                }
                let p = self.code(prim);
                let slot = self.hidden("with");
                self.context(Op::WithEnter(p, slot), Op::WithExit(slot), &s.span, |cx| cx.steps(body));
            }
            StepKind::Do(c) => {
                if let Code::Expr(e @ Expr { kind: ExprKind::Call { func, .. }, .. }, o) = c {
                    if let ExprKind::Attribute { attr, .. } = &func.kind {
                        if AWAITABLE_METHODS.contains(&(&**attr)) {
                            let text = o.text(self.src).get(e.span.clone()).unwrap_or_default();
                            self.error(
                                Diagnostic::error(
                                    format!("`{text}` is a coroutine: `do` would create it and never run it"),
                                    c.span(),
                                )
                                .with_hint(format!(
                                    "use `await: {text}` to wait for it here, or `spawn: {text}` to run it as a task"
                                )),
                            );
                        }
                    }
                }
                if let Some(n) = crate::check::called_name(c).filter(|n| self.is_coroutine(n)) {
                    self.error(
                        Diagnostic::error(
                            format!("`{n}(...)` is a coroutine: `do` would create it and never run it"),
                            c.span(),
                        )
                        .with_hint(format!(
                            "use `await: {n}(...)` to run it here, or `spawn: {n}(...)` to run it as a task"
                        )),
                    );
                }
                let e = self.code(c);
                self.emit(Op::Do(e));
            }
            StepKind::Let(items) => items.iter().for_each(|a| self.assignment(a, false)),
            StepKind::Set(items) => items.iter().for_each(|a| self.assignment(a, true)),
            StepKind::Del(targets) => self.del(targets),
            StepKind::Return(c) => {
                let e = c.as_ref().map(|c| self.code(c));
                self.emit(Op::Return(e));
            }
            StepKind::Raise(Some(c), Some(cause)) => {
                let parts = [self.code(c), self.code(cause)];
                self.emit(Op::RaiseFrom(Box::new(parts)));
            }
            StepKind::Raise(c, _) => {
                let e = c.as_ref().map(|c| self.code(c));
                self.emit(Op::Raise(e));
            }
            StepKind::Try { body, handlers, star, orelse, finally } => {
                self.try_step(body, handlers, *star, orelse, finally.as_deref(), &s.span)
            }
            StepKind::Break | StepKind::Continue => self.leave_loop(matches!(s.kind, StepKind::Break), &s.span),
            StepKind::If { cond, then, orelse, .. } => {
                let c = self.code(cond);
                let j = self.emit(Op::JumpIfNot(c, 0));
                self.steps(then);
                if orelse.is_empty() {
                    self.patch(j);
                } else {
                    let end = self.emit(Op::Jump(0));
                    self.patch(j);
                    self.steps(orelse);
                    self.patch(end);
                }
            }
            StepKind::For { targets, iter, body, orelse } => {
                let slot = self.n_iters;
                self.n_iters += 1;
                let target = self.targets(targets);
                // `for x in as_completed(fs, timeout=t)`: each iteration awaits
                // the next completion (Python: `x = await aw`).
                let top;
                let next;
                let generator = if let Some((fs, timeout)) = self.as_completed(iter) {
                    self.emit(Op::AsCompletedStart(fs, timeout.map(Box::new), slot));
                    top = self.here();
                    next = self.emit(Op::AsCompletedNext(slot, target, 0));
                    true
                } else {
                    let it = match iter {
                        Code::Expr(e @ Expr { kind: ExprKind::Set(_), .. }, o) => self.iter_expr(e, o),
                        _ => self.code(iter),
                    };
                    self.emit(Op::ForStart(it, slot));
                    top = self.here();
                    next = self.emit(Op::ForNext(slot, target, 0));
                    false
                };
                self.loop_rest(top, next, body, orelse.as_deref(), &s.span);
                if generator {
                    // A `break` lets go of the generator at once.
                    self.emit(Op::IterDone(slot));
                }
            }
            StepKind::While { cond, body, orelse } => {
                let top = self.here();
                let c = self.code(cond);
                let j = self.emit(Op::JumpIfNot(c, 0));
                self.loop_rest(top, j, body, orelse.as_deref(), &s.span);
            }
            StepKind::Assert { cond, message } => {
                let c = self.code(cond);
                let m = message.as_ref().map(|m| self.text(m));
                self.emit(Op::Assert(c, m));
            }
            StepKind::Wait { items, timeout, return_when, bind } => {
                let items = items.iter().map(|i| self.gather_item(i)).collect();
                let timeout = timeout.as_ref().map(|t| Box::new(self.duration(t)));
                let bind = match bind.as_slice() {
                    [] => None,
                    names => Some(self.targets(names)),
                };
                self.span = s.span.clone();
                self.emit(Op::Wait { items, timeout, return_when: *return_when, bind });
            }
            StepKind::WaitFor { what, timeout, bind } => {
                let w = self.awaitable_arg(what);
                let to = self.duration(timeout);
                let b = bind.as_ref().map(|b| self.target(b));
                self.emit(Op::WaitFor(w, Box::new(to), b));
            }
            StepKind::Timeout { delay, body } => {
                let d = self.duration(delay);
                let slot = self.hidden("timeout");
                self.context(Op::TimeoutEnter(d, slot), Op::TimeoutExit(slot), &s.span, |cx| cx.steps(body));
            }
        }
    }

    /// `as_completed(fs, timeout=t)` (or `asyncio.as_completed`) as a `for`
    /// source: its two arguments.
    fn as_completed(&mut self, iter: &Code) -> Option<(CExpr, Option<CExpr>)> {
        let Code::Expr(Expr { kind: ExprKind::Call { func, args, kwargs }, span }, o) = iter else { return None };
        let named = match &func.kind {
            ExprKind::Name(n) => n == "as_completed" && !self.is_local(n) && !self.ch.coros.contains_key(n),
            ExprKind::Attribute { value, attr, .. } => {
                &**attr == "as_completed"
                    && matches!(&value.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m))
            }
            _ => false,
        };
        if !named {
            return None;
        }
        let timeout = match (&args[..], &kwargs[..]) {
            ([_], []) => None,
            ([_], [k]) if k.name == "timeout" => Some(self.expr(&k.value, o)),
            ([_, t], []) => Some(self.expr(t, o)),
            _ => {
                self.error(Diagnostic::error(
                    "`as_completed(fs, timeout=None)` takes the tasks and a timeout",
                    o.span(span),
                ));
                return Some((CExpr::Const(Value::None), None));
            }
        };
        Some((self.expr(&args[0], o), timeout))
    }

    /// An `async with` block: `enter`, the body under a `finally` handler,
    /// then `exit` (`__aexit__`) on every way out, normal or not.
    fn context(&mut self, enter: Op, exit: Op, span: &Span, body: impl FnOnce(&mut Self)) {
        self.emit(enter);
        let h = self.emit(Op::PushFinally(0));
        self.blocks.push(Block::Context(exit.clone()));
        body(self);
        self.blocks.pop();
        self.span = span.clone();
        self.emit(Op::PopHandler);
        self.emit(Op::EnterFinally);
        self.patch(h);
        self.emit(exit);
        self.emit(Op::EndFinally);
    }

    /// A loop after its test (at `top`, leaving through the jump `exit`):
    /// the body as a `break`/`continue` target, the jump back, then the
    /// `else` steps, which a `break` skips.
    fn loop_rest(&mut self, top: usize, exit: usize, body: &[Step], orelse: Option<&[Step]>, span: &Span) {
        self.blocks.push(Block::Loop { breaks: Vec::new(), top });
        self.steps(body);
        let breaks = match self.blocks.pop() {
            Some(Block::Loop { breaks, .. }) => breaks,
            other => unreachable!("a loop's block is innermost at its end, found {other:?}"),
        };
        self.span = span.clone();
        self.emit(Op::Jump(top));
        self.patch(exit);
        if let Some(e) = orelse {
            self.steps(e);
        }
        breaks.into_iter().for_each(|b| self.patch(b));
    }

    /// `break` / `continue`: leave every block inside the innermost loop as
    /// Python does (pop handlers, drop a handled exception, run `finally`
    /// steps and `async with` exits inline), then jump.
    fn leave_loop(&mut self, is_break: bool, span: &Span) {
        let word = if is_break { "break" } else { "continue" };
        let Some(depth) = self.blocks.iter().rposition(|b| matches!(b, Block::Loop { .. })) else {
            self.error(
                Diagnostic::error(format!("`{word}` outside a loop"), span.clone())
                    .with_hint(format!("`{word}` belongs inside the `do` of a `for` or `while` (Python: SyntaxError)")),
            );
            return;
        };
        if let Some(Block::NoExit(what)) = self.blocks[depth + 1..].iter().find(|b| matches!(b, Block::NoExit(_))) {
            self.error(
                Diagnostic::error(format!("`{word}` inside {what} is not supported"), span.clone())
                    .with_hint("move the loop inside it, or set a flag and test it after the block"),
            );
            return;
        }
        let mut i = self.blocks.len();
        while i > depth + 1 {
            i -= 1;
            match &self.blocks[i] {
                Block::Handler => {
                    self.emit(Op::PopHandler);
                }
                Block::ExceptBody(bind) => {
                    if let Some(b) = *bind {
                        self.emit(Op::Unbind(b));
                    }
                    self.emit(Op::ExceptDone);
                }
                Block::Context(exit) => {
                    let exit = exit.clone();
                    self.emit(Op::PopHandler);
                    self.emit(Op::EnterFinally);
                    self.emit(exit);
                    self.emit(Op::EndFinally);
                }
                Block::Finally(steps) => {
                    let steps = steps.clone().unwrap_or_default();
                    self.emit(Op::PopHandler);
                    self.emit(Op::EnterFinally);
                    // The finally steps run outside the blocks being left.
                    let inner = self.blocks.split_off(i);
                    self.blocks.push(Block::NoExit("a `finally` block"));
                    self.steps(&steps);
                    self.blocks.pop();
                    self.blocks.extend(inner);
                    self.span = span.clone();
                    self.emit(Op::EndFinally);
                }
                Block::Loop { .. } | Block::NoExit(_) => unreachable!("checked above"),
            }
        }
        self.span = span.clone();
        if is_break {
            let j = self.emit(Op::Jump(0));
            if let Some(Block::Loop { breaks, .. }) = self.blocks.get_mut(depth) {
                breaks.push(j);
            }
        } else if let Some(Block::Loop { top, .. }) = self.blocks.get(depth) {
            let top = *top;
            self.emit(Op::Jump(top));
        }
    }

    fn targets(&mut self, names: &[Name]) -> Target {
        match names {
            [one] => self.target(one),
            many => {
                let ts = many.iter().map(|n| self.target(n)).collect();
                self.unpack(ts)
            }
        }
    }

    /// The argument of `wait_for` / `shield`: a coroutine call, a coroutine
    /// object or a task (primitive operations are not supported there yet).
    fn awaitable_arg(&mut self, what: &Code) -> CExpr {
        self.code(what)
    }

    fn await_step(&mut self, what: &Code, bind: Option<&Name>) {
        self.not_awaitable(what, "await");
        let bind_t = bind.map(|b| self.target(b));
        self.await_code(what, bind_t);
    }

    /// `await what`, its value into `bind_t`.
    pub(super) fn await_code(&mut self, what: &Code, bind_t: Option<Target>) {
        if let Code::Expr(Expr { kind: ExprKind::Call { func, args, kwargs }, span }, o) = what {
            // `await shield(x)`, `await asyncio.shield(x)`, `await asyncio.wait_for(x, t)`.
            let callee = match &func.kind {
                ExprKind::Name(n) if !self.is_local(n) && !self.ch.coros.contains_key(n) => Some(n.as_str()),
                ExprKind::Attribute { value, attr, .. } if matches!(&value.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m)) => {
                    Some(&**attr)
                }
                _ => None,
            };
            match (callee, &args[..]) {
                (Some("shield"), [x]) if kwargs.is_empty() => {
                    let w = self.awaitable_arg(&Code::Expr(x.clone(), o.clone()));
                    self.emit(Op::AwaitShield(w, bind_t));
                    return;
                }
                (Some("wait_for"), [x, tmo]) if kwargs.is_empty() => {
                    let w = self.awaitable_arg(&Code::Expr(x.clone(), o.clone()));
                    let to = self.expr(tmo, o);
                    self.emit(Op::WaitFor(w, Box::new(to), bind_t));
                    return;
                }
                (Some("wait_for"), [x]) if kwargs.len() == 1 && kwargs[0].name == "timeout" => {
                    let w = self.awaitable_arg(&Code::Expr(x.clone(), o.clone()));
                    let to = self.expr(&kwargs[0].value, o);
                    self.emit(Op::WaitFor(w, Box::new(to), bind_t));
                    return;
                }
                (Some("gather"), _) if kwargs.iter().all(|k| k.name == "return_exceptions") => {
                    // `await asyncio.gather(f(1), *coros, return_exceptions=True)`.
                    let items = args
                        .iter()
                        .map(|a| match &a.kind {
                            ExprKind::Starred(inner) => CGatherItem::Star(self.expr(inner, o)),
                            _ => CGatherItem::One(self.expr(a, o)),
                        })
                        .collect();
                    let return_exceptions = kwargs.first().map(|k| Box::new(self.expr(&k.value, o)));
                    self.emit(Op::Gather { items, return_exceptions, bind: bind_t });
                    return;
                }
                (Some("wait"), [fs]) if kwargs.iter().all(|k| k.name == "timeout" || k.name == "return_when") => {
                    // `done, pending = await asyncio.wait(tasks, timeout=..., return_when=...)`.
                    let items = vec![CGatherItem::Star(self.expr(fs, o))];
                    let timeout = kwargs.iter().find(|k| k.name == "timeout").map(|k| Box::new(self.expr(&k.value, o)));
                    let return_when = match kwargs.iter().find(|k| k.name == "return_when").map(|k| &k.value) {
                        None => ReturnWhen::AllCompleted,
                        Some(v) => {
                            let name = match &v.kind {
                                ExprKind::Name(n) => Some(n.as_str()),
                                ExprKind::Attribute { value, attr, .. } if matches!(&value.kind, ExprKind::Name(m) if m == "asyncio") => {
                                    Some(&**attr)
                                }
                                _ => None,
                            };
                            match name {
                                Some("ALL_COMPLETED") => ReturnWhen::AllCompleted,
                                Some("FIRST_COMPLETED") => ReturnWhen::FirstCompleted,
                                Some("FIRST_EXCEPTION") => ReturnWhen::FirstException,
                                _ => {
                                    self.error(
                                        Diagnostic::error("unknown `return_when` value", o.span(&v.span)).with_hint(
                                            "use asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION or asyncio.ALL_COMPLETED",
                                        ),
                                    );
                                    ReturnWhen::AllCompleted
                                }
                            }
                        }
                    };
                    self.emit(Op::Wait { items, timeout, return_when, bind: bind_t });
                    return;
                }
                (Some("shield" | "wait_for"), _) => {
                    self.error(Diagnostic::error(
                        "`shield(x)` takes one awaitable, `wait_for(x, timeout)` two",
                        o.span(span),
                    ));
                    return;
                }
                _ => {}
            }
        }
        if let Code::Expr(Expr { kind: ExprKind::Call { func, args, kwargs }, .. }, o) = what {
            if let ExprKind::Attribute { value, attr, attr_span } = &func.kind {
                if let Some(d) = self.wrong_method(value, attr, o.span(attr_span)) {
                    return self.error(d);
                }
                let is_asyncio = matches!(&value.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m));
                if is_asyncio && &**attr == "sleep" && args.len() == 1 && kwargs.is_empty() {
                    let d = self.expr(&args[0], o);
                    let site = self.site(None, false);
                    self.emit(Op::Sleep(d, site));
                    if let Some(t) = bind_t {
                        self.emit(Op::Assign(vec![(t, CExpr::Const(Value::None))]));
                    }
                    return;
                }
                if !is_asyncio && (&**attr == "acquire" || &**attr == "wait") {
                    if !args.is_empty() || !kwargs.is_empty() {
                        self.error(Diagnostic::error(format!("`.{attr}()` takes no arguments"), o.span(attr_span)));
                    }
                    let recv = self.expr(value, o);
                    self.emit(if &**attr == "acquire" {
                        Op::AwaitAcquire(recv, bind_t)
                    } else {
                        Op::AwaitWait(recv, bind_t)
                    });
                    return;
                }
                if !is_asyncio && ["get", "put", "join"].contains(&(&**attr)) {
                    let (op, arity) = match &**attr {
                        "get" => (QueueOp::Get, 0),
                        "put" => (QueueOp::Put, 1),
                        _ => (QueueOp::Join, 0),
                    };
                    if args.len() != arity || !kwargs.is_empty() {
                        self.error(Diagnostic::error(
                            format!("`.{attr}()` takes {arity} argument{}", if arity == 1 { "" } else { "s" }),
                            o.span(attr_span),
                        ));
                        return;
                    }
                    let recv = self.expr(value, o);
                    let item = args.first().map(|a| Box::new(self.expr(a, o)));
                    self.emit(Op::AwaitQueue(recv, op, item, bind_t));
                    return;
                }
                if !is_asyncio && (&**attr == "reset" || &**attr == "abort") && args.is_empty() && kwargs.is_empty() {
                    let Some(ids) = self.barrier_coros else {
                        self.error(Diagnostic::error(
                            format!("`.{attr}()` is a Barrier method, and the scenario declares no Barrier"),
                            o.span(attr_span),
                        ));
                        return;
                    };
                    let recv = self.expr(value, o);
                    let id = if &**attr == "reset" { ids[1] } else { ids[2] };
                    self.emit(Op::Await(CExpr::Coro(id, vec![Some(recv)]), bind_t));
                    return;
                }
                if !is_asyncio && &**attr == "wait_for" {
                    // cond.wait_for(predicate): the argument is the predicate's
                    // expression (`lambda: EXPR` in Python), evaluated again
                    // after every wait.
                    let [pred] = &args[..] else {
                        self.error(Diagnostic::error(
                            "`.wait_for()` takes the predicate expression: `cond.wait_for(count > 3)`",
                            o.span(attr_span),
                        ));
                        return;
                    };
                    if super::lift::has_await(pred) {
                        self.error(
                            Diagnostic::error("`await` inside a `wait_for` predicate", o.span(&pred.span))
                                .with_hint("the predicate is a lambda in Python, which cannot await"),
                        );
                        return;
                    }
                    let recv = self.expr(value, o);
                    let is_fn = |n: &str| !self.is_local(n) && self.ch.coros.contains_key(n) && !self.is_coroutine(n);
                    let pred = if crate::syntax::expr::is_callable_predicate(pred, &is_fn) {
                        // `cond.wait_for(lambda: ...)`, `cond.wait_for(ready)`: called.
                        CExpr::CallValue(Box::new(self.expr(pred, o)), Box::new([]))
                    } else {
                        self.expr(pred, o)
                    };
                    let tmp = self.hidden("wait_for");
                    self.emit(Op::Assign(vec![(Target::Local(tmp), pred.clone())]));
                    let top = self.here();
                    let exit = self.emit(Op::JumpIfNot(CExpr::Not(Box::new(CExpr::Local(tmp))), 0));
                    self.emit(Op::AwaitWait(recv, None));
                    self.emit(Op::Assign(vec![(Target::Local(tmp), pred)]));
                    self.emit(Op::Jump(top));
                    self.patch(exit);
                    if let Some(b) = bind_t {
                        self.emit(Op::Assign(vec![(b, CExpr::Local(tmp))]));
                    }
                    return;
                }
            }
        }
        let e = self.code(what);
        self.emit(Op::Await(e, bind_t));
    }

    fn gather_item(&mut self, item: &GatherItem) -> CGatherItem {
        match item {
            GatherItem::Expr(Code::Expr(Expr { kind: ExprKind::Starred(inner), .. }, o)) => {
                CGatherItem::Star(self.expr(inner, o))
            }
            GatherItem::Expr(c) => CGatherItem::One(self.code(c)),
            GatherItem::For { targets, iter, call } => {
                // A generator expression: the iterable is evaluated outside,
                // the targets live in a scope of their own.
                let it = self.code(iter);
                if super::lift::code_has_await(call) {
                    self.error(
                        Diagnostic::error("`await` inside a `{for, call}` item is not supported", call.span())
                            .with_hint("the item is a generator expression, which cannot await in Python"),
                    );
                }
                let slots: Vec<(String, u32)> =
                    targets.iter().map(|t| (t.text.clone(), self.hidden(&t.text))).collect();
                let target = if slots.len() == 1 {
                    Target::Local(slots[0].1)
                } else {
                    self.unpack(slots.iter().map(|(_, s)| Target::Local(*s)).collect())
                };
                let depth = self.overlay.len();
                self.overlay.extend(slots);
                let c = self.code(call);
                self.overlay.truncate(depth);
                CGatherItem::For(it, target, c)
            }
        }
    }

    fn try_step(
        &mut self,
        body: &[Step],
        handlers: &[Handler],
        star: bool,
        orelse: &[Step],
        finally: Option<&[Step]>,
        span: &Span,
    ) {
        let fin = finally.map(|_| self.emit(Op::PushFinally(0)));
        if let Some(f) = finally {
            // A copy for the `break`s that leave through it, if any can.
            let in_loop = self.blocks.iter().any(|b| matches!(b, Block::Loop { .. }));
            self.blocks.push(Block::Finally(in_loop.then(|| f.to_vec())));
        }
        let exc =
            (!handlers.is_empty()).then(|| self.emit(if star { Op::PushExceptStar(0) } else { Op::PushExcept(0) }));
        if exc.is_some() {
            self.blocks.push(Block::Handler);
        }
        self.steps(body);
        if exc.is_some() {
            self.blocks.pop();
        }
        self.span = span.clone();
        let mut to_done = Vec::new();
        if let Some(exc) = exc {
            self.emit(Op::PopHandler);
            self.steps(orelse);
            self.span = span.clone();
            to_done.push(self.emit(Op::Jump(0)));
            self.patch(exc);
            for h in handlers {
                self.span = h.span.clone();
                let types: Vec<CExpr> = h.types.iter().map(|t| self.exc_type(t)).collect();
                let bind = h.bind.as_ref().map(|b| self.target(b));
                if star {
                    let m = self.emit(Op::StarMatch(types, bind, 0));
                    let c = self.emit(Op::PushStarCollect(0));
                    self.blocks.push(Block::NoExit("an `except*` handler"));
                    self.steps(&h.body);
                    self.blocks.pop();
                    self.span = h.span.clone();
                    self.emit(Op::PopHandler);
                    if let Some(b) = &bind {
                        self.emit(Op::Unbind(*b));
                    }
                    self.emit(Op::ExceptDone);
                    self.patch(m);
                    self.patch(c);
                } else {
                    let m = self.emit(Op::Match(types, bind, 0));
                    self.blocks.push(Block::ExceptBody(bind));
                    self.steps(&h.body);
                    self.blocks.pop();
                    // The cleanup (`e = None; del e`, dropping the handled
                    // exception) has the line of the body's last statement,
                    // as in CPython: what the exception kept is freed there.
                    self.span = h.body.last().map_or_else(|| h.span.clone(), |s| s.span.clone());
                    // `except E as e` ends with `e = None; del e`.
                    if let Some(b) = bind {
                        self.emit(Op::Unbind(b));
                    }
                    self.emit(Op::ExceptDone);
                    to_done.push(self.emit(Op::Jump(0)));
                    self.patch(m);
                }
            }
            self.span = span.clone();
            self.emit(if star { Op::StarEnd } else { Op::Reraise });
        } else {
            self.steps(orelse);
        }
        for j in to_done {
            self.patch(j);
        }
        self.span = span.clone();
        if finally.is_some() {
            self.blocks.pop();
        }
        if let (Some(fin), Some(fbody)) = (fin, finally) {
            self.emit(Op::PopHandler);
            self.emit(Op::EnterFinally);
            self.patch(fin);
            self.blocks.push(Block::NoExit("a `finally` block"));
            self.steps(fbody);
            self.blocks.pop();
            self.span = span.clone();
            self.emit(Op::EndFinally);
        }
    }

    fn exc_type(&mut self, c: &Code) -> CExpr {
        if let Code::Expr(Expr { kind: ExprKind::Name(n), span }, o) = c {
            if !self.is_local(n)
                && !self.ch.vars.contains_key(n)
                && ExcClass::by_name(n).is_none()
                && !self.ch.excs.contains_key(n)
            {
                let known = self.ch.excs.keys().map(String::as_str).chain(ExcClass::ALL.iter().map(|c| c.name()));
                let hint = did_you_mean(n, known).or_else(|| {
                    Some(format!(
                        "to declare a class of your own, add `exceptions: {{{n}: Exception}}` at the top level"
                    ))
                });
                self.error(
                    Diagnostic::error(format!("`{n}` is not an exception class"), o.span(span)).with_hint_opt(hint),
                );
                return CExpr::Const(Value::None);
            }
        }
        self.code(c)
    }
}
