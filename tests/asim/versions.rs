//! asim's `--python 3.12|3.13|3.14` against those CPythons, run under
//! Pyodide (CPython compiled to WebAssembly, run by Node.js; see
//! docs/fidelity.md): every shipped scenario and regression in every set
//! order, and 300 generated scenarios (or `ASIM_GEN_COUNT`), for each
//! version. The native `python3` stays the 3.11 reference
//! (`differential.rs`, `generated.rs`).
//!
//!
//! Without Node.js and npm the tests skip (fail under `CI=true`); Pyodide
//! itself is installed into `target/pyodide/` on first use.

use crate::differential::{
    divergences_in_every_order, pyodide_or_skip, scenarios_and_twins, PYODIDE_DIFFERS, SET_ORDERS,
};
use crate::gen::diff::check_seeds_ordered;
use crate::in_root;
use std::path::PathBuf;

/// What a 32-bit (wasm32) CPython cannot print as a 64-bit one does: the
/// programs whose output depends on the hashes of strings, floats, tuples or
/// big ints (the entries of [`PYODIDE_DIFFERS`] for another reason than
/// 3.11.3's are about hashing).
fn hash_dependent(file: &str) -> bool {
    PYODIDE_DIFFERS.iter().any(|(f, why)| *f == file && why.starts_with("wasm32"))
}

fn shipped_scenarios_match(version: &str) {
    in_root();
    let test = format!("every_scenario_matches_python_{}", version.replace('.', "_"));
    let Some(py) = pyodide_or_skip(&test, version) else { return };
    let (scenarios, twins) = scenarios_and_twins();
    let failures = divergences_in_every_order(&py, version, &scenarios, &twins, hash_dependent);
    assert!(
        failures.is_empty(),
        "{} of {} runs diverge from CPython {version}:\n{}",
        failures.len(),
        scenarios.len() * SET_ORDERS.len(),
        failures.join("\n")
    );
}

fn generated_scenarios_match(version: &str) {
    let test = format!("generated_scenarios_match_python_{}", version.replace('.', "_"));
    let Some(py) = pyodide_or_skip(&test, version) else { return };
    let count: u64 = std::env::var("ASIM_GEN_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(300);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("generated-{version}"));
    let batch = check_seeds_ordered(&py, 0..count, &dir, "creation");
    let shown: Vec<&str> = batch.divergences.iter().take(3).map(|(_, r)| r.as_str()).collect();
    assert!(
        batch.divergences.is_empty(),
        "{} of {count} generated scenarios diverge from CPython {version} (first 3 shown):\n{}",
        batch.divergences.len(),
        shown.join("\n\n")
    );
    assert!(batch.ok > 0 && batch.errors > 0 && batch.deadlocks > 0, "{batch:?}");
}

#[test]
fn every_scenario_matches_python_3_12() {
    shipped_scenarios_match("3.12");
}

#[test]
fn every_scenario_matches_python_3_13() {
    shipped_scenarios_match("3.13");
}

#[test]
fn every_scenario_matches_python_3_14() {
    shipped_scenarios_match("3.14");
}

#[test]
fn generated_scenarios_match_python_3_12() {
    generated_scenarios_match("3.12");
}

#[test]
fn generated_scenarios_match_python_3_13() {
    generated_scenarios_match("3.13");
}

#[test]
fn generated_scenarios_match_python_3_14() {
    generated_scenarios_match("3.14");
}
