//! Compiling expressions: operators, calls (builtins, methods, coroutines),
//! templates and durations, to [`CExpr`] trees.

use super::*;
use crate::syntax::expr::BinOp;
use crate::value::set::SetForm;

impl Ctx<'_> {
    pub(super) fn code(&mut self, c: &Code) -> CExpr {
        if let (true, Code::List(..) | Code::Dict(..)) = (self.await_scan, c) {
            if super::lift::code_has_await(c) {
                return self.code_lifted(c);
            }
        }
        match c {
            Code::Expr(e, o) => self.expr(e, o),
            Code::Lit(l, _) => CExpr::Const(match l {
                Lit::None => Value::None,
                Lit::Bool(b) => Value::Bool(*b),
                Lit::Int(i) => Value::Int(*i),
                Lit::BigInt(b) => crate::value::bigint::norm((**b).clone()),
                Lit::Float(f) => Value::Float(*f),
            }),
            Code::List(items, _) => CExpr::List(items.iter().map(|i| self.code(i)).collect()),
            Code::Dict(items, _) => {
                CExpr::Dict(items.iter().map(|(k, v)| (CExpr::Const(Value::str(k.as_str())), self.code(v))).collect())
            }
        }
    }

    /// A YAML list or map of code with an `await` in an item: the items
    /// before the last such one are computed first, in order.
    fn code_lifted(&mut self, c: &Code) -> CExpr {
        let items: Vec<&Code> = match c {
            Code::List(items, _) => items.iter().collect(),
            Code::Dict(items, _) => items.iter().map(|(_, v)| v).collect(),
            _ => unreachable!("only a list or a map is lifted item by item"),
        };
        let last = items.iter().rposition(|i| super::lift::code_has_await(i)).unwrap_or(0);
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let ce = self.code(item);
            if i < last && !matches!(ce, CExpr::Const(_)) {
                let slot = self.hidden("tmp");
                self.emit(Op::Assign(vec![(Target::Local(slot), ce)]));
                out.push(CExpr::Take(slot));
            } else {
                out.push(ce);
            }
        }
        match c {
            Code::Dict(items, _) => CExpr::Dict(
                items.iter().zip(out).map(|((k, _), v)| (CExpr::Const(Value::str(k.as_str())), v)).collect(),
            ),
            _ => CExpr::List(out),
        }
    }

    fn exprs(&mut self, es: &[Expr], o: &Origin) -> Vec<CExpr> {
        es.iter().map(|e| self.expr(e, o)).collect()
    }

    pub(super) fn expr(&mut self, e: &Expr, o: &Origin) -> CExpr {
        if self.await_scan {
            // Once, at the top of the expression: its awaits are lifted out
            // into instructions emitted now (see `lift`).
            self.await_scan = false;
            let c = if super::lift::has_await(e) {
                let lifted = self.lift(e, o);
                self.expr(&lifted, o)
            } else {
                self.expr(e, o)
            };
            self.await_scan = true;
            return c;
        }
        let span = o.span(&e.span);
        match &e.kind {
            ExprKind::Await(_) => {
                let d = self.await_refused(span.clone()).unwrap_or_else(|| {
                    Diagnostic::error("`await` is not supported here", span)
                        .with_hint("await in a step of the coroutine, and use the value")
                });
                self.error(d);
                CExpr::Const(Value::None)
            }
            ExprKind::Int(i) => CExpr::Const(Value::Int(*i)),
            ExprKind::BigInt(b) => CExpr::Const(crate::value::bigint::norm((**b).clone())),
            ExprKind::Float(f) => CExpr::Const(Value::Float(*f)),
            ExprKind::Str(s) => CExpr::Const(Value::str(s.as_str())),
            ExprKind::Bool(b) => CExpr::Const(Value::Bool(*b)),
            ExprKind::None => CExpr::Const(Value::None),
            ExprKind::FString(parts) => CExpr::FString(self.template(parts, o)),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::List(xs) => CExpr::List(self.exprs(xs, o)),
            ExprKind::Set(xs) => {
                // CPython folds a display of three or more constants.
                let folded = xs.len() > 2 && xs.iter().all(is_constant);
                let form = if folded { SetForm::Display } else { SetForm::Built };
                CExpr::Set(self.exprs(xs, o), form)
            }
            ExprKind::Tuple(xs) => CExpr::Tuple(self.exprs(xs, o)),
            ExprKind::Dict(kv) => CExpr::Dict(kv.iter().map(|(k, v)| (self.expr(k, o), self.expr(v, o))).collect()),
            ExprKind::Starred(x) => CExpr::Starred(Box::new(self.expr(x, o))),
            ExprKind::Unary(op, x) => {
                let x = Box::new(self.expr(x, o));
                match op {
                    UnaryOp::Neg => CExpr::Neg(x),
                    UnaryOp::Pos => CExpr::Pos(x),
                    UnaryOp::Not => CExpr::Not(x),
                    UnaryOp::Invert => CExpr::Invert(x),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (Box::new(self.expr(a, o)), Box::new(self.expr(b, o)));
                match op {
                    BinOp::BitOr | BinOp::BitXor | BinOp::BitAnd | BinOp::LShift | BinOp::RShift => {
                        CExpr::Bitwise(*op, a, b)
                    }
                    _ => CExpr::Binary(*op, a, b),
                }
            }
            ExprKind::Compare(a, rest) => {
                CExpr::Compare(Box::new(self.expr(a, o)), rest.iter().map(|(op, x)| (*op, self.expr(x, o))).collect())
            }
            ExprKind::BoolOp(BoolOp::And, xs) => CExpr::And(self.exprs(xs, o)),
            ExprKind::BoolOp(BoolOp::Or, xs) => CExpr::Or(self.exprs(xs, o)),
            ExprKind::IfExp { cond, then, orelse } => {
                CExpr::IfExp(Box::new(self.expr(cond, o)), Box::new(self.expr(then, o)), Box::new(self.expr(orelse, o)))
            }
            ExprKind::Call { func, args, kwargs } => self.call(func, args, kwargs, o, span),
            ExprKind::Attribute { value, attr, attr_span } if &**attr == "__name__" => {
                // `type(x).__name__` and `x.__class__.__name__`.
                let of = match &value.kind {
                    ExprKind::Call { func, args, kwargs }
                        if matches!(&func.kind, ExprKind::Name(t) if t == "type" && !self.is_local(t))
                            && args.len() == 1
                            && kwargs.is_empty() =>
                    {
                        Some(&args[0])
                    }
                    ExprKind::Attribute { value: inner, attr: a, .. } if &**a == "__class__" => Some(&**inner),
                    _ => None,
                };
                match of {
                    Some(x) => CExpr::TypeName(Box::new(self.expr(x, o))),
                    None => {
                        self.error(
                            Diagnostic::error("`__name__` is available as `type(x).__name__`", o.span(attr_span))
                                .with_hint("write `type(x).__name__` or `x.__class__.__name__`"),
                        );
                        CExpr::Const(Value::None)
                    }
                }
            }
            ExprKind::Attribute { value, attr, attr_span } => {
                if let ExprKind::Name(m) = &value.kind {
                    if m == "asyncio" && !self.is_local(m) {
                        return match ExcClass::by_name(attr) {
                            Some(c) if c.in_asyncio() => {
                                crate::compile::Newer::wrap(c, false, false, CExpr::Const(Value::ExcClass(c)))
                            }
                            _ => {
                                self.error(Diagnostic::error(
                                    format!("`asyncio.{attr}` is not available in expressions"),
                                    o.span(attr_span),
                                ));
                                CExpr::Const(Value::None)
                            }
                        };
                    }
                }
                let ty = match &value.kind {
                    ExprKind::Name(n) if matches!(n.as_str(), "str" | "list" | "dict" | "set") => Some(n.as_str()),
                    _ => None,
                };
                if let Some(ty) = ty {
                    // `str.lower`: the method as a value (`key=str.lower`).
                    if !self.is_local(ty) && !self.ch.vars.contains_key(ty) {
                        if let Some((name, _)) = Method::ALL.iter().find(|(n, _)| **n == **attr) {
                            let owner =
                                crate::compile::BUILTIN_TYPES.iter().find(|t| **t == ty).copied().unwrap_or("str");
                            return CExpr::Const(Value::MethodOf(std::rc::Rc::new((owner, name))));
                        }
                    }
                }
                let v = Box::new(self.expr(value, o));
                match Attr::by_name(attr) {
                    Some(a) => CExpr::Attr(v, a),
                    None => {
                        let is_method = Method::ALL.iter().any(|(n, _)| **n == **attr)
                            || AWAITABLE_METHODS.contains(&(&**attr))
                            || barrier::METHOD_COROUTINES.contains(&(&**attr));
                        let d = Diagnostic::error(format!("unknown attribute `.{attr}`"), o.span(attr_span));
                        self.error(if is_method {
                            d.with_hint(format!("`{attr}` is a method: call it, `.{attr}()`"))
                        } else {
                            d.with_hint("attributes are `e.args`, `eg.exceptions` and `eg.message`")
                        });
                        CExpr::Const(Value::None)
                    }
                }
            }
            ExprKind::Index { value, index } => {
                let v = Box::new(self.expr(value, o));
                match &index.kind {
                    ExprKind::Slice { lo, hi, step } => {
                        let mut part = |x: &Option<Box<Expr>>| x.as_ref().map(|x| Box::new(self.expr(x, o)));
                        CExpr::Slice(v, [part(lo), part(hi), part(step)])
                    }
                    _ => CExpr::Index(v, Box::new(self.expr(index, o))),
                }
            }
            ExprKind::Slice { .. } => {
                self.error(Diagnostic::error("a slice is only valid inside `[...]`", span));
                CExpr::Const(Value::None)
            }
            ExprKind::Comp(c) => self.comp(c, o, span, false),
            ExprKind::Lambda(l) => self.lambda(l, o),
        }
    }

    pub(super) fn is_local(&self, n: &str) -> bool {
        self.named.contains_key(n) || self.overlay.iter().any(|(o, _)| o == n) || self.scopes.iter().any(|s| s.binds(n))
    }

    fn call(
        &mut self,
        func: &Expr,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
        span: Span,
    ) -> CExpr {
        let user_callee = matches!(&func.kind, ExprKind::Name(n)
            if !self.is_local(n) && !self.ch.vars.contains_key(n) && self.ch.coros.contains_key(n));
        if let Some(k) = kwargs.iter().find(|k| k.name == "**").filter(|_| !user_callee) {
            self.error(
                Diagnostic::error(
                    "`**` unpacking is supported in calls of the scenario's coroutines and functions",
                    o.span(&k.name_span),
                )
                .with_hint("pass the keyword arguments one by one"),
            );
            return CExpr::Const(Value::None);
        }
        match &func.kind {
            ExprKind::Name(n)
                if !self.is_local(n) && !self.ch.vars.contains_key(n) && !self.ch.prims.contains_key(n) =>
            {
                if let Some(&id) = self.ch.coros.get(n) {
                    return self.coro_call(id, n, args, kwargs, o, span);
                }
                if n == "isinstance" {
                    return self.isinstance(args, kwargs, o, span);
                }
                if let Some((_, b)) = Builtin::ALL.iter().find(|(name, _)| name == n) {
                    use Builtin as B;
                    let consumes = matches!(
                        b,
                        B::Sum | B::Any | B::All | B::Min | B::Max | B::Sorted | B::List | B::Tuple | B::Dict
                    );
                    let a = self.args(args, o, consumes);
                    let kw = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
                    return CExpr::Builtin(*b, a.into_boxed_slice(), kw);
                }
                if let Some(c) = ExcClass::by_name(n) {
                    if !kwargs.is_empty() {
                        self.error(Diagnostic::error(format!("{n}() takes no keyword arguments"), span));
                    }
                    return crate::compile::Newer::wrap(c, true, false, CExpr::NewExc(c, self.exprs(args, o)));
                }
                if let Some(&u) = self.ch.excs.get(n) {
                    if !kwargs.is_empty() {
                        self.error(Diagnostic::error(format!("{n}() takes no keyword arguments"), span));
                    }
                    let class = self.ch.exc_defs[u as usize].class.clone();
                    return CExpr::NewUserExc(class, self.exprs(args, o));
                }
                if [
                    "Lock",
                    "Semaphore",
                    "BoundedSemaphore",
                    "Event",
                    "Condition",
                    "Queue",
                    "LifoQueue",
                    "PriorityQueue",
                    "Barrier",
                ]
                .contains(&n.as_str())
                {
                    let dots = if args.is_empty() && kwargs.is_empty() { "" } else { "..." };
                    self.error(
                        Diagnostic::error(format!("`{n}` without `asyncio.`"), o.span(&func.span))
                            .with_label(format!("Python raises NameError: name '{n}' is not defined"))
                            .with_hint(format!(
                                "make one in code as Python does, `asyncio.{n}({dots})`, or declare it under `sync:` (`sync: {{name: {n}({dots})}}`, without `asyncio.`) and use that name here"
                            )),
                    );
                    return CExpr::Const(Value::None);
                }
                self.callee(n, o.span(&func.span));
                CExpr::Const(Value::None)
            }
            ExprKind::Attribute { value, attr, attr_span } => {
                if &**attr == "create_task" {
                    return self.create_task(value, args, kwargs, o, span);
                }
                let aspan = o.span(attr_span);
                if let ExprKind::Name(m) = &value.kind {
                    if m == "asyncio" && !self.is_local(m) && args.is_empty() && kwargs.is_empty() {
                        match &**attr {
                            "current_task" => return CExpr::CurrentTask,
                            "get_running_loop" | "get_event_loop" => return CExpr::RunningLoop,
                            _ => {}
                        }
                    }
                    if m == "time" && !self.is_local(m) && !self.ch.vars.contains_key(m) {
                        return match &**attr {
                            // The loop's clock is time.monotonic(); on a virtual clock, virtual.
                            "monotonic" if args.is_empty() && kwargs.is_empty() => CExpr::Now,
                            _ => {
                                self.error(
                                    Diagnostic::error(format!("`time.{attr}()` is not available"), aspan)
                                        .with_hint("the virtual clock is `time.monotonic()` or `asyncio.get_running_loop().time()`; `time.sleep(s)` is the `block` step"),
                                );
                                CExpr::Const(Value::None)
                            }
                        };
                    }
                    if m == "random" && !self.is_local(m) && !self.ch.vars.contains_key(m) {
                        return self.random_call(attr, aspan, args, kwargs, o);
                    }
                    if m == "asyncio" && !self.is_local(m) && &**attr == "sleep" {
                        // A coroutine object, as in Python (`wait_for(asyncio.sleep(5), 1)`).
                        let result = kwargs.iter().find(|k| k.name == "result").map(|k| &k.value).or(args.get(1));
                        if args.is_empty() || args.len() > 2 || kwargs.iter().any(|k| k.name != "result") {
                            self.error(Diagnostic::error(
                                "`asyncio.sleep(delay, result=None)` takes a delay and a result",
                                span,
                            ));
                            return CExpr::Const(Value::None);
                        }
                        let delay = self.expr(&args[0], o);
                        let result = result.map(|r| self.expr(r, o));
                        return CExpr::Coro(self.method_coros + barrier::SLEEP_COROUTINE, vec![Some(delay), result]);
                    }
                    if m == "asyncio" && !self.is_local(m) {
                        if let Some((_, step)) = ASYNCIO_STEPS.iter().find(|(f, _)| **f == **attr) {
                            self.error(
                                Diagnostic::error(
                                    format!("`asyncio.{attr}(...)` is written as the `{step}` step"),
                                    span,
                                )
                                .with_hint(format!("use `- {step}: ...`")),
                            );
                            return CExpr::Const(Value::None);
                        }
                        if let Some(c) = ExcClass::by_name(attr).filter(|c| c.in_asyncio()) {
                            return crate::compile::Newer::wrap(c, false, false, CExpr::NewExc(c, self.exprs(args, o)));
                        }
                        if let Some(kind) = crate::value::PrimKind::by_class_name(attr) {
                            let src = self.src;
                            let arg = self.prim_arg(kind, args, kwargs, o, span, src);
                            return CExpr::NewPrim(kind, Box::new(arg));
                        }
                        self.error(Diagnostic::error(format!("`asyncio.{attr}` is not supported"), aspan));
                        return CExpr::Const(Value::None);
                    }
                }
                if let Some(d) = self.wrong_method(value, attr, aspan.clone()) {
                    self.error(d);
                    return CExpr::Const(Value::None);
                }
                // `d.get(k)` and `', '.join(xs)` share their names with a
                // queue's coroutines: the call's arity tells them apart.
                let coro_arity = usize::from(&**attr == "put");
                let plain_method = Method::ALL.iter().any(|(n, _)| **n == **attr)
                    && (args.len() != coro_arity || matches!(value.kind, ExprKind::Str(_) | ExprKind::Dict(_)));
                if let Some(i) = barrier::METHOD_COROUTINES.iter().position(|m| **m == **attr).filter(|_| !plain_method)
                {
                    // `q.get()` outside a direct await: a coroutine object, as in Python.
                    let arity = coro_arity;
                    if args.len() != arity || !kwargs.is_empty() {
                        self.error(Diagnostic::error(
                            format!("`.{attr}()` takes {arity} argument{}", if arity == 1 { "" } else { "s" }),
                            aspan,
                        ));
                        return CExpr::Const(Value::None);
                    }
                    let recv = self.expr(value, o);
                    let item = args.first().map(|a| self.expr(a, o));
                    return CExpr::Coro(self.method_coros + i as u32, vec![Some(recv), item]);
                }
                if let (Some(ids), "reset" | "abort") = (self.barrier_coros, (&**attr)) {
                    let recv = self.expr(value, o);
                    let id = if &**attr == "reset" { ids[1] } else { ids[2] };
                    return CExpr::Coro(id, vec![Some(recv)]);
                }
                if AWAITABLE_METHODS.contains(&(&**attr)) && !plain_method {
                    self.error(
                        Diagnostic::error(format!("`.{attr}()` returns an awaitable that is never awaited"), aspan)
                            .with_hint(format!("use `await: ....{attr}()` as a step of its own")),
                    );
                    return CExpr::Const(Value::None);
                }
                if LATER_METHODS.contains(&(&**attr)) {
                    self.error(
                        Diagnostic::error(format!("`.{attr}()` is not supported yet"), aspan)
                            .with_hint("this version of asim does not run cancellation, queues or conditions"),
                    );
                    return CExpr::Const(Value::None);
                }
                let Some((_, m)) = Method::ALL.iter().find(|(name, _)| **name == **attr) else {
                    let hint = did_you_mean(attr, Method::ALL.iter().map(|(n, _)| *n));
                    self.error(Diagnostic::error(format!("unknown method `.{attr}()`"), aspan).with_hint_opt(hint));
                    return CExpr::Const(Value::None);
                };
                if *m == Method::Format {
                    let recv = self.expr(value, o);
                    let args = self.args(args, o, false).into_boxed_slice();
                    let kwargs = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
                    return CExpr::StrFormat(Box::new(crate::compile::KwCall { recv, args, kwargs }));
                }
                if !kwargs.is_empty()
                    && matches!(
                        m,
                        Method::Sort | Method::Split | Method::RSplit | Method::SplitLines | Method::Shutdown
                    )
                {
                    let recv = self.expr(value, o);
                    let args = self.args(args, o, false).into_boxed_slice();
                    let kwargs = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
                    return CExpr::MethodKw(*m, Box::new(crate::compile::KwCall { recv, args, kwargs }));
                }
                if !kwargs.is_empty() {
                    self.error(
                        Diagnostic::error(format!("`.{attr}()` takes no keyword arguments"), span)
                            .with_label("TypeError in Python")
                            .with_hint("pass the arguments by position"),
                    );
                }
                let recv = Box::new(self.expr(value, o));
                let args = self.args(args, o, matches!(m, Method::Join | Method::Extend));
                CExpr::Method(recv, *m, args)
            }
            _ => {
                if !kwargs.is_empty() {
                    self.error(Diagnostic::error("keyword arguments to a lambda are not supported in asim", span));
                }
                let f = Box::new(self.expr(func, o));
                CExpr::CallValue(f, self.args(args, o, false).into_boxed_slice())
            }
        }
    }

    /// `random.f(...)`, which needs the scenario's `seed:`.
    fn random_call(
        &mut self,
        attr: &str,
        aspan: Span,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
    ) -> CExpr {
        use crate::value::random::RandFn;
        let Some(f) = RandFn::by_name(attr) else {
            let known: Vec<&str> = RandFn::ALL.iter().map(|(n, _)| *n).collect();
            let guess = did_you_mean(attr, known.iter().copied()).map(|g| format!("{g} ")).unwrap_or_default();
            self.error(
                Diagnostic::error(format!("`random.{attr}()` is not available"), aspan)
                    .with_hint(format!("{guess}asim runs `random.{}()`", known.join("()`, `random."))),
            );
            return CExpr::Const(Value::None);
        };
        if self.ch.scenario.seed.is_none() {
            self.error(
                Diagnostic::error(format!("`random.{attr}()` needs the scenario's seed"), aspan)
                    .with_label("a random number with no seed")
                    .with_hint("add a top-level `seed: 1` (any int): asim's `random` is CPython's, seeded as `random.seed(1)`, so every run prints the same"),
            );
            return CExpr::Const(Value::None);
        }
        let a = self.args(args, o, false);
        let kw = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
        CExpr::Random(f, a.into_boxed_slice(), kw)
    }

    /// Call arguments; a lone generator expression is consumed by the call
    /// when `consumes` (the callee takes all of it at once).
    fn args(&mut self, args: &[Expr], o: &Origin, consumes: bool) -> Vec<CExpr> {
        match args {
            [Expr { kind: ExprKind::Comp(c), span }] if consumes => vec![self.comp(c, o, o.span(span), true)],
            _ => self.exprs(args, o),
        }
    }

    fn coro_call(
        &mut self,
        id: u32,
        n: &str,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
        span: Span,
    ) -> CExpr {
        let params = self.ch.infos[id as usize].params.clone();
        let def = &self.ch.scenario.coroutines.get(id as usize);
        let has_default: Vec<bool> =
            def.map(|d| d.params.iter().map(|(_, dflt)| dflt.is_some()).collect()).unwrap_or_default();
        let mut bound: Vec<Option<CExpr>> = vec![None; params.len()];
        let mut given = vec![false; params.len()];
        if args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_))) || kwargs.iter().any(|k| k.name == "**") {
            // `f(*args, **kwargs)`: bound when the call runs.
            let a = args.iter().map(|a| self.expr(a, o)).collect();
            let kw = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
            let is_fn = self.ch.scenario.coroutines.get(id as usize).is_some_and(|d| d.is_fn);
            return CExpr::CallDyn(Box::new(crate::compile::DynCall { id, args: a, kwargs: kw, is_fn }));
        }
        if args.len() > params.len() {
            self.error(Diagnostic::error(
                format!(
                    "{n}() takes {} positional argument{} but {} were given",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    args.len()
                ),
                span.clone(),
            ));
        }
        for (i, a) in args.iter().enumerate().take(params.len()) {
            bound[i] = Some(self.expr(a, o));
            given[i] = true;
        }
        for k in kwargs {
            match params.iter().position(|p| *p == k.name) {
                Some(i) if given[i] => self.error(Diagnostic::error(
                    format!("{n}() got multiple values for argument '{}'", k.name),
                    o.span(&k.name_span),
                )),
                Some(i) => {
                    bound[i] = Some(self.expr(&k.value, o));
                    given[i] = true;
                }
                None => {
                    let hint = did_you_mean(&k.name, params.iter().map(String::as_str));
                    self.error(
                        Diagnostic::error(
                            format!("{n}() got an unexpected keyword argument '{}'", k.name),
                            o.span(&k.name_span),
                        )
                        .with_hint_opt(hint),
                    );
                }
            }
        }
        let missing: Vec<&String> = params
            .iter()
            .enumerate()
            .filter(|(i, _)| !given[*i] && !has_default.get(*i).copied().unwrap_or(false))
            .map(|(_, p)| p)
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
            self.error(Diagnostic::error(
                format!(
                    "{n}() missing {} required positional argument{}: {}",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    crate::value::ops::name_list(&names)
                ),
                span.clone(),
            ));
        }
        if self.ch.scenario.coroutines.get(id as usize).is_some_and(|d| d.is_fn) {
            if self.coro_name.is_empty() {
                self.error(
                    Diagnostic::error(format!("`{n}()` is called before the program runs"), span).with_hint(
                        "asim runs functions inside the event loop: call it in `main` and `set` the variable",
                    ),
                );
            }
            return CExpr::CallFn(id, bound);
        }
        CExpr::Coro(id, bound)
    }

    fn template(&mut self, parts: &[FPart], o: &Origin) -> Vec<CPart> {
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                FPart::Lit(s) => out.push(CPart::Lit(s.as_str().into())),
                FPart::Field(f) => {
                    if let Some(d) = &f.debug_text {
                        out.push(CPart::Lit(d.as_str().into()));
                    }
                    let conversion =
                        f.conversion.or_else(|| (f.debug_text.is_some() && f.spec.is_empty()).then_some('r'));
                    let expr = self.expr(&f.expr, o);
                    let spec = self.template(&f.spec, o);
                    out.push(CPart::Field(Box::new(CField { expr, conversion, spec })));
                }
            }
        }
        out.shrink_to_fit();
        out
    }

    pub(super) fn text(&mut self, t: &Template) -> Vec<CPart> {
        if self.await_scan && t.parts.iter().any(super::lift::part_has_await) {
            self.await_scan = false;
            let parts = self.lift_template(&t.parts, &t.origin);
            let c = self.template(&parts, &t.origin);
            self.await_scan = true;
            return c;
        }
        self.template(&t.parts, &t.origin)
    }

    pub(super) fn duration(&mut self, d: &Duration) -> CExpr {
        match d {
            Duration::Literal(v) => CExpr::Const(Value::Float(*v)),
            Duration::Code(c @ Code::Lit(Lit::Float(v), span)) if v.is_nan() => {
                self.error(
                    Diagnostic::error("a duration of NaN seconds", span.clone())
                        .with_label("`.nan` is not a number of seconds")
                        .with_hint(
                            "write seconds (`1.5`), a unit (`500ms`), or `null` for no timeout where one is allowed",
                        ),
                );
                self.code(c)
            }
            Duration::Code(c) => self.code(c),
            Duration::Varied(v) => self.duration(&v.0),
        }
    }

    /// A `sleep` or `block` duration and the [`VarySite`] of its step.
    pub(super) fn varied(&mut self, d: &Duration, block: bool) -> (CExpr, u32) {
        let (d, spread) = match d {
            Duration::Varied(v) => (&v.0, Some(v.1)),
            d => (d, None),
        };
        (self.duration(d), self.site(spread, block))
    }

    /// Registers the step being compiled as a [`VarySite`].
    pub(super) fn site(&mut self, spread: Option<crate::syntax::spread::Spread>, block: bool) -> u32 {
        self.sites.push(VarySite { at: self.span.start, block, spread });
        self.site_base + self.sites.len() as u32 - 1
    }

    /// `isinstance(x, C)`: `C` a class or a tuple of classes, named.
    fn isinstance(&mut self, args: &[Expr], kwargs: &[crate::syntax::expr::Keyword], o: &Origin, span: Span) -> CExpr {
        if args.len() != 2 || !kwargs.is_empty() {
            self.error(Diagnostic::error(
                format!("isinstance expected 2 arguments, got {}", args.len() + kwargs.len()),
                span,
            ));
            return CExpr::Const(Value::None);
        }
        let specs: Vec<&Expr> = match &args[1].kind {
            ExprKind::Tuple(items) => items.iter().collect(),
            _ => vec![&args[1]],
        };
        let mut tests = Vec::with_capacity(specs.len());
        // The first class named that some release lacks, and whether bare.
        let mut newer: Option<(ExcClass, bool)> = None;
        for s in specs {
            let test = match &s.kind {
                ExprKind::Name(n) if !self.is_local(n) && !self.ch.vars.contains_key(n) => {
                    match (ExcClass::by_name(n), BUILTIN_TYPES.iter().find(|t| **t == n.as_str())) {
                        (Some(c), _) => {
                            if c.since().is_some() && newer.is_none() {
                                newer = Some((c, true));
                            }
                            Some(TypeTest::Exc(c))
                        }
                        (None, Some(t)) => Some(TypeTest::Builtin(t)),
                        _ => self.ch.excs.get(n).map(|&u| TypeTest::User(u)),
                    }
                }
                ExprKind::Attribute { value, attr, .. } if matches!(&value.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m)) =>
                {
                    let c = ExcClass::by_name(attr).filter(|c| c.in_asyncio());
                    if let Some(c) = c.filter(|c| c.since().is_some() && newer.is_none()) {
                        newer = Some((c, false));
                    }
                    c.map(TypeTest::Exc)
                }
                _ => None,
            };
            match test {
                Some(t) => tests.push(t),
                None => {
                    self.error(
                        Diagnostic::error(
                            "isinstance() takes a class, or a tuple of classes, by name",
                            o.span(&s.span),
                        )
                        .with_hint(format!(
                            "asim knows the exception classes and the builtin types {}",
                            BUILTIN_TYPES.join(", ")
                        )),
                    );
                    return CExpr::Const(Value::None);
                }
            }
        }
        let test = CExpr::IsInstance(Box::new(self.expr(&args[0], o)), tests.into_boxed_slice());
        match newer {
            // `x` is evaluated before the class names.
            Some((c, bare)) => crate::compile::Newer::wrap(c, bare, true, test),
            None => test,
        }
    }

    /// `ev.acquire()` on a declared Event, `q.set()` on a Queue...: a
    /// method the primitive's class does not have (Python would raise
    /// AttributeError when the line runs).
    pub(super) fn wrong_method(&self, value: &Expr, attr: &str, span: Span) -> Option<Diagnostic> {
        let ExprKind::Name(n) = &value.kind else { return None };
        if self.is_local(n) {
            return None;
        }
        let &(_, kind) = self.ch.prims.get(n.as_str())?;
        let methods = prim_methods(kind);
        if methods.contains(&attr) {
            return None;
        }
        let class = kind.class_name();
        let a = if class.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        let list: Vec<String> = methods.iter().map(|m| format!("`{m}()`")).collect();
        Some(
            Diagnostic::error(format!("`{n}` is {a} {class}: it has no method `{attr}()`"), span)
                .with_label(format!("AttributeError: '{class}' object has no attribute '{attr}'"))
                .with_hint(format!("{} {class} has {}", if a == "an" { "An" } else { "A" }, list.join(", "))),
        )
    }
}

