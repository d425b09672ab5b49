//! The task graph's sites: where each coroutine awaits, spawns or gathers
//! another (and how), and which operations it uses on which primitive.
//!
//! One pass over a coroutine's steps and every expression in them. A
//! coroutine call is classified by where it stands: the operand of an
//! `await` runs inline, the argument of `create_task` is a new task, an
//! argument of `gather` one task per item, and so on. A call kept in a
//! variable or passed along is a coroutine object whose fate the checker
//! cannot see: [`Edge::Calls`].

use crate::syntax::ast::*;
use crate::syntax::expr::{Expr, ExprKind, FPart};
use std::collections::BTreeMap;

/// How one coroutine uses another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edge {
    /// `await: f()`: runs inline, in the same task.
    Awaits,
    /// `spawn: f()`, `asyncio.create_task(f())`: a new task.
    Spawns,
    /// `gather: [f()]`, `asyncio.gather(f())`: a new task per item.
    Gathers,
    /// `spawn: f()` inside a `task_group`, `tg.create_task(f())`: a new
    /// task the group waits for.
    TaskGroup,
    /// `wait_for: f()`: a new task up to 3.11, inline from 3.12.
    WaitFor,
    /// `shield(f())`: a new task the waiter's cancellation does not reach.
    Shield,
    /// `as_completed([f()])`: a new task per item.
    AsCompleted,
    /// `f()` kept as a coroutine object (in a variable, an argument): how it
    /// runs is decided later.
    Calls,
}

impl Edge {
    /// The word the graph views label the edge with.
    pub fn word(self) -> &'static str {
        match self {
            Edge::Awaits => "awaits",
            Edge::Spawns => "spawns",
            Edge::Gathers => "gathers",
            Edge::TaskGroup => "task group",
            Edge::WaitFor => "wait_for",
            Edge::Shield => "shield",
            Edge::AsCompleted => "as_completed",
            Edge::Calls => "calls",
        }
    }

    /// Whether the callee runs as a task of its own (`wait_for` does only
    /// up to 3.11; a bare coroutine object may or may not).
    pub fn new_task(self) -> bool {
        matches!(self, Edge::Spawns | Edge::Gathers | Edge::TaskGroup | Edge::Shield | Edge::AsCompleted)
    }
}

/// What one coroutine's body does with coroutines and primitives.
#[derive(Debug, Default)]
pub(crate) struct Sites {
    /// (callee coroutine id, how), one per site, in source order.
    pub(crate) edges: Vec<(u32, Edge)>,
    /// (primitive name, operation): `acquire`, `set`, `with`, `as value` (the
    /// primitive passed or stored as a value), one per site; names a local
    /// shadows are dropped by the caller.
    pub(crate) uses: Vec<(String, String)>,
}

/// Finds the sites of one body.
pub(crate) struct SiteWalker<'a> {
    /// Coroutine ids by name, with whether each is a plain function.
    pub(crate) coros: &'a BTreeMap<String, (u32, bool)>,
    pub(crate) prims: &'a dyn Fn(&str) -> bool,
    /// Every name a `task_group` binds with `as:` in the scenario:
    /// `NAME.create_task(...)` is then a task group's.
    pub(crate) group_names: &'a [String],
    pub(crate) out: Sites,
    /// How many `task_group` blocks the current step is inside.
    groups: u32,
}

impl<'a> SiteWalker<'a> {
    pub(crate) fn new(
        coros: &'a BTreeMap<String, (u32, bool)>,
        prims: &'a dyn Fn(&str) -> bool,
        group_names: &'a [String],
    ) -> Self {
        SiteWalker { coros, prims, group_names, out: Sites::default(), groups: 0 }
    }

    pub(crate) fn steps(&mut self, steps: &[Step]) {
        steps.iter().for_each(|s| self.step(s));
    }

