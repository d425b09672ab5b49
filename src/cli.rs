//! The command line: `asim run` and `asim check`.
//!
//! Each flag is described once, here; clap turns these descriptions into
//! `--help`. The exit statuses are part of the contract (format spec §6).

use crate::diagnostic;
use crate::report;
use crate::runtime::{Limits, Outcome, SetOrder};
use crate::source::Source;
use crate::version::Python;
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::Write;

/// Exit status: the program finished.
pub const EXIT_OK: i32 = 0;
/// Exit status: it ended with an unhandled exception.
pub const EXIT_ERROR: i32 = 1;
/// Exit status of `asim run --python all`: the releases print differently.
pub const EXIT_DIFFERS: i32 = 1;
/// Exit status: the scenario is invalid (or could not be read).
pub const EXIT_INVALID: i32 = 2;
/// Exit status: deadlock (real asyncio would hang forever).
pub const EXIT_DEADLOCK: i32 = 3;
/// Exit status: a run limit stopped a scenario that may never end.
pub const EXIT_LIMIT: i32 = 4;

#[derive(Parser, Debug)]
#[command(name = "asim", version, about = "Run an asyncio scenario on a virtual clock, exactly as CPython 3.11 to 3.14 would (3.14 unless the scenario or --python says otherwise).", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario and print its interleaving.
    ///
    /// Exit status: 0 finished, 1 unhandled exception, 2 invalid scenario,
    /// 3 deadlock, 4 a run limit was hit.
    Run(RunArgs),
    /// Check scenarios (exit 0 if valid, 2 if not, 4 if reading one needs
    /// more than --max-memory).
    ///
    /// A valid scenario goes through static checks (lock-order inversions,
    /// events never set, locks left held, coroutines never awaited, tasks
    /// forgotten, semaphores over-released, queues without a consumer) and
    /// is run, quickly, to find where its output depends on an order
    /// CPython leaves to memory addresses. Those are warnings (exit status
    /// 0), each with an id that `allow:` in the scenario silences
    /// (docs/analysis.md); `--deny warnings` makes them errors (status 2).
    Check {
        /// The scenario files (YAML); `-` reads one from standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Only validate: do not run the scenario to look for set-order dependence.
        #[arg(long)]
        no_run: bool,
        /// `--deny warnings`: report warnings as errors, exit status 2 (for CI).
        #[arg(long, value_enum, value_name = "WHAT")]
        deny: Option<Deny>,
        /// Stop reading when the scenario needs more than this many MiB of memory.
        #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_memory >> 20)]
        max_memory: u64,
    },
    /// Snapshot-test scenarios: run each one and compare it with the
    /// snapshot stored beside it (`NAME.asim.snap`).
    ///
    /// PATH is a scenario or a folder (default: the current one; `*.yaml`
    /// files with a top-level `main:`, hidden folders and `target/`
    /// skipped). Any other word filters scenarios by path. A change prints
    /// a unified diff and leaves the new snapshot as `NAME.asim.snap.new`.
    /// A scenario without a snapshot is written as new; under `CI=true` it
    /// fails. Exit status: 0 when every scenario passed, 1 otherwise, 2 for
    /// bad arguments.
    Test(TestArgs),
    /// Print a shell completion script (e.g. `asim completions bash > ~/.local/share/bash-completion/completions/asim`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `asim man > asim.1 && man ./asim.1`.
    Man,
    /// Print the JSON Schema of the scenario format, for editors (docs/editors.md).
    Schema,
    /// Draw the task graph as Graphviz DOT or Mermaid (docs/views.md).
    ///
    /// Without --run, the scenario as written: a node per coroutine and per
    /// primitive; edges for awaits (solid), spawns, gathers, task groups
    /// (dashed), and the operations each coroutine uses on each primitive
    /// (dotted). With --run, the tasks of an actual run: who created (solid)
    /// and who awaited (dotted) whom, each task's outcome and lifetime; the
    /// exit status is then the run's, as for `asim run`. Render DOT with
    /// `asim graph FILE | dot -Tsvg > graph.svg`.
    Graph(GraphArgs),
    /// Run many variants of a scenario and report what can happen
    /// (docs/analysis.md).
    ///
    /// Durations marked variable (`sleep: 1.0 ± 20%`, `uniform(0.5, 1.5)`;
    /// `--jitter` for all the others) are drawn anew in each variant, and
    /// the task-set orders CPython leaves to memory addresses are shuffled.
    /// The report gives the outcomes, the elapsed-time percentiles, the
    /// distinct interleavings, and for each failing outcome the smallest
    /// failing variant with the command that replays it. Exit status: 0 no
    /// variant failed, 1 some did, 2 bad input, 4 the nominal run (every
    /// duration as written) stops at a run limit.
    Explore(crate::explore::cli::ExploreArgs),
    /// Run the scenario over a grid of values of its `vars` and print a
    /// table of the runs (docs/analysis.md).
    ///
    /// Each --var NAME=VALUES replaces the initial value of a top-level
    /// `vars:` entry, as if the scenario said `NAME: VALUE`; with several,
    /// every combination runs (in parallel; the table is in grid order).
    /// Per run: the elapsed virtual time, the outcome (ok, the exception
    /// type, deadlock, limit, or `expect failed`), the tasks created, the
    /// max concurrency (most tasks at once neither finished nor blocked),
    /// and per primitive the most waiters at once and the longest wait.
    /// Exit status: 0 when the sweep ran, whatever the runs' outcomes; 2
    /// for a bad scenario or flag.
    Sweep(crate::sweep::command::SweepArgs),
    /// Print the scenario as a program in another language.
    Export {
        /// The language.
        #[arg(value_enum)]
        language: Language,
        /// The scenario file (YAML).
        file: String,
    },
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The scenario file (YAML).
    file: String,
    /// Print exactly what the Python program would print on stdout, nothing else.
    #[arg(short = 'q', long = "stdout", conflicts_with = "format")]
    stdout: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print where the time went instead of the events: a table of the tasks (beyond 30, of the coroutines) and of the primitives, then the outcome (as one JSON object with `--format json`). `--task` and `--until` narrow it.
    #[arg(long, conflicts_with = "stdout")]
    summary: bool,
    /// Print the critical path instead of the events: the chain of waits
    /// (sleeps, handoffs, task completions, deadlines) that decided the
    /// elapsed time, each link's share of it, and what to shorten first.
    #[arg(long, conflicts_with_all = ["stdout", "summary", "at", "timeline"])]
    critical_path: bool,
    /// Colour in the human view: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Stop after this many executed steps (a scenario that never ends).
    #[arg(long, default_value_t = Limits::default().max_steps)]
    max_steps: u64,
    /// Stop after creating this many tasks.
    #[arg(long, default_value_t = Limits::default().max_tasks)]
    max_tasks: u32,
    /// Stop after this many iterations of the event loop, idle ones included.
    #[arg(long, default_value_t = Limits::default().max_iterations)]
    max_iterations: u64,
    /// Stop when virtual time passes this many seconds.
    #[arg(long, default_value_t = Limits::default().max_time)]
    max_time: f64,
    /// Stop when the program has printed more than this many bytes.
    #[arg(long, default_value_t = Limits::default().max_output)]
    max_output: u64,
    /// Stop when the run holds more than this many MiB of memory.
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_memory >> 20)]
    max_memory: u64,
    /// The order of the task sets CPython iterates in memory-address order
    /// (TaskGroup abort, shutdown cancellation, asyncio.wait, as_completed):
    /// creation, reverse, or shuffle:SEED.
    #[arg(long, value_name = "ORDER", default_value = "creation", value_parser = SetOrder::parse)]
    set_order: SetOrder,
    /// Hash strings as CPython does with PYTHONHASHSEED=N (the order of a
    /// set of strings follows it).
    #[arg(long, value_name = "N", default_value_t = 0)]
    hash_seed: u32,
    /// The CPython release to reproduce: 3.11, 3.12, 3.13 or 3.14 (wins over
    /// the scenario's `python:`; default: the scenario's, else 3.14), or
    /// `all` to run under each and report where they differ.
    #[arg(long, value_name = "VERSION|all", value_parser = parse_python_choice)]
    python: Option<PythonChoice>,
    /// Print only the state of the program at virtual time T (seconds, 0 or
    /// more): the awaited-by tree of tasks with their frames, what each
    /// waits on, the primitives and the pending timers, as the loop is about
    /// to move the clock past T; then stop the run (docs/views.md).
    #[arg(
        long,
        value_name = "T",
        conflicts_with_all = ["stdout", "summary", "timeline", "tasks", "only", "since", "until", "no_fold"],
        allow_negative_numbers = true,
        value_parser = parse_at
    )]
    at: Option<f64>,
    /// Show only the events of tasks whose name matches GLOB (repeatable;
    /// `worker-*`, `Task-1?`). The end of the run always shows.
    #[arg(long = "task", value_name = "GLOB", value_parser = report::filter::parse_task_glob, conflicts_with = "stdout", help_heading = "Filters (human and JSON views)")]
    tasks: Vec<String>,
    /// Show only these kinds of events, comma-separated (`--only prints,waits`).
    /// `done` is done, raise and cancelled.
    #[arg(
        long,
        value_name = "KINDS",
        value_enum,
        value_delimiter = ',',
        conflicts_with = "stdout",
        help_heading = "Filters (human and JSON views)"
    )]
    only: Vec<report::filter::Kind>,
    /// Show only events at or after virtual time T (seconds).
    #[arg(long, value_name = "T", value_parser = report::filter::parse_time, allow_negative_numbers = true, conflicts_with = "stdout", help_heading = "Filters (human and JSON views)")]
    since: Option<f64>,
    /// Show only events at or before virtual time T, and stop the run
    /// there: the summary line says "stopped at T" (exit status 0).
    #[arg(long, value_name = "T", value_parser = report::filter::parse_time, allow_negative_numbers = true, conflicts_with = "stdout", help_heading = "Filters (human and JSON views)")]
    until: Option<f64>,
    /// Human view: show every sleep line (by default, more than three in a
    /// row at one instant fold into one line after the first two).
    #[arg(long, conflicts_with = "stdout")]
    no_fold: bool,
    /// Also draw the run along virtual time into OUT: an interactive page
    /// (`.html`, self-contained) or a static picture (`.svg`); the run's
    /// output is printed as usual (docs/views.md).
    #[arg(long, value_name = "OUT", value_parser = report::timeline::parse_out)]
    timeline: Option<(std::path::PathBuf, report::timeline::Kind)>,
    /// Replay a variant that `asim explore` reported (`--variant 7.12~s40`):
    /// its drawn durations and set orders, exactly (docs/analysis.md).
    #[arg(long, value_name = "ID", value_parser = crate::runtime::Variant::parse, conflicts_with_all = ["set_order", "at"])]
    variant: Option<crate::runtime::Variant>,
}

