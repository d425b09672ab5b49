//! Stage 2: the checked program.
//!
//! Resolves what every top-level name means (shared variable, primitive,
//! coroutine), finds each coroutine's locals the way Python does (a name
//! assigned anywhere in the body is local everywhere in it), orders the
//! `vars` so each initialiser runs after the ones it uses (a cycle is an
//! error, reported whole), and builds the task graph: which coroutine
//! awaits, spawns or gathers which.

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::expr::{Expr, ExprKind, FPart};
use crate::value::PrimKind;
use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

pub(crate) mod exceptions;
pub(crate) mod graph;
pub(crate) mod lints;
pub(crate) use exceptions::ExcDef;
pub use graph::Edge;

/// A coroutine's signature and locals.
#[derive(Debug, Clone)]
pub(crate) struct CoroInfo {
    pub(crate) name: String,
    pub(crate) params: Vec<String>,
    /// Locals in order of first assignment (params first).
    pub(crate) locals: Vec<String>,
}

/// The result of checking: symbol tables and the task graph.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) scenario: Scenario,
    pub(crate) vars: BTreeMap<String, u32>,
    /// `vars` indices in initialisation order.
    pub(crate) var_order: Vec<u32>,
    pub(crate) prims: BTreeMap<String, (u32, PrimKind)>,
    /// Coroutine ids; `main` is the last one.
    pub(crate) coros: BTreeMap<String, u32>,
    pub(crate) infos: Vec<CoroInfo>,
    /// Coroutine graph: nodes are coroutine ids.
    pub(crate) graph: DiGraph<u32, Edge>,
    /// Which primitive (`sync` id) each coroutine uses with which
    /// operation, and at how many sites: (coroutine, primitive, operation).
    pub(crate) uses: BTreeMap<(u32, u32, String), u32>,
    /// The scenario's exception classes, bases first.
    pub(crate) exc_defs: Vec<ExcDef>,
    /// Their names, to their index in `exc_defs`.
    pub(crate) excs: BTreeMap<String, u32>,
}

/// Names every expression in `code` reads (free names, roughly).
pub(crate) fn code_names(code: &Code, out: &mut Vec<(String, Span)>) {
    match code {
        Code::Expr(e, o) => expr_names(e, o, out),
        Code::Lit(..) => {}
        Code::List(items, _) => items.iter().for_each(|c| code_names(c, out)),
        Code::Dict(items, _) => items.iter().for_each(|(_, c)| code_names(c, out)),
    }
}

fn expr_names(e: &Expr, o: &Origin, out: &mut Vec<(String, Span)>) {
    let mut rec = |x: &Expr| expr_names(x, o, out);
    match &e.kind {
        ExprKind::Name(n) => out.push((n.clone(), o.span(&e.span))),
        ExprKind::Int(_)
        | ExprKind::BigInt(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None => {}
        ExprKind::FString(parts) => template_names(parts, o, out),
        ExprKind::List(xs) | ExprKind::Set(xs) | ExprKind::Tuple(xs) | ExprKind::BoolOp(_, xs) => {
            xs.iter().for_each(rec)
        }
        ExprKind::Dict(kv) => kv.iter().for_each(|(k, v)| {
            expr_names(k, o, out);
            expr_names(v, o, out);
        }),
        ExprKind::Unary(_, x) | ExprKind::Starred(x) | ExprKind::Await(x) => rec(x),
        ExprKind::Binary(_, a, b) => {
            rec(a);
            rec(b);
        }
        ExprKind::Compare(a, rest) => {
            expr_names(a, o, out);
            rest.iter().for_each(|(_, x)| expr_names(x, o, out));
        }
        ExprKind::IfExp { cond, then, orelse } => {
            rec(cond);
            rec(then);
            rec(orelse);
        }
        ExprKind::Call { func, args, kwargs } => {
            expr_names(func, o, out);
            args.iter().for_each(|a| expr_names(a, o, out));
            kwargs.iter().for_each(|k| expr_names(&k.value, o, out));
        }
        ExprKind::Attribute { value, .. } => rec(value),
        ExprKind::Index { value, index } => {
            rec(value);
            rec(index);
        }
        ExprKind::Slice { lo, hi, step } => {
            for x in [lo, hi, step].into_iter().flatten() {
                expr_names(x, o, out);
            }
        }
        ExprKind::Comp(c) => {
            // The first iterable is evaluated outside; the targets are the
            // comprehension's own names, not free ones.
            let mut inner = Vec::new();
            let mut bound = Vec::new();
            for (i, g) in c.gens.iter().enumerate() {
                expr_names(&g.iter, o, if i == 0 { &mut *out } else { &mut inner });
                target_names(&g.target, &mut bound);
                g.ifs.iter().for_each(|x| expr_names(x, o, &mut inner));
            }
            expr_names(&c.elt, o, &mut inner);
            if let Some(v) = &c.value {
                expr_names(v, o, &mut inner);
            }
            out.extend(inner.into_iter().filter(|(n, _)| !bound.contains(n)));
        }
        ExprKind::Lambda(l) => {
            let mut inner = Vec::new();
            l.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| expr_names(d, o, out));
            expr_names(&l.body, o, &mut inner);
            out.extend(inner.into_iter().filter(|(n, _)| !l.params.iter().any(|p| &p.name == n)));
        }
    }
}

