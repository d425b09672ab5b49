//! What the checks share: each body's operations, and which `sync:`
//! primitives a name stands for.
//!
//! A name stands for a primitive when it is a `sync:` name no local hides,
//! or a parameter of a coroutine that every call site with a known
//! argument passes `sync:` names to (the set of those names: a parameter
//! is resolved the same way at every call, not per call). A primitive
//! that goes anywhere else (into a variable, a list, an unknown call) has
//! *escaped*: a check that needs to see every use of it stays silent.

use super::ops::{children, How, Op, OpWalker};
use crate::check::Checked;
use crate::source::Span;
use crate::syntax::ast::{Code, Step, StepKind};
use crate::syntax::expr::ExprKind;
use crate::value::PrimKind;
use std::collections::{BTreeMap, BTreeSet};

/// One coroutine or function (main included), with its operations per step.
/// The most ways of binding one coroutine's parameters that are walked
/// one by one (see [`Facts::call_bindings`]).
const MAX_BINDINGS: usize = 64;

pub(crate) struct Body<'a> {
    pub(crate) name: &'a str,
    pub(crate) params: Vec<&'a str>,
    /// Every local name (parameters included).
    pub(crate) locals: BTreeSet<&'a str>,
    pub(crate) steps: &'a [Step],
    pub(crate) is_fn: bool,
}

