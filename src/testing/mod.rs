//! `asim test`: snapshot testing of many scenarios, in the manner of
//! `cargo insta` and pytest. Finds the scenarios ([`discover`]), runs them
//! in parallel on every core ([`case`]), compares each with the snapshot
//! beside it, shows a unified diff for each change ([`diff`]), writes the
//! new version as `.asim.snap.new`, and accepts or reviews pending ones.
//! `--junit` writes a report for CI systems ([`junit`]).

mod case;
mod diff;
mod discover;
mod junit;

use crate::report::{Style, BOLD, GREEN, RED, YELLOW};
use crate::runtime::Limits;
use case::{Case, Status};
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// What `asim test` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files and folders to test (the current folder when empty).
    pub paths: Vec<PathBuf>,
    /// Only scenarios whose path contains one of these.
    pub filters: Vec<String>,
    /// Globs of files and folders to leave out.
    pub exclude: Vec<String>,
    /// Write every changed or new snapshot as accepted.
    pub accept: bool,
    /// Walk the changed and new snapshots, asking for each.
    pub review: bool,
    /// Write a JUnit XML report here.
    pub junit: Option<PathBuf>,
    /// Stop at the first failure.
    pub fail_fast: bool,
    /// Snapshot the whole human view instead of prints and outcome.
    pub full: bool,
    /// Colour in the report.
    pub color: bool,
    /// Running in CI (`CI=true`): a missing snapshot is a failure.
    pub ci: bool,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// The run limits for each scenario.
    pub limits: Limits,
}

/// Whether a case counts as failed.
pub(crate) fn is_failure(c: &Case, ci: bool) -> bool {
    match c.status {
        Status::Pass => false,
        Status::New => ci,
        Status::Changed | Status::Invalid | Status::Expect => true,
    }
}

