//! `never-awaited` and `fire-and-forget`: a coroutine object or a task
//! whose fate nothing decides.
//!
//! Each coroutine call (of the scenario's coroutines, and the primitives'
//! coroutine methods such as `q.put(x)`) and each task (`spawn:`,
//! `create_task(...)`) is followed to where its value goes: awaited;
//! passed on (an argument, a return value, a task); kept in a name; or
//! dropped (a `do:`, a print, an operand). Dropped is reported; kept is
//! reported when the name is never read again (in its coroutine for a
//! local, anywhere for a shared variable); any read counts as passing it
//! on, since the checks cannot follow it further. A `spawn:` without
//! `as:` inside a `task_group` is the group's to wait for.

use super::facts::Facts;
use super::ops::{children, Op};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Code, Duration, GatherItem, Origin, Step, StepKind, Tgt};
use crate::syntax::expr::{Expr, ExprKind, FPart};
use crate::value::PrimKind;
use std::collections::BTreeSet;

/// Where a value goes.
#[derive(Clone, Copy)]
enum Fate<'n> {
    Awaited,
    PassedOn,
    Dropped,
    /// Kept in these names (`true`: shared variables).
    Kept(&'n [String], bool),
}

/// What was made.
enum Made {
    /// A coroutine object: the coroutine's name, or `recv.method`.
    Coro(String),
    Task,
}

struct Finder<'f, 'a> {
    facts: &'f Facts<'a>,
    body: usize,
    out: Vec<(Span, Made, Option<Vec<String>>, bool)>,
}

impl Finder<'_, '_> {
    fn step(&mut self, s: &Step, in_group: bool) {
        use Fate::*;
        match &s.kind {
            StepKind::Print(t) => self.parts(&t.parts, &t.origin),
            StepKind::Sleep(d) | StepKind::Block(d) => self.duration(d),
            StepKind::Await { what, .. } => self.code(what, Awaited),
            StepKind::WaitFor { what, timeout, .. } => {
                self.code(what, Awaited);
                self.duration(timeout);
            }
            StepKind::Spawn { call, bind, .. } => {
                self.code(call, PassedOn);
                // A task group awaits its tasks, bound or not.
                if !in_group {
                    let names: Vec<String> = bind.iter().map(|n| n.text.clone()).collect();
                    self.out.push((s.span.clone(), Made::Task, Some(names), false));
                }
            }
            StepKind::Gather { items, return_exceptions, .. } => {
                self.items(items);
                if let Some(r) = return_exceptions {
                    self.code(r, Dropped);
                }
            }
            StepKind::Wait { items, timeout, .. } => {
                self.items(items);
                if let Some(d) = timeout {
                    self.duration(d);
                }
            }
            StepKind::With { prim, .. } => self.code(prim, PassedOn),
            StepKind::Do(c) => self.code(c, Dropped),
            StepKind::Return(Some(c)) => self.code(c, PassedOn),
            StepKind::Let(items) | StepKind::Set(items) => {
                let shared = matches!(s.kind, StepKind::Set(_));
                for a in items {
                    let mut names = Vec::new();
                    let mut plain = true;
                    for t in &a.targets {
                        plain &= matches!(t, Tgt::Name(_));
                        let mut ns = Vec::new();
                        t.names(&mut ns);
                        names.extend(ns.into_iter().map(|n| n.text));
                    }
                    if plain && a.aug.is_none() {
                        self.code(&a.value, Kept(&names, shared));
                    } else {
                        self.code(&a.value, PassedOn);
                    }
                }
            }
            StepKind::Raise(exc, cause) => {
                exc.iter().for_each(|e| self.code(e, PassedOn));
                cause.iter().for_each(|c| self.code(c, PassedOn));
            }
            StepKind::If { cond, .. } | StepKind::While { cond, .. } | StepKind::Assert { cond, .. } => {
                self.code(cond, Dropped);
            }
            StepKind::For { iter, .. } => self.code(iter, PassedOn),
            StepKind::Timeout { delay, .. } => self.duration(delay),
            _ => {}
        }
    }

    fn items(&mut self, items: &[GatherItem]) {
        for i in items {
            match i {
                GatherItem::Expr(c) => self.code(c, Fate::PassedOn),
                GatherItem::For { iter, call, .. } => {
                    self.code(iter, Fate::PassedOn);
                    self.code(call, Fate::PassedOn);
                }
            }
        }
    }

