//! `asim sweep`'s command line: the flags, and the command itself.

use super::grid::{self, GridError, Var};
use super::table::{self, Sweep};
use crate::cli::{invalid_or_limit, read, written_status, Color, EXIT_INVALID, EXIT_OK};
use crate::diagnostic::{self, Diagnostic};
use crate::runtime::{Limits, SetOrder};
use crate::source::Source;
use crate::version::Python;
use std::io::Write;

/// `asim sweep`'s flags.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// The scenario file (YAML).
    file: String,
    /// A top-level var of the scenario and the values to run it with, as
    /// NAME=VALUES: a comma-separated list of Python expressions
    /// (`workers=1,2,4,8`, `mode="'a','b'"`), a range `A..B` (integers,
    /// both ends included) or `A..B:STEP` (`1..16:3`, `0.1..0.5:0.1`, exact
    /// decimals), or a mix (`1..4,8,16`). Repeat it for a grid: every
    /// combination runs, the first var varying slowest.
    #[arg(long = "var", value_name = "NAME=VALUES", required = true)]
    vars: Vec<String>,
    /// Output format of the table.
    #[arg(long, value_enum, default_value_t = SweepFormat::Human)]
    format: SweepFormat,
    /// Also draw elapsed time against the first var as an SVG chart, one
    /// line per combination of the other vars.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<std::path::PathBuf>,
    /// Run at most this many grid points (a bigger grid is refused).
    #[arg(long, value_name = "N", default_value_t = grid::MAX_POINTS)]
    max_points: u64,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// Colour: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// The CPython release to reproduce: 3.11, 3.12, 3.13 or 3.14 (wins
    /// over the scenario's `python:`; default: the scenario's, else 3.14).
    #[arg(long, value_name = "VERSION", value_parser = Python::parse)]
    python: Option<Python>,
    /// The order of the task sets CPython iterates in memory-address order:
    /// creation, reverse, or shuffle:SEED (every run uses it).
    #[arg(long, value_name = "ORDER", default_value = "creation", value_parser = SetOrder::parse)]
    set_order: SetOrder,
    /// Hash strings as CPython does with PYTHONHASHSEED=N.
    #[arg(long, value_name = "N", default_value_t = 0)]
    hash_seed: u32,
    /// Stop each run after this many executed steps (its outcome is then `limit`).
    #[arg(long, default_value_t = Limits::default().max_steps)]
    max_steps: u64,
    /// Stop each run after creating this many tasks.
    #[arg(long, default_value_t = Limits::default().max_tasks)]
    max_tasks: u32,
    /// Stop each run after this many iterations of the event loop.
    #[arg(long, default_value_t = Limits::default().max_iterations)]
    max_iterations: u64,
    /// Stop each run when virtual time passes this many seconds.
    #[arg(long, default_value_t = Limits::default().max_time)]
    max_time: f64,
    /// Stop each run when the program has printed more than this many bytes.
    #[arg(long, default_value_t = Limits::default().max_output)]
    max_output: u64,
}

#[derive(Copy, Clone, Debug, clap::ValueEnum, PartialEq, Eq)]
enum SweepFormat {
    /// An aligned table, per primitive only the most waiters and longest wait.
    Human,
    /// CSV (RFC 4180) with a header row and every figure.
    Csv,
    /// One JSON object with every figure.
    Json,
}

/// A bad `--var` flag, rendered like a diagnostic of the flag's text.
fn flag_error(flag: &str, e: &GridError, color: bool) -> String {
    let text = format!("--var {flag}");
    let span = e.at.clone().map_or(0..text.len(), |r| r.start + 6..r.end.max(r.start + 1) + 6);
    let span = span.start.min(text.len())..span.end.min(text.len());
    let d = Diagnostic::error(e.message.clone(), span).with_hint_opt(e.hint.clone());
    diagnostic::render(&Source::new("<command line>", text), &[d], color)
}

/// `asim sweep`.
pub fn main(a: SweepArgs, out: &mut dyn Write, err: &mut dyn Write, term_color: bool) -> i32 {
    let color = a.color.on(term_color);
    let source = match read(&a.file, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // The scenario as written must be valid.
    let base = match crate::compile_source(&source) {
        Ok(c) => c,
        Err(diags) => {
            let _ = write!(err, "{}", diagnostic::render(&source, &diags, color));
            return invalid_or_limit();
        }
    };
    let mut vars: Vec<Var> = Vec::new();
    for flag in &a.vars {
        match grid::parse_var(flag, a.max_points) {
            Ok(v) if vars.iter().any(|w| w.name == v.name) => {
                let e = GridError {
                    message: format!("`{}` is swept twice", v.name),
                    at: None,
                    hint: Some("give each var one --var flag, with all its values".to_owned()),
                };
                let _ = write!(err, "{}", flag_error(flag, &e, color));
                return EXIT_INVALID;
            }
            Ok(v) => vars.push(v),
            Err(e) => {
                let _ = write!(err, "{}", flag_error(flag, &e, color));
                return EXIT_INVALID;
            }
        }
    }
    let points = match grid::size(&vars, a.max_points) {
        Ok(n) => n as usize,
        Err(e) => {
            let _ = writeln!(err, "error: {}", e.message);
            if let Some(h) = e.hint {
                let _ = writeln!(err, "help: {h}");
            }
            return EXIT_INVALID;
        }
    };
    // Unknown names, and values the checker refuses, before any run: the
    // first grid point, then each value of each var alone.
    let mut checks: Vec<Vec<(&str, &str)>> = vec![super::overrides(&vars, 0)];
    for v in &vars {
        checks.extend(v.values.iter().skip(1).map(|x| vec![(v.name.as_str(), x.as_str())]));
    }
    for check in &checks {
        if let Err(diags) = crate::compile_with_vars(&source, check) {
            return point_error(&source, check, &diags, err, color);
        }
    }
    let limits = Limits {
        max_steps: a.max_steps,
        max_tasks: a.max_tasks,
        max_iterations: a.max_iterations,
        max_time: a.max_time,
        max_output: a.max_output,
        set_order: a.set_order,
        hash_seed: a.hash_seed,
        python: a.python,
        ..Limits::default()
    };
    let rows = match super::run(&source, &vars, points, limits, a.jobs) {
        Ok(rows) => rows,
        Err((i, diags)) => return point_error(&source, &super::overrides(&vars, i), &diags, err, color),
    };
    let sweep = Sweep { scenario: base.name(), python: base.python(a.python).to_string(), vars: &vars, rows: &rows };
    if let Some(path) = &a.plot {
        if let Err(e) = std::fs::write(path, super::plot::svg(&sweep)) {
            let _ = writeln!(err, "error: cannot write the plot to {}: {e}", path.display());
            return EXIT_INVALID;
        }
    }
    let text = match a.format {
        SweepFormat::Human => table::text(&sweep, color),
        SweepFormat::Csv => table::csv(&sweep),
        SweepFormat::Json => table::json(&sweep),
    };
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    written_status(written, err, EXIT_OK)
}

/// The scenario does not compile with the values of `point`.
fn point_error(source: &Source, point: &[(&str, &str)], diags: &[Diagnostic], err: &mut dyn Write, color: bool) -> i32 {
    // Errors about a flag itself say which; others, with which values.
    if !diags.iter().all(|d| d.message.starts_with("--var ")) {
        let flags: Vec<String> = point.iter().map(|(n, v)| format!("--var {n}={v}")).collect();
        let _ = writeln!(err, "error: the scenario does not check with {}:", flags.join(" "));
    }
    let _ = write!(err, "{}", diagnostic::render(source, diags, color));
    invalid_or_limit()
}
