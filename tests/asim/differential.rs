//! Fidelity against real CPython: every scenario under `scenarios/` has a
//! Python twin (`tests/seed/*.py` for the seed cases, `tests/twins/*.py`
//! for the others); the twins run on CPython's own event loop with a
//! virtual clock (`tests/harness/vclock.py`), and each print (time to the
//! last bit, task, text), the elapsed time and the outcome must be equal.
//!
//! Needs Python 3.11 or newer as `python3`. Without it the test fails under
//! `CI=true`, and elsewhere skips with a message saying so.

use crate::gen::diff::{
    cpython, divergence, python, run_cpython, run_cpython_ordered, run_harness, traceback_shape, Cpython,
};
use crate::{asim, in_root, rel, root, scenario_files};
use std::path::PathBuf;

/// Returns the python command, or skips (outside CI) / fails (in CI).
pub(crate) fn python_or_skip(test: &str) -> Option<Cpython> {
    match python() {
        Ok(p) => Some(p),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test} needs Python 3.11+ and CI=true: {why}")
        }
        Err(why) => {
            // Straight to the stderr handle: the test harness captures
            // `eprintln!` of passing tests, and this must be seen.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why} (install Python 3.11+ to run it)");
            None
        }
    }
}

/// CPython `version` under Pyodide (installed into `target/pyodide/` on
/// first use), or skips (outside CI) / fails (in CI) when it cannot be had:
/// no Node.js or npm, or the install failed.
pub(crate) fn pyodide_or_skip(test: &str, version: &str) -> Option<Cpython> {
    match cpython(Some(version)) {
        Ok(p) => Some(p),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test} needs Pyodide (Python {version}) run by Node.js, and CI=true: {why}")
        }
        Err(why) => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {why} (install Node.js 18+ and npm to run it; Pyodide is installed into target/pyodide/)"
            );
            None
        }
    }
}

/// What Pyodide's CPython prints differently from the native one for a
/// reason that is not the harness's, by program: a WebAssembly build is a
/// 32-bit platform (`sys.hash_info.width` 32, FNV string hashes, hash
/// modulus 2**31 - 1), so sets of strings, of floats, of tuples and of big
/// ints iterate in another order; and Pyodide 0.25.1's CPython is 3.11.3,
/// where a lone exception re-raised from `except*` is still wrapped in an
/// ExceptionGroup (gh-103590, fixed in 3.11.4).
pub(crate) const PYODIDE_DIFFERS: [(&str, &str); 4] = [
    ("tests/regressions/set_of_strings.yaml", "wasm32 string hashes"),
    ("tests/regressions/sets.yaml", "wasm32 string, float and tuple hashes"),
    ("scenarios/shard_router.yaml", "wasm32 int hashes (hash(n) % shards)"),
    ("tests/regressions/except_star_reraise.yaml", "3.11.3 only: gh-103590"),
];