/// Runs `asim test`; returns the exit status (0 when every scenario passed).
pub fn run(opts: &Options, out: &mut dyn Write, err: &mut dyn Write, input: &mut dyn BufRead) -> i32 {
    let style = Style { on: opts.color };
    let roots = if opts.paths.is_empty() { vec![PathBuf::from(".")] } else { opts.paths.clone() };
    let exclude = match discover::excludes(&opts.exclude) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return crate::cli::EXIT_INVALID;
        }
    };
    let found = match discover::find(&roots, &exclude, &opts.filters) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return crate::cli::EXIT_INVALID;
        }
    };
    if found.files.is_empty() {
        let _ = writeln!(
            err,
            "error: no scenarios found{} (a scenario is a `*.yaml` file with a top-level `main:`; hidden folders and `target/` are skipped)",
            if opts.filters.is_empty() && opts.exclude.is_empty() { String::new() } else { " that match".to_owned() }
        );
        return crate::cli::EXIT_INVALID;
    }
    let cases = run_all(&found.files, opts);
    let stopped_early = cases.len() < found.files.len();

    // Report, in path order.
    let mut diffs_plain = Vec::with_capacity(cases.len());
    for c in &cases {
        let plain =
            c.actual.as_ref().filter(|_| c.snapshot_differs && c.stored.is_some()).map(|new| {
                diff::unified(c.stored.as_deref().unwrap_or(""), new, &label(c, false), &label(c, true), false)
            });
        diffs_plain.push(plain);
        let _ = write!(out, "{}", case_report(c, opts, style));
    }

    // Snapshots: accept, review, or leave pending.
    let mut accepted = 0;
    let mut pending = 0;
    let mut reviewed_away = 0;
    let mut quit = false;
    let mut decisions = vec![None; cases.len()];
    for (i, c) in cases.iter().enumerate() {
        let Some(actual) = &c.actual else { continue };
        let changed =
            matches!(c.status, Status::New | Status::Changed) || (c.status == Status::Expect && c.snapshot_differs);
        let pending_file = case::pending_path(&c.path);
        if !changed {
            // Up to date: a leftover pending file is stale.
            let _ = std::fs::remove_file(&pending_file);
            continue;
        }
        let decision = if opts.accept {
            Decision::Accept
        } else if opts.review && !quit {
            let d = ask(c, actual, style, out, input);
            quit = d == Decision::Quit;
            d
        } else {
            Decision::Skip
        };
        decisions[i] = Some(decision);
        let written = match decision {
            Decision::Accept => {
                let r = std::fs::write(case::snap_path(&c.path), actual);
                let _ = std::fs::remove_file(&pending_file);
                accepted += usize::from(r.is_ok());
                r
            }
            Decision::Reject => {
                reviewed_away += 1;
                match std::fs::remove_file(&pending_file) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                }
            }
            Decision::Skip | Decision::Quit => {
                pending += 1;
                std::fs::write(&pending_file, actual)
            }
        };
        if let Err(e) = written {
            let _ = writeln!(err, "error: cannot write the snapshot of {}: {e}", c.shown);
            return crate::cli::EXIT_INVALID;
        }
    }

    if let Some(path) = &opts.junit {
        if let Err(e) = std::fs::write(path, junit::report(&cases, &diffs_plain, opts.ci)) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return crate::cli::EXIT_INVALID;
        }
    }

    // The summary line.
    let count = |s: Status| cases.iter().filter(|c| c.status == s).count();
    let passed = count(Status::Pass);
    let new = count(Status::New);
    // A snapshot accepted now passes from here on; an expectation does not.
    let failed = cases.iter().filter(|c| is_failure(c, opts.ci)).count();
    let mut parts = vec![
        style.paint(GREEN, &format!("{passed} passed")),
        if failed > 0 { style.paint(RED, &format!("{failed} failed")) } else { "0 failed".to_owned() },
    ];
    if new > 0 {
        parts.push(style.paint(YELLOW, &format!("{new} new")));
    }
    let warned = cases.iter().filter(|c| !c.warnings.0.is_empty()).count();
    if warned > 0 {
        parts.push(style.paint(YELLOW, &format!("{warned} with set-order warnings")));
    }
    if found.not_scenarios > 0 {
        parts.push(format!(
            "{} other YAML file{} skipped (no top-level `main:`)",
            found.not_scenarios,
            plural(found.not_scenarios)
        ));
    }
    if found.filtered > 0 {
        parts.push(format!("{} filtered out", found.filtered));
    }
    if stopped_early {
        parts.push(format!("{} not run (--fail-fast)", found.files.len() - cases.len()));
    }
    let _ = writeln!(out, "\n{}", style.paint(BOLD, &parts.join(", ")));
    if accepted > 0 {
        let _ = writeln!(out, "accepted {accepted} snapshot{}", plural(accepted));
    }
    if reviewed_away > 0 {
        let _ = writeln!(out, "rejected {reviewed_away} snapshot{}", plural(reviewed_away));
    }
    if pending > 0 {
        let _ = writeln!(
            out,
            "{pending} snapshot{} pending as .asim.snap.new: review with `asim test --review`, or accept all with `asim test --accept`",
            plural(pending)
        );
    }
    if new > 0 && opts.ci && !opts.accept {
        let _ = writeln!(
            out,
            "a missing snapshot fails under CI=true: run `asim test --accept` locally and commit the .asim.snap files"
        );
    }
    let _ = out.flush();
    // What was accepted now passes from here on; an invalid scenario or a
    // failed expectation does not.
    let still_failing = cases.iter().zip(&decisions).any(|(c, d)| {
        let accepted = *d == Some(Decision::Accept);
        match c.status {
            Status::Pass => false,
            Status::Invalid | Status::Expect => true,
            Status::Changed => !accepted,
            Status::New => opts.ci && !accepted,
        }
    });
    if still_failing {
        crate::cli::EXIT_ERROR
    } else {
        crate::cli::EXIT_OK
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Runs every scenario on a pool of big-stack threads (the passes over a
/// scenario are recursive, like `asim run`'s worker thread), keeping the
/// results in path order.
fn run_all(files: &[PathBuf], opts: &Options) -> Vec<Case> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .stack_size(crate::cli::STACK_SIZE)
        .thread_name(|i| format!("asim-test-{i}"))
        .build();
    let stop = AtomicBool::new(false);
    let one = |f: &PathBuf| {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let c = case::run(f, opts.full, opts.limits);
        if opts.fail_fast && is_failure(&c, opts.ci) {
            stop.store(true, Ordering::Relaxed);
        }
        Some(c)
    };
    let results: Vec<Option<Case>> = match pool {
        Ok(pool) => pool.install(|| files.par_iter().map(one).collect()),
        Err(_) => files.iter().map(one).collect(),
    };
    // With --fail-fast, report up to the first failure in path order.
    let mut cases = Vec::with_capacity(results.len());
    for c in results.into_iter().flatten() {
        let failed = is_failure(&c, opts.ci);
        cases.push(c);
        if opts.fail_fast && failed {
            break;
        }
    }
    cases
}

fn label(c: &Case, new: bool) -> String {
    let snap = case::snap_path(&c.path);
    let snap = discover::display(&snap);
    if new {
        format!("{snap} (this run)")
    } else {
        snap
    }
}

/// The lines for one scenario: its status, and for a failure why.
fn case_report(c: &Case, opts: &Options, style: Style) -> String {
    let mut s = String::new();
    let tag = match c.status {
        Status::Pass => style.paint(GREEN, "ok"),
        Status::New if !opts.ci => style.paint(YELLOW, "new"),
        Status::New => style.paint(RED, "FAILED (no snapshot)"),
        Status::Changed => style.paint(RED, "FAILED (snapshot changed)"),
        Status::Invalid => style.paint(RED, "FAILED (invalid scenario)"),
        Status::Expect => style.paint(RED, "FAILED (expect)"),
    };
    s.push_str(&format!("test {} ... {tag}\n", c.shown));
    if !c.warnings.0.is_empty() {
        s.push_str(&indent(if style.on { &c.warnings.1 } else { &c.warnings.0 }));
    }
    match c.status {
        Status::Pass => {}
        Status::New => {
            if !opts.accept && !opts.review {
                s.push_str(&format!(
                    "  no snapshot yet; this run's is {}\n",
                    discover::display(&case::pending_path(&c.path))
                ));
            }
        }
        // `--review` shows the diff when it asks.
        Status::Changed if opts.review => {}
        Status::Changed => {
            s.push_str(&indent(&diff_of(c, style)));
            let header = |t: &str| t.lines().next().map(|l| l.contains("--full"));
            if let (Some(Some(old)), Some(Some(new))) =
                (c.stored.as_deref().map(header), c.actual.as_deref().map(header))
            {
                if old != new {
                    let how = if old { "with" } else { "without" };
                    s.push_str(&format!("  note: the stored snapshot was taken {how} --full\n"));
                }
            }
        }
        Status::Invalid => s.push_str(&indent(if style.on { &c.message_color } else { &c.message })),
        Status::Expect => {
            s.push_str(&indent(if style.on { &c.message_color } else { &c.message }));
            if c.snapshot_differs && c.stored.is_some() && !opts.review {
                s.push_str(&indent(&diff_of(c, style)));
            }
        }
    }
    s
}

fn diff_of(c: &Case, style: Style) -> String {
    diff::unified(
        c.stored.as_deref().unwrap_or(""),
        c.actual.as_deref().unwrap_or(""),
        &label(c, false),
        &label(c, true),
        style.on,
    )
}

fn indent(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        if line.is_empty() {
            s.push('\n');
        } else {
            s.push_str("  ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Accept,
    Reject,
    Skip,
    Quit,
}

/// `--review`: shows one change and asks what to do with it.
fn ask(c: &Case, actual: &str, style: Style, out: &mut dyn Write, input: &mut dyn BufRead) -> Decision {
    let _ = writeln!(out, "\n{}", style.paint(BOLD, &format!("Reviewing {}", c.shown)));
    match &c.stored {
        Some(old) => {
            let _ = write!(out, "{}", diff::unified(old, actual, &label(c, false), &label(c, true), style.on));
        }
        None => {
            let _ = writeln!(out, "new snapshot:");
            let _ = write!(out, "{}", indent(actual));
        }
    }
    loop {
        let _ = write!(out, "{} ", style.paint(BOLD, "accept (a), reject (r), skip (s), or quit (q)?"));
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            // End of input: leave the rest pending.
            Ok(0) | Err(_) => {
                let _ = writeln!(out);
                return Decision::Quit;
            }
            Ok(_) => {}
        }
        match line.trim() {
            "a" | "accept" | "y" => return Decision::Accept,
            "r" | "reject" | "n" => return Decision::Reject,
            "s" | "skip" | "" => return Decision::Skip,
            "q" | "quit" => return Decision::Quit,
            other => {
                let _ = writeln!(out, "`{other}`: answer a, r, s or q");
            }
        }
    }
}
