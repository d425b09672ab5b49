//! Stage 3: the compiled program.
//!
//! Walks the checked syntax tree once per coroutine and emits flat
//! instructions. Every name is resolved here, in Python's order (locals, then
//! `vars`, then `sync`, then coroutines, builtins and exception classes), so
//! the run never looks a name up. Structured steps become jumps and handler
//! blocks, in the way CPython compiles `try`, `with` and loops.

mod barrier;

/// The barrier's states (`_BarrierState`), as the strings CPython's enum holds.
pub(crate) mod barrier_state {
    pub(crate) const FILLING: &str = "filling";
    pub(crate) const DRAINING: &str = "draining";
    pub(crate) const RESETTING: &str = "resetting";
    pub(crate) const BROKEN: &str = "broken";
}
pub(crate) mod instr;

use crate::check::{Checked, CoroInfo};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::expr::{BoolOp, Expr, ExprKind, FPart, UnaryOp};
use crate::value::{ExcClass, Value};
pub(crate) use instr::*;
use std::collections::BTreeMap;

/// Methods that return awaitables: calling them outside `await` is a bug.
const AWAITABLE_METHODS: &[&str] = &["acquire", "wait", "get", "put", "join", "wait_for", "reset", "abort"];
/// Methods of primitives a later version will run.
const LATER_METHODS: &[&str] = &[];
/// asyncio functions that have their own step.
const ASYNCIO_STEPS: &[(&str, &str)] = &[
    ("sleep", "sleep"),
    ("create_task", "spawn"),
    ("gather", "gather"),
    ("TaskGroup", "task_group"),
    ("timeout", "timeout"),
    ("wait_for", "wait_for"),
    ("shield", "await: shield(...)"),
];

struct Ctx<'a> {
    ch: &'a Checked,
    /// The scenario file's text (an error quotes an expression from it).
    src: &'a str,
    /// Named locals, then hidden slots.
    slots: Vec<String>,
    named: BTreeMap<String, u32>,
    /// Comprehension targets of a gather `{for, call}` item.
    overlay: Vec<(String, u32)>,
    code: Vec<Instr>,
    n_iters: u32,
    n_groups: u32,
    groups: Vec<u32>,
    errors: Vec<Diagnostic>,
    span: Span,
    /// `Barrier.wait`, `reset`, `abort` when the scenario has a Barrier.
    barrier_coros: Option<[u32; 3]>,
    /// The first of the primitive-operation coroutines.
    method_coros: u32,
    /// The coroutine's parameters are its first `n_params` slots.
    n_params: u32,
    /// Some step assigns to a parameter.
    rebinds_params: bool,
    unpacks: Vec<Box<[Target]>>,
}

impl<'a> Ctx<'a> {
    fn new(ch: &'a Checked, src: &'a str, info: Option<&CoroInfo>) -> Self {
        let slots: Vec<String> = info.map(|i| i.locals.clone()).unwrap_or_default();
        let named = slots.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        Ctx {
            ch,
            src,
            slots,
            named,
            overlay: Vec::new(),
            code: Vec::new(),
            n_iters: 0,
            n_groups: 0,
            groups: Vec::new(),
            errors: Vec::new(),
            span: 0..0,
            barrier_coros: barrier_ids(ch),
            method_coros: method_base(ch),
            n_params: info.map_or(0, |i| i.params.len() as u32),
            rebinds_params: false,
            unpacks: Vec::new(),
        }
    }

    fn hidden(&mut self, what: &str) -> u32 {
        self.slots.push(format!("<{what}>"));
        (self.slots.len() - 1) as u32
    }

    fn emit(&mut self, op: Op) -> usize {
        self.code.push(Instr { op, span: self.span.clone() });
        self.code.len() - 1
    }

    fn here(&self) -> usize {
        self.code.len()
    }