    fn duration(&mut self, d: &Duration) {
        if let Duration::Code(c) = d {
            self.code(c, Fate::Dropped);
        }
    }

    fn parts(&mut self, parts: &[FPart], o: &Origin) {
        for p in parts {
            if let FPart::Field(f) = p {
                self.expr(&f.expr, o, Fate::Dropped);
                self.parts(&f.spec, o);
            }
        }
    }

    fn code(&mut self, code: &Code, fate: Fate) {
        match code {
            Code::Expr(e, o) => self.expr(e, o, fate),
            Code::Lit(..) => {}
            Code::List(items, _) => items.iter().for_each(|c| self.code(c, fate)),
            Code::Dict(items, _) => items.iter().for_each(|(_, c)| self.code(c, fate)),
        }
    }

    fn record(&mut self, span: Span, made: Made, fate: Fate) {
        match fate {
            Fate::Awaited | Fate::PassedOn => {}
            Fate::Dropped => self.out.push((span, made, None, false)),
            Fate::Kept(names, shared) => self.out.push((span, made, Some(names.to_vec()), shared)),
        }
    }

    /// Whether `recv.method(...)` makes a coroutine object.
    fn prim_coroutine(&self, recv: &str, method: &str) -> bool {
        let ids = self.facts.resolve(self.body, recv);
        !ids.is_empty()
            && ids.iter().all(|&id| match self.facts.kind(id) {
                PrimKind::Lock | PrimKind::Semaphore | PrimKind::BoundedSemaphore => method == "acquire",
                PrimKind::Event => method == "wait",
                PrimKind::Condition => matches!(method, "acquire" | "wait" | "wait_for"),
                PrimKind::Barrier => matches!(method, "wait" | "reset" | "abort"),
                PrimKind::Queue | PrimKind::LifoQueue | PrimKind::PriorityQueue => {
                    matches!(method, "get" | "put" | "join")
                }
            })
    }

    fn expr(&mut self, e: &Expr, o: &Origin, fate: Fate) {
        use Fate::*;
        match &e.kind {
            ExprKind::List(xs) | ExprKind::Tuple(xs) | ExprKind::Set(xs) => {
                xs.iter().for_each(|x| self.expr(x, o, fate))
            }
            ExprKind::Starred(x) => self.expr(x, o, fate),
            ExprKind::Dict(kv) => kv.iter().for_each(|(k, v)| {
                self.expr(k, o, Dropped);
                self.expr(v, o, fate);
            }),
            ExprKind::Comp(c) => {
                for g in &c.gens {
                    self.expr(&g.iter, o, PassedOn);
                    g.ifs.iter().for_each(|x| self.expr(x, o, Dropped));
                }
                self.expr(&c.elt, o, fate);
                if let Some(v) = &c.value {
                    self.expr(v, o, fate);
                }
            }
            ExprKind::IfExp { cond, then, orelse } => {
                self.expr(cond, o, Dropped);
                self.expr(then, o, fate);
                self.expr(orelse, o, fate);
            }
            ExprKind::BoolOp(_, xs) => xs.iter().for_each(|x| self.expr(x, o, fate)),
            ExprKind::Await(x) => self.expr(x, o, Awaited),
            ExprKind::Unary(_, x) => self.expr(x, o, Dropped),
            ExprKind::Binary(_, a, b) => {
                self.expr(a, o, Dropped);
                self.expr(b, o, Dropped);
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a, o, Dropped);
                rest.iter().for_each(|(_, x)| self.expr(x, o, Dropped));
            }
            ExprKind::FString(parts) => self.parts(parts, o),
            ExprKind::Attribute { value, .. } => self.expr(value, o, PassedOn),
            ExprKind::Index { value, index } => {
                self.expr(value, o, PassedOn);
                self.expr(index, o, PassedOn);
            }
            ExprKind::Slice { lo, hi, step } => {
                for x in [lo, hi, step].into_iter().flatten() {
                    self.expr(x, o, PassedOn);
                }
            }
            ExprKind::Lambda(l) => self.expr(&l.body, o, PassedOn),
            ExprKind::Call { func, args, kwargs } => {
                let span = o.span(&e.span);
                match &func.kind {
                    ExprKind::Name(n) => {
                        if let Some(c) = self.facts.callee(self.body, n) {
                            self.record(span, Made::Coro(format!("coroutine `{}`", self.facts.bodies[c].name)), fate);
                        }
                    }
                    ExprKind::Attribute { value, attr, .. } => match &value.kind {
                        // Only asyncio's own: `x.create_task` may be a task group's.
                        ExprKind::Name(m) if m == "asyncio" && matches!(&**attr, "create_task" | "ensure_future") => {
                            self.record(span, Made::Task, fate)
                        }
                        ExprKind::Name(recv) if self.prim_coroutine(recv, attr) => {
                            self.record(span, Made::Coro(format!("`{recv}.{attr}()`")), fate)
                        }
                        _ => self.expr(value, o, PassedOn),
                    },
                    _ => self.expr(func, o, PassedOn),
                }
                args.iter().for_each(|a| self.expr(a, o, PassedOn));
                kwargs.iter().for_each(|k| self.expr(&k.value, o, PassedOn));
            }
            _ => {}
        }
    }
}