/// The names a comprehension target binds.
fn target_names(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Tuple(xs) | ExprKind::List(xs) => xs.iter().for_each(|x| target_names(x, out)),
        _ => {}
    }
}

pub(crate) fn template_names(parts: &[FPart], o: &Origin, out: &mut Vec<(String, Span)>) {
    for p in parts {
        if let FPart::Field(f) = p {
            expr_names(&f.expr, o, out);
            template_names(&f.spec, o, out);
        }
    }
}

/// The coroutine a call expression names, if any: `f(...)`.
pub(crate) fn called_name(code: &Code) -> Option<&str> {
    match code {
        Code::Expr(Expr { kind: ExprKind::Call { func, .. }, .. }, _) => match &func.kind {
            ExprKind::Name(n) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

struct Walker<'a> {
    vars: &'a BTreeMap<String, u32>,
    locals: Vec<String>,
    errors: Vec<Diagnostic>,
}

impl Walker<'_> {
    fn bind(&mut self, name: &Name, what: &str) {
        if self.vars.contains_key(&name.text) {
            self.errors.push(
                Diagnostic::error(
                    format!("`{}` is a shared variable; {what} would make it local to this coroutine", name.text),
                    name.span.clone(),
                )
                .with_hint(format!(
                    "use `set: {{{}: ...}}` to assign the shared one, or pick another local name",
                    name.text
                )),
            );
            return;
        }
        if !self.locals.contains(&name.text) {
            self.locals.push(name.text.clone());
        }
    }

    fn steps(&mut self, steps: &[Step]) {
        for s in steps {
            self.step(s);
        }
    }

    fn step(&mut self, s: &Step) {
        match &s.kind {
            StepKind::Wait { bind, .. } => bind.iter().for_each(|b| self.bind(b, "`as`")),
            StepKind::WaitFor { bind: Some(b), .. }
            | StepKind::Await { bind: Some(b), .. }
            | StepKind::Spawn { bind: Some(b), .. }
            | StepKind::Gather { bind: Some(b), .. } => self.bind(b, "`as`"),
            StepKind::Let(items) => {
                let mut names = Vec::new();
                items.iter().flat_map(|a| &a.targets).for_each(|t| t.names(&mut names));
                names.iter().for_each(|n| self.bind(n, "`let`"));
            }
            StepKind::Del(targets) => {
                let mut names = Vec::new();
                targets.iter().for_each(|t| t.names(&mut names));
                names.iter().for_each(|n| self.bind(n, "`del`"));
            }
            StepKind::TaskGroup(b, bind) => {
                if let Some(n) = bind {
                    self.bind(n, "`as`");
                }
                self.steps(b)
            }
            StepKind::With { body: b, .. } | StepKind::Timeout { body: b, .. } => self.steps(b),
            StepKind::While { body, orelse, .. } => {
                self.steps(body);
                if let Some(e) = orelse {
                    self.steps(e);
                }
            }
            StepKind::For { targets, body, orelse, .. } => {
                targets.iter().for_each(|t| self.bind(t, "a `for` target"));
                self.steps(body);
                if let Some(e) = orelse {
                    self.steps(e);
                }
            }
            StepKind::If { then, orelse, .. } => {
                self.steps(then);
                self.steps(orelse);
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                self.steps(body);
                for h in handlers {
                    if let Some(b) = &h.bind {
                        self.bind(b, "`as`");
                    }
                    self.steps(&h.body);
                }
                self.steps(orelse);
                if let Some(f) = finally {
                    self.steps(f);
                }
            }
            _ => {}
        }
    }
}

/// Checks a parsed scenario.
pub(crate) fn check(scenario: Scenario) -> Result<Checked, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut vars = BTreeMap::new();
    for (i, (n, _)) in scenario.vars.iter().enumerate() {
        vars.insert(n.text.clone(), i as u32);
    }
    let mut prims = BTreeMap::new();
    for (n, code) in &scenario.sync {
        if let Some(kind) = prim_kind(code, &mut errors) {
            if vars.contains_key(&n.text) {
                errors.push(Diagnostic::error(
                    format!("`{}` is declared under both `vars` and `sync`", n.text),
                    n.span.clone(),
                ));
            }
            let id = prims.len() as u32;
            prims.insert(n.text.clone(), (id, kind));
        }
    }
    let mut coros = BTreeMap::new();
    for (i, c) in scenario.coroutines.iter().enumerate() {
        if c.name.text == "main" {
            errors.push(
                Diagnostic::error("`main` is defined by the top-level `main:` key", c.name.span.clone())
                    .with_hint("rename this coroutine, or move its steps under the top-level `main:`"),
            );
        }
        if coros.insert(c.name.text.clone(), i as u32).is_some() {
            errors
                .push(Diagnostic::error(format!("coroutine `{}` is defined twice", c.name.text), c.name.span.clone()));
        }
        if vars.contains_key(&c.name.text) || prims.contains_key(&c.name.text) {
            errors.push(Diagnostic::error(
                format!("`{}` is both a coroutine and a shared name", c.name.text),
                c.name.span.clone(),
            ));
        }
    }
    let main_id = scenario.coroutines.len() as u32;
    let taken = |n: &str| vars.contains_key(n) || prims.contains_key(n) || coros.contains_key(n) || n == "main";
    let exc_defs = exceptions::resolve(&scenario.exceptions, &taken, &mut errors);
    let excs: BTreeMap<String, u32> = exc_defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i as u32)).collect();

    // Vars initialisation order (they may refer to each other in any order).
    let mut dep: DiGraph<u32, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..scenario.vars.len() as u32).map(|i| dep.add_node(i)).collect();
    for (i, (_, code)) in scenario.vars.iter().enumerate() {
        let mut names = Vec::new();
        code_names(code, &mut names);
        for (n, _) in names {
            if let Some(&j) = vars.get(&n) {
                dep.add_edge(nodes[j as usize], nodes[i], ());
            }
        }
    }
    let var_order = match toposort(&dep, None) {
        Ok(_) => stable_order(&dep),
        Err(_) => {
            for scc in kosaraju_scc(&dep) {
                let cyclic = scc.len() > 1 || dep.contains_edge(scc[0], scc[0]);
                if cyclic {
                    let mut ids: Vec<u32> = scc.iter().map(|n| dep[*n]).collect();
                    ids.sort_unstable();
                    let names: Vec<&str> = ids.iter().map(|i| scenario.vars[*i as usize].0.text.as_str()).collect();
                    let first = &scenario.vars[ids[0] as usize].0;
                    errors.push(
                        Diagnostic::error(
                            format!(
                                "the shared variables depend on each other in a cycle: {} -> {}",
                                names.join(" -> "),
                                names[0]
                            ),
                            first.span.clone(),
                        )
                        .with_hint("give one of them a value that does not refer back"),
                    );
                }
            }
            Vec::new()
        }
    };

    let mut graph = DiGraph::new();
    let gnodes: Vec<NodeIndex> = (0..=main_id).map(|i| graph.add_node(i)).collect();
    let mut infos = Vec::new();
    let mut uses = BTreeMap::new();
    let callees: BTreeMap<String, (u32, bool)> =
        scenario.coroutines.iter().map(|c| (c.name.text.clone(), (coros[&c.name.text], c.is_fn))).collect();
    let is_prim = |n: &str| prims.contains_key(n);
    let mut group_names = Vec::new();
    scenario.coroutines.iter().for_each(|c| graph::group_names(&c.body, &mut group_names));
    graph::group_names(&scenario.main, &mut group_names);
    let bodies = scenario
        .coroutines
        .iter()
        .map(|c| (c.name.text.clone(), c.params.iter().map(|(p, _)| p.text.clone()).collect::<Vec<_>>(), &c.body));
    for (id, (name, params, body)) in
        bodies.chain(std::iter::once(("main".to_owned(), Vec::new(), &scenario.main))).enumerate()
    {
        let mut w = Walker { vars: &vars, locals: params.clone(), errors: Vec::new() };
        w.steps(body);
        let mut sites = graph::SiteWalker::new(&callees, &is_prim, &group_names);
        sites.steps(body);
        for (to, kind) in sites.out.edges {
            graph.add_edge(gnodes[id], gnodes[to as usize], kind);
        }
        // A local (a parameter) of the same name hides the primitive.
        for (p, op) in sites.out.uses {
            if !w.locals.contains(&p) {
                *uses.entry((id as u32, prims[&p].0, op)).or_insert(0) += 1;
            }
        }
        errors.extend(w.errors);
        infos.push(CoroInfo { name, params, locals: w.locals });
    }
    coros.insert("main".to_owned(), main_id);

    if errors.is_empty() {
        Ok(Checked { scenario, vars, var_order, prims, coros, infos, graph, uses, exc_defs, excs })
    } else {
        Err(errors)
    }
}

