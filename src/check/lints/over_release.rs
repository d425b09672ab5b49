//! `semaphore-over-release`: a semaphore that some path releases more
//! often than it acquired it.
//!
//! Judged in each coroutine that both acquires and releases the semaphore
//! (by the name it uses): a coroutine that only releases is a producer of
//! units (a refill, a signal), which is what a semaphore is for. Along
//! each path the count of units held is followed as a range; a release
//! when the range reaches 0 is reported. A loop whose body changes the
//! count makes it unknown, and an unknown count is never reported.
//! A `Semaphore` grows past its initial value silently; a
//! `BoundedSemaphore` raises `ValueError` there: both are reported.

use super::facts::Facts;
use super::ops::{How, Op};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Step, StepKind};
use crate::value::PrimKind;
use std::collections::BTreeMap;

/// Units held on the paths so far: a range, or unknown.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Count {
    Range(i64, i64),
    Unknown,
}

/// Per name; `None` once the path has left.
type State = Option<BTreeMap<String, Count>>;

fn join(a: State, b: State) -> State {
    match (a, b) {
        (None, s) | (s, None) => s,
        (Some(mut a), Some(b)) => {
            for (k, v) in b {
                let cur = a.get(&k).copied().unwrap_or(Count::Range(0, 0));
                let j = match (cur, v) {
                    (Count::Range(a0, a1), Count::Range(b0, b1)) => Count::Range(a0.min(b0), a1.max(b1)),
                    _ => Count::Unknown,
                };
                a.insert(k, j);
            }
            Some(a)
        }
    }
}

/// After a loop: a count the body changed is unknown.
fn widen(before: &State, after: State) -> State {
    let (Some(b), Some(mut a)) = (before, after.clone()) else { return after };
    for (k, v) in a.iter_mut() {
        if b.get(k).copied().unwrap_or(Count::Range(0, 0)) != *v {
            *v = Count::Unknown;
        }
    }
    Some(a)
}

struct Walk<'f, 'a> {
    facts: &'f Facts<'a>,
    body: usize,
    /// The names this coroutine acquires (only those are judged).
    judged: Vec<String>,
    /// Releases reported: where, the name, the kind.
    found: BTreeMap<usize, (Span, String, PrimKind)>,
    /// Per enclosing `try` body, innermost last: the states an exception
    /// (or a return, for the `finally`) may leave it in.
    raised: Vec<State>,
}

impl Walk<'_, '_> {
    fn semaphore(&self, name: &str) -> Option<PrimKind> {
        let kinds: Vec<PrimKind> = self.facts.resolve(self.body, name).iter().map(|&id| self.facts.kind(id)).collect();
        let sem =
            !kinds.is_empty() && kinds.iter().all(|k| matches!(k, PrimKind::Semaphore | PrimKind::BoundedSemaphore));
        (sem && self.judged.iter().any(|n| n == name)).then(|| kinds[0])
    }

    fn add(&mut self, state: &mut BTreeMap<String, Count>, name: &str, by: i64, at: &Span) {
        let Some(kind) = self.semaphore(name) else { return };
        let c = state.entry(name.to_owned()).or_insert(Count::Range(0, 0));
        if let Count::Range(lo, hi) = *c {
            if by < 0 && lo <= 0 {
                self.found.entry(at.start).or_insert((at.clone(), name.to_owned(), kind));
            }
            *c = Count::Range(lo + by, hi + by);
        }
    }

    fn steps(&mut self, steps: &[Step], mut state: State) -> State {
        for s in steps {
            state = self.step(s, state);
        }
        state
    }

    /// Notes a state an exception or a return may leave the `try` body in.
    fn may_leave(&mut self, state: &State) {
        if let Some(top) = self.raised.last_mut() {
            *top = join(top.take(), state.clone());
        }
    }

    fn step(&mut self, s: &Step, state: State) -> State {
        // Any step may raise before it does anything.
        self.may_leave(&state);
        let mut st = state?;
        let facts = self.facts;
        for op in facts.ops(s) {
            match op {
                Op::Method { recv, method: "acquire", how: How::Awaited, span } => self.add(&mut st, recv, 1, span),
                Op::Method { recv, method: "release", span, .. } => self.add(&mut st, recv, -1, span),
                _ => {}
            }
        }
        let state = Some(st);
        match &s.kind {
            StepKind::Return(_) | StepKind::Raise(..) => {
                self.may_leave(&state);
                None
            }
            StepKind::Break | StepKind::Continue => None,
            StepKind::With { body, prim } => {
                let name = match prim {
                    crate::syntax::ast::Code::Expr(e, o) => o.text(facts.src)[e.span.clone()].to_owned(),
                    _ => String::new(),
                };
                let mut st = state?;
                self.add(&mut st, &name, 1, &s.span);
                let mut end = self.steps(body, Some(st))?;
                // Leaving the block releases the unit it took.
                self.add(&mut end, &name, -1, &s.span);
                Some(end)
            }
            StepKind::TaskGroup(body, _) | StepKind::Timeout { body, .. } => self.steps(body, state),
            StepKind::If { then, orelse, .. } => {
                let a = self.steps(then, state.clone());
                let b = self.steps(orelse, state);
                join(a, b)
            }
            StepKind::For { body, orelse, .. } | StepKind::While { body, orelse, .. } => {
                let end = self.steps(body, state.clone());
                let after = widen(&state, join(state.clone(), end));
                match orelse {
                    Some(e) => self.steps(e, after),
                    None => after,
                }
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                self.raised.push(None);
                let end = self.steps(body, state.clone());
                // An exception may come from any step of the body.
                let caught = join(self.raised.pop().flatten(), state.clone());
                let mut after = self.steps(orelse, end);
                for h in handlers {
                    let out = self.steps(&h.body, caught.clone());
                    after = join(after, out);
                }
                match finally {
                    Some(f) => self.steps(f, join(after, caught)),
                    None => after,
                }
            }
            _ => state,
        }
    }
}

pub(crate) fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    for (body, b) in facts.bodies.iter().enumerate() {
        let mut judged = Vec::new();
        for s in facts.all_steps(body) {
            for op in facts.ops(s) {
                if let Op::Method { recv, method: "acquire", how: How::Awaited, .. } = op {
                    judged.push((*recv).to_owned());
                }
            }
            if let StepKind::With { prim: crate::syntax::ast::Code::Expr(e, o), .. } = &s.kind {
                judged.push(o.text(facts.src)[e.span.clone()].to_owned());
            }
        }
        if judged.is_empty() {
            continue;
        }
        let mut w = Walk { facts, body, judged, found: BTreeMap::new(), raised: Vec::new() };
        w.steps(b.steps, Some(BTreeMap::new()));
        for (_, (span, name, kind)) in w.found {
            let who = b.name;
            let effect = if kind == PrimKind::BoundedSemaphore {
                "a BoundedSemaphore raises ValueError here"
            } else {
                "a Semaphore grows past its initial value here, silently letting one more task in"
            };
            out.push(
                Diagnostic::warning(
                    format!("`{who}` can release semaphore `{name}` more often than it acquired it"),
                    span,
                )
                .with_id("semaphore-over-release")
                .with_label(format!("on some path through `{who}`, no acquire is left for this release to match"))
                .with_note(effect)
                .with_hint(format!(
                    "release only what the path acquired: one release per acquire (`with: {name}` pairs them for you); `allow: semaphore-over-release` silences this"
                )),
            );
        }
    }
}
