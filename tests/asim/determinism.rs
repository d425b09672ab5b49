//! The output depends on the scenario alone: generated scenarios run twice
//! each, as separate processes with different environments, locales,
//! working directories and hash seeds, print the same bytes in every view.

use std::path::PathBuf;
use std::process::Command;

/// Runs the binary on `file` with `args`, in `cwd`, with `env` added.
fn run(
    file: &std::path::Path,
    args: &[&str],
    cwd: &std::path::Path,
    env: &[(&str, &str)],
) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_asim"))
        .arg("run")
        .args(args)
        .arg(file)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn every_view_is_byte_identical_across_environments() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("determinism");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let first: &[(&str, &str)] = &[("LC_ALL", "C"), ("TZ", "UTC"), ("PYTHONHASHSEED", "0")];
    let second: &[(&str, &str)] = &[
        ("LC_ALL", "de_DE.UTF-8"),
        ("LANG", "tr_TR.UTF-8"),
        ("TZ", "Asia/Kolkata"),
        ("PYTHONHASHSEED", "12345"),
        ("RUST_BACKTRACE", "1"),
        ("COLUMNS", "40"),
        ("NO_COLOR", "1"),
    ];
    for seed in 0..200 {
        let file = dir.join(format!("seed_{seed}.yaml"));
        std::fs::write(&file, crate::gen::scenario(seed)).unwrap();
        for view in [&["--color", "never"][..], &["-q"], &["--format", "json"]] {
            let a = run(&file, view, &dir, first);
            let b = run(&file, view, &elsewhere, second);
            assert_eq!(a, b, "seed {seed}, view {view:?}: the output changed with the environment");
        }
    }
}
