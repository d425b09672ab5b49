//! The differential expression fuzzer against CPython: batches of generated
//! expressions (`tests/gen/exprs.rs`) over the documented subset, each
//! evaluated by asim and by CPython, compared by `repr` or by the exception
//! (type and message) it raises. `ASIM_EXPR_COUNT=N` runs N batches; for
//! long runs use the `exprtest` example.

use crate::differential::python_or_skip;
use crate::gen::diff::check_exprs_skipping;
use crate::in_root;

#[test]
fn expressions_evaluate_as_in_cpython() {
    in_root();
    let Some(py) = python_or_skip("expressions_evaluate_as_in_cpython") else { return };
    let count: u64 = std::env::var("ASIM_EXPR_COUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exprs");
    let reports = check_exprs_skipping(&py, 1..1 + count, 200, &dir, None);
    assert!(reports.is_empty(), "{} expressions differ from CPython:\n{}", reports.len(), reports.join("\n\n"));
}