    fn step(&mut self, s: &Step) {
        match &s.kind {
            StepKind::Print(t) => self.parts(&t.parts),
            StepKind::Sleep(d) | StepKind::Block(d) => self.duration(d),
            StepKind::Await { what, .. } => self.code(what, Some(Edge::Awaits)),
            StepKind::Spawn { call, name, .. } => {
                self.code(call, Some(if self.groups > 0 { Edge::TaskGroup } else { Edge::Spawns }));
                if let Some(n) = name {
                    self.parts(&n.parts);
                }
            }
            StepKind::Gather { items, return_exceptions, .. } => {
                self.items(items, Some(Edge::Gathers));
                if let Some(r) = return_exceptions {
                    self.code(r, None);
                }
            }
            StepKind::Wait { items, timeout, .. } => {
                // asyncio.wait takes tasks; a coroutine is a TypeError.
                self.items(items, None);
                if let Some(d) = timeout {
                    self.duration(d);
                }
            }
            StepKind::TaskGroup(body, _) => {
                self.groups += 1;
                self.steps(body);
                self.groups -= 1;
            }
            StepKind::With { prim, body } => {
                match prim {
                    Code::Expr(Expr { kind: ExprKind::Name(n), .. }, _) if (self.prims)(n) => {
                        self.out.uses.push((n.clone(), "with".to_owned()));
                    }
                    other => self.code(other, None),
                }
                self.steps(body);
            }
            StepKind::Do(c) | StepKind::Return(Some(c)) => self.code(c, None),
            StepKind::Return(None) | StepKind::Break | StepKind::Continue => {}
            StepKind::Let(items) | StepKind::Set(items) => {
                for a in items {
                    a.targets.iter().for_each(|t| self.target(t));
                    self.code(&a.value, None);
                }
            }
            StepKind::Del(targets) => targets.iter().for_each(|t| self.target(t)),
            StepKind::Raise(exc, cause) => {
                if let Some(e) = exc {
                    self.code(e, None);
                }
                if let Some(c) = cause {
                    self.code(c, None);
                }
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                self.steps(body);
                for h in handlers {
                    h.types.iter().for_each(|c| self.code(c, None));
                    self.steps(&h.body);
                }
                self.steps(orelse);
                if let Some(f) = finally {
                    self.steps(f);
                }
            }
            StepKind::If { cond, then, orelse, .. } => {
                self.code(cond, None);
                self.steps(then);
                self.steps(orelse);
            }
            StepKind::For { iter, body, orelse, .. } => {
                self.code(iter, None);
                self.steps(body);
                if let Some(e) = orelse {
                    self.steps(e);
                }
            }
            StepKind::While { cond, body, orelse } => {
                self.code(cond, None);
                self.steps(body);
                if let Some(e) = orelse {
                    self.steps(e);
                }
            }
            StepKind::Assert { cond, message } => {
                self.code(cond, None);
                if let Some(m) = message {
                    self.parts(&m.parts);
                }
            }
            StepKind::WaitFor { what, timeout, .. } => {
                self.code(what, Some(Edge::WaitFor));
                self.duration(timeout);
            }
            StepKind::Timeout { delay, body } => {
                self.duration(delay);
                self.steps(body);
            }
        }
    }

    fn items(&mut self, items: &[GatherItem], ctx: Option<Edge>) {
        for i in items {
            match i {
                GatherItem::Expr(c) => self.code(c, ctx),
                GatherItem::For { iter, call, .. } => {
                    self.code(iter, None);
                    self.code(call, ctx);
                }
            }
        }
    }

    fn duration(&mut self, d: &Duration) {
        match d {
            Duration::Code(c) => self.code(c, None),
            Duration::Varied(v) => self.duration(&v.0),
            Duration::Literal(_) => {}
        }
    }

    fn target(&mut self, t: &Tgt) {
        match t {
            Tgt::Name(_) => {}
            Tgt::Item { obj, index } => {
                self.code(obj, None);
                self.code(index, None);
            }
            Tgt::Seq(ts) => ts.iter().for_each(|t| self.target(t)),
            Tgt::Star(t) => self.target(t),
        }
    }

