//! `await` inside an expression (`let: {x: 1 + await f()}`): the awaits are
//! lifted out of the expression into instructions that run before it, as
//! CPython's bytecode runs them, in evaluation order.
//!
//! An expression is evaluated in one go by the runtime, and an `await`
//! suspends the task, so every `await` becomes an await instruction into a
//! hidden slot, and the expression reads the slot. What Python evaluates
//! before an `await` (the left operand of `x + await f()`, the receiver and
//! the earlier arguments of a call) is computed into hidden slots first,
//! so that it sees the world before the await, as in Python; what comes
//! after stays in the expression. `and`, `or`, `x if c else y` and chained
//! comparisons keep their short-circuits: an await in a part Python may
//! skip becomes a jump around it.
//!
//! A lifted sub-expression is replaced by a name no program can write
//! (`"\0N"`, slot N), which the compiler reads as [`CExpr::Take`]: the slot
//! is read once and emptied, so it keeps nothing alive longer than Python's
//! value stack would.

use super::*;
use crate::syntax::expr::FField;

/// Whether `e` has an `await` in it (outside a lambda, where it is an
/// error reported when compiling it).
pub(crate) fn has_await(e: &Expr) -> bool {
    let mut found = false;
    e.each(&mut |x| found |= matches!(x.kind, ExprKind::Await(_)));
    found
}

/// Whether a code field has an `await` in an expression.
pub(crate) fn code_has_await(c: &Code) -> bool {
    match c {
        Code::Expr(e, _) => has_await(e),
        Code::Lit(..) => false,
        Code::List(items, _) => items.iter().any(code_has_await),
        Code::Dict(items, _) => items.iter().any(|(_, v)| code_has_await(v)),
    }
}

/// The slot a lifted sub-expression was computed into, if `n` names one,
/// and whether it is read once (and emptied).
pub(crate) fn temp_slot(n: &str) -> Option<(u32, bool)> {
    let (rest, once) = match n.strip_prefix('\0') {
        Some(r) => (r, true),
        None => (n.strip_prefix('\u{1}')?, false),
    };
    rest.parse().ok().map(|s| (s, once))
}

