//! What one variant's run comes to: its outcome class, its elapsed time,
//! and fingerprints of its interleaving and of its output.

use crate::report::expect::Verdict;
use crate::runtime::{Event, EventKind, Interest, Outcome, RunEnd, Sink, Tasks};

/// The class of a run's outcome: `ok`, `deadlock`, `failed assertion`,
/// `error ValueError`, `limit`, `expect failed`. Runs of one class are
/// counted together, and each failing class gets its smallest variant.
pub(crate) fn class(end: &RunEnd, verdict: Option<&Verdict>) -> String {
    let outcome = match &end.outcome {
        Outcome::Ok => "ok".to_owned(),
        Outcome::Error(f) if f.kind == "AssertionError" => "failed assertion".to_owned(),
        Outcome::Error(f) => format!("error {}", f.kind),
        Outcome::Deadlock(_) => "deadlock".to_owned(),
        Outcome::Limit(_) => "limit".to_owned(),
        Outcome::Stopped(_) => "stopped".to_owned(),
    };
    match verdict {
        // The scenario says what its run must do: meeting it is a pass,
        // whatever the outcome.
        Some(v) if v.met() => "ok".to_owned(),
        Some(_) if outcome == "ok" => "expect failed".to_owned(),
        _ => outcome,
    }
}

/// One line about how a run of a failing class ended, for the report.
pub(crate) fn detail(end: &RunEnd, verdict: Option<&Verdict>) -> String {
    match &end.outcome {
        Outcome::Ok => match verdict.and_then(|v| v.failures.first()) {
            Some(d) => d.message.clone(),
            None => String::new(),
        },
        Outcome::Error(f) if f.message.is_empty() => f.kind.clone(),
        Outcome::Error(f) => format!("{}: {}", f.kind, f.message),
        Outcome::Deadlock(d) => format!("{} tasks blocked forever", d.blocked.len()),
        Outcome::Limit(l) => l.message.clone(),
        Outcome::Stopped(t) => format!("stopped at {t}"),
    }
}

/// A sink that folds the events into two fingerprints: the interleaving
/// (which task did what, in order, whatever the times) and the output.
pub(crate) struct Probe {
    pub(crate) interleaving: u64,
    pub(crate) output: u64,
}

const PRIME: u64 = 0x0000_0100_0000_01B3;

impl Probe {
    pub(crate) fn new() -> Probe {
        Probe { interleaving: 0xCBF2_9CE4_8422_2325, output: 0xCBF2_9CE4_8422_2325 }
    }
}

impl Sink for Probe {
    fn interest(&self) -> Interest {
        Interest::PRINTS.with(Interest::TRACE)
    }

    fn event(&mut self, e: &Event<'_>, _: &Tasks<'_>) -> std::io::Result<()> {
        let code: u64 = match &e.kind {
            EventKind::Created => 1,
            EventKind::Print(text) => {
                for b in text.bytes().chain(std::iter::once(b'\n')) {
                    self.output = (self.output ^ u64::from(b)).wrapping_mul(PRIME);
                }
                2
            }
            EventKind::Start => 3,
            EventKind::Spawn(_) => 4,
            EventKind::Sleep(_) => 5,
            EventKind::Block(_) => 6,
            EventKind::Wait(_) => 7,
            EventKind::Wake { .. } => 8,
            EventKind::Prim(op, _) => 16 + *op as u64,
            EventKind::Cancel(_) => 9,
            EventKind::Done(_) => 10,
            EventKind::Failed(..) => 11,
            EventKind::Cancelled => 12,
            EventKind::TimeoutExpired => 13,
            _ => return Ok(()),
        };
        self.interleaving = (self.interleaving ^ (u64::from(e.task) << 8 | code)).wrapping_mul(PRIME);
        Ok(())
    }

    fn finish(&mut self, _: &RunEnd, _: &Tasks<'_>) -> std::io::Result<()> {
        Ok(())
    }
}
