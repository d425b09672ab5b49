//! `lock-order`: two paths that take the same locks in opposite orders.
//!
//! A coroutine that holds `a` (inside `with: a`, or after `await:
//! a.acquire()` and before `a.release()`) and takes `b` gives the edge
//! a → b of the "held while acquiring" graph; so does one holding `a` that
//! awaits (or joins as a task: gather, a task group, wait_for) a coroutine
//! that takes `b`, at any depth. Spawned tasks are not followed: their
//! creator does not wait for them. A cycle of that graph is a potential
//! deadlock: each path may hold one lock of the cycle while it waits for
//! the next. Locks, semaphores and conditions (a condition built on a
//! `sync:` lock is that lock) count; acquire and release inside a branch
//! count only inside it.

use super::facts::Facts;
use super::ops::{children, How, Op};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Step, StepKind};
use crate::value::PrimKind;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Why the graph has an edge held → taken: the first path found.
#[derive(Debug, Clone)]
struct Witness {
    /// The coroutine holding the first lock.
    body: usize,
    /// Where it took the held lock, and the name it used.
    outer: (Span, String),
    /// Where it takes the second (or calls the coroutine that does).
    inner: (Span, String),
    /// When taken by an awaited coroutine: its name, and where it takes it.
    via: Option<(String, Span)>,
    /// The call of `body` whose arguments bind its parameters so (`None`:
    /// every call's at once).
    site: Option<Span>,
}

/// Where a coroutine (or what it awaits) takes each primitive: the first site.
type Takes = BTreeMap<u32, (Span, usize)>;

struct Walk<'f, 'a> {
    facts: &'f Facts<'a>,
    /// Per body: what it takes, with what it awaits (None while computing).
    takes: Vec<Option<Takes>>,
    edges: BTreeMap<(u32, u32), Witness>,
    /// The body being walked has its parameters bound as at this call
    /// site: what each stands for there.
    binding: Vec<BTreeSet<u32>>,
    site: Option<Span>,
}

/// A lock held: its primitive, where it was taken, the name used.
#[derive(Clone)]
struct Held {
    prim: u32,
    span: Span,
    name: String,
}

fn lockish(kind: PrimKind) -> bool {
    matches!(kind, PrimKind::Lock | PrimKind::Semaphore | PrimKind::BoundedSemaphore | PrimKind::Condition)
}

impl Walk<'_, '_> {
    /// What `name` stands for in `body` as the current call binds it.
    fn resolve(&self, body: usize, name: &str) -> BTreeSet<u32> {
        match self.facts.bodies[body].params.iter().position(|p| *p == name) {
            Some(i) => self.binding[i].clone(),
            None => self.facts.resolve(body, name),
        }
    }

