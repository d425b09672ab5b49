//! Fidelity against real CPython: every scenario under `scenarios/` has a
//! Python twin (`tests/seed/*.py` for the seed cases, `tests/twins/*.py`
//! for the others); the twins run on CPython's own event loop with a
//! virtual clock (`tests/harness/vclock.py`), and each print (time to the
//! last bit, task, text), the elapsed time and the outcome must be equal.
//!
//! Needs Python 3.11 or newer as `python3`. Without it the test fails under
//! `CI=true`, and elsewhere skips with a message saying so.

use crate::{asim, in_root, observable, rel, root, scenario_files};
use std::path::PathBuf;
use std::process::Command;

/// A usable `python3` (3.11+), or why not.
pub(crate) fn python() -> Result<String, String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.version_info >= (3, 11))"])
        .output()
        .map_err(|e| format!("python3 not found: {e}"))?;
    if String::from_utf8_lossy(&out.stdout).trim() == "True" {
        Ok("python3".to_owned())
    } else {
        Err("python3 is older than 3.11".to_owned())
    }
}

/// Returns the python command, or skips (outside CI) / fails (in CI).
pub(crate) fn python_or_skip(test: &str) -> Option<String> {
    match python() {
        Ok(p) => Some(p),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test} needs Python 3.11+ and CI=true: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED {test}: {why} (install Python 3.11+ to run it)");
            None
        }
    }
}

fn twin(scenario: &std::path::Path) -> PathBuf {
    let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
    let seed = scenario.parent().is_some_and(|p| p.ends_with("seed"));
    root().join(if seed { format!("tests/seed/{stem}.py") } else { format!("tests/twins/{stem}.py") })
}

/// Runs the harness on several programs; one JSON Lines text per program.
pub(crate) fn run_cpython(python: &str, programs: &[PathBuf]) -> Vec<String> {
    let mut cmd = Command::new(python);
    cmd.arg(root().join("tests/harness/vclock.py"));
    if programs.len() == 1 {
        // The harness only separates programs when there are several.
        cmd.arg(&programs[0]).arg(&programs[0]);
    } else {
        cmd.args(programs);
    }
    let out = cmd.output().expect("run the harness");
    assert!(out.status.success(), "harness failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut runs: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.contains("\"event\": \"program\"") {
            runs.push(String::new());
        } else if let Some(r) = runs.last_mut() {
            r.push_str(line);
            r.push('\n');
        }
    }
    runs.truncate(programs.len());
    runs
}

/// Compares asim's JSON with CPython's; `None` if they agree, else a report.
pub(crate) fn divergence(name: &str, ours: &str, theirs: &str) -> Option<String> {
    let (a, ae) = observable(ours);
    let (b, be) = observable(theirs);
    if a == b && ae == be {
        return None;
    }
    let mut report = format!("DIVERGENCE in {name}\n  asim | cpython\n");
    let n = a.len().max(b.len());
    let mut first = true;
    for i in 0..n {
        let (x, y) = (a.get(i), b.get(i));
        let mark = if x == y {
            "  "
        } else if first {
            first = false;
            ">>"
        } else {
            "!!"
        };
        report.push_str(&format!("{mark} {x:?} | {y:?}\n"));
    }
    report.push_str(&format!("{} end {ae:?} | {be:?}\n", if ae == be { "  " } else { ">>" }));
    Some(report)
}

/// Writes `asim export python` of each scenario to a scratch folder.
pub(crate) fn export_all(scenarios: &[PathBuf], dir: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let export = asim(&["export", "python", &rel(s)]);
            assert_eq!(export.code, 0, "export of {}: {}", rel(s), export.stderr);
            let path = dir.join(format!("{i:04}_{}.py", s.file_stem().unwrap().to_string_lossy()));
            std::fs::write(&path, export.stdout).unwrap();
            path
        })
        .collect()
}

#[test]
fn exported_programs_print_what_asim_prints() {
    in_root();
    let Some(py) = python_or_skip("exported_programs_print_what_asim_prints") else { return };
    let scenarios = scenario_files();
    let exports = export_all(&scenarios, "exports");
    let cpython = run_cpython(&py, &exports);
    let mut failures = Vec::new();
    for ((s, e), theirs) in scenarios.iter().zip(&exports).zip(&cpython) {
        let file = rel(s);
        let ours = asim(&["run", "--format", "json", &file]);
        if let Some(report) = divergence(&file, &ours.stdout, theirs) {
            failures.push(format!("{report}exported program: {}\n", e.display()));
        }
    }
    assert!(failures.is_empty(), "{} exports diverge:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_scenario_matches_cpython() {
    in_root();
    let Some(py) = python_or_skip("every_scenario_matches_cpython") else { return };
    let scenarios = scenario_files();
    let twins: Vec<PathBuf> = scenarios.iter().map(|s| twin(s)).collect();
    for (s, t) in scenarios.iter().zip(&twins) {
        assert!(t.exists(), "{} has no Python twin at {}", rel(s), rel(t));
    }
    let cpython = run_cpython(&py, &twins);
    assert_eq!(cpython.len(), scenarios.len());
    let mut failures = Vec::new();
    for (s, theirs) in scenarios.iter().zip(&cpython) {
        let file = rel(s);
        let ours = asim(&["run", "--format", "json", &file]);
        if let Some(report) = divergence(&file, &ours.stdout, theirs) {
            failures.push(format!("{report}{}", ours.stderr));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios diverge from CPython:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}
