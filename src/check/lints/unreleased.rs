//! `unreleased-lock`: a lock or semaphore taken with an explicit
//! `acquire()` that some path out of the coroutine leaves held.
//!
//! The paths out: a `return`, the end of the body, and an exception from
//! any step between the acquire and the release that can raise (an await
//! is also where a cancellation lands). An exception is harmless when a
//! `finally` around it releases the primitive, or a handler of
//! `BaseException` catches it (the handler's own path is then followed).
//! The primitive is known by the name the coroutine uses for it.

use super::facts::Facts;
use super::ops::{How, Op};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Code, Step, StepKind};
use crate::syntax::expr::ExprKind;
use std::collections::BTreeMap;

/// The acquires not yet released on a path: (name, where); `None` once
/// the path has left (returned, raised, broken out).
type State = Option<Vec<(String, Span)>>;

fn join(a: State, b: State) -> State {
    match (a, b) {
        (None, s) | (s, None) => s,
        (Some(mut a), Some(b)) => {
            for x in b {
                if !a.contains(&x) {
                    a.push(x);
                }
            }
            Some(a)
        }
    }
}

/// Why an acquire leaks: where, and what happens there.
struct Leak {
    name: String,
    at: Option<Span>,
    what: &'static str,
}

struct Walk<'f, 'a> {
    facts: &'f Facts<'a>,
    /// Enclosing `try`s, innermost last: the names their `finally`
    /// releases, and whether a handler catches everything.
    frames: Vec<(Vec<String>, bool)>,
    leaks: BTreeMap<usize, (Span, Leak)>,
}

/// The names a body's steps call `release()` on, at any depth.
fn released(facts: &Facts, steps: &[Step], out: &mut Vec<String>) {
    for s in steps {
        for op in facts.ops(s) {
            if let Op::Method { recv, method: "release", .. } = op {
                out.push((*recv).to_owned());
            }
        }
        for c in super::ops::children(s) {
            released(facts, c, out);
        }
    }
}

/// Whether a step can raise (or be cancelled) before it completes.
fn can_raise(facts: &Facts, s: &Step) -> Option<&'static str> {
    const CANCEL: &str = "a cancellation or an error here";
    const SAFE: &[&str] = &["release", "set", "clear", "notify", "notify_all", "cancel", "append", "locked", "done"];
    let calls = || {
        facts.ops(s).iter().any(|op| {
            matches!(op, Op::Call { .. }) || matches!(op, Op::Method { method, .. } if !SAFE.contains(method))
        })
    };
    let awaits = || {
        facts.ops(s).iter().any(|op| {
            matches!(
                op,
                Op::Call { how: How::Awaited | How::Joined, .. } | Op::Method { how: How::Awaited | How::Joined, .. }
            )
        })
    };
    match &s.kind {
        StepKind::Print(_) | StepKind::Block(_) | StepKind::Break | StepKind::Continue | StepKind::Return(_) => None,
        StepKind::Sleep(_)
        | StepKind::Await { .. }
        | StepKind::Gather { .. }
        | StepKind::Wait { .. }
        | StepKind::WaitFor { .. }
        | StepKind::With { .. }
        | StepKind::TaskGroup(..)
        | StepKind::Timeout { .. } => Some(CANCEL),
        StepKind::Raise(..) => Some("this raise"),
        StepKind::Assert { .. } => Some("a failed assertion here"),
        _ if awaits() => Some(CANCEL),
        StepKind::Let(_) | StepKind::Set(_) | StepKind::Do(_) | StepKind::Spawn { .. } | StepKind::Del(_)
            if calls() =>
        {
            Some("an exception raised here")
        }
        _ => None,
    }
}

impl Walk<'_, '_> {
    fn leak(&mut self, name: &str, acquired: &Span, at: Option<Span>, what: &'static str) {
        self.leaks
            .entry(acquired.start)
            .or_insert_with(|| (acquired.clone(), Leak { name: name.to_owned(), at, what }));
    }

    /// Whether an exception is kept from leaving with `name` held.
    fn protected(&self, name: &str) -> bool {
        self.frames.iter().rev().any(|(names, catch_all)| *catch_all || names.iter().any(|n| n == name))
    }