impl Ctx<'_> {
    /// The expression that reads (once) the hidden slot.
    fn temp(slot: u32, span: &std::ops::Range<usize>) -> Expr {
        Expr { kind: ExprKind::Name(format!("\0{slot}")), span: span.clone() }
    }

    /// Computes `e` (which has no `await` left) into a new hidden slot, and
    /// returns the expression reading it. A literal stays as it is.
    fn spill(&mut self, e: Expr, o: &Origin) -> Expr {
        if e.kind.is_literal() {
            return e;
        }
        if let ExprKind::Starred(inner) = e.kind {
            let inner = self.spill(*inner, o);
            return Expr { kind: ExprKind::Starred(Box::new(inner)), span: e.span };
        }
        let c = self.expr(&e, o);
        let slot = self.hidden("tmp");
        self.emit(Op::Assign(vec![(Target::Local(slot), c)]));
        Self::temp(slot, &e.span)
    }

    /// Parts Python evaluates left to right: those before the last one with
    /// an `await` are computed first (lifting their own awaits), the one
    /// with it is lifted, the rest are left as they are.
    fn lift_seq(&mut self, xs: &[&Expr], o: &Origin) -> Vec<Expr> {
        let Some(last) = xs.iter().rposition(|x| has_await(x)) else {
            return xs.iter().map(|x| (*x).clone()).collect();
        };
        let mut out = Vec::with_capacity(xs.len());
        for (i, x) in xs.iter().enumerate() {
            out.push(match i.cmp(&last) {
                std::cmp::Ordering::Less => {
                    let l = self.lift(x, o);
                    self.spill(l, o)
                }
                std::cmp::Ordering::Equal => self.lift(x, o),
                std::cmp::Ordering::Greater => (*x).clone(),
            });
        }
        out
    }

    /// `e` with its awaits lifted out into instructions emitted now; the
    /// expression returned has none left.
    pub(super) fn lift(&mut self, e: &Expr, o: &Origin) -> Expr {
        if !has_await(e) {
            return e.clone();
        }
        let span = e.span.clone();
        let at = |kind| Expr { kind, span: span.clone() };
        match &e.kind {
            ExprKind::Await(inner) => {
                if let Some(d) = self.await_refused(o.span(&e.span)) {
                    self.error(d);
                    return at(ExprKind::None);
                }
                let inner = self.lift(inner, o);
                let slot = self.hidden("await");
                self.await_code(&Code::Expr(inner, o.clone()), Some(Target::Local(slot)));
                Self::temp(slot, &span)
            }
            ExprKind::List(xs) => at(ExprKind::List(self.lift_seq(&xs.iter().collect::<Vec<_>>(), o))),
            ExprKind::Set(xs) => at(ExprKind::Set(self.lift_seq(&xs.iter().collect::<Vec<_>>(), o))),
            ExprKind::Tuple(xs) => at(ExprKind::Tuple(self.lift_seq(&xs.iter().collect::<Vec<_>>(), o))),
            ExprKind::Dict(kv) => {
                let flat: Vec<&Expr> = kv.iter().flat_map(|(k, v)| [k, v]).collect();
                let mut out = self.lift_seq(&flat, o).into_iter();
                let mut pairs = Vec::with_capacity(kv.len());
                while let (Some(k), Some(v)) = (out.next(), out.next()) {
                    pairs.push((k, v));
                }
                at(ExprKind::Dict(pairs))
            }
            ExprKind::Unary(op, x) => at(ExprKind::Unary(*op, Box::new(self.lift(x, o)))),
            ExprKind::Starred(x) => at(ExprKind::Starred(Box::new(self.lift(x, o)))),
            ExprKind::Binary(op, a, b) => {
                let mut v = self.lift_seq(&[a, b], o).into_iter();
                let (a, b) = (v.next().expect("two"), v.next().expect("two"));
                at(ExprKind::Binary(*op, Box::new(a), Box::new(b)))
            }
            ExprKind::Attribute { value, attr, attr_span } => at(ExprKind::Attribute {
                value: Box::new(self.lift(value, o)),
                attr: attr.clone(),
                attr_span: attr_span.clone(),
            }),
            ExprKind::Index { value, index } => match &index.kind {
                ExprKind::Slice { lo, hi, step } => {
                    let parts: Vec<&Expr> =
                        std::iter::once(&**value).chain([lo, hi, step].into_iter().flatten().map(|b| &**b)).collect();
                    let mut v = self.lift_seq(&parts, o).into_iter();
                    let value = v.next().expect("the value");
                    let mut part = |x: &Option<Box<Expr>>| x.as_ref().map(|_| Box::new(v.next().expect("a part")));
                    let (lo, hi, step) = (part(lo), part(hi), part(step));
                    let index = Expr { kind: ExprKind::Slice { lo, hi, step }, span: index.span.clone() };
                    at(ExprKind::Index { value: Box::new(value), index: Box::new(index) })
                }
                _ => {
                    let mut v = self.lift_seq(&[value, index], o).into_iter();
                    let (value, index) = (v.next().expect("two"), v.next().expect("two"));
                    at(ExprKind::Index { value: Box::new(value), index: Box::new(index) })
                }
            },
            ExprKind::Call { func, args, kwargs } => {
                // The receiver of a method (or a computed callee) is
                // evaluated before the arguments; a plain name is not moved.
                let (recv, fixed): (Option<&Expr>, bool) = match &func.kind {
                    ExprKind::Name(_) => (None, true),
                    ExprKind::Attribute { value, .. } if self.is_module(value) => (None, true),
                    ExprKind::Attribute { value, .. } => (Some(&**value), false),
                    _ => (Some(&**func), false),
                };
                let parts: Vec<&Expr> =
                    recv.into_iter().chain(args.iter()).chain(kwargs.iter().map(|k| &k.value)).collect();
                let mut v = self.lift_seq(&parts, o).into_iter();
                let func = match (&func.kind, fixed) {
                    (_, true) => (**func).clone(),
                    (ExprKind::Attribute { attr, attr_span, .. }, false) => Expr {
                        kind: ExprKind::Attribute {
                            value: Box::new(v.next().expect("the receiver")),
                            attr: attr.clone(),
                            attr_span: attr_span.clone(),
                        },
                        span: func.span.clone(),
                    },
                    _ => v.next().expect("the callee"),
                };
                let args: Box<[Expr]> = args.iter().map(|_| v.next().expect("an argument")).collect();
                let kwargs = kwargs
                    .iter()
                    .map(|k| crate::syntax::expr::Keyword { value: v.next().expect("a keyword"), ..k.clone() })
                    .collect();
                at(ExprKind::Call { func: Box::new(func), args, kwargs })
            }
            ExprKind::FString(parts) => at(ExprKind::FString(self.lift_template(parts, o))),
            ExprKind::BoolOp(op, xs) => {
                if !xs[1..].iter().any(has_await) {
                    let mut xs = xs.clone();
                    xs[0] = self.lift(&xs[0], o);
                    return at(ExprKind::BoolOp(*op, xs));
                }
                // `a and await b`: each operand into the result, stopping
                // at the first that decides it.
                let slot = self.hidden("tmp");
                let mut exits = Vec::new();
                for (i, x) in xs.iter().enumerate() {
                    let x = self.lift(x, o);
                    let c = self.expr(&x, o);
                    self.emit(Op::Assign(vec![(Target::Local(slot), c)]));
                    if i + 1 < xs.len() {
                        let r = CExpr::Local(slot);
                        let stop = if *op == BoolOp::And { r } else { CExpr::Not(Box::new(r)) };
                        exits.push(self.emit(Op::JumpIfNot(stop, 0)));
                    }
                }
                exits.into_iter().for_each(|j| self.patch(j));
                Self::temp(slot, &span)
            }
            ExprKind::IfExp { cond, then, orelse } => {
                if !has_await(then) && !has_await(orelse) {
                    let cond = self.lift(cond, o);
                    return at(ExprKind::IfExp { cond: Box::new(cond), then: then.clone(), orelse: orelse.clone() });
                }
                let slot = self.hidden("tmp");
                let cond = self.lift(cond, o);
                let c = self.expr(&cond, o);
                let j = self.emit(Op::JumpIfNot(c, 0));
                let t = self.lift(then, o);
                let t = self.expr(&t, o);
                self.emit(Op::Assign(vec![(Target::Local(slot), t)]));
                let end = self.emit(Op::Jump(0));
                self.patch(j);
                let f = self.lift(orelse, o);
                let f = self.expr(&f, o);
                self.emit(Op::Assign(vec![(Target::Local(slot), f)]));
                self.patch(end);
                Self::temp(slot, &span)
            }
            ExprKind::Compare(first, rest) => {
                let later = rest.iter().skip(1).any(|(_, x)| has_await(x));
                if !later {
                    let mut v = self.lift_seq(&[first, &rest[0].1], o).into_iter();
                    let (a, b) = (v.next().expect("two"), v.next().expect("two"));
                    let mut rest = rest.clone();
                    rest[0].1 = b;
                    return at(ExprKind::Compare(Box::new(a), rest));
                }
                // `a < b < await c`: `c` only when `a < b`. Each link
                // compares two computed operands, the later one kept for
                // the next link; the rest, with no await, stays as it is.
                let slot = self.hidden("tmp");
                let mut left = {
                    let l = self.lift(first, o);
                    self.keep(l, o)
                };
                let mut exits = Vec::new();
                for (i, (op, x)) in rest.iter().enumerate() {
                    if !rest[i..].iter().any(|(_, y)| has_await(y)) {
                        let tail =
                            Expr { kind: ExprKind::Compare(Box::new(left), rest[i..].to_vec()), span: span.clone() };
                        let c = self.expr(&tail, o);
                        self.emit(Op::Assign(vec![(Target::Local(slot), c)]));
                        break;
                    }
                    let r = self.lift(x, o);
                    let right = self.keep(r, o);
                    let link = Expr {
                        kind: ExprKind::Compare(Box::new(left), vec![(*op, right.clone())]),
                        span: span.clone(),
                    };
                    let c = self.expr(&link, o);
                    self.emit(Op::Assign(vec![(Target::Local(slot), c)]));
                    if i + 1 < rest.len() {
                        exits.push(self.emit(Op::JumpIfNot(CExpr::Local(slot), 0)));
                    }
                    left = right;
                }
                exits.into_iter().for_each(|j| self.patch(j));
                Self::temp(slot, &span)
            }
            ExprKind::Comp(c) => {
                // Only the first iterable is evaluated outside the
                // comprehension; an await elsewhere makes it asynchronous.
                let inner =
                    c.gens.iter().enumerate().any(|(i, g)| {
                        (i > 0 && has_await(&g.iter)) || g.ifs.iter().any(has_await) || has_await(&g.target)
                    }) || has_await(&c.elt)
                        || c.value.as_ref().is_some_and(has_await);
                if inner {
                    self.error(
                        Diagnostic::error("`await` inside a comprehension is not supported", o.span(&e.span))
                            .with_hint("compute the values with a `for` step first, or gather them"),
                    );
                    return at(ExprKind::None);
                }
                let mut c = (**c).clone();
                c.gens[0].iter = self.lift(&c.gens[0].iter, o);
                at(ExprKind::Comp(Box::new(c)))
            }
            ExprKind::Lambda(_) => {
                self.error(
                    Diagnostic::error("'await' outside async function", o.span(&e.span))
                        .with_label("SyntaxError in Python: a lambda is not a coroutine, so it cannot await"),
                );
                at(ExprKind::None)
            }
            ExprKind::Slice { .. } => e.clone(),
            ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Name(_) => e.clone(),
        }
    }

    /// Like [`Ctx::spill`], but the slot can be read more than once.
    fn keep(&mut self, e: Expr, o: &Origin) -> Expr {
        let c = self.expr(&e, o);
        let slot = self.hidden("tmp");
        self.emit(Op::Assign(vec![(Target::Local(slot), c)]));
        Expr { kind: ExprKind::Name(format!("\u{1}{slot}")), span: e.span }
    }

    /// A template with awaits in its fields: a field is formatted as soon as
    /// it is evaluated in Python, so the text before a field with an
    /// `await` is formatted into a hidden slot first.
    pub(super) fn lift_template(&mut self, parts: &[FPart], o: &Origin) -> Vec<FPart> {
        let mut acc: Vec<FPart> = Vec::new();
        for p in parts {
            match p {
                FPart::Field(f) if has_await(&f.expr) || f.spec.iter().any(part_has_await) => {
                    if f.spec.iter().any(part_has_await) {
                        self.error(Diagnostic::error(
                            "`await` inside a format spec is not supported",
                            o.span(&f.expr.span),
                        ));
                        continue;
                    }
                    if acc.iter().any(|p| matches!(p, FPart::Field(_))) {
                        let span = f.expr.span.clone();
                        let before = Expr { kind: ExprKind::FString(std::mem::take(&mut acc)), span: span.clone() };
                        let text = self.spill(before, o);
                        acc.push(FPart::Field(Box::new(FField {
                            expr: text,
                            conversion: None,
                            spec: Vec::new(),
                            debug_text: None,
                        })));
                    }
                    let expr = self.lift(&f.expr, o);
                    acc.push(FPart::Field(Box::new(FField { expr, ..(**f).clone() })));
                }
                p => acc.push(p.clone()),
            }
        }
        acc
    }

    /// Why an `await` cannot be here, if it cannot.
    pub(super) fn await_refused(&self, span: Span) -> Option<Diagnostic> {
        if self.sync_fn {
            return Some(
                Diagnostic::error("'await' outside async function", span)
                    .with_label(format!("SyntaxError in Python: `{}` is a plain function (`def`)", self.coro_name))
                    .with_hint("declare it under `coroutines:` to await in it"),
            );
        }
        if self.coro_name.is_empty() {
            return Some(
                Diagnostic::error("'await' outside function", span)
                    .with_label("SyntaxError in Python: only a coroutine can await"),
            );
        }
        if let Some(s) = self.scopes.last() {
            let what = if s.is_lambda() { "a lambda" } else { "a comprehension" };
            return Some(
                Diagnostic::error(format!("`await` inside {what} is not supported"), span)
                    .with_hint("await in a step of the coroutine, and use the value"),
            );
        }
        None
    }

    /// Whether `e` names a module (`asyncio`, `time`, `random`), whose
    /// functions are called by name.
    fn is_module(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(m) if ["asyncio", "time", "random"].contains(&m.as_str()) && !self.is_local(m) && !self.ch.vars.contains_key(m))
    }
}

pub(super) fn part_has_await(p: &FPart) -> bool {
    match p {
        FPart::Lit(_) => false,
        FPart::Field(f) => has_await(&f.expr) || f.spec.iter().any(part_has_await),
    }
}
