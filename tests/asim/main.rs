//! asim's integration tests: one test binary, one file per behaviour.
//!
//! Everything here goes through the real command-line entry point
//! (`asim::cli::main_with`), with in-memory stdout and stderr.

mod cli;
mod differential;
mod invalid;
mod scenarios;
mod seed;

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

/// One print event: time, task, text.
pub(crate) type Print = (f64, String, String);
/// The end of a run: elapsed, outcome, error.
pub(crate) type End = (f64, String, serde_json::Value);

/// Runs `asim ARGS...` in-process.
pub(crate) fn asim(args: &[&str]) -> Output {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("asim").chain(args.iter().copied()).map(Into::into);
    let code = asim::cli::main_with(argv, &mut out, &mut err, false);
    Output { code, stdout: String::from_utf8(out).unwrap(), stderr: String::from_utf8(err).unwrap() }
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// Print events and the end of a JSON run, as comparable values:
/// (t, task, text) for each print, then (elapsed, outcome, error).
pub(crate) fn observable(jsonl: &str) -> (Vec<Print>, End) {
    let mut prints = Vec::new();
    let mut end = None;
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSON line {line:?}: {e}"));
        match v["event"].as_str() {
            Some("print") => prints.push((
                v["t"].as_f64().unwrap(),
                v["task"].as_str().unwrap().to_owned(),
                v["text"].as_str().unwrap().to_owned(),
            )),
            Some("end") => {
                end = Some((
                    v["elapsed"].as_f64().unwrap(),
                    v["outcome"].as_str().unwrap().to_owned(),
                    v["error"].clone(),
                ))
            }
            _ => {}
        }
    }
    (prints, end.expect("an end event"))
}
