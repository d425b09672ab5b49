//! The operations inside one code field, in the order Python evaluates
//! them: method calls on a plain name (`lock.acquire()`, `q.put_nowait(x)`),
//! calls of the scenario's own coroutines and functions, and the other
//! reads of plain names, each with how its result is used (awaited right
//! there, joined as a task its caller waits for, spawned, or kept as a value).

use crate::source::Span;
use crate::syntax::ast::{Code, Duration, GatherItem, Origin, Step, StepKind, Tgt};
use crate::syntax::expr::{Expr, ExprKind, FPart, Keyword};
use std::collections::BTreeMap;

/// How a call's result is used where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// `await f()`: runs inline, the caller waits for it.
    Awaited,
    /// A task the caller waits for: `gather`, a task group's, `wait_for`, `shield`.
    Joined,
    /// A task of its own: `spawn` outside a task group, `create_task`.
    Spawned,
    /// Anything else: a synchronous call's result, or a coroutine object kept.
    Value,
}

/// One operation.
#[derive(Debug)]
pub(crate) enum Op<'a> {
    /// `recv.method(...)`, `recv` a plain name.
    Method { recv: &'a str, method: &'a str, how: How, span: Span },
    /// A call of the scenario's coroutine or function `callee` (by id).
    Call { callee: u32, how: How, span: Span, args: &'a [Expr], kwargs: &'a [Keyword], origin: &'a Origin },
    /// A plain name read anywhere else (an argument, an element, an operand).
    Read { name: &'a str, span: Span },
}

/// Finds the operations of code fields.
pub(crate) struct OpWalker<'a, 'c> {
    /// Callable names (coroutines and functions) to their ids.
    pub(crate) callees: &'c BTreeMap<&'a str, u32>,
    /// The body's locals: one of a callee's name hides it.
    pub(crate) locals: &'c std::collections::BTreeSet<&'a str>,
    /// Names a `task_group` binds (`tg.create_task(...)` is joined).
    pub(crate) groups: &'c [String],
    pub(crate) out: Vec<Op<'a>>,
}

impl<'a> OpWalker<'a, '_> {
    /// The operations of one step's own fields (not of its body's steps),
    /// with how a call standing alone in the main field is used; `in_group`:
    /// the step is inside a `task_group` body.
    pub(crate) fn step(&mut self, s: &'a Step, in_group: bool) {
        match &s.kind {
            StepKind::Print(t) => self.parts(&t.parts, &t.origin),
            StepKind::Sleep(d) | StepKind::Block(d) => self.duration(d),
            StepKind::Await { what, .. } => self.code(what, How::Awaited),
            StepKind::Spawn { call, name, .. } => {
                self.code(call, if in_group { How::Joined } else { How::Spawned });
                if let Some(n) = name {
                    self.parts(&n.parts, &n.origin);
                }
            }
            StepKind::Gather { items, return_exceptions, .. } => {
                self.items(items, How::Joined);
                if let Some(r) = return_exceptions {
                    self.code(r, How::Value);
                }
            }
            StepKind::Wait { items, timeout, .. } => {
                self.items(items, How::Value);
                if let Some(d) = timeout {
                    self.duration(d);
                }
            }
            StepKind::With { prim, .. } => self.code(prim, How::Value),
            StepKind::Do(c) | StepKind::Return(Some(c)) => self.code(c, How::Value),
            StepKind::Let(items) | StepKind::Set(items) => {
                for a in items {
                    self.code(&a.value, How::Value);
                    a.targets.iter().for_each(|t| self.target(t));
                }
            }
            StepKind::Del(targets) => targets.iter().for_each(|t| self.target(t)),
            StepKind::Raise(exc, cause) => {
                exc.iter().for_each(|e| self.code(e, How::Value));
                cause.iter().for_each(|c| self.code(c, How::Value));
            }
            StepKind::Try { handlers, .. } => {
                handlers.iter().flat_map(|h| &h.types).for_each(|c| self.code(c, How::Value));
            }
            StepKind::If { cond, .. } | StepKind::While { cond, .. } | StepKind::Assert { cond, .. } => {
                self.code(cond, How::Value);
                if let StepKind::Assert { message: Some(m), .. } = &s.kind {
                    self.parts(&m.parts, &m.origin);
                }
            }
            StepKind::For { iter, .. } => self.code(iter, How::Value),
            StepKind::WaitFor { what, timeout, .. } => {
                self.code(what, How::Awaited);
                self.duration(timeout);
            }
            StepKind::Timeout { delay, .. } => self.duration(delay),
            StepKind::TaskGroup(..) | StepKind::Return(None) | StepKind::Break | StepKind::Continue => {}
        }
    }

    fn items(&mut self, items: &'a [GatherItem], how: How) {
        for i in items {
            match i {
                GatherItem::Expr(c) => self.code(c, how),
                GatherItem::For { iter, call, .. } => {
                    self.code(iter, How::Value);
                    self.code(call, how);
                }
            }
        }
    }

    fn duration(&mut self, d: &'a Duration) {
        if let Duration::Code(c) = d {
            self.code(c, How::Value);
        }
    }

    fn target(&mut self, t: &'a Tgt) {
        match t {
            Tgt::Name(_) => {}
            Tgt::Item { obj, index } => {
                self.code(obj, How::Value);
                self.code(index, How::Value);
            }
            Tgt::Seq(ts) => ts.iter().for_each(|t| self.target(t)),
            Tgt::Star(t) => self.target(t),
        }
    }

    fn parts(&mut self, parts: &'a [FPart], o: &'a Origin) {
        for p in parts {
            if let FPart::Field(f) = p {
                self.expr(&f.expr, o, How::Value);
                self.parts(&f.spec, o);
            }
        }
    }

    /// A code field whose value is used as `how`.
    pub(crate) fn code(&mut self, code: &'a Code, how: How) {
        match code {
            Code::Expr(e, o) => self.expr(e, o, how),
            Code::Lit(..) => {}
            Code::List(items, _) => items.iter().for_each(|c| self.code(c, how)),
            Code::Dict(items, _) => items.iter().for_each(|(_, c)| self.code(c, How::Value)),
        }
    }

    fn expr(&mut self, e: &'a Expr, o: &'a Origin, how: How) {
        let v = How::Value;
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None => {}
            ExprKind::Name(n) => self.out.push(Op::Read { name: n, span: o.span(&e.span) }),
            ExprKind::FString(parts) => self.parts(parts, o),
            ExprKind::List(xs) | ExprKind::Tuple(xs) | ExprKind::Set(xs) => {
                xs.iter().for_each(|x| self.expr(x, o, how))
            }
            ExprKind::Starred(x) => self.expr(x, o, how),
            ExprKind::Comp(c) => {
                for g in &c.gens {
                    self.expr(&g.iter, o, v);
                    g.ifs.iter().for_each(|x| self.expr(x, o, v));
                }
                self.expr(&c.elt, o, how);
                if let Some(x) = &c.value {
                    self.expr(x, o, v);
                }
            }
            ExprKind::IfExp { cond, then, orelse } => {
                self.expr(cond, o, v);
                self.expr(then, o, how);
                self.expr(orelse, o, how);
            }
            ExprKind::Await(inner) => self.expr(inner, o, How::Awaited),
            ExprKind::Dict(kv) => kv.iter().for_each(|(k, x)| {
                self.expr(k, o, v);
                self.expr(x, o, v);
            }),
            ExprKind::BoolOp(_, xs) => xs.iter().for_each(|x| self.expr(x, o, v)),
            ExprKind::Unary(_, x) => self.expr(x, o, v),
            ExprKind::Binary(_, a, b) => {
                self.expr(a, o, v);
                self.expr(b, o, v);
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a, o, v);
                rest.iter().for_each(|(_, x)| self.expr(x, o, v));
            }
            ExprKind::Attribute { value, .. } => match &value.kind {
                // `lock.locked`: an attribute of the object, not the object itself.
                ExprKind::Name(_) => {}
                _ => self.expr(value, o, v),
            },
            ExprKind::Index { value, index } => {
                self.expr(value, o, v);
                self.expr(index, o, v);
            }
            ExprKind::Slice { lo, hi, step } => {
                for x in [lo, hi, step].into_iter().flatten() {
                    self.expr(x, o, v);
                }
            }
            ExprKind::Lambda(l) => {
                l.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| self.expr(d, o, v));
                self.expr(&l.body, o, v);
            }
            ExprKind::Call { func, args, kwargs } => self.call(e, func, args, kwargs, o, how),
        }
    }

    fn call(&mut self, e: &'a Expr, func: &'a Expr, args: &'a [Expr], kwargs: &'a [Keyword], o: &'a Origin, how: How) {
        let span = o.span(&e.span);
        // How the call's arguments are used: the first one, or every positional one.
        let (mut first, mut all) = (How::Value, How::Value);
        match &func.kind {
            ExprKind::Name(n) => match self.callees.get(n.as_str()).filter(|_| !self.locals.contains(n.as_str())) {
                Some(&callee) => {
                    // The arguments are evaluated before the call is made.
                    args.iter().for_each(|a| self.expr(a, o, How::Value));
                    kwargs.iter().for_each(|k| self.expr(&k.value, o, How::Value));
                    self.out.push(Op::Call { callee, how, span, args, kwargs, origin: o });
                    return;
                }
                None => match n.as_str() {
                    "shield" | "as_completed" => first = How::Joined,
                    _ => {}
                },
            },
            ExprKind::Attribute { value, attr, .. } => match &value.kind {
                ExprKind::Name(g) if &**attr == "create_task" && self.groups.contains(g) => first = How::Joined,
                ExprKind::Name(m) if m == "asyncio" => match &**attr {
                    "create_task" | "ensure_future" => first = How::Spawned,
                    "gather" => all = How::Joined,
                    "wait_for" | "shield" | "as_completed" => first = How::Joined,
                    _ => {}
                },
                ExprKind::Name(recv) => {
                    if matches!(&**attr, "create_task" | "ensure_future") {
                        first = How::Spawned;
                    }
                    args.iter().enumerate().for_each(|(i, a)| self.expr(a, o, if i == 0 { first } else { all }));
                    kwargs.iter().for_each(|k| self.expr(&k.value, o, How::Value));
                    self.out.push(Op::Method { recv, method: attr, how, span });
                    return;
                }
                _ => {
                    self.expr(value, o, How::Value);
                    if matches!(&**attr, "create_task" | "ensure_future") {
                        first = How::Spawned;
                    }
                }
            },
            _ => self.expr(func, o, How::Value),
        }
        for (i, a) in args.iter().enumerate() {
            self.expr(a, o, if i == 0 && all == How::Value { first } else { all });
        }
        kwargs.iter().for_each(|k| self.expr(&k.value, o, How::Value));
    }
}

/// The steps directly inside a step (its bodies), each with whether it is
/// inside a `task_group` body of this step.
pub(crate) fn children(s: &Step) -> Vec<&[Step]> {
    match &s.kind {
        StepKind::TaskGroup(body, _) | StepKind::With { body, .. } | StepKind::Timeout { body, .. } => vec![body],
        StepKind::Try { body, handlers, orelse, finally, .. } => {
            let mut v: Vec<&[Step]> = vec![body];
            v.extend(handlers.iter().map(|h| &h.body[..]));
            v.push(orelse);
            v.extend(finally.as_deref());
            v
        }
        StepKind::If { then, orelse, .. } => vec![then, orelse],
        StepKind::For { body, orelse, .. } | StepKind::While { body, orelse, .. } => {
            let mut v: Vec<&[Step]> = vec![body];
            v.extend(orelse.as_deref());
            v
        }
        _ => Vec::new(),
    }
}