    fn steps(&mut self, steps: &[Step], mut state: State) -> State {
        for s in steps {
            state = self.step(s, state);
        }
        state
    }

    fn step(&mut self, s: &Step, state: State) -> State {
        let mut held = state?;
        let facts = self.facts;
        if let Some(what) = can_raise(facts, s) {
            for (name, span) in &held {
                if !self.protected(name) {
                    self.leak(name, span, Some(s.span.clone()), what);
                }
            }
        }
        for op in facts.ops(s) {
            match op {
                Op::Method { recv, method: "acquire", how: How::Awaited, span } => {
                    held.push(((*recv).to_owned(), span.clone()))
                }
                Op::Method { recv, method: "release", .. } => held.retain(|(n, _)| n != recv),
                _ => {}
            }
        }
        let state = Some(held);
        match &s.kind {
            StepKind::Return(_) => {
                for (name, span) in state.iter().flatten() {
                    // A `finally` that releases it runs on the way out.
                    if !self.frames.iter().any(|(names, _)| names.contains(name)) {
                        self.leak(name, span, Some(s.span.clone()), "this return");
                    }
                }
                None
            }
            StepKind::Raise(..) | StepKind::Break | StepKind::Continue => None,
            StepKind::With { body, .. } | StepKind::TaskGroup(body, _) | StepKind::Timeout { body, .. } => {
                self.steps(body, state)
            }
            StepKind::If { then, orelse, .. } => {
                let a = self.steps(then, state.clone());
                let b = self.steps(orelse, state);
                join(a, b)
            }
            StepKind::For { body, orelse, .. } | StepKind::While { body, orelse, .. } => {
                let end = self.steps(body, state.clone());
                let after = join(state, end);
                match orelse {
                    Some(e) => self.steps(e, after),
                    None => after,
                }
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                let mut names = Vec::new();
                released(facts, finally.as_deref().unwrap_or_default(), &mut names);
                let catch_all = handlers.iter().any(|h| {
                    h.types.is_empty()
                        || h.types.iter().any(|t| matches!(t, Code::Expr(e, _) if matches!(&e.kind, ExprKind::Name(n) if n == "BaseException")))
                });
                self.frames.push((names.clone(), catch_all));
                let end = self.steps(body, state.clone());
                self.frames.pop();
                self.frames.push((names, false));
                let mut after = self.steps(orelse, end.clone());
                let caught = join(state, end);
                for h in handlers {
                    let out = self.steps(&h.body, caught.clone());
                    after = join(after, out);
                }
                self.frames.pop();
                match finally {
                    Some(f) => self.steps(f, after),
                    None => after,
                }
            }
            _ => state,
        }
    }
}

pub(crate) fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    for b in &facts.bodies {
        let mut w = Walk { facts, frames: Vec::new(), leaks: BTreeMap::new() };
        let end = w.steps(b.steps, Some(Vec::new()));
        for (name, span) in end.into_iter().flatten() {
            w.leak(&name, &span, None, "the end of the body");
        }
        for (_, (acquired, leak)) in w.leaks {
            let who = b.name;
            let name = &leak.name;
            let mut d = Diagnostic::warning(
                format!("`{who}` acquires `{name}` with `acquire()`, and a path out of it leaves `{name}` held"),
                acquired,
            )
            .with_id("unreleased-lock");
            d = match leak.at {
                Some(at) => d
                    .with_label(format!(
                        "acquired here; not released if {} leaves `{who}` (line {})",
                        leak.what,
                        facts.line(at.start)
                    ))
                    .with_secondary(at, format!("{} leaves `{who}` with `{name}` held", leak.what)),
                None => d.with_label(format!("acquired here; some path reaches {} without releasing it", leak.what)),
            };
            out.push(d.with_hint(format!(
                "use `with: {name}` around the steps that need it, or release it in a `finally` (`try:` the steps, `finally: [{{do: {name}.release()}}]`); `allow: unreleased-lock` silences this"
            )));
        }
    }
}