/// The methods asim runs for each primitive class.
pub(super) fn prim_methods(kind: crate::value::PrimKind) -> &'static [&'static str] {
    use crate::value::PrimKind as K;
    match kind {
        K::Lock => &["acquire", "release", "locked"],
        K::Semaphore | K::BoundedSemaphore => &["acquire", "release", "locked"],
        K::Event => &["wait", "set", "clear", "is_set"],
        K::Condition => &["acquire", "release", "locked", "wait", "wait_for", "notify", "notify_all"],
        K::Queue | K::LifoQueue | K::PriorityQueue => {
            &["put", "get", "join", "put_nowait", "get_nowait", "task_done", "qsize", "empty", "full", "shutdown"]
        }
        K::Barrier => &["wait", "reset", "abort"],
    }
}

impl Ctx<'_> {
    /// `asyncio.create_task(coro, name=...)`, `loop.create_task(...)` or
    /// `tg.create_task(...)`: the receiver is checked at run time.
    fn create_task(
        &mut self,
        recv: &Expr,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
        span: Span,
    ) -> CExpr {
        let asyncio = matches!(&recv.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m));
        if args.len() != 1 || kwargs.iter().any(|k| k.name != "name") {
            let bad = kwargs.iter().find(|k| k.name != "name");
            let mut d = Diagnostic::error("`create_task(coro, name=None)` takes a coroutine and a name", span);
            if let Some(k) = bad {
                d = d.with_label(format!("unexpected keyword argument '{}'", k.name));
            }
            self.error(d);
            return CExpr::Const(Value::None);
        }
        let group = (!asyncio).then(|| self.expr(recv, o));
        let coro = self.expr(&args[0], o);
        let name = kwargs.first().map(|k| self.expr(&k.value, o));
        CExpr::CreateTask(Box::new(crate::compile::CreateTask { group, coro, name }))
    }

    /// The constructor argument of a primitive (`Semaphore(2)`,
    /// `Queue(maxsize=3)`), checked as the constructor checks it; a
    /// constant Python would reject is an error before the run.
    pub(crate) fn prim_arg(
        &mut self,
        kind: crate::value::PrimKind,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
        span: Span,
        src: &str,
    ) -> CExpr {
        let code_span = span.clone();
        use crate::value::PrimKind as K;
        let (param, default) = match kind {
            K::Semaphore | K::BoundedSemaphore => (Some("value"), Value::Int(1)),
            K::Queue | K::LifoQueue | K::PriorityQueue => (Some("maxsize"), Value::Int(0)),
            K::Condition => (Some("lock"), Value::None),
            K::Barrier => (Some("parties"), Value::None),
            K::Lock | K::Event => (None, Value::None),
        };
        match param {
            None if !(args.is_empty() && kwargs.is_empty()) => {
                self.error(Diagnostic::error(format!("{}() takes no arguments", kind.class_name()), code_span.clone()));
            }
            Some(p) if args.len() > 1 || kwargs.iter().any(|k| k.name != p) => {
                self.error(Diagnostic::error(
                    format!("{}() takes one argument, `{p}`", kind.class_name()),
                    code_span.clone(),
                ));
            }
            _ => {}
        }
        let arg = match (args.first(), kwargs.first()) {
            (Some(a), _) => self.expr(a, o),
            (None, Some(k)) => self.expr(&k.value, o),
            (None, None) => CExpr::Const(default),
        };
        // A constant Python would reject when the module runs.
        let bad = match (kind, &arg) {
            (K::Semaphore | K::BoundedSemaphore, CExpr::Neg(x)) if matches!(&**x, CExpr::Const(Value::Int(v)) if *v > 0) => {
                Some("ValueError: Semaphore initial value must be >= 0")
            }
            // Its wording depends on the release (`messages::barrier_parties`).
            (K::Barrier, CExpr::Const(Value::Int(0))) => Some("ValueError"),
            (K::Barrier, CExpr::Neg(x)) if matches!(&**x, CExpr::Const(Value::Int(v)) if *v > 0) => Some("ValueError"),
            _ => None,
        };
        if let Some(msg) = bad {
            self.error(
                Diagnostic::error(
                    format!("`{}` cannot be made: Python raises {msg}", src.get(code_span.clone()).unwrap_or("this")),
                    code_span.clone(),
                )
                .with_hint(match kind {
                    K::Barrier => "a Barrier needs at least one party: `Barrier(2)`",
                    _ => "a semaphore starts with zero or more free units: `Semaphore(0)` starts with none",
                }),
            );
        }
        arg
    }
}