/// The facts the checks read.
pub(crate) struct Facts<'a> {
    pub(crate) src: &'a str,
    pub(crate) bodies: Vec<Body<'a>>,
    /// The `sync:` names by id, with their kinds and declarations.
    pub(crate) prims: Vec<(&'a str, PrimKind, Span)>,
    prim_ids: BTreeMap<&'a str, u32>,
    /// Per body, per parameter: the primitives passed to it.
    params: Vec<Vec<BTreeSet<u32>>>,
    /// Primitives used somewhere the checks cannot follow.
    pub(crate) escaped: Vec<bool>,
    /// A Condition built on a `sync:` lock: the lock's id.
    pub(crate) lock_of: Vec<u32>,
    callees: BTreeMap<&'a str, u32>,
    groups: Vec<String>,
    /// Each step's operations, by the step's address.
    ops: BTreeMap<usize, Vec<Op<'a>>>,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(checked: &'a Checked, src: &'a str) -> Facts<'a> {
        let sc = &checked.scenario;
        let mut bodies: Vec<Body<'a>> = sc
            .coroutines
            .iter()
            .zip(&checked.infos)
            .map(|(c, info)| Body {
                name: &c.name.text,
                params: c.params.iter().map(|(p, _)| p.text.as_str()).collect(),
                locals: info.locals.iter().map(String::as_str).collect(),
                steps: &c.body,
                is_fn: c.is_fn,
            })
            .collect();
        let main_locals = checked.infos.last().map(|i| i.locals.iter().map(String::as_str).collect());
        bodies.push(Body {
            name: "main",
            params: Vec::new(),
            locals: main_locals.unwrap_or_default(),
            steps: &sc.main,
            is_fn: false,
        });
        let mut prims: Vec<(&str, PrimKind, Span)> = Vec::new();
        let mut prim_ids = BTreeMap::new();
        for (name, _) in &sc.sync {
            if let Some(&(id, kind)) = checked.prims.get(&name.text) {
                let id = id as usize;
                if prims.len() <= id {
                    prims.resize(id + 1, ("", PrimKind::Lock, 0..0));
                }
                prims[id] = (name.text.as_str(), kind, name.span.clone());
                prim_ids.insert(name.text.as_str(), id as u32);
            }
        }
        // `Condition(lk)`: taking the condition takes `lk`.
        let mut lock_of: Vec<u32> = (0..prims.len() as u32).collect();
        for (name, code) in &sc.sync {
            if let (Some(&id), Code::Expr(e, _)) = (prim_ids.get(name.text.as_str()), code) {
                if let ExprKind::Call { args, .. } = &e.kind {
                    if let Some(ExprKind::Name(l)) = args.first().map(|a| &a.kind) {
                        if let Some(&lock) = prim_ids.get(l.as_str()) {
                            lock_of[id as usize] = lock;
                        }
                    }
                }
            }
        }
        let callees: BTreeMap<&str, u32> =
            sc.coroutines.iter().enumerate().map(|(i, c)| (c.name.text.as_str(), i as u32)).collect();
        let mut groups = Vec::new();
        for b in &bodies {
            crate::check::graph::group_names(b.steps, &mut groups);
        }
        let params = bodies.iter().map(|b| vec![BTreeSet::new(); b.params.len()]).collect();
        let n = prims.len();
        let mut facts = Facts {
            src,
            bodies,
            prims,
            prim_ids,
            params,
            escaped: vec![false; n],
            lock_of,
            callees,
            groups,
            ops: BTreeMap::new(),
        };
        facts.collect_ops();
        facts.bind_params(checked);
        facts.find_escapes(checked);
        facts
    }

    fn collect_ops(&mut self) {
        let mut ops = BTreeMap::new();
        for b in &self.bodies {
            let mut stack: Vec<(&'a [Step], bool)> = vec![(b.steps, false)];
            while let Some((steps, in_group)) = stack.pop() {
                for s in steps {
                    let mut w =
                        OpWalker { callees: &self.callees, locals: &b.locals, groups: &self.groups, out: Vec::new() };
                    w.step(s, in_group);
                    ops.insert(s as *const Step as usize, w.out);
                    let group = in_group || matches!(s.kind, StepKind::TaskGroup(..));
                    for c in children(s) {
                        stack.push((c, group));
                    }
                }
            }
        }
        self.ops = ops;
    }

    /// The operations of one step's own fields.
    pub(crate) fn ops(&self, s: &Step) -> &[Op<'a>] {
        self.ops.get(&(s as *const Step as usize)).map_or(&[], Vec::as_slice)
    }

    /// Every step of a body, each with its operations, in no particular order.
    pub(crate) fn all_steps(&self, body: usize) -> Vec<&'a Step> {
        let mut out = Vec::new();
        let mut stack: Vec<&'a [Step]> = vec![self.bodies[body].steps];
        while let Some(steps) = stack.pop() {
            for s in steps {
                out.push(s);
                stack.extend(children(s));
            }
        }
        out
    }

    /// The primitives `name` stands for in `body` (empty: none known).
    pub(crate) fn resolve(&self, body: usize, name: &str) -> BTreeSet<u32> {
        let b = &self.bodies[body];
        if let Some(i) = b.params.iter().position(|p| *p == name) {
            return self.params[body][i].clone();
        }
        if b.locals.contains(name) {
            return BTreeSet::new();
        }
        self.prim_ids.get(name).map(|&id| BTreeSet::from([id])).unwrap_or_default()
    }

    /// Per coroutine, what its parameters stand for at each of its call
    /// sites (a plain name passed, resolved in the caller; a parameter not
    /// passed, what every site passes it; any other argument, nothing),
    /// each binding once, with the first site that gives it; or, when
    /// nothing calls it, every site's at once. One pass over every step.
    #[allow(clippy::type_complexity)]
    pub(crate) fn call_bindings(&self) -> Vec<Vec<(Option<Span>, Vec<BTreeSet<u32>>)>> {
        let mut all: Vec<Vec<(Option<Span>, Vec<BTreeSet<u32>>)>> = vec![Vec::new(); self.bodies.len()];
        for caller in 0..self.bodies.len() {
            for s in self.all_steps(caller) {
                for op in self.ops(s) {
                    let Op::Call { callee: c, span, args, kwargs, .. } = op else { continue };
                    let callee = *c as usize;
                    let n = self.bodies[callee].params.len();
                    let out = &mut all[callee];
                    let mut binding = self.params[callee].clone();
                    let mut starred = false;
                    for (i, a) in args.iter().enumerate() {
                        starred |= matches!(a.kind, ExprKind::Starred(_));
                        if starred || i >= n {
                            break;
                        }
                        binding[i] = match &a.kind {
                            ExprKind::Name(name) => self.resolve(caller, name),
                            _ => BTreeSet::new(),
                        };
                    }
                    for k in kwargs.iter() {
                        if let Some(p) = self.param_index(callee as u32, Err(&k.name)) {
                            binding[p] = match &k.value.kind {
                                ExprKind::Name(name) => self.resolve(caller, name),
                                _ => BTreeSet::new(),
                            };
                        }
                    }
                    if starred {
                        binding = self.params[callee].clone();
                    }
                    if !out.iter().any(|(_, b)| *b == binding) {
                        out.push((Some(span.clone()), binding));
                    }
                }
            }
        }
        // Past a few dozen ways of calling it, a coroutine is walked once
        // with every site's bindings at once, so checking stays linear.
        for (callee, out) in all.iter_mut().enumerate() {
            if out.is_empty() || out.len() > MAX_BINDINGS {
                *out = vec![(None, self.params[callee].clone())];
            }
        }
        all
    }

    /// The coroutine (not a plain function) `name` calls in `body`, by id.
    pub(crate) fn callee(&self, body: usize, name: &str) -> Option<usize> {
        let id = *self.callees.get(name)? as usize;
        (!self.bodies[body].locals.contains(name) && !self.bodies[id].is_fn).then_some(id)
    }

    /// The primitive's name.
    pub(crate) fn name(&self, prim: u32) -> &'a str {
        self.prims[prim as usize].0
    }

    pub(crate) fn kind(&self, prim: u32) -> PrimKind {
        self.prims[prim as usize].1
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, at: usize) -> usize {
        self.src.as_bytes()[..at.min(self.src.len())].iter().filter(|&&b| b == b'\n').count() + 1
    }

    /// Which parameter of `callee` argument `i` (or keyword `kw`) binds.
    fn param_index(&self, callee: u32, arg: Result<usize, &str>) -> Option<usize> {
        let params = &self.bodies[callee as usize].params;
        match arg {
            Ok(i) => (i < params.len()).then_some(i),
            Err(kw) => params.iter().position(|p| *p == kw),
        }
    }

    /// The arguments of every call site, each as (callee, parameter, the
    /// caller's body, the argument's plain name).
    fn arg_names(&self) -> Vec<(u32, usize, usize, &'a str)> {
        let mut out = Vec::new();
        for body in 0..self.bodies.len() {
            for s in self.all_steps(body) {
                for op in self.ops(s) {
                    let Op::Call { callee, args, kwargs, .. } = op else { continue };
                    for (i, a) in args.iter().enumerate() {
                        if matches!(a.kind, ExprKind::Starred(_)) {
                            break;
                        }
                        if let (ExprKind::Name(n), Some(p)) = (&a.kind, self.param_index(*callee, Ok(i))) {
                            out.push((*callee, p, body, n.as_str()));
                        }
                    }
                    for k in kwargs.iter() {
                        if let (ExprKind::Name(n), Some(p)) = (&k.value.kind, self.param_index(*callee, Err(&k.name))) {
                            out.push((*callee, p, body, n.as_str()));
                        }
                    }
                }
            }
        }
        out
    }

    /// Each parameter's primitives: what the call sites pass, to a fixed point.
    fn bind_params(&mut self, checked: &'a Checked) {
        // Defaults: `worker(q=jobs)`.
        for (ci, c) in checked.scenario.coroutines.iter().enumerate() {
            for (pi, (_, default)) in c.params.iter().enumerate() {
                if let Some(Code::Expr(e, _)) = default {
                    if let ExprKind::Name(n) = &e.kind {
                        if let Some(&id) = self.prim_ids.get(n.as_str()) {
                            self.params[ci][pi].insert(id);
                        }
                    }
                }
            }
        }
        // A parameter passed on as another's argument: (caller, parameter)
        // flows into (callee, parameter); a `sync:` name flows in directly.
        let mut flows: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
        let mut queue: Vec<(usize, usize, u32)> = Vec::new();
        for (callee, p, caller, name) in self.arg_names() {
            let to = (callee as usize, p);
            match self.bodies[caller].params.iter().position(|q| *q == name) {
                Some(q) => flows.entry((caller, q)).or_default().push(to),
                None if self.bodies[caller].locals.contains(name) => {}
                None => {
                    if let Some(&id) = self.prim_ids.get(name) {
                        queue.push((to.0, to.1, id));
                    }
                }
            }
        }
        for (ci, slots) in self.params.iter().enumerate() {
            for (pi, ids) in slots.iter().enumerate() {
                queue.extend(ids.iter().map(|&id| (ci, pi, id)));
            }
        }
        // Each (parameter, primitive) pair is added once, then passed on.
        let mut seen: BTreeSet<(usize, usize, u32)> = BTreeSet::new();
        while let Some((c, p, id)) = queue.pop() {
            if !seen.insert((c, p, id)) {
                continue;
            }
            self.params[c][p].insert(id);
            for &(c2, p2) in flows.get(&(c, p)).map_or(&[][..], Vec::as_slice) {
                queue.push((c2, p2, id));
            }
        }
    }

    /// Marks the primitives read as plain values anywhere but as an
    /// argument a parameter receives.
    fn find_escapes(&mut self, checked: &'a Checked) {
        let mut escaped = std::mem::take(&mut self.escaped);
        let mut names = Vec::new();
        for (_, code) in &checked.scenario.vars {
            crate::check::code_names(code, &mut names);
        }
        for (n, _) in names {
            if let Some(&id) = self.prim_ids.get(n.as_str()) {
                escaped[id as usize] = true;
            }
        }
        for body in 0..self.bodies.len() {
            for s in self.all_steps(body) {
                // The reads that are arguments of a known call are bound, not escaped.
                let mut bound: BTreeSet<usize> = BTreeSet::new();
                for op in self.ops(s) {
                    if let Op::Call { callee, args, kwargs, origin, .. } = op {
                        for (i, a) in args.iter().enumerate() {
                            if self.param_index(*callee, Ok(i)).is_some() && !matches!(a.kind, ExprKind::Starred(_)) {
                                bound.insert(origin.span(&a.span).start);
                            }
                        }
                        for k in kwargs.iter() {
                            if self.param_index(*callee, Err(&k.name)).is_some() {
                                bound.insert(origin.span(&k.value.span).start);
                            }
                        }
                    }
                }
                let with_target = match &s.kind {
                    StepKind::With { prim: Code::Expr(e, o), .. } => Some(o.span(&e.span).start),
                    _ => None,
                };
                for op in self.ops(s) {
                    if let Op::Read { name, span } = op {
                        if bound.contains(&span.start) || with_target == Some(span.start) {
                            continue;
                        }
                        for id in self.resolve(body, name) {
                            escaped[id as usize] = true;
                        }
                    }
                }
            }
        }
        self.escaped = escaped;
    }

    /// The method calls on primitives in a step's fields: (primitives,
    /// method, how, span).
    pub(crate) fn prim_methods(&self, body: usize, s: &Step) -> Vec<(BTreeSet<u32>, &'a str, How, Span)> {
        self.ops(s)
            .iter()
            .filter_map(|op| match op {
                Op::Method { recv, method, how, span } => {
                    let ids = self.resolve(body, recv);
                    (!ids.is_empty()).then(|| (ids, *method, *how, span.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// The primitives a `with:` step takes, and the span of its target.
    pub(crate) fn with_target(&self, body: usize, s: &Step) -> Option<(BTreeSet<u32>, Span)> {
        match &s.kind {
            StepKind::With { prim: Code::Expr(e, o), .. } => match &e.kind {
                ExprKind::Name(n) => Some((self.resolve(body, n), o.span(&e.span))),
                _ => None,
            },
            _ => None,
        }
    }
}