    fn parts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Field(f) = p {
                self.expr(&f.expr, None);
                self.parts(&f.spec);
            }
        }
    }

    fn code(&mut self, code: &Code, ctx: Option<Edge>) {
        match code {
            Code::Expr(e, _) => self.expr(e, ctx),
            Code::Lit(..) => {}
            Code::List(items, _) => items.iter().for_each(|c| self.code(c, ctx)),
            Code::Dict(items, _) => items.iter().for_each(|(_, c)| self.code(c, None)),
        }
    }

    /// `ctx`: how a coroutine called right here would run.
    fn expr(&mut self, e: &Expr, ctx: Option<Edge>) {
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None => {}
            ExprKind::Name(n) => {
                if (self.prims)(n) {
                    self.out.uses.push((n.clone(), "as value".to_owned()));
                }
            }
            ExprKind::FString(parts) => self.parts(parts),
            // `gather(*[f(i) for i in ...])`, `as_completed([f(), g()])`:
            // the items keep the context of the list.
            ExprKind::List(xs) | ExprKind::Tuple(xs) | ExprKind::Set(xs) => xs.iter().for_each(|x| self.expr(x, ctx)),
            ExprKind::Starred(x) => self.expr(x, ctx),
            ExprKind::Comp(c) => {
                for g in &c.gens {
                    self.expr(&g.iter, None);
                    g.ifs.iter().for_each(|x| self.expr(x, None));
                }
                self.expr(&c.elt, ctx);
                if let Some(v) = &c.value {
                    self.expr(v, None);
                }
            }
            ExprKind::IfExp { cond, then, orelse } => {
                self.expr(cond, None);
                self.expr(then, ctx);
                self.expr(orelse, ctx);
            }
            ExprKind::Await(inner) => self.expr(inner, Some(Edge::Awaits)),
            ExprKind::Dict(kv) => kv.iter().for_each(|(k, v)| {
                self.expr(k, None);
                self.expr(v, None);
            }),
            ExprKind::BoolOp(_, xs) => xs.iter().for_each(|x| self.expr(x, None)),
            ExprKind::Unary(_, x) => self.expr(x, None),
            ExprKind::Binary(_, a, b) => {
                self.expr(a, None);
                self.expr(b, None);
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a, None);
                rest.iter().for_each(|(_, x)| self.expr(x, None));
            }
            ExprKind::Attribute { value, attr, .. } => match &value.kind {
                // `gate.parties`: an attribute read.
                ExprKind::Name(n) if (self.prims)(n) => self.out.uses.push((n.clone(), attr.to_string())),
                _ => self.expr(value, None),
            },
            ExprKind::Index { value, index } => {
                self.expr(value, None);
                self.expr(index, None);
            }
            ExprKind::Slice { lo, hi, step } => {
                for x in [lo, hi, step].into_iter().flatten() {
                    self.expr(x, None);
                }
            }
            ExprKind::Lambda(l) => {
                l.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| self.expr(d, None));
                self.expr(&l.body, None);
            }
            ExprKind::Call { func, args, kwargs } => self.call(func, args, kwargs, ctx),
        }
    }

    fn call(&mut self, func: &Expr, args: &[Expr], kwargs: &[crate::syntax::expr::Keyword], ctx: Option<Edge>) {
        // What the call's arguments become: the first one, or every
        // positional one.
        let mut first = None;
        let mut all = None;
        match &func.kind {
            ExprKind::Name(n) => match self.coros.get(n) {
                Some(&(id, false)) => self.out.edges.push((id, ctx.unwrap_or(Edge::Calls))),
                Some(_) => {}
                None => match n.as_str() {
                    "shield" => first = Some(Edge::Shield),
                    "as_completed" => first = Some(Edge::AsCompleted),
                    _ => {}
                },
            },
            ExprKind::Attribute { value, attr, .. } => {
                let module = matches!(&value.kind, ExprKind::Name(m) if m == "asyncio");
                match (&value.kind, &**attr) {
                    (ExprKind::Name(p), op) if (self.prims)(p) => self.out.uses.push((p.clone(), op.to_owned())),
                    (ExprKind::Name(g), "create_task") if self.group_names.contains(g) => first = Some(Edge::TaskGroup),
                    (_, "create_task") | (_, "ensure_future") => first = Some(Edge::Spawns),
                    (_, "gather") if module => all = Some(Edge::Gathers),
                    (_, "wait_for") if module => first = Some(Edge::WaitFor),
                    (_, "shield") if module => first = Some(Edge::Shield),
                    (_, "as_completed") if module => first = Some(Edge::AsCompleted),
                    _ => {}
                }
                if !matches!(&value.kind, ExprKind::Name(_)) {
                    self.expr(value, None);
                }
            }
            _ => self.expr(func, None),
        }
        for (i, a) in args.iter().enumerate() {
            let ctx = if i == 0 { all.or(first) } else { all };
            self.expr(a, ctx);
        }
        kwargs.iter().for_each(|k| self.expr(&k.value, None));
    }
}

