//! `asim run --python all`: the scenario under every supported CPython
//! release, and where they part. Each release's run is taken as its
//! snapshot (the lines `asim test` pins: prints and warnings with time and
//! task, then the outcome, elapsed time and task count); consecutive
//! releases are compared line by line, and a difference is explained by
//! the version changes between them whose mechanism the runs went through.
//!
//! ```text
//! asim run pool · Python 3.11 to 3.14
//! 3.11  ok, 2.0 s, 4 lines
//! 3.12  same as 3.11
//! 3.13  differs from 3.12 at line 2:
//!         3.12 | 0.0 Task-3 | start b
//!         3.13 | 0.0 Task-2 | start b
//!       because a task created with name= no longer uses up a Task-N number (3.13, gh-112622)
//! 3.14  same as 3.13
//! ```

use super::snapshot::SnapshotView;
use super::Style;
use crate::runtime::{Limits, Outcome, RunEnd};
use crate::source::Source;
use crate::version::{Change, Python};
use std::fmt::Write as _;

/// The most snapshot text kept per release.
const CAP: usize = 64 << 20;

/// One release's run.
struct Run {
    python: Python,
    end: RunEnd,
    text: String,
}

/// How a release compares with the one before it.
enum Verdict {
    First,
    Same,
    /// The 1-based line where they part, and the two lines (`None`: that
    /// run's text ended first).
    Differs(usize, Option<String>, Option<String>),
}

fn verdict(prev: &Run, cur: &Run) -> Verdict {
    let (mut a, mut b) = (prev.text.lines(), cur.text.lines());
    let mut n = 0;
    loop {
        n += 1;
        match (a.next(), b.next()) {
            (None, None) => return Verdict::Same,
            (x, y) if x == y => continue,
            (x, y) => return Verdict::Differs(n, x.map(str::to_owned), y.map(str::to_owned)),
        }
    }
}

/// The changes from `prev` (exclusive) to `cur` (inclusive) whose
/// mechanism either run went through.
fn explaining(prev: &Run, cur: &Run) -> Vec<Change> {
    let touched = prev.end.changes | cur.end.changes;
    Change::ALL
        .into_iter()
        .filter(|c| c.since() > prev.python && c.since() <= cur.python && touched & c.bit() != 0)
        .collect()
}

fn summary(end: &RunEnd, text: &str) -> String {
    let outcome = match &end.outcome {
        Outcome::Ok => "ok".to_owned(),
        Outcome::Error(f) => format!("error {}", f.kind),
        Outcome::Deadlock(_) => "deadlock".to_owned(),
        Outcome::Limit(_) => "limit".to_owned(),
        Outcome::Stopped(_) => "stopped".to_owned(),
    };
    let lines = text.lines().take_while(|l| *l != "--").count();
    let elapsed = crate::value::pyfmt::float_repr(end.elapsed);
    format!("{outcome}, {elapsed} s, {lines} line{}", if lines == 1 { "" } else { "s" })
}

/// Runs `compiled` under every release; the comparison's text (JSON Lines
/// if `json`), and whether all releases agree.
pub fn run_all(source: &Source, compiled: &crate::Compiled, limits: Limits, json: bool, color: bool) -> (String, bool) {
    let runs: Vec<Run> = Python::ALL
        .into_iter()
        .map(|python| {
            let mut view = SnapshotView::new(source, CAP);
            let end = compiled.run(Limits { python: Some(python), ..limits }, &mut view);
            Run { python, end, text: view.into_text() }
        })
        .collect();
    let mut agree = true;
    let mut text = String::new();
    let st = Style { on: color };
    if !json {
        let _ = writeln!(
            text,
            "{}",
            st.paint(
                super::BOLD,
                &format!("asim run {} · Python {} to {}", compiled.name(), Python::ALL[0], Python::ALL[3])
            )
        );
    }
    for (i, cur) in runs.iter().enumerate() {
        let v = if i == 0 { Verdict::First } else { verdict(&runs[i - 1], cur) };
        let because = if i == 0 { Vec::new() } else { explaining(&runs[i - 1], cur) };
        if matches!(v, Verdict::Differs(..)) {
            agree = false;
        }
        if json {
            json_line(&mut text, cur, i.checked_sub(1).map(|p| &runs[p]), &v, &because);
        } else {
            human(&mut text, st, cur, i.checked_sub(1).map(|p| &runs[p]), &v, &because);
        }
    }
    (text, agree)
}

fn human(text: &mut String, st: Style, cur: &Run, prev: Option<&Run>, v: &Verdict, because: &[Change]) {
    let tag = st.paint(super::BOLD, cur.python.as_str());
    match (v, prev) {
        (Verdict::Differs(line, a, b), Some(p)) => {
            let _ = writeln!(
                text,
                "{tag}  {}",
                st.paint(super::YELLOW, &format!("differs from {} at line {line}:", p.python))
            );
            let shown = |l: &Option<String>| l.clone().unwrap_or_else(|| "(nothing: the run ended)".to_owned());
            let _ = writeln!(text, "        {} | {}", p.python, shown(a));
            let _ = writeln!(text, "        {} | {}", cur.python, shown(b));
            if because.is_empty() {
                let _ = writeln!(text, "      (no change asim knows of explains it: please report this scenario)");
            }
            for c in because {
                let _ = writeln!(text, "      because {} ({}, {})", c.what(), c.since(), c.issue());
            }
        }
        (Verdict::Same, Some(p)) => {
            let _ = writeln!(text, "{tag}  same as {}", p.python);
        }
        _ => {
            let _ = writeln!(text, "{tag}  {}", summary(&cur.end, &cur.text));
        }
    }
}

fn json_line(text: &mut String, cur: &Run, prev: Option<&Run>, v: &Verdict, because: &[Change]) {
    let mut obj = serde_json::json!({
        "python": cur.python.as_str(),
        "outcome": match &cur.end.outcome {
            Outcome::Ok => "ok",
            Outcome::Error(_) => "error",
            Outcome::Deadlock(_) => "deadlock",
            Outcome::Limit(_) => "limit",
            Outcome::Stopped(_) => "stopped",
        },
        "elapsed": cur.end.elapsed,
    });
    if let (Some(p), Verdict::Same) = (prev, v) {
        obj["same_as"] = p.python.as_str().into();
    }
    if let (Some(p), Verdict::Differs(line, a, b)) = (prev, v) {
        obj["differs_from"] = serde_json::json!({
            "python": p.python.as_str(),
            "line": line,
            "theirs": a,
            "ours": b,
            "changes": because.iter().map(|c| serde_json::json!({
                "since": c.since().as_str(), "issue": c.issue(), "what": c.what(),
            })).collect::<Vec<_>>(),
        });
    }
    let _ = writeln!(text, "{obj}");
}
