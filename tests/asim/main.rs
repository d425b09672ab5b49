//! asim's integration tests: one test binary, one file per behaviour.
//!
//! Everything here goes through the real command-line entry point
//! (`asim::cli::main_with`), with in-memory stdout and stderr.

#[path = "../gen/mod.rs"]
mod gen;

mod at;
mod cli;
mod critical;
mod determinism;
mod differential;
mod events;
mod expect;
mod explore;
mod exprs;
mod generated;
mod graph;
mod human_filters;
mod invalid;
mod limits;
mod lints;
mod perfetto;
mod robustness;
mod scenarios;
mod schema;
mod seed;
mod summary;
mod sweep;
mod test_command;
mod timeline;
mod versions;
mod views;

pub(crate) use gen::diff::{observable, root};
use std::path::{Path, PathBuf};

/// What one `asim` invocation produced.
pub(crate) struct Output {
    /// Exit status.
    pub(crate) code: i32,
    /// What it wrote to stdout.
    pub(crate) stdout: String,
    /// What it wrote to stderr.
    pub(crate) stderr: String,
}

/// Runs `asim ARGS...` in-process.
pub(crate) fn asim(args: &[&str]) -> Output {
    let (code, stdout, stderr) = gen::diff::run_asim(args);
    Output { code, stdout, stderr }
}

/// Snapshots go to `snapshots/` at the root, named by fixture only.
pub(crate) fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// A path relative to the root, as a string with `/` separators.
pub(crate) fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Runs from the repository root, so paths in messages are stable.
pub(crate) fn in_root() {
    std::env::set_current_dir(root()).unwrap();
}

/// Every scenario file under `scenarios/`, sorted.
pub(crate) fn scenario_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root().join("scenarios")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