/// A topological order of an acyclic graph that keeps declaration order
/// wherever the dependencies allow (so `export python` reads naturally).
fn stable_order(dep: &DiGraph<u32, ()>) -> Vec<u32> {
    // Kahn's algorithm, always taking the lowest-numbered ready variable:
    // declaration order wherever the dependencies allow it.
    use std::cmp::Reverse;
    let n = dep.node_count();
    let mut waiting: Vec<usize> =
        (0..n).map(|i| dep.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Incoming).count()).collect();
    let mut ready: std::collections::BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| waiting[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(next)) = ready.pop() {
        order.push(dep[NodeIndex::new(next)]);
        for m in dep.neighbors_directed(NodeIndex::new(next), petgraph::Direction::Outgoing) {
            waiting[m.index()] -= 1;
            if waiting[m.index()] == 0 {
                ready.push(Reverse(m.index()));
            }
        }
    }
    debug_assert_eq!(order.len(), n, "acyclic");
    order
}

/// Whether `name` is the class of a primitive.
fn ctor_known(name: &str) -> bool {
    ["Lock", "Semaphore", "BoundedSemaphore", "Event", "Condition", "Barrier", "Queue", "LifoQueue", "PriorityQueue"]
        .contains(&name)
}

fn prim_kind(code: &Code, errors: &mut Vec<Diagnostic>) -> Option<PrimKind> {
    let span = code.span();
    let ctor = called_name(code);
    let kind = match ctor {
        Some("Lock") => PrimKind::Lock,
        Some("Semaphore") => PrimKind::Semaphore,
        Some("BoundedSemaphore") => PrimKind::BoundedSemaphore,
        Some("Event") => PrimKind::Event,
        Some("Queue") => PrimKind::Queue,
        Some("LifoQueue") => PrimKind::LifoQueue,
        Some("PriorityQueue") => PrimKind::PriorityQueue,
        Some("Condition") => PrimKind::Condition,
        Some("Barrier") => PrimKind::Barrier,
        Some(other) => {
            let known = [
                "Lock",
                "Semaphore",
                "BoundedSemaphore",
                "Event",
                "Condition",
                "Barrier",
                "Queue",
                "LifoQueue",
                "PriorityQueue",
            ];
            let hint = did_you_mean(other, known).unwrap_or_else(|| {
                "primitives are Lock(), Semaphore(n), BoundedSemaphore(n), Event(), Queue(maxsize), LifoQueue(maxsize) and PriorityQueue(maxsize)".to_owned()
            });
            errors.push(Diagnostic::error(format!("unknown primitive `{other}`"), span).with_hint(hint));
            return None;
        }
        None => {
            let d = Diagnostic::error("a `sync` entry is a constructor call such as `Lock()` or `Semaphore(2)`", span);
            // `asyncio.Lock()`: the class with Python's module prefix.
            let prefixed = match code {
                Code::Expr(Expr { kind: ExprKind::Call { func, args, kwargs }, .. }, origin) => match &func.kind {
                    ExprKind::Attribute { value, attr, .. } if matches!(&value.kind, ExprKind::Name(m) if m == "asyncio") =>
                    {
                        let module = origin.span(&value.span);
                        let dots = if args.is_empty() && kwargs.is_empty() { "" } else { "..." };
                        Some((&**attr, dots, module.start..module.end + 1))
                    }
                    _ => None,
                },
                _ => None,
            };
            errors.push(match prefixed {
                Some((class, dots, module)) if ctor_known(class) => {
                    Diagnostic::error("a `sync` entry names its class without `asyncio.`", module).with_hint(format!(
                        "remove `asyncio.`: under `sync:` a primitive is written as its class alone, `{class}({dots})`; code (a `let`, an argument) makes one as Python does, `asyncio.{class}({dots})`"
                    ))
                }
                _ => d,
            });
            return None;
        }
    };
    Some(kind)
}