/// Every name a `task_group` step binds with `as:` in `steps`.
pub(crate) fn group_names(steps: &[Step], out: &mut Vec<String>) {
    for s in steps {
        match &s.kind {
            StepKind::TaskGroup(body, bind) => {
                if let Some(n) = bind {
                    if !out.contains(&n.text) {
                        out.push(n.text.clone());
                    }
                }
                group_names(body, out);
            }
            StepKind::With { body, .. } | StepKind::Timeout { body, .. } => group_names(body, out),
            StepKind::While { body, orelse, .. } => {
                group_names(body, out);
                group_names(orelse.as_deref().unwrap_or_default(), out);
            }
            StepKind::For { body, orelse, .. } => {
                group_names(body, out);
                group_names(orelse.as_deref().unwrap_or_default(), out);
            }
            StepKind::If { then, orelse, .. } => {
                group_names(then, out);
                group_names(orelse, out);
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                group_names(body, out);
                handlers.iter().for_each(|h| group_names(&h.body, out));
                group_names(orelse, out);
                group_names(finally.as_deref().unwrap_or_default(), out);
            }
            _ => {}
        }
    }
}

/// What `asim graph` draws of a checked scenario besides its edges, with
/// the texts taken from the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct GraphInfo {
    /// Each coroutine's name, signature (`download(url, seconds)`) and
    /// whether it is a plain function, by id (main last).
    pub(crate) coros: Vec<(String, String, bool)>,
    /// Each primitive's name and constructor as written (`Semaphore(2)`), by id.
    pub(crate) prims: Vec<(String, String)>,
    /// (coroutine, primitive, operation) to the number of sites.
    pub(crate) uses: BTreeMap<(u32, u32, String), u32>,
    /// (condition, lock): a `Condition` made on a declared lock.
    pub(crate) links: Vec<(u32, u32)>,
}

impl GraphInfo {
    pub(crate) fn new(ch: &super::Checked, src: &str) -> GraphInfo {
        let text = |c: &Code| match c {
            Code::Expr(_, o) => o.text(src).trim().to_owned(),
            other => src.get(other.span()).unwrap_or_default().trim().to_owned(),
        };
        let mut coros: Vec<(String, String, bool)> = ch
            .scenario
            .coroutines
            .iter()
            .map(|c| {
                let params: Vec<String> = c
                    .params
                    .iter()
                    .map(|(p, d)| match d {
                        Some(d) => format!("{}={}", p.text, text(d)),
                        None => p.text.clone(),
                    })
                    .collect();
                (c.name.text.clone(), format!("{}({})", c.name.text, params.join(", ")), c.is_fn)
            })
            .collect();
        coros.push(("main".to_owned(), "main()".to_owned(), false));
        let mut prims = vec![(String::new(), String::new()); ch.prims.len()];
        let mut links = Vec::new();
        for (n, code) in &ch.scenario.sync {
            let Some(&(id, _)) = ch.prims.get(&n.text) else { continue };
            prims[id as usize] = (n.text.clone(), text(code));
            // `Condition(lock)`, `Condition(lock=lock)`.
            if let Code::Expr(Expr { kind: ExprKind::Call { args, kwargs, .. }, .. }, _) = code {
                let arg = args.first().or_else(|| kwargs.iter().find(|k| k.name == "lock").map(|k| &k.value));
                if let Some(Expr { kind: ExprKind::Name(l), .. }) = arg {
                    if let Some(&(lock, _)) = ch.prims.get(l) {
                        links.push((id, lock));
                    }
                }
            }
        }
        GraphInfo { coros, prims, uses: ch.uses.clone(), links }
    }
}