    fn patch(&mut self, at: usize) {
        let target = self.here();
        match &mut self.code[at].op {
            Op::AsCompletedNext(_, _, t)
            | Op::Jump(t)
            | Op::JumpIfNot(_, t)
            | Op::PushExcept(t)
            | Op::PushExceptStar(t)
            | Op::PushFinally(t)
            | Op::PushStarCollect(t)
            | Op::ForNext(_, _, t)
            | Op::Match(_, _, t)
            | Op::StarMatch(_, _, t) => *t = target,
            other => unreachable!("not a jump: {other:?}"),
        }
    }

    fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    // ---- names -------------------------------------------------------

    fn known_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.named.keys().map(String::as_str).collect();
        v.extend(self.overlay.iter().map(|(n, _)| n.as_str()));
        v.extend(self.ch.vars.keys().map(String::as_str));
        v.extend(self.ch.prims.keys().map(String::as_str));
        v.extend(self.ch.coros.keys().map(String::as_str));
        v.extend(Builtin::ALL.iter().map(|(n, _)| *n));
        v.extend(ExcClass::ALL.iter().map(|c| c.name()));
        v
    }

    fn name(&mut self, n: &str, span: Span) -> CExpr {
        if let Some((_, s)) = self.overlay.iter().rev().find(|(o, _)| o == n) {
            return CExpr::Local(*s);
        }
        if let Some(&s) = self.named.get(n) {
            return CExpr::Local(s);
        }
        if let Some(&g) = self.ch.vars.get(n) {
            return CExpr::Global(g);
        }
        if let Some(&(p, _)) = self.ch.prims.get(n) {
            return CExpr::Prim(p);
        }
        if let Some(c) = ExcClass::by_name(n) {
            return CExpr::Const(Value::ExcClass(c));
        }
        if self.ch.coros.contains_key(n) {
            self.error(Diagnostic::error(format!("`{n}` is a coroutine function; call it: `{n}(...)`"), span));
        } else if Builtin::ALL.iter().any(|(b, _)| *b == n) {
            self.error(Diagnostic::error(format!("`{n}` is a builtin function; call it: `{n}(...)`"), span));
        } else if n == "asyncio" {
            self.error(
                Diagnostic::error("`asyncio` on its own is not a value", span)
                    .with_hint("use `asyncio.CancelledError`, or a step such as `sleep`"),
            );
        } else {
            let hint = match n {
                "true" | "false" | "none" | "null" => Some(format!(
                    "Python spells it `{}`",
                    match n {
                        "true" => "True",
                        "false" => "False",
                        _ => "None",
                    }
                )),
                _ => did_you_mean(n, self.known_names()),
            };
            self.error(
                Diagnostic::error(format!("unknown name `{n}`"), span)
                    .with_hint_opt(hint)
                    .with_label("not a local, a shared variable, a primitive or a builtin"),
            );
        }
        CExpr::Const(Value::None)
    }

    /// A [`Target::Unpack`] of `ts`.
    fn unpack(&mut self, ts: Box<[Target]>) -> Target {
        self.unpacks.push(ts);
        Target::Unpack(self.unpacks.len() as u32 - 1)
    }

    fn target(&mut self, n: &Name) -> Target {
        match self.named.get(&n.text) {
            Some(&s) => {
                self.rebinds_params |= s < self.n_params;
                Target::Local(s)
            }
            None => {
                // Checked already: every bound name is a local.
                let s = self.hidden(&n.text);
                Target::Local(s)
            }
        }
    }

    fn global_target(&mut self, n: &Name) -> Option<Target> {
        match self.ch.vars.get(&n.text) {
            Some(&g) => Some(Target::Global(g)),
            None => {
                let hint = if self.named.contains_key(&n.text) || !self.ch.vars.is_empty() {
                    did_you_mean(&n.text, self.ch.vars.keys().map(String::as_str))
                        .or_else(|| Some("use `let` for a local variable".to_owned()))
                } else {
                    Some("declare it under `vars`, or use `let` for a local variable".to_owned())
                };
                self.error(
                    Diagnostic::error(
                        format!("`set` assigns shared variables, and `{}` is not declared under `vars`", n.text),
                        n.span.clone(),
                    )
                    .with_hint_opt(hint),
                );
                None
            }
        }
    }

    // ---- expressions -------------------------------------------------

    fn code(&mut self, c: &Code) -> CExpr {
        match c {
            Code::Expr(e, o) => self.expr(e, o),
            Code::Lit(l, _) => CExpr::Const(match l {
                Lit::None => Value::None,
                Lit::Bool(b) => Value::Bool(*b),
                Lit::Int(i) => Value::Int(*i),
                Lit::Float(f) => Value::Float(*f),
            }),
            Code::List(items, _) => CExpr::List(items.iter().map(|i| self.code(i)).collect()),
            Code::Dict(items, _) => {
                CExpr::Dict(items.iter().map(|(k, v)| (CExpr::Const(Value::str(k.as_str())), self.code(v))).collect())
            }
        }
    }

    fn exprs(&mut self, es: &[Expr], o: &Origin) -> Vec<CExpr> {
        es.iter().map(|e| self.expr(e, o)).collect()
    }

    fn expr(&mut self, e: &Expr, o: &Origin) -> CExpr {
        let span = o.span(&e.span);
        match &e.kind {
            ExprKind::Int(i) => CExpr::Const(Value::Int(*i)),
            ExprKind::Float(f) => CExpr::Const(Value::Float(*f)),
            ExprKind::Str(s) => CExpr::Const(Value::str(s.as_str())),
            ExprKind::Bool(b) => CExpr::Const(Value::Bool(*b)),
            ExprKind::None => CExpr::Const(Value::None),
            ExprKind::FString(parts) => CExpr::FString(self.template(parts, o)),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::List(xs) => CExpr::List(self.exprs(xs, o)),
            ExprKind::Tuple(xs) => CExpr::Tuple(self.exprs(xs, o)),
            ExprKind::Dict(kv) => CExpr::Dict(kv.iter().map(|(k, v)| (self.expr(k, o), self.expr(v, o))).collect()),
            ExprKind::Starred(x) => CExpr::Starred(Box::new(self.expr(x, o))),
            ExprKind::Unary(op, x) => {
                let x = Box::new(self.expr(x, o));
                match op {
                    UnaryOp::Neg => CExpr::Neg(x),
                    UnaryOp::Pos => CExpr::Pos(x),
                    UnaryOp::Not => CExpr::Not(x),
                }
            }
            ExprKind::Binary(op, a, b) => CExpr::Binary(*op, Box::new(self.expr(a, o)), Box::new(self.expr(b, o))),
            ExprKind::Compare(a, rest) => {
                CExpr::Compare(Box::new(self.expr(a, o)), rest.iter().map(|(op, x)| (*op, self.expr(x, o))).collect())
            }
            ExprKind::BoolOp(BoolOp::And, xs) => CExpr::And(self.exprs(xs, o)),
            ExprKind::BoolOp(BoolOp::Or, xs) => CExpr::Or(self.exprs(xs, o)),
            ExprKind::IfExp { cond, then, orelse } => {
                CExpr::IfExp(Box::new(self.expr(cond, o)), Box::new(self.expr(then, o)), Box::new(self.expr(orelse, o)))
            }
            ExprKind::Call { func, args, kwargs } => self.call(func, args, kwargs, o, span),
            ExprKind::Attribute { value, attr, attr_span } => {
                if let ExprKind::Name(m) = &value.kind {
                    if m == "asyncio" && !self.is_local(m) {
                        return match ExcClass::by_name(attr) {
                            Some(c) if c.in_asyncio() => CExpr::Const(Value::ExcClass(c)),
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
                let v = Box::new(self.expr(value, o));
                match &**attr {
                    "args" => CExpr::Attr(v, Attr::Args),
                    "exceptions" => CExpr::Attr(v, Attr::Exceptions),
                    "message" => CExpr::Attr(v, Attr::Message),
                    "parties" => CExpr::Attr(v, Attr::Parties),
                    "n_waiting" => CExpr::Attr(v, Attr::NWaiting),
                    "broken" => CExpr::Attr(v, Attr::Broken),
                    _ => {
                        let is_method = Method::ALL.iter().any(|(n, _)| **n == **attr);
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
        }
    }

    fn is_local(&self, n: &str) -> bool {
        self.named.contains_key(n) || self.overlay.iter().any(|(o, _)| o == n)
    }

    fn call(
        &mut self,
        func: &Expr,
        args: &[Expr],
        kwargs: &[crate::syntax::expr::Keyword],
        o: &Origin,
        span: Span,
    ) -> CExpr {
        match &func.kind {
            ExprKind::Name(n)
                if !self.is_local(n) && !self.ch.vars.contains_key(n) && !self.ch.prims.contains_key(n) =>
            {
                if let Some(&id) = self.ch.coros.get(n) {
                    return self.coro_call(id, n, args, kwargs, o, span);
                }
                if let Some((_, b)) = Builtin::ALL.iter().find(|(name, _)| name == n) {
                    let a = self.exprs(args, o);
                    let kw = kwargs.iter().map(|k| (k.name.as_str().into(), self.expr(&k.value, o))).collect();
                    return CExpr::Builtin(*b, a.into_boxed_slice(), kw);
                }
                if let Some(c) = ExcClass::by_name(n) {
                    if !kwargs.is_empty() {
                        self.error(Diagnostic::error(format!("{n}() takes no keyword arguments"), span));
                    }
                    return CExpr::NewExc(c, self.exprs(args, o));
                }
                if ["Lock", "Semaphore", "BoundedSemaphore", "Event", "Condition", "Queue", "Barrier"]
                    .contains(&n.as_str())
                {
                    self.error(
                        Diagnostic::error(format!("a `{n}` must be declared under `sync`"), span)
                            .with_hint(format!("add `sync: {{name: {n}()}}` and use that name here")),
                    );
                    return CExpr::Const(Value::None);
                }
                self.name(n, o.span(&func.span));
                CExpr::Const(Value::None)
            }
            ExprKind::Attribute { value, attr, attr_span } => {
                let aspan = o.span(attr_span);
                if let ExprKind::Name(m) = &value.kind {
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
                            return CExpr::NewExc(c, self.exprs(args, o));
                        }
                        self.error(Diagnostic::error(format!("`asyncio.{attr}` is not supported"), aspan));
                        return CExpr::Const(Value::None);
                    }
                }
                if let Some(i) = barrier::METHOD_COROUTINES.iter().position(|m| **m == **attr) {
                    // `q.get()` outside a direct await: a coroutine object, as in Python.
                    let arity = usize::from(&**attr == "put");
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
                if AWAITABLE_METHODS.contains(&(&**attr)) {
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
                if !kwargs.is_empty() {
                    self.error(Diagnostic::error(format!("`.{attr}()` takes no keyword arguments in asim"), span));
                }
                let recv = Box::new(self.expr(value, o));
                CExpr::Method(recv, *m, self.exprs(args, o))
            }
            _ => {
                self.error(Diagnostic::error(
                    "only named functions, coroutines and methods can be called",
                    o.span(&func.span),
                ));
                CExpr::Const(Value::None)
            }
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
        if args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_))) {
            self.error(
                Diagnostic::error(format!("`*args` in a call to `{n}` is not supported"), span)
                    .with_hint("pass the arguments one by one"),
            );
            return CExpr::Const(Value::None);
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
                    names.join(" and ")
                ),
                span,
            ));
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

    fn text(&mut self, t: &Template) -> Vec<CPart> {
        self.template(&t.parts, &t.origin)
    }

    fn duration(&mut self, d: &Duration) -> CExpr {
        match d {
            Duration::Literal(v) => CExpr::Const(Value::Float(*v)),
            Duration::Code(c) => self.code(c),
        }
    }

    // ---- steps -------------------------------------------------------

    fn steps(&mut self, steps: &[Step]) {
        for s in steps {
            self.step(s);
        }
    }

    fn step(&mut self, s: &Step) {
        self.span = s.span.clone();
        match crate::memory::ceiling() {
            crate::memory::Ceiling::Under => {}
            crate::memory::Ceiling::First => return self.errors.push(crate::memory::ceiling_error(s.span.clone())),
            crate::memory::Ceiling::Again => return,
        }
        match &s.kind {
            StepKind::Print(t) => {
                let t = self.text(t);
                self.emit(Op::Print(t));
            }
            StepKind::Sleep(d) => {
                let d = self.duration(d);
                self.emit(Op::Sleep(d));
            }
            StepKind::Block(d) => {
                let d = self.duration(d);
                self.emit(Op::Block(d));
            }
            StepKind::Await { what, bind } => self.await_step(what, bind.as_ref()),
            StepKind::Spawn { call, bind, name } => {
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
            StepKind::TaskGroup(body) => {
                let g = self.n_groups;
                self.n_groups += 1;
                self.context(Op::TgEnter(g), Op::TgExit(g), &s.span, |cx| {
                    cx.groups.push(g);
                    cx.steps(body);
                    cx.groups.pop();
                });
            }
            StepKind::With { prim, body } => {
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
                if let Some(n) = crate::check::called_name(c).filter(|n| self.ch.coros.contains_key(*n)) {
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
            StepKind::Let(items) => {
                for (n, c) in items {
                    let e = self.code(c);
                    let t = self.target(n);
                    self.emit(Op::Assign(vec![(t, e)]));
                }
            }
            StepKind::Set(items) => {
                for (n, c) in items {
                    let e = self.code(c);
                    if let Some(t) = self.global_target(n) {
                        self.emit(Op::Assign(vec![(t, e)]));
                    }
                }
            }
            StepKind::Return(c) => {
                let e = c.as_ref().map(|c| self.code(c));
                self.emit(Op::Return(e));
            }
            StepKind::Raise(c) => {
                let e = c.as_ref().map(|c| self.code(c));
                self.emit(Op::Raise(e));
            }
            StepKind::Try { body, handlers, star, orelse, finally } => {
                self.try_step(body, handlers, *star, orelse, finally.as_deref(), &s.span)
            }
            StepKind::If { cond, then, orelse } => {
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
            StepKind::For { targets, iter, body } => {
                let slot = self.n_iters;
                self.n_iters += 1;
                let target = self.targets(targets);
                // `for x in as_completed(fs, timeout=t)`: each iteration awaits
                // the next completion (Python: `x = await aw`).
                let top;
                let next;
                if let Some((fs, timeout)) = self.as_completed(iter) {
                    self.emit(Op::AsCompletedStart(fs, timeout.map(Box::new), slot));
                    top = self.here();
                    next = self.emit(Op::AsCompletedNext(slot, target, 0));
                } else {
                    let it = self.code(iter);
                    self.emit(Op::ForStart(it, slot));
                    top = self.here();
                    next = self.emit(Op::ForNext(slot, target, 0));
                }
                self.steps(body);
                self.span = s.span.clone();
                self.emit(Op::Jump(top));
                self.patch(next);
            }
            StepKind::While { cond, body } => {
                let top = self.here();
                let c = self.code(cond);
                let j = self.emit(Op::JumpIfNot(c, 0));
                self.steps(body);
                self.span = s.span.clone();
                self.emit(Op::Jump(top));
                self.patch(j);
            }
            StepKind::Assert { cond, message } => {
                let c = self.code(cond);
                let m = message.as_ref().map(|m| self.text(m));
                self.emit(Op::Assert(c, m));
            }
            StepKind::Wait { items, timeout, return_when, bind } => {
                let items = items.iter().map(|i| self.gather_item(i)).collect();
                let timeout = timeout.as_ref().map(|t| Box::new(self.code(t)));
                let bind = match bind.as_slice() {
                    [] => None,
                    names => Some(self.targets(names)),
                };
                self.span = s.span.clone();
                self.emit(Op::Wait { items, timeout, return_when: *return_when, bind });
            }
            StepKind::WaitFor { what, timeout, bind } => {
                let w = self.awaitable_arg(what);
                let to = self.code(timeout);
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
        body(self);
        self.span = span.clone();
        self.emit(Op::PopHandler);
        self.emit(Op::EnterFinally);
        self.patch(h);
        self.emit(exit);
        self.emit(Op::EndFinally);
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
        let bind_t = bind.map(|b| self.target(b));
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
                let is_asyncio = matches!(&value.kind, ExprKind::Name(m) if m == "asyncio" && !self.is_local(m));
                if is_asyncio && &**attr == "sleep" && args.len() == 1 && kwargs.is_empty() {
                    let d = self.expr(&args[0], o);
                    self.emit(Op::Sleep(d));
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
                    let recv = self.expr(value, o);
                    let pred = self.expr(pred, o);
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
        let exc =
            (!handlers.is_empty()).then(|| self.emit(if star { Op::PushExceptStar(0) } else { Op::PushExcept(0) }));
        self.steps(body);
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
                    self.steps(&h.body);
                    self.span = h.span.clone();
                    self.emit(Op::PopHandler);
                    self.patch(m);
                    self.patch(c);
                } else {
                    let m = self.emit(Op::Match(types, bind, 0));
                    self.steps(&h.body);
                    self.span = h.span.clone();
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
        if let (Some(fin), Some(fbody)) = (fin, finally) {
            self.emit(Op::PopHandler);
            self.emit(Op::EnterFinally);
            self.patch(fin);
            self.steps(fbody);
            self.span = span.clone();
            self.emit(Op::EndFinally);
        }
    }

    fn exc_type(&mut self, c: &Code) -> CExpr {
        if let Code::Expr(Expr { kind: ExprKind::Name(n), span }, o) = c {
            if !self.is_local(n) && !self.ch.vars.contains_key(n) && ExcClass::by_name(n).is_none() {
                let hint = did_you_mean(n, ExcClass::ALL.iter().map(|c| c.name()));
                self.error(
                    Diagnostic::error(format!("`{n}` is not an exception class"), o.span(span)).with_hint_opt(hint),
                );
                return CExpr::Const(Value::None);
            }
        }
        self.code(c)
    }
}

/// Where Barrier's own coroutines go (after main), if the scenario has one.
fn barrier_ids(ch: &Checked) -> Option<[u32; 3]> {
    let main = ch.scenario.coroutines.len() as u32;
    ch.prims.values().any(|(_, k)| *k == crate::value::PrimKind::Barrier).then_some([main + 1, main + 2, main + 3])
}

/// Where the primitive-operation coroutines go (after main and Barrier's).
fn method_base(ch: &Checked) -> u32 {
    ch.scenario.coroutines.len() as u32 + 1 + if barrier_ids(ch).is_some() { 3 } else { 0 }
}

/// Compiles a checked scenario. With `keep` false the coroutine bodies are
/// consumed: each step's syntax tree is freed once it is compiled, so a big
/// scenario never holds its whole tree and its whole program at once.
pub(crate) fn compile(
    ch: &mut Checked,
    src: &str,
    fallback_name: &str,
    keep: bool,
) -> Result<Program, Vec<Diagnostic>> {
    let mut bodies: Vec<(Vec<Step>, Span)> = (ch.scenario.coroutines.iter_mut())
        .map(|c| (std::mem::take(&mut c.body), c.name.span.clone()))
        .chain(std::iter::once((std::mem::take(&mut ch.scenario.main), ch.scenario.main_span.clone())))
        .collect();
    let result = compile_bodies(ch, src, fallback_name, &mut bodies, keep);
    if keep {
        let n = ch.scenario.coroutines.len();
        for (i, (body, _)) in bodies.into_iter().enumerate() {
            match i < n {
                true => ch.scenario.coroutines[i].body = body,
                false => ch.scenario.main = body,
            }
        }
    }
    result
}

fn compile_bodies(
    ch: &Checked,
    src: &str,
    fallback_name: &str,
    bodies: &mut [(Vec<Step>, Span)],
    keep: bool,
) -> Result<Program, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut coros = Vec::new();
    let sc = &ch.scenario;
    for (id, (body, span)) in bodies.iter_mut().enumerate() {
        let info = &ch.infos[id];
        let mut cx = Ctx::new(ch, src, Some(info));
        cx.span = span.clone();
        if keep {
            cx.steps(body);
        } else {
            // Each step's tree goes as soon as it is compiled, and the
            // list's own buffer shrinks as it empties.
            crate::memory::for_each_freeing(std::mem::take(body), |s| cx.step(&s));
        }
        // Falling off the end returns None.
        cx.span = span.clone();
        cx.emit(Op::Return(None));
        let defaults = match sc.coroutines.get(id) {
            Some(def) => {
                let mut g = Ctx::new(ch, src, None);
                let d = def.params.iter().map(|(_, d)| d.as_ref().map(|c| g.code(c))).collect();
                errors.extend(g.errors);
                d
            }
            None => Vec::new(),
        };
        errors.extend(cx.errors);
        coros.push(CoroCode {
            name: info.name.clone(),
            defaults,
            n_locals: cx.slots.len() as u32,
            local_names: cx.slots,
            n_iters: cx.n_iters,
            n_groups: cx.n_groups,
            code: cx.code,
            builtin: false,
            args_in_frame: !cx.rebinds_params,
            unpacks: cx.unpacks,
        });
    }
    let main = (coros.len() - 1) as u32;
    let barrier_coros = barrier_ids(ch);
    if barrier_coros.is_some() {
        coros.extend(barrier::coroutines());
    }
    debug_assert_eq!(coros.len() as u32, method_base(ch));
    coros.extend(barrier::method_coroutines());
    let mut g = Ctx::new(ch, src, None);
    let global_init =
        ch.var_order.iter().map(|&i| (i, g.code(&sc.vars[i as usize].1), sc.vars[i as usize].0.span.start)).collect();
    let mut prims = Vec::new();
    for (n, code) in &sc.sync {
        let Some(&(_, kind)) = ch.prims.get(&n.text) else {
            continue;
        };
        let arg = match code {
            Code::Expr(Expr { kind: ExprKind::Call { args, kwargs, .. }, .. }, o) => {
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
                        g.error(Diagnostic::error(format!("{}() takes no arguments", kind.class_name()), code.span()));
                    }
                    Some(p) if args.len() > 1 || kwargs.iter().any(|k| k.name != p) => {
                        g.error(Diagnostic::error(
                            format!("{}() takes one argument, `{p}`", kind.class_name()),
                            code.span(),
                        ));
                    }
                    _ => {}
                }
                match (args.first(), kwargs.first()) {
                    (Some(a), _) => g.expr(a, o),
                    (None, Some(k)) => g.expr(&k.value, o),
                    (None, None) => CExpr::Const(default),
                }
            }
            _ => CExpr::Const(Value::Int(1)),
        };
        prims.push(crate::compile::PrimDef { name: n.text.clone(), kind, arg, at: n.span.start });
    }
    errors.extend(g.errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let globals = sc.vars.iter().map(|(n, _)| n.text.clone()).collect();
    Ok(Program {
        name: sc.name.clone().unwrap_or_else(|| fallback_name.to_owned()),
        globals,
        global_init,
        prims,
        main,
        barrier_coros,
        coros,
        line_starts: Vec::new(),
    })
}
