//! Finding the scenarios `asim test` runs: the files named, and every
//! `*.yaml` / `*.yml` under the folders named, skipping hidden folders,
//! `target/` and what `--exclude` says, in a stable (sorted) order.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// What discovery found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Scenarios to run, sorted by path.
    pub(crate) files: Vec<PathBuf>,
    /// YAML files under a folder that are not scenarios (no top-level
    /// `main:` line): other tools' files, left alone.
    pub(crate) not_scenarios: usize,
    /// Scenarios left out by a name filter or `--exclude`.
    pub(crate) filtered: usize,
}

/// Builds the `--exclude` matcher; an invalid glob is an error message.
pub(crate) fn excludes(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // `--exclude slow` means the folder or file `slow` anywhere, as
        // `--exclude '**/slow'` and everything under it.
        let p = p.trim_end_matches('/');
        for pat in [p.to_owned(), format!("**/{p}"), format!("{p}/**"), format!("**/{p}/**")] {
            b.add(Glob::new(&pat).map_err(|e| format!("--exclude {p}: {e}"))?);
        }
    }
    b.build().map_err(|e| e.to_string())
}

/// Finds the scenarios under `roots`. A file named directly is always
/// taken; under a folder, only what looks like a scenario.
pub(crate) fn find(roots: &[PathBuf], exclude: &GlobSet, filters: &[String]) -> Result<Found, String> {
    let mut found = Found::default();
    let mut files = Vec::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        if meta.is_file() {
            files.push(root.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
        for entry in walk.filter_entry(|e| e.depth() == 0 || !skipped_dir(e)) {
            let entry = entry
                .map_err(|e| format!("cannot read {}: {e}", e.path().map_or(root.as_path(), Path::new).display()))?;
            let path = entry.path();
            if !entry.file_type().is_file() || !is_yaml(path) {
                continue;
            }
            if looks_like_scenario(path) {
                files.push(path.to_path_buf());
            } else {
                found.not_scenarios += 1;
            }
        }
    }
    files.sort();
    files.dedup();
    for f in files {
        let shown = display(&f);
        let excluded = exclude.is_match(&shown) || exclude.is_match(&f);
        let wanted = filters.is_empty() || filters.iter().any(|n| shown.contains(n.as_str()));
        if excluded || !wanted {
            found.filtered += 1;
        } else {
            found.files.push(f);
        }
    }
    Ok(found)
}

/// A path as shown in reports: relative as given, with `/`, no `./`.
pub(crate) fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

fn skipped_dir(e: &walkdir::DirEntry) -> bool {
    if !e.file_type().is_dir() {
        return false;
    }
    let name = e.file_name().to_string_lossy();
    name.starts_with('.') || name == "target" || name == "node_modules"
}

fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// A scenario has a top-level `main:` (the one key the format requires);
/// a CI workflow or a compose file does not.
fn looks_like_scenario(path: &Path) -> bool {
    match std::fs::read(path) {
        Ok(bytes) => bytes.split(|b| *b == b'\n').any(|l| l.starts_with(b"main:") || l.starts_with(b"\"main\":")),
        // Unreadable: take it, so the error is reported, not hidden.
        Err(_) => true,
    }
}
