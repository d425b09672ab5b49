//! Generated scenarios against CPython: 300 seeds (or `ASIM_GEN_COUNT`)
//! from the generator in `tests/gen/`, each run in asim and, exported to
//! Python, on CPython's own loop. For long runs use the `difftest` example
//! (see docs/fidelity.md).

use crate::differential::python_or_skip;
use crate::differential::SET_ORDERS;
use crate::gen::diff::{check_seeds, check_seeds_ordered};
use std::path::PathBuf;

#[test]
fn generated_scenarios_match_cpython() {
    let Some(py) = python_or_skip("generated_scenarios_match_cpython") else { return };
    let count: u64 = std::env::var("ASIM_GEN_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(300);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated");
    let batch = check_seeds(&py, 0..count, &dir);
    assert!(batch.scenarios as u64 + batch.divergences.len() as u64 >= count, "{batch:?}");
    let shown: Vec<&str> = batch.divergences.iter().take(3).map(|(_, r)| r.as_str()).collect();
    assert!(
        batch.divergences.is_empty(),
        "{} of {count} generated scenarios diverge from CPython (first 3 shown):\n{}",
        batch.divergences.len(),
        shown.join("\n\n")
    );
    // The generator must exercise every outcome.
    assert!(batch.ok > 0 && batch.errors > 0 && batch.deadlocks > 0, "{batch:?}");
}

#[test]
fn generated_scenarios_match_cpython_in_every_set_order() {
    let Some(py) = python_or_skip("generated_scenarios_match_cpython_in_every_set_order") else { return };
    let count: u64 = std::env::var("ASIM_GEN_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(300) / 2;
    for order in &SET_ORDERS[1..] {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("generated-{}", order.replace(':', "-")));
        let batch = check_seeds_ordered(&py, 1000..1000 + count, &dir, order);
        let shown: Vec<&str> = batch.divergences.iter().take(3).map(|(_, r)| r.as_str()).collect();
        assert!(
            batch.divergences.is_empty(),
            "{} of {count} generated scenarios diverge from CPython under --set-order {order} (first 3 shown):\n{}",
            batch.divergences.len(),
            shown.join("\n\n")
        );
    }
}
