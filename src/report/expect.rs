//! Checking a scenario's `expect:` block against its run: a sink that sits
//! in front of a view ([`Checked`]), watches the prints go by (without
//! keeping them), and at the end says which expectations failed, each as a
//! diagnostic pointing at its line of the `expect:` block.

use crate::diagnostic::Diagnostic;
use crate::runtime::{Event, EventKind, Interest, Outcome, RunEnd, Sink, Tasks};
use crate::syntax::parse::{Elapsed, Expect, ExpectedOutcome};
use crate::value::pyfmt::float_repr;
use std::io;

/// The verdict on a run: the failed expectations, and how many there were.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// One diagnostic per failed expectation, in the block's order.
    pub failures: Vec<Diagnostic>,
    /// How many expectations the block holds.
    pub checked: usize,
}

impl Verdict {
    /// Whether every expectation held.
    pub fn met(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A sink that checks expectations and passes every event its view asked
/// for on to the view.
pub(crate) struct Checked<'v, 'e> {
    view: &'v mut dyn Sink,
    view_wants: Interest,
    expect: &'e Expect,
    /// The next line of `prints` to see.
    next: usize,
    /// `never_prints` lines seen: (index, time, task name).
    forbidden: Vec<(usize, f64, String)>,
    verdict: Option<Verdict>,
}

impl<'v, 'e> Checked<'v, 'e> {
    /// Checks `expect` on the run that `view` shows.
    pub(crate) fn new(view: &'v mut dyn Sink, expect: &'e Expect) -> Self {
        let view_wants = view.interest();
        Checked { view, view_wants, expect, next: 0, forbidden: Vec::new(), verdict: None }
    }

    /// The verdict, once the run has finished (`None` if it never did).
    pub(crate) fn verdict(self) -> Option<Verdict> {
        self.verdict
    }

    fn judge(&self, end: &RunEnd) -> Verdict {
        let ex = self.expect;
        let mut failures = Vec::new();
        if let Some((want, span)) = &ex.outcome {
            if let Some(got) = outcome_mismatch(want, &end.outcome) {
                failures.push(
                    Diagnostic::error(
                        format!("expected outcome {}, the run ended {got}", describe(want)),
                        span.clone(),
                    )
                    .with_label("expected here"),
                );
            }
        }
        if let Some((want, span)) = &ex.elapsed {
            let ok = match *want {
                Elapsed::Exact(v) => (end.elapsed - v).abs() <= 1e-9 * v.abs().max(1.0),
                Elapsed::Range(lo, hi) => lo <= end.elapsed && end.elapsed <= hi,
            };
            if !ok {
                let wanted = match *want {
                    Elapsed::Exact(v) => format!("{}s", float_repr(v)),
                    Elapsed::Range(lo, hi) if hi.is_infinite() => format!("at least {}s", float_repr(lo)),
                    Elapsed::Range(lo, hi) if lo.is_infinite() => format!("at most {}s", float_repr(hi)),
                    Elapsed::Range(lo, hi) => {
                        format!("between {}s and {}s", float_repr(lo), float_repr(hi))
                    }
                };
                failures.push(
                    Diagnostic::error(
                        format!("expected elapsed {wanted}, the run took {}s", float_repr(end.elapsed)),
                        span.clone(),
                    )
                    .with_label("expected here"),
                );
            }
        }
        if let Some((line, span)) = ex.prints.get(self.next) {
            let before = match self.next {
                0 => String::new(),
                n => format!(" after `{}`", ex.prints[n - 1].0),
            };
            failures.push(
                Diagnostic::error(format!("expected the run to print `{line}`{before}; it never did"), span.clone())
                    .with_label("expected here")
                    .with_hint("the lines of `prints` must appear in this order, each exactly as printed (other lines may come between)"),
            );
        }
        for (i, t, task) in &self.forbidden {
            let (line, span) = &ex.never_prints[*i];
            failures.push(
                Diagnostic::error(
                    format!("the run printed `{line}` at {} in {task}, which `never_prints` forbids", float_repr(*t)),
                    span.clone(),
                )
                .with_label("forbidden here"),
            );
        }
        if let Some((max, span)) = &ex.max_tasks {
            // Count main, as `len(asyncio.all_tasks())`-minded users do: the
            // run's own count excludes only asyncio.run's shutdown helpers.
            if end.tasks as u64 > *max {
                failures.push(
                    Diagnostic::error(
                        format!("expected at most {max} tasks, the run created {}", end.tasks),
                        span.clone(),
                    )
                    .with_label("expected here"),
                );
            }
        }
        failures.sort_by_key(|d| d.span.start);
        Verdict { failures, checked: ex.count() }
    }
}

impl Sink for Checked<'_, '_> {
    fn interest(&self) -> Interest {
        if self.expect.prints.is_empty() && self.expect.never_prints.is_empty() {
            self.view_wants
        } else {
            self.view_wants.with(Interest::PRINTS)
        }
    }

    fn event(&mut self, event: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        if let EventKind::Print(text) = event.kind {
            if self.expect.prints.get(self.next).is_some_and(|(l, _)| l == text) {
                self.next += 1;
            }
            for (i, (line, _)) in self.expect.never_prints.iter().enumerate() {
                if line == text && !self.forbidden.iter().any(|f| f.0 == i) {
                    self.forbidden.push((i, event.t, tasks.name(event.task).to_string()));
                }
            }
        }
        if self.view_wants.wants(&event.kind) {
            self.view.event(event, tasks)
        } else {
            Ok(())
        }
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        self.view.iteration_end()
    }

    fn horizon(&self) -> Option<f64> {
        self.view.horizon()
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.verdict = Some(self.judge(end));
        self.view.finish(end, tasks)
    }
}

/// The line the human view ends with when every expectation held.
pub(crate) fn met_line(v: &Verdict, color: bool) -> String {
    let n = v.checked;
    let text =
        format!("== expect: {} met", if n == 1 { "1 expectation".to_owned() } else { format!("all {n} expectations") });
    super::Style { on: color }.paint(super::GREEN, &text)
}

fn describe(want: &ExpectedOutcome) -> String {
    match want {
        ExpectedOutcome::Ok => "ok".into(),
        ExpectedOutcome::Deadlock => "deadlock".into(),
        ExpectedOutcome::Limit => "limit".into(),
        ExpectedOutcome::Error { kind: None, message: None } => "an unhandled exception".into(),
        ExpectedOutcome::Error { kind, message } => {
            let kind = kind.as_deref().unwrap_or("an exception");
            match message {
                Some(m) => format!("{kind}: {m}"),
                None => kind.to_owned(),
            }
        }
    }
}

/// How the run ended, if that is not what was expected.
fn outcome_mismatch(want: &ExpectedOutcome, got: &Outcome) -> Option<String> {
    let said = match got {
        Outcome::Ok => "ok".to_owned(),
        Outcome::Error(f) if f.message.is_empty() => format!("with {}", f.kind),
        Outcome::Error(f) => format!("with {}: {}", f.kind, f.message),
        Outcome::Deadlock(_) => "in a deadlock".to_owned(),
        Outcome::Limit(l) => format!("at a limit: {}", l.message),
        Outcome::Stopped(t) => format!("stopped at {}s (--until)", float_repr(*t)),
    };
    let matches = match (want, got) {
        (ExpectedOutcome::Ok, Outcome::Ok)
        | (ExpectedOutcome::Deadlock, Outcome::Deadlock(_))
        | (ExpectedOutcome::Limit, Outcome::Limit(_)) => true,
        (ExpectedOutcome::Error { kind: k, message: m }, Outcome::Error(f)) => {
            k.as_ref().is_none_or(|k| *k == f.kind) && m.as_ref().is_none_or(|m| *m == f.message)
        }
        _ => false,
    };
    (!matches).then_some(said)
}
