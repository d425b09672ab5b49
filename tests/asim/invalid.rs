//! Invalid scenarios: each fixture under `tests/invalid/` must be rejected
//! with exit status 2 and a rendered error (file:line:col, source line,
//! carets, hint), which is the snapshot.

use crate::{asim, in_root, rel};

#[test]
fn invalid_scenarios_are_explained() {
    in_root();
    crate::snapshot_settings().bind(|| {
        insta::glob!("../invalid", "*.yaml", |path| {
            let file = rel(path);
            let run = asim(&["run", &file]);
            assert_eq!(run.code, 2, "{file} must be rejected: {}", run.stdout);
            assert!(run.stdout.is_empty(), "{file}: nothing runs");
            assert!(run.stderr.contains("error:") && run.stderr.contains(&format!("{file}:")), "{}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            insta::assert_snapshot!("error", run.stderr);
        });
    });
}