/// The harness under Pyodide's CPython 3.11 (3.11.3) prints what it prints
/// under the native 3.11, for every shipped scenario and regression in
/// every set order, but for [`PYODIDE_DIFFERS`]: the in-process runner
/// (one interpreter, no fork, tasks named by the loop) reproduces the
/// forking one.
#[test]
fn pyodide_harness_agrees_with_native_python() {
    in_root();
    let test = "pyodide_harness_agrees_with_native_python";
    let Some(py) = python_or_skip(test) else { return };
    let Some(pyodide) = pyodide_or_skip(test, "3.11") else { return };
    let (scenarios, twins) = scenarios_and_twins();
    let mut failures = Vec::new();
    for order in SET_ORDERS {
        let native = run_cpython_ordered(&py, &twins, order);
        let wasm = run_cpython_ordered(&pyodide, &twins, order);
        assert_eq!(wasm.len(), scenarios.len());
        for ((s, a), b) in scenarios.iter().zip(&native).zip(&wasm) {
            let file = rel(s);
            let known = PYODIDE_DIFFERS.iter().any(|(f, _)| *f == file);
            match divergence(&format!("{file} (--set-order {order})"), a, b) {
                Some(report) if !known => failures.push(report),
                None if known && order == "creation" => {
                    failures.push(format!("{file} is listed in PYODIDE_DIFFERS but prints the same"))
                }
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{} runs differ (native | pyodide):\n{}", failures.len(), failures.join("\n"));
}

fn twin(scenario: &std::path::Path) -> PathBuf {
    let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
    if scenario.parent().is_some_and(|p| p.ends_with("regressions")) {
        return scenario.with_extension("py");
    }
    let seed = scenario.parent().is_some_and(|p| p.ends_with("seed"));
    root().join(if seed { format!("tests/seed/{stem}.py") } else { format!("tests/twins/{stem}.py") })
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
        let ours = asim(&["run", "--python", "3.11", "--format", "json", &file]);
        if let Some(report) = divergence(&file, &ours.stdout, theirs) {
            failures.push(format!("{report}exported program: {}\n", e.display()));
        }
    }
    assert!(failures.is_empty(), "{} exports diverge:\n{}", failures.len(), failures.join("\n"));
}

/// The set orders every differential test runs in.
pub(crate) const SET_ORDERS: [&str; 4] = ["creation", "reverse", "shuffle:1", "shuffle:2"];

/// Whether some set order changes what a scenario prints: the shipped ones
/// that depend on it, so the orders are really exercised.
fn depends_on_set_order(file: &str) -> bool {
    let runs: Vec<String> = SET_ORDERS.iter().map(|o| asim(&["run", "-q", "--set-order", o, file]).stdout).collect();
    runs.iter().any(|r| *r != runs[0])
}

#[test]
fn some_shipped_scenarios_depend_on_the_set_order() {
    in_root();
    for file in ["scenarios/shutdown_storm.yaml", "scenarios/mass_cancel.yaml", "scenarios/leftover_tasks.yaml"] {
        assert!(depends_on_set_order(file), "{file} should print differently in some set order");
    }
    assert!(!depends_on_set_order("scenarios/download_pool.yaml"));
}

/// A set of strings prints in the order CPython gives with the same
/// PYTHONHASHSEED: `asim run --hash-seed N` against CPython run with it.
#[test]
fn string_sets_follow_the_hash_seed_as_cpython_does() {
    in_root();
    let Some(py) = python_or_skip("string_sets_follow_the_hash_seed_as_cpython_does") else { return };
    for file in ["tests/regressions/set_of_strings.yaml", "tests/regressions/sets.yaml"] {
        let prog = twin(&root().join(file));
        for seed in ["1", "4242", "4294967295"] {
            let ours = asim(&["run", "--python", "3.11", "--format", "json", "--hash-seed", seed, file]).stdout;
            let theirs = run_harness(&py, std::slice::from_ref(&prog), &["--hash-seed", seed]).remove(0);
            if let Some(d) = divergence(&format!("{file} --hash-seed {seed}"), &ours, &theirs) {
                panic!("{d}");
            }
        }
    }
    // The seed matters: a set of strings prints differently under another one.
    let a = asim(&["run", "-q", "tests/regressions/set_of_strings.yaml"]).stdout;
    let b = asim(&["run", "-q", "--hash-seed", "1", "tests/regressions/set_of_strings.yaml"]).stdout;
    assert_ne!(a, b);
}

/// Shipped scenarios and the minimised regressions of divergences found,
/// with their Python twins.
pub(crate) fn scenarios_and_twins() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut scenarios = scenario_files();
    let mut regressions: Vec<PathBuf> = std::fs::read_dir(root().join("tests/regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    regressions.sort();
    scenarios.extend(regressions);
    let twins: Vec<PathBuf> = scenarios.iter().map(|s| twin(s)).collect();
    for (s, t) in scenarios.iter().zip(&twins) {
        assert!(t.exists(), "{} has no Python twin at {}", rel(s), rel(t));
    }
    (scenarios, twins)
}

/// The traceback of a run that ends with an exception is laid out as
/// Python's: the same chained exceptions with the same sentences between
/// them, the same group boxes with the same margins, the same exception
/// lines (the frames differ: the scenario's lines against the program's).
#[test]
fn tracebacks_are_laid_out_as_pythons() {
    in_root();
    let Some(py) = python_or_skip("tracebacks_are_laid_out_as_pythons") else { return };
    let (scenarios, twins) = scenarios_and_twins();
    let mut failing = Vec::new();
    for (s, t) in scenarios.iter().zip(&twins) {
        let file = rel(s);
        let json = asim(&["run", "--python", "3.11", "--format", "json", &file]).stdout;
        // Warnings go to stderr too; those runs are left to the JSON comparison.
        if json.contains("\"outcome\":\"error\"") && !json.contains("\"event\":\"warning\"") {
            failing.push((file, t.clone()));
        }
    }
    assert!(failing.len() >= 10, "only {} scenarios end with an exception", failing.len());
    let programs: Vec<PathBuf> = failing.iter().map(|(_, t)| t.clone()).collect();
    let reports = run_harness(&py, &programs, &["--report"]);
    let mut failures = Vec::new();
    for ((file, _), theirs) in failing.iter().zip(&reports) {
        let end: serde_json::Value =
            serde_json::from_str(theirs.lines().last().unwrap_or("{}")).expect("the harness's end event");
        let report = end["report"].as_str().unwrap_or_default();
        let ours = asim(&["run", "--python", "3.11", "-q", file]).stderr;
        let (a, b) = (traceback_shape(&ours), traceback_shape(report));
        if a != b {
            failures.push(format!("{file}\n--- asim\n{}\n--- cpython\n{}\n", a.join("\n"), b.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{} tracebacks differ in layout:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_scenario_matches_cpython() {
    in_root();
    let Some(py) = python_or_skip("every_scenario_matches_cpython") else { return };
    let (scenarios, twins) = scenarios_and_twins();
    // Every set order: the harness pins CPython's set iterations to the
    // same rule as asim's --set-order.
    let failures = divergences_in_every_order(&py, "3.11", &scenarios, &twins, |_| false);
    assert!(
        failures.is_empty(),
        "{} of {} scenarios diverge from CPython:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}

#[test]
fn exported_globals_come_after_what_they_name() {
    in_root();
    let Some(py) = python_or_skip("exported_globals_come_after_what_they_name") else { return };
    let file = "tests/regressions/var_holds_primitive.yaml";
    let export = asim(&["export", "python", file]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let at = |name: &str| export.stdout.find(&format!("\n{name} = ")).unwrap_or_else(|| panic!("{name} defined"));
    assert!(at("limit") < at("sem") && at("sem") < at("guard"), "{}", export.stdout);
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("var_holds_primitive.py");
    std::fs::write(&path, &export.stdout).unwrap();
    let run = std::process::Command::new(py.native_command().unwrap()).arg(&path).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(String::from_utf8_lossy(&run.stdout), asim(&["run", "--python", "3.11", "-q", file]).stdout);
}

/// Runs every scenario in asim (`--python version`) and its twin on `py`, in
/// every set order, leaving out those `skip` names; the divergence reports.
pub(crate) fn divergences_in_every_order(
    py: &crate::gen::diff::Cpython,
    version: &str,
    scenarios: &[PathBuf],
    twins: &[PathBuf],
    skip: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut failures = Vec::new();
    for order in SET_ORDERS {
        let cpython = run_cpython_ordered(py, twins, order);
        assert_eq!(cpython.len(), scenarios.len());
        for (s, theirs) in scenarios.iter().zip(&cpython) {
            let file = rel(s);
            if skip(&file) {
                continue;
            }
            let ours = asim(&["run", "--python", version, "--format", "json", "--set-order", order, &file]);
            let name = format!("{file} (--python {version} --set-order {order})");
            if let Some(report) = divergence(&name, &ours.stdout, theirs) {
                failures.push(format!("{report}{}", ours.stderr));
            }
        }
    }
    failures
}