/// The names a body reads (plain reads and method receivers), or every
/// body's for shared variables.
fn reads<'a>(facts: &Facts<'a>, body: usize, out: &mut BTreeSet<&'a str>) {
    for s in facts.all_steps(body) {
        for op in facts.ops(s) {
            match op {
                Op::Read { name, .. } | Op::Method { recv: name, .. } => {
                    out.insert(name);
                }
                Op::Call { .. } => {}
            }
        }
    }
}

pub(crate) fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    let mut everywhere = BTreeSet::new();
    for body in 0..facts.bodies.len() {
        reads(facts, body, &mut everywhere);
    }
    for (body, b) in facts.bodies.iter().enumerate() {
        let mut f = Finder { facts, body, out: Vec::new() };
        let mut stack: Vec<(&[Step], bool)> = vec![(b.steps, false)];
        while let Some((steps, in_group)) = stack.pop() {
            for s in steps {
                f.step(s, in_group);
                let group = in_group || matches!(s.kind, StepKind::TaskGroup(..));
                for c in children(s) {
                    stack.push((c, group));
                }
            }
        }
        if f.out.is_empty() {
            continue;
        }
        let mut local = BTreeSet::new();
        reads(facts, body, &mut local);
        let mut found = f.out;
        found.sort_by_key(|(span, ..)| span.start);
        for (span, made, kept, shared) in found {
            let read = |n: &String| if shared { everywhere.contains(n.as_str()) } else { local.contains(n.as_str()) };
            let where_ = match &kept {
                Some(names) if names.iter().any(read) => continue,
                Some(names) if !names.is_empty() => {
                    format!("kept in `{}`, which nothing reads again", names.join("`, `"))
                }
                _ => "dropped right here".to_owned(),
            };
            out.push(match made {
                Made::Coro(what) => Diagnostic::warning(format!("{what} is called but never awaited"), span)
                    .with_id("never-awaited")
                    .with_label(format!("this makes a coroutine object, {where_}: its steps never run"))
                    .with_note(match what.strip_prefix("coroutine `").and_then(|w| w.strip_suffix('`')) {
                        Some(name) => format!("when the object is dropped, CPython warns `RuntimeWarning: coroutine '{name}' was never awaited`"),
                        None => "when the object is dropped, CPython warns `RuntimeWarning: coroutine ... was never awaited`".to_owned(),
                    })
                    .with_hint("`await:` it to run it here, or `spawn:` it to run it as a task; `do:` is for synchronous calls; `allow: never-awaited` silences this"),
                Made::Task => Diagnostic::warning("a task is spawned and then forgotten", span)
                    .with_id("fire-and-forget")
                    .with_label(format!("this task's handle is {where_}: nothing awaits, cancels or gathers it"))
                    .with_note("asyncio keeps only a weak reference to a task: one nothing refers to can vanish mid-run, and its exception is never retrieved")
                    .with_hint("keep the handle (`as: t`) and await, gather or cancel it before the end, or spawn it inside a `task_group`; `allow: fire-and-forget` silences this"),
            });
        }
    }
}