/// `--at T`: a finite, non-negative number of seconds.
fn parse_at(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        Ok(_) => Err(format!("`{text}` is not a time: give a finite number of seconds, 0 or more")),
        Err(_) => Err(format!("`{text}` is not a number of seconds (e.g. 1.5)")),
    }
}

/// `--python`: one release, or every one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PythonChoice {
    One(Python),
    All,
}

fn parse_python_choice(text: &str) -> Result<PythonChoice, String> {
    if text == "all" {
        Ok(PythonChoice::All)
    } else {
        Python::parse(text).map(PythonChoice::One)
    }
}

/// The human view's title: the scenario's name and the CPython release.
pub(crate) fn run_title(compiled: &crate::Compiled, flag: Option<Python>) -> String {
    format!("{} · Python {}", compiled.name(), compiled.python(flag))
}

#[derive(clap::Args, Debug)]
struct GraphArgs {
    /// The scenario file (YAML); `-` reads it from standard input.
    file: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Run the scenario and draw its tasks instead of its coroutines.
    #[arg(long)]
    run: bool,
    /// With --run: the CPython release to reproduce (3.11, 3.12, 3.13 or 3.14).
    #[arg(long, value_name = "VERSION", value_parser = Python::parse, requires = "run")]
    python: Option<Python>,
    /// With --run: the order of the task sets CPython iterates in memory-address
    /// order: creation, reverse, or shuffle:SEED.
    #[arg(long, value_name = "ORDER", default_value = "creation", value_parser = SetOrder::parse, requires = "run")]
    set_order: SetOrder,
    /// With --run: hash strings as CPython does with PYTHONHASHSEED=N.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "run")]
    hash_seed: u32,
    /// With --run: stop after this many executed steps.
    #[arg(long, default_value_t = Limits::default().max_steps, requires = "run")]
    max_steps: u64,
    /// With --run: stop after creating this many tasks.
    #[arg(long, default_value_t = Limits::default().max_tasks, requires = "run")]
    max_tasks: u32,
    /// With --run: stop when virtual time passes this many seconds.
    #[arg(long, default_value_t = Limits::default().max_time, requires = "run")]
    max_time: f64,
    /// Stop when reading or running the scenario needs more than this many MiB of memory.
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_memory >> 20)]
    max_memory: u64,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg` draws it).
    Dot,
    /// A Mermaid flowchart (for Markdown that renders Mermaid).
    Mermaid,
}

/// `asim graph`: the static graph, or with `--run` the task tree of a run.
fn graph(a: GraphArgs, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> i32 {
    use report::graph::{static_graph, task_tree::TaskTree, Format};
    let (source, compiled) = match load(&a.file, err, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let format = match a.format {
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Mermaid => Format::Mermaid,
    };
    if !a.run {
        let text = static_graph::diagram(&compiled).render(format);
        let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        return written_status(written, err, EXIT_OK);
    }
    let limits = Limits {
        max_steps: a.max_steps,
        max_tasks: a.max_tasks,
        max_time: a.max_time,
        max_memory: a.max_memory.saturating_mul(1 << 20),
        set_order: a.set_order,
        hash_seed: a.hash_seed,
        python: a.python,
        ..Limits::default()
    };
    let title = compiled.name();
    let end = compiled.run(limits, &mut TaskTree::new(out, err, &source, &title, format));
    if let Some(kind) = end.write_error {
        return written_status(Err(kind.into()), err, EXIT_OK);
    }
    exit_status(&end.outcome)
}

#[derive(clap::Args, Debug)]
struct TestArgs {
    /// Scenario files or folders, and name filters (a word that is not a path).
    #[arg(value_name = "PATH|FILTER")]
    paths: Vec<String>,
    /// Accept every changed or new snapshot (write it as `NAME.asim.snap`).
    #[arg(long, visible_alias = "update", conflicts_with = "review")]
    accept: bool,
    /// Walk the changed and new snapshots one by one: accept, reject or skip each.
    #[arg(long)]
    review: bool,
    /// Write a JUnit XML report to FILE (for CI systems).
    #[arg(long, value_name = "FILE")]
    junit: Option<String>,
    /// Stop at the first failure.
    #[arg(long)]
    fail_fast: bool,
    /// Leave out files and folders matching GLOB (repeatable; `slow` means any `slow` folder).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Snapshot the whole human view (every event) instead of prints and outcome.
    #[arg(long)]
    full: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// Colour in the report: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Stop each scenario after this many executed steps.
    #[arg(long, default_value_t = Limits::default().max_steps)]
    max_steps: u64,
    /// Stop each scenario when virtual time passes this many seconds.
    #[arg(long, default_value_t = Limits::default().max_time)]
    max_time: f64,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Time, task and event per line, then a summary.
    Human,
    /// JSON Lines: one object per event, then an `end` object.
    Json,
    /// A Chrome Trace Event Format file, in virtual microseconds, for ui.perfetto.dev or chrome://tracing
    /// (`asim run --format perfetto f.yaml > trace.json`).
    Perfetto,
}

/// What `asim check --deny` turns into errors.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Deny {
    /// Every warning: static checks and set-order dependence.
    Warnings,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Language {
    /// A plain asyncio program for Python 3.11+; `python3` runs it and
    /// prints exactly what `asim run -q` prints.
    Python,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour: `auto` follows the terminal (`term`: a terminal
    /// without NO_COLOR).
    pub(crate) fn on(self, term: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => term,
        }
    }
}

/// Reads a scenario file; a message on `err` and the exit status if it
/// cannot be read (missing, not UTF-8, bigger than the memory ceiling).
pub(crate) fn read(path: &str, err: &mut dyn Write) -> Result<Source, i32> {
    // A file bigger than the memory ceiling cannot be read within it.
    let ceiling = crate::memory::get_ceiling();
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.len() > ceiling as u64 {
            let _ = writeln!(
                err,
                "error: {path} is {:.1} MiB, more than the memory ceiling of {} MiB (--max-memory)",
                meta.len() as f64 / f64::from(1 << 20),
                ceiling >> 20
            );
            return Err(EXIT_LIMIT);
        }
    }
    let bytes = if path == "-" { read_stdin(ceiling) } else { std::fs::read(path) };
    let path = if path == "-" { "<stdin>" } else { path };
    if let Ok(b) = &bytes {
        if b.len() > ceiling {
            let _ = writeln!(
                err,
                "error: {path} holds more than the memory ceiling of {} MiB (--max-memory)",
                ceiling >> 20
            );
            return Err(EXIT_LIMIT);
        }
    }
    let text = match bytes {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // Show where: the text up to the first bad byte is intact.
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                let source = Source::new(path, String::from_utf8_lossy(e.as_bytes()).into_owned());
                let diag = diagnostic::Diagnostic::error(
                    format!("the scenario is not UTF-8 text: byte 0x{byte:02x} cannot start or continue a character"),
                    at..at + '\u{fffd}'.len_utf8(),
                )
                .with_hint("save the file as UTF-8 (a Latin-1 `é` is one byte; in UTF-8 it is two)");
                let _ = write!(err, "{}", diagnostic::render(&source, &[diag], false));
                return Err(EXIT_INVALID);
            }
        },
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {path}: {e}");
            return Err(EXIT_INVALID);
        }
    };
    Ok(Source::new(path, text))
}

pub(crate) fn load(path: &str, err: &mut dyn Write, color: bool) -> Result<(Source, crate::Compiled), i32> {
    let source = read(path, err)?;
    match crate::compile_source(&source) {
        Ok(c) => Ok((source, c)),
        Err(diags) => {
            let _ = write!(err, "{}", diagnostic::render(&source, &diags, color));
            Err(invalid_or_limit())
        }
    }
}

/// `asim check` of one file: its status.
fn check_file(file: &str, no_run: bool, deny: bool, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> i32 {
    let source = match read(file, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (c, mut warnings) = match crate::check_source(&source) {
        Ok(x) => x,
        Err(diags) => {
            let _ = write!(err, "{}", diagnostic::render(&source, &diags, color));
            return invalid_or_limit();
        }
    };
    if !no_run {
        warnings.extend(c.set_order_warnings(&source, Limits::default()));
    }
    if deny && !warnings.is_empty() {
        for w in &mut warnings {
            w.severity = diagnostic::Severity::Error;
        }
        let n = warnings.len();
        let _ = write!(err, "{}", diagnostic::render(&source, &warnings, color));
        let plural = if n == 1 { "" } else { "s" };
        let _ = writeln!(err, "error: {}: {n} warning{plural} denied (--deny warnings)", source.path);
        return EXIT_INVALID;
    }
    let written = writeln!(out, "{}: ok ({})", source.path, c.summary()).and_then(|()| out.flush());
    if !warnings.is_empty() {
        let _ = write!(err, "{}", diagnostic::render(&source, &warnings, color));
    }
    written_status(written, err, EXIT_OK)
}

/// Standard input, up to one byte past the memory ceiling.
fn read_stdin(ceiling: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin().lock().take((ceiling as u64).saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The status for a scenario that did not compile: a limit (4) if it
/// stopped at the memory ceiling, invalid (2) otherwise.
pub(crate) fn invalid_or_limit() -> i32 {
    if crate::memory::ceiling_hit() {
        EXIT_LIMIT
    } else {
        EXIT_INVALID
    }
}

/// The exit status once output is written: `ok` if it was, 0 for a closed
/// pipe (`asim ... | head` is not an error, as in ripgrep), and a message
/// and status 2 for any other write error (a full disk).
pub(crate) fn written_status(written: std::io::Result<()>, err: &mut dyn Write, ok: i32) -> i32 {
    match written {
        Ok(()) => ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write output: {e}");
            EXIT_INVALID
        }
    }
}

/// The exit status of a run by how it ended.
fn exit_status(outcome: &Outcome) -> i32 {
    match outcome {
        // `--until`: the run went as far as it was asked to.
        Outcome::Ok | Outcome::Stopped(_) => EXIT_OK,
        Outcome::Error { .. } => EXIT_ERROR,
        Outcome::Deadlock(_) => EXIT_DEADLOCK,
        Outcome::Limit(_) => EXIT_LIMIT,
    }
}

/// The exit status of a run: with an `expect:` block the verdict decides
/// (the run did what the scenario says, 0, or it did not, 1); otherwise how
/// it ended.
pub(crate) fn run_status(outcome: &Outcome, verdict: Option<&report::expect::Verdict>) -> i32 {
    match verdict {
        Some(v) if v.met() => EXIT_OK,
        Some(_) => EXIT_ERROR,
        None => exit_status(outcome),
    }
}

/// `asim run --at T`: the snapshot alone. Status 0 when the run got to T;
/// a run that ended before T has the status of how it ended.
#[allow(clippy::too_many_arguments)]
fn run_at(
    compiled: &crate::Compiled,
    limits: Limits,
    at: f64,
    format: Format,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
    python: Option<PythonChoice>,
) -> i32 {
    if python == Some(PythonChoice::All) {
        let _ = writeln!(err, "error: --at shows one run: give --python one release (3.11 to 3.14), not `all`");
        return EXIT_INVALID;
    }
    if format == Format::Perfetto {
        let _ = writeln!(
            err,
            "error: --at prints the state at an instant as text or JSON (--format json), not a Perfetto trace"
        );
        return EXIT_INVALID;
    }
    let json = format == Format::Json;
    let (end, snap) = compiled.run_at(limits, at, &mut report::Discard);
    let Some(snap) = snap else {
        return written_status(Err(std::io::ErrorKind::Other.into()), err, EXIT_INVALID);
    };
    let text = if json {
        report::pstree::json(&snap, &compiled.python(limits.python).to_string())
    } else {
        report::pstree::render(&snap, &run_title(compiled, limits.python), color)
    };
    let status = if snap.reached { EXIT_OK } else { exit_status(&end.outcome) };
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    written_status(written, err, status)
}

/// `view`, behind a filter if the flags ask for one.
fn filtered<'v, S: crate::runtime::Sink + report::filter::Hidden + 'v>(
    view: S,
    criteria: Option<report::filter::Criteria>,
) -> Box<dyn crate::runtime::Sink + 'v> {
    match criteria {
        None => Box::new(view),
        Some(c) => Box::new(report::filter::Filter::new(view, c)),
    }
}

/// Runs the command line; returns the exit status.
///
/// The work runs on a thread of its own with a large stack
/// ([`STACK_SIZE`]): the passes over the scenario are recursive, and their
/// depth is bounded by the format's limits (500 nested YAML levels, 32
/// nested brackets, chains of 2,990 operators), not by the caller's stack.
pub fn main_with(
    args: impl IntoIterator<Item = OsString>,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    term_color: bool,
) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("asim".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, move || main_on_this_thread(args, out, err, term_color));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => EXIT_INVALID,
        }
    })
}

/// The stack of the thread that runs a command: reserved, not committed,
/// so it costs only what is used.
pub const STACK_SIZE: usize = 1 << 30;

fn main_on_this_thread(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write, term_color: bool) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_INVALID } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { write!(err, "{text}") } else { write!(out, "{text}") };
            return code;
        }
    };
    let ceiling = match &cli.command {
        Command::Run(RunArgs { max_memory, .. })
        | Command::Check { max_memory, .. }
        | Command::Graph(GraphArgs { max_memory, .. }) => *max_memory,
        Command::Explore(a) => a.max_memory(),
        Command::Export { .. }
        | Command::Sweep(_)
        | Command::Test(_)
        | Command::Completions { .. }
        | Command::Man
        | Command::Schema => Limits::default().max_memory >> 20,
    };
    crate::memory::set_ceiling(usize::try_from(ceiling.saturating_mul(1 << 20)).unwrap_or(usize::MAX));
    match cli.command {
        Command::Test(t) => {
            let color = t.color.on(term_color);
            let (paths, filters): (Vec<String>, Vec<String>) =
                t.paths.into_iter().partition(|p| std::path::Path::new(p).exists());
            let opts = crate::testing::Options {
                paths: paths.into_iter().map(Into::into).collect(),
                filters,
                exclude: t.exclude,
                accept: t.accept,
                review: t.review,
                junit: t.junit.map(Into::into),
                fail_fast: t.fail_fast,
                full: t.full,
                color,
                ci: std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"),
                jobs: t.jobs,
                limits: Limits { max_steps: t.max_steps, max_time: t.max_time, ..Limits::default() },
            };
            let stdin = std::io::stdin();
            crate::testing::run(&opts, out, err, &mut stdin.lock())
        }
        Command::Check { files, no_run, deny, .. } => {
            // The worst status wins: a limit (4) over an invalid file (2).
            let mut status = EXIT_OK;
            for file in &files {
                crate::memory::forget_hit();
                status = status.max(check_file(file, no_run, deny.is_some(), out, err, term_color));
            }
            status
        }
        Command::Graph(a) => graph(a, out, err, term_color),
        Command::Explore(a) => crate::explore::cli::main(a, out, err, term_color),
        Command::Sweep(a) => crate::sweep::command::main(a, out, err, term_color),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "asim", &mut buf);
            let written = out.write_all(&buf).and_then(|()| out.flush());
            written_status(written, err, EXIT_OK)
        }
        Command::Schema => {
            let written = out.write_all(crate::json_schema().as_bytes()).and_then(|()| out.flush());
            written_status(written, err, EXIT_OK)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut buf = Vec::new();
            let written = clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .and_then(|()| out.write_all(&buf))
                .and_then(|()| out.flush());
            written_status(written, err, EXIT_OK)
        }
        Command::Export { language: Language::Python, file } => {
            let source = match read(&file, err) {
                Ok(s) => s,
                Err(code) => return code,
            };
            match crate::export_python(&source) {
                Ok(py) => {
                    let written = out.write_all(py.as_bytes()).and_then(|()| out.flush());
                    written_status(written, err, EXIT_OK)
                }
                Err(diags) => {
                    let _ = write!(err, "{}", diagnostic::render(&source, &diags, term_color));
                    invalid_or_limit()
                }
            }
        }
        Command::Run(a) => {
            let color = a.color.on(term_color);
            let (source, compiled) = match load(&a.file, err, color) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let limits = Limits {
                max_steps: a.max_steps,
                max_tasks: a.max_tasks,
                max_iterations: a.max_iterations,
                max_time: a.max_time,
                max_output: a.max_output,
                max_memory: a.max_memory.saturating_mul(1 << 20),
                set_order: a.set_order,
                hash_seed: a.hash_seed,
                python: match a.python {
                    Some(PythonChoice::One(v)) => Some(v),
                    _ => None,
                },
            };
            if let Some(at) = a.at {
                return run_at(&compiled, limits, at, a.format, color, out, err, a.python);
            }
            let criteria = match report::filter::Criteria::new(&a.tasks, &a.only, a.since, a.until) {
                Ok(c) if c.is_everything() => None,
                Ok(c) => Some(c),
                Err(message) => {
                    let _ = writeln!(err, "error: {message}");
                    return EXIT_INVALID;
                }
            };
            if a.summary && a.format == Format::Perfetto {
                let _ = writeln!(err, "error: --summary prints text or JSON (--format json), not a Perfetto trace");
                return EXIT_INVALID;
            }
            if a.python == Some(PythonChoice::All) && (a.summary || a.format == Format::Perfetto) {
                let _ = writeln!(err, "error: --python all compares the releases' output; it has no summary or Perfetto trace: run one release (--python 3.12)");
                return EXIT_INVALID;
            }
            if a.format == Format::Perfetto && criteria.is_some() && !a.summary {
                let _ = writeln!(err, "error: --task, --only, --since and --until narrow the event list; --format perfetto shows the whole run");
                return EXIT_INVALID;
            }
            if a.critical_path && (criteria.is_some() || a.format != Format::Human) {
                let _ = writeln!(err, "error: --critical-path follows the whole run and prints text: no --format, --task, --only, --since or --until with it");
                return EXIT_INVALID;
            }
            if a.summary && (!a.only.is_empty() || a.since.is_some()) {
                let _ = writeln!(err, "error: --summary adds up every event of the tasks it shows: narrow it with --task and --until, not --only or --since");
                return EXIT_INVALID;
            }
            if a.variant.is_some() && a.python == Some(PythonChoice::All) {
                let _ = writeln!(err, "error: --variant replays one run: choose one release with --python VERSION");
                return EXIT_INVALID;
            }
            if a.python == Some(PythonChoice::All) && a.timeline.is_some() {
                let _ = writeln!(err, "error: --timeline draws one run: choose one release with --python VERSION");
                return EXIT_INVALID;
            }
            let mut timeline = match &a.timeline {
                Some((path, kind)) => match std::fs::File::create(path) {
                    Ok(f) => Some(report::timeline::TimelineView::new(
                        Box::new(std::io::BufWriter::new(f)),
                        *kind,
                        &run_title(&compiled, limits.python),
                        &source,
                    )),
                    Err(e) => {
                        let _ = writeln!(err, "error: cannot write the timeline to {}: {e}", path.display());
                        return EXIT_INVALID;
                    }
                },
                None => None,
            };
            if a.python == Some(PythonChoice::All) {
                if criteria.is_some() {
                    let _ = writeln!(
                        err,
                        "error: --task, --only, --since and --until filter one run; --python all compares whole runs"
                    );
                    return EXIT_INVALID;
                }
                let json = a.format == Format::Json;
                let (text, agree) = report::compare::run_all(&source, &compiled, limits, json, color);
                let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
                return written_status(written, err, if agree { EXIT_OK } else { EXIT_DIFFERS });
            }
            let mut out_buf = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
            let mut err_buf = std::io::BufWriter::with_capacity(1 << 12, &mut *err);
            let streams = report::Streams::new(&mut out_buf, &mut err_buf);
            let human = !a.stdout && a.format == Format::Human;
            let (end, verdict) = {
                let mut title = run_title(&compiled, limits.python);
                if let Some(v) = &a.variant {
                    title += &format!(" · variant {v}");
                }
                let mut view: Box<dyn crate::runtime::Sink + '_> = if a.stdout {
                    Box::new(report::stdout::StdoutView::new(streams, &source))
                } else if a.critical_path {
                    Box::new(report::critical::CriticalView::new(streams, &source, &title, color))
                } else if a.summary {
                    let json = a.format == Format::Json;
                    filtered(report::summary::SummaryView::new(streams, &source, &title, color, json), criteria)
                } else if a.format == Format::Perfetto {
                    Box::new(report::perfetto::PerfettoView::new(streams, &compiled.name()))
                } else if a.format == Format::Json {
                    filtered(report::json::JsonView::new(streams), criteria)
                } else {
                    let view = report::human::HumanView::new(streams, &source, &title, color).folding(!a.no_fold);
                    filtered(view, criteria)
                };
                let variant = a.variant.as_ref();
                let run = |sink: &mut dyn crate::runtime::Sink| match variant {
                    Some(v) => compiled.run_variant(limits, v, None, sink),
                    None => compiled.run_checked(limits, sink),
                };
                match timeline.as_mut() {
                    Some(picture) => run(&mut report::tee::Tee::new(&mut *view, picture)),
                    None => run(&mut *view),
                }
            };
            drop(out_buf);
            drop(err_buf);
            if let Some(kind) = end.write_error {
                return written_status(Err(kind.into()), err, EXIT_OK);
            }
            if let Some(e) = timeline.as_mut().and_then(|t| t.take_error()) {
                let path = a.timeline.as_ref().map(|(p, _)| p.display().to_string()).unwrap_or_default();
                let _ = writeln!(err, "error: cannot write the timeline to {path}: {e}");
                return EXIT_INVALID;
            }
            let status = run_status(&end.outcome, verdict.as_ref());
            match &verdict {
                Some(v) if v.met() && human => {
                    let written = writeln!(out, "{}", report::expect::met_line(v, color)).and_then(|()| out.flush());
                    written_status(written, err, status)
                }
                Some(v) if !v.met() => {
                    let _ = write!(err, "{}", diagnostic::render(&source, &v.failures, color));
                    status
                }
                _ => status,
            }
        }
    }
}
