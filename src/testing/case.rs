//! One scenario under `asim test`: read, compile and run it into its
//! snapshot, check its `expect:` block, and compare with the snapshot
//! stored beside it (`NAME.asim.snap`).

use crate::report::{self, snapshot::SnapshotView};
use crate::runtime::Limits;
use std::path::{Path, PathBuf};

/// The biggest snapshot kept in memory (a runaway print loop stops at a run
/// limit before this; the snapshot says where it was cut).
const SNAPSHOT_CAP: usize = 1 << 20;

/// How a scenario's test came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// The snapshot matches and every expectation holds.
    Pass,
    /// No snapshot yet: the run's is pending as `.snap.new`.
    New,
    /// The run differs from the snapshot.
    Changed,
    /// The scenario does not compile (or cannot be read).
    Invalid,
    /// An expectation of its `expect:` block failed (whatever the snapshot).
    Expect,
}

/// The result of one scenario.
#[derive(Debug)]
pub(crate) struct Case {
    pub(crate) path: PathBuf,
    /// The path as reports show it.
    pub(crate) shown: String,
    pub(crate) status: Status,
    /// The snapshot this run produced (none for an invalid scenario).
    pub(crate) actual: Option<String>,
    /// The snapshot stored beside the scenario, if any.
    pub(crate) stored: Option<String>,
    /// Why it failed, rendered (diagnostics of an invalid scenario or of
    /// failed expectations), plain and coloured.
    pub(crate) message: String,
    pub(crate) message_color: String,
    /// The run's exit status, as `asim run` would give it.
    pub(crate) exit: i32,
    /// Whether the snapshot also differs (an `Expect` failure may or may not).
    pub(crate) snapshot_differs: bool,
    /// Where the output depends on CPython's set order, rendered (plain,
    /// coloured); empty when it does not.
    pub(crate) warnings: (String, String),
}

/// `pool.yaml` → `pool.asim.snap`, beside it.
pub(crate) fn snap_path(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    scenario.with_file_name(format!("{stem}.asim.snap"))
}

/// `pool.asim.snap` → `pool.asim.snap.new`.
pub(crate) fn pending_path(scenario: &Path) -> PathBuf {
    let mut p = snap_path(scenario).into_os_string();
    p.push(".new");
    PathBuf::from(p)
}

/// Runs one scenario and compares it with its snapshot. `full`: the
/// snapshot is the whole human view instead of prints and outcome.
pub(crate) fn run(path: &Path, full: bool, limits: Limits) -> Case {
    let shown = super::discover::display(path);
    crate::memory::forget_hit();
    let mut case = Case {
        path: path.to_path_buf(),
        shown: shown.clone(),
        status: Status::Invalid,
        actual: None,
        stored: std::fs::read_to_string(snap_path(path)).ok().map(|s| s.replace("\r\n", "\n")),
        message: String::new(),
        message_color: String::new(),
        exit: crate::cli::EXIT_INVALID,
        snapshot_differs: false,
        warnings: (String::new(), String::new()),
    };
    let mut errors = Vec::new();
    let mut source = match crate::cli::read(&shown, &mut errors) {
        Ok(s) => s,
        Err(code) => {
            case.exit = code;
            case.message = String::from_utf8_lossy(&errors).into_owned();
            case.message_color = case.message.clone();
            return case;
        }
    };
    let compiled = match crate::compile_source(&source) {
        Ok(c) => c,
        Err(diags) => {
            case.exit = crate::cli::invalid_or_limit();
            case.message = crate::diagnostic::render(&source, &diags, false);
            case.message_color = crate::diagnostic::render(&source, &diags, true);
            return case;
        }
    };
    // The snapshot names the scenario by its file name only, so it reads
    // the same wherever `asim test` runs from.
    let full_path = std::mem::replace(
        &mut source.path,
        path.file_name().map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned()),
    );
    let (text, verdict, exit) = if full {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let streams = report::Streams::new(&mut out, &mut err);
        let title = crate::cli::run_title(&compiled, limits.python);
        let mut view = report::human::HumanView::new(streams, &source, &title, false);
        let (end, verdict) = compiled.run_checked(limits, &mut view);
        drop(view);
        let exit = crate::cli::run_status(&end.outcome, verdict.as_ref());
        let mut text = String::from_utf8_lossy(&out).into_owned();
        if !err.is_empty() {
            text.push_str("-- stderr\n");
            text.push_str(&String::from_utf8_lossy(&err));
        }
        (text, verdict, exit)
    } else {
        let mut view = SnapshotView::new(&source, SNAPSHOT_CAP);
        let (end, verdict) = compiled.run_checked(limits, &mut view);
        let exit = crate::cli::run_status(&end.outcome, verdict.as_ref());
        (view.into_text(), verdict, exit)
    };
    source.path = full_path;
    let warnings = compiled.set_order_warnings(&source, limits);
    if !warnings.is_empty() {
        case.warnings =
            (crate::diagnostic::render(&source, &warnings, false), crate::diagnostic::render(&source, &warnings, true));
    }
    let header = report::snapshot::header(compiled.python(limits.python), full);
    let mut actual = format!("{header}\n{text}");
    if let Some(v) = &verdict {
        let n = v.checked;
        let said = if v.met() { format!("all {n} met") } else { format!("{} of {n} failed", v.failures.len()) };
        actual.push_str(&format!("expect: {said}\n"));
        if !v.met() {
            case.message = crate::diagnostic::render(&source, &v.failures, false);
            case.message_color = crate::diagnostic::render(&source, &v.failures, true);
        }
    }
    actual.push_str(&format!("exit: {exit}\n"));
    case.exit = exit;
    case.snapshot_differs = case.stored.as_deref() != Some(actual.as_str());
    case.status = match (&case.stored, verdict.as_ref().is_some_and(|v| !v.met())) {
        (_, true) => Status::Expect,
        (None, false) => Status::New,
        (Some(_), false) if case.snapshot_differs => Status::Changed,
        (Some(_), false) => Status::Pass,
    };
    case.actual = Some(actual);
    case
}