    /// The primitive a `with:` step takes, as the current call binds it.
    fn with_target(&self, body: usize, s: &Step) -> Option<(BTreeSet<u32>, Span)> {
        let (_, span) = self.facts.with_target(body, s)?;
        match &s.kind {
            StepKind::With { prim: crate::syntax::ast::Code::Expr(e, _), .. } => match &e.kind {
                crate::syntax::expr::ExprKind::Name(n) => Some((self.resolve(body, n), span)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The lockish ones of `ids`, a condition as its lock.
    fn locks(&self, ids: BTreeSet<u32>) -> BTreeSet<u32> {
        ids.into_iter().filter(|&id| lockish(self.facts.kind(id))).map(|id| self.facts.lock_of[id as usize]).collect()
    }

    /// What `body` takes, itself or through what it awaits.
    fn takes(&mut self, body: usize) -> Takes {
        if let Some(t) = &self.takes[body] {
            return t.clone();
        }
        // A recursive call sees what is known so far: nothing.
        self.takes[body] = Some(Takes::new());
        let mut out = Takes::new();
        for s in self.facts.all_steps(body) {
            if let Some((ids, span)) = self.facts.with_target(body, s) {
                for id in self.locks(ids) {
                    out.entry(id).or_insert((span.clone(), body));
                }
            }
            for op in self.facts.ops(s) {
                match op {
                    Op::Method { recv, method: "acquire", how: How::Awaited, span } => {
                        for id in self.locks(self.facts.resolve(body, recv)) {
                            out.entry(id).or_insert((span.clone(), body));
                        }
                    }
                    Op::Call { callee, how: How::Awaited | How::Joined, .. } => {
                        for (id, site) in self.takes(*callee as usize) {
                            out.entry(id).or_insert(site);
                        }
                    }
                    _ => {}
                }
            }
        }
        self.takes[body] = Some(out.clone());
        out
    }

    fn edge(&mut self, body: usize, held: &[Held], prim: u32, inner: (Span, String), via: Option<(String, Span)>) {
        for h in held {
            if h.prim != prim {
                self.edges.entry((h.prim, prim)).or_insert_with(|| Witness {
                    body,
                    outer: (h.span.clone(), h.name.clone()),
                    inner: inner.clone(),
                    via: via.clone(),
                    site: self.site.clone(),
                });
            }
        }
    }

    fn steps(&mut self, body: usize, steps: &[Step], held: &mut Vec<Held>) {
        for s in steps {
            self.step(body, s, held);
        }
    }

    fn step(&mut self, body: usize, s: &Step, held: &mut Vec<Held>) {
        let facts = self.facts;
        for op in facts.ops(s) {
            match op {
                Op::Method { recv, method: "acquire", how: How::Awaited, span } => {
                    // A parameter that stands for several locks takes one of them.
                    let before = held.len();
                    for id in self.locks(self.resolve(body, recv)) {
                        self.edge(body, &held[..before], id, (span.clone(), recv.to_string()), None);
                        held.push(Held { prim: id, span: span.clone(), name: recv.to_string() });
                    }
                }
                Op::Method { recv, method: "release", .. } => {
                    let ids = self.locks(self.resolve(body, recv));
                    held.retain(|h| !ids.contains(&h.prim));
                }
                Op::Call { callee, how: How::Awaited | How::Joined, span, .. } if !held.is_empty() => {
                    let name = facts.bodies[*callee as usize].name.to_owned();
                    for (id, (site, _)) in self.takes(*callee as usize) {
                        self.edge(body, held, id, (span.clone(), name.clone()), Some((name.clone(), site)));
                    }
                }
                _ => {}
            }
        }
        match &s.kind {
            StepKind::With { body: inner, prim } => {
                let before = held.len();
                if let Some((ids, span)) = self.with_target(body, s) {
                    let name = match prim {
                        crate::syntax::ast::Code::Expr(e, o) => o.text(facts.src)[e.span.clone()].to_owned(),
                        _ => String::new(),
                    };
                    for id in self.locks(ids) {
                        self.edge(body, &held[..before], id, (span.clone(), name.clone()), None);
                        held.push(Held { prim: id, span: span.clone(), name: name.clone() });
                    }
                }
                self.steps(body, inner, held);
                held.truncate(before);
            }
            _ => {
                // A branch's or loop's acquires and releases count inside it only.
                for c in children(s) {
                    let mut inside = held.clone();
                    self.steps(body, c, &mut inside);
                }
            }
        }
    }
}

pub(crate) fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    let mut w =
        Walk { facts, takes: vec![None; facts.bodies.len()], edges: BTreeMap::new(), binding: Vec::new(), site: None };
    // A coroutine is walked once per way its calls bind its parameters, so
    // `f(a, b)` and `f(b, c)` give a → b and b → c, not b → b or a → c.
    for (body, bindings) in facts.call_bindings().into_iter().enumerate() {
        for (site, binding) in bindings {
            (w.binding, w.site) = (binding, site);
            w.steps(body, facts.bodies[body].steps, &mut Vec::new());
        }
    }
    if w.edges.is_empty() {
        return;
    }
    let mut graph: DiGraph<u32, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..facts.prims.len() as u32).map(|i| graph.add_node(i)).collect();
    for &(a, b) in w.edges.keys() {
        graph.add_edge(nodes[a as usize], nodes[b as usize], ());
    }
    let mut sccs: Vec<Vec<u32>> = petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut ids: Vec<u32> = c.iter().map(|n| graph[*n]).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    sccs.sort();
    for scc in sccs {
        let cycle = shortest_cycle(&w.edges, &scc);
        out.push(report(facts, &w.edges, &cycle));
    }
}

/// The shortest cycle through the component's first primitive, as its nodes.
fn shortest_cycle(edges: &BTreeMap<(u32, u32), Witness>, scc: &[u32]) -> Vec<u32> {
    let start = scc[0];
    let mut prev: BTreeMap<u32, u32> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &(_, m) in edges.range((n, 0)..=(n, u32::MAX)).map(|(k, _)| k) {
            if !scc.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![n];
                while let Some(&p) = prev.get(path.last().unwrap_or(&start)) {
                    path.push(p);
                }
                path.reverse();
                return path;
            }
            if m != start && !prev.contains_key(&m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    scc.to_vec()
}

fn names(facts: &Facts, ids: &[u32]) -> String {
    let quoted: Vec<String> = ids.iter().map(|&i| format!("`{}`", facts.name(i))).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// `name` as the primitive it stands for: `src` (= `a`) for a parameter.
fn as_prim(facts: &Facts, written: &str, prim: u32) -> String {
    let p = facts.name(prim);
    if written == p || written.is_empty() {
        format!("`{p}`")
    } else {
        format!("`{written}` (= `{p}`)")
    }
}

fn report(facts: &Facts, edges: &BTreeMap<(u32, u32), Witness>, cycle: &[u32]) -> Diagnostic {
    let pairs: Vec<(u32, u32)> = (0..cycle.len()).map(|i| (cycle[i], cycle[(i + 1) % cycle.len()])).collect();
    let line = |s: &Span| facts.line(s.start);
    let mut notes = Vec::new();
    let mut places: Vec<(Span, String)> = Vec::new();
    for &(a, b) in &pairs {
        let w = &edges[&(a, b)];
        let who = facts.bodies[w.body].name;
        let first = as_prim(facts, &w.outer.1, a);
        let note = match &w.via {
            None => {
                let second = as_prim(facts, &w.inner.1, b);
                // One place for several paths (a coroutine called with
                // different locks): the first says it, the notes tell them apart.
                if !places.iter().any(|(s, _)| *s == w.inner.0) {
                    places.push((w.inner.0.clone(), format!("`{who}` takes {second} while holding {first}")));
                }
                format!("`{who}` takes {first} then {second} (line {} → {})", line(&w.outer.0), line(&w.inner.0))
            }
            Some((callee, site)) => {
                places.push((
                    w.inner.0.clone(),
                    format!("`{who}` awaits `{callee}`, which takes `{}`, while holding {first}", facts.name(b)),
                ));
                format!(
                    "`{who}` takes {first} (line {}), then awaits `{callee}` (line {}), which takes `{}` (line {})",
                    line(&w.outer.0),
                    line(&w.inner.0),
                    facts.name(b),
                    line(site)
                )
            }
        };
        notes.push(note);
    }
    // A coroutine taking its parameters: where it is called, and with what.
    let mut shown = Vec::new();
    for &(a, b) in &pairs {
        let w = &edges[&(a, b)];
        let params = &facts.bodies[w.body].params;
        let written = [&w.outer.1, &w.inner.1];
        if shown.contains(&w.body) || !written.iter().any(|n| params.contains(&n.as_str())) {
            continue;
        }
        shown.push(w.body);
        // The calls that bind the parameters as the paths take them.
        let sites: Vec<&Span> = pairs.iter().filter_map(|p| edges[p].site.as_ref()).collect();
        for (span, args) in call_sites(facts, w.body, &written).into_iter().filter(|(s, _)| sites.contains(&s)) {
            if places.len() < 7 {
                places.push((span, format!("`{}` called with {args}", facts.bodies[w.body].name)));
            }
        }
    }
    let message = if cycle.len() == 2 {
        format!("lock-order inversion: {} are taken in opposite orders, a potential deadlock", names(facts, cycle))
    } else {
        format!("lock-order inversion: {} are taken in a cycle of orders, a potential deadlock", names(facts, cycle))
    };
    let mut order: Vec<u32> = cycle.to_vec();
    order.sort_by_key(|&id| facts.name(id));
    let (span, label) = places[0].clone();
    let mut d = Diagnostic::warning(message, span.clone()).with_id("lock-order").with_label(label);
    for (s, l) in places.into_iter().skip(1) {
        if s == span {
            // One place for two paths (a coroutine called with its locks
            // in both orders): the notes tell them apart.
            continue;
        }
        d = d.with_secondary(s, l);
    }
    for n in notes {
        d = d.with_note(n);
    }
    d.with_hint(format!(
        "take them in one order everywhere (for instance always {} first), or hold one at a time; `allow: lock-order` silences this",
        names(facts, &order[..1])
    ))
}

/// Where coroutine `body` is called, each with what the parameters named
/// in `written` are there (`payer` = `alice`).
fn call_sites(facts: &Facts, body: usize, written: &[&String]) -> Vec<(Span, String)> {
    let params = &facts.bodies[body].params;
    let mut out = Vec::new();
    for caller in 0..facts.bodies.len() {
        for s in facts.all_steps(caller) {
            for op in facts.ops(s) {
                let Op::Call { callee, span, args, kwargs, origin, .. } = op else { continue };
                if *callee as usize != body {
                    continue;
                }
                let mut said = Vec::new();
                for name in written {
                    let Some(i) = params.iter().position(|p| p == name) else { continue };
                    let arg = args.get(i).or_else(|| kwargs.iter().find(|k| &k.name == *name).map(|k| &k.value));
                    if let Some(a) = arg {
                        let text = &origin.text(facts.src)[a.span.clone()];
                        let item = format!("`{name}` = `{text}`");
                        if !said.contains(&item) {
                            said.push(item);
                        }
                    }
                }
                if !said.is_empty() {
                    out.push((span.clone(), said.join(", ")));
                }
            }
        }
    }
    out.sort_by_key(|(s, _)| s.start);
    out
}