impl Ctx<'_> {
    /// What a loop iterates (`for x in ...`, a comprehension's `in ...`):
    /// a set display of constants is CPython's frozenset constant there.
    pub(super) fn iter_expr(&mut self, e: &Expr, o: &Origin) -> CExpr {
        if let ExprKind::Set(xs) = &e.kind {
            if xs.iter().all(is_constant) {
                return CExpr::Set(self.exprs(xs, o), SetForm::Frozen);
            }
        }
        self.expr(e, o)
    }
}

/// A constant as CPython's compiler sees it after folding: a literal, a
/// sign on a number, a tuple of constants.
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        k if k.is_literal() => true,
        ExprKind::Unary(UnaryOp::Neg | UnaryOp::Pos | UnaryOp::Invert, x) => {
            matches!(x.kind, ExprKind::Int(_) | ExprKind::BigInt(_) | ExprKind::Float(_))
                || matches!(&x.kind, ExprKind::Unary(..)) && is_constant(x)
        }
        ExprKind::Tuple(xs) => xs.iter().all(is_constant),
        // The optimizer folds arithmetic on numbers when it is safe: no
        // error, and an int of at most 128 bits (`2**61`, `-1 * 3`).
        ExprKind::Binary(op, a, b) => {
            let num = |e: &Expr| match &e.kind {
                ExprKind::Int(i) => Some(Some(*i)),
                ExprKind::Float(_) => Some(None),
                _ if is_constant(e)
                    && !matches!(
                        e.kind,
                        ExprKind::Str(_) | ExprKind::Tuple(_) | ExprKind::None | ExprKind::Bool(_)
                    ) =>
                {
                    Some(None)
                }
                _ => None,
            };
            let (Some(x), Some(y)) = (num(a), num(b)) else { return false };
            match (op, x, y) {
                (BinOp::Pow, Some(base), Some(exp)) => {
                    exp >= 0 && (64 - base.unsigned_abs().leading_zeros()) as i64 * exp <= 128
                }
                (BinOp::Pow, _, _) => false,
                (BinOp::Div | BinOp::FloorDiv | BinOp::Mod, _, Some(0)) => false,
                (BinOp::LShift | BinOp::RShift, _, _) => false,
                _ => true,
            }
        }
        _ => false,
    }
}
