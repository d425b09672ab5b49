//! Every scenario under `scenarios/`, run and snapshotted in the default
//! view and in JSON. A new scenario is a new file plus a reviewed snapshot
//! (checked against CPython by the differential test).

use crate::{asim, in_root, rel};

#[test]
fn scenario_snapshots() {
    in_root();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../../scenarios", "**/*.yaml", |path| {
            let file = rel(path);
            let human = asim(&["run", "--color", "never", &file]);
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
