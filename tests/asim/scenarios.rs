//! Every scenario under `scenarios/`, run and snapshotted in the default
//! view and in JSON. A new scenario is a new file plus a reviewed snapshot
//! (checked against CPython by the differential test).

use crate::{asim, in_root, rel};

#[test]
fn scenario_snapshots() {
    in_root();
    crate::snapshot_settings().bind(|| {
        insta::glob!("../../scenarios", "**/*.yaml", |path| {
            let file = rel(path);
            // Every event: a folded run of sleeps would hide the order a
            // change in the emulator shows up in.
            let human = asim(&["run", "--color", "never", "--no-fold", &file]);
            let json = asim(&["run", "--format", "json", &file]);
            assert_eq!(human.code, json.code, "{file}");
            insta::assert_snapshot!("human", format!("exit {}\n{}{}", human.code, human.stdout, human.stderr));
            insta::assert_snapshot!("json", json.stdout);
            let export = asim(&["export", "python", &file]);
            assert_eq!(export.code, 0, "{file}: {}", export.stderr);
            insta::assert_snapshot!("python", export.stdout);
        });
    });
}
