//! `asim sweep FILE --var NAME=VALUES ...`: the scenario run once per
//! point of a grid of initial values of its top-level `vars`, each point
//! compiled anew with its values ([`crate::compile_with_vars`]) and run on
//! a pool of threads; the rows come back in grid order, so the output is
//! the same whatever the number of threads.
//!
//! - [`grid`]: the `--var` flags and the grid points;
//! - [`sink`]: the figures of one run (max concurrency, per primitive);
//! - [`table`]: the table, as text, CSV or JSON;
//! - [`plot`]: elapsed time against the first var, as an SVG chart;
//! - [`command`]: the command line.

pub mod command;
pub mod grid;
pub mod plot;
pub mod sink;
pub mod table;

use crate::diagnostic::Diagnostic;
use crate::runtime::{Limits, Outcome};
use crate::source::Source;
use grid::Var;
use rayon::prelude::*;
use sink::{Figures, PrimFigures};
use std::sync::atomic::{AtomicBool, Ordering};

/// One grid point's run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The index of each var's value.
    pub point: Vec<usize>,
    /// Virtual seconds at the end of the run.
    pub elapsed: f64,
    /// How it ended: `ok`, `error`, `deadlock` or `limit`.
    pub outcome: &'static str,
    /// The exception type, for `error`.
    pub error: Option<String>,
    /// Whether the scenario's `expect:` block held (`None` without one).
    pub expect: Option<bool>,
    /// Tasks created (main included).
    pub tasks: usize,
    /// See [`sink`].
    pub max_concurrency: u32,
    /// The primitives' figures.
    pub prims: Vec<PrimFigures>,
}

impl Row {
    /// The outcome in one word or two: `ok`, the exception type,
    /// `deadlock`, `limit`, or `expect failed` for a run that ended
    /// normally but not as its `expect:` block says.
    pub fn verdict(&self) -> String {
        if self.expect == Some(false) && self.outcome == "ok" {
            return "expect failed".to_owned();
        }
        self.error.clone().unwrap_or_else(|| self.outcome.to_owned())
    }

    /// Whether the run is a success: it ended normally, and its `expect:`
    /// block (if any) held; with a block that expects an error, the error.
    pub fn ok(&self) -> bool {
        match self.expect {
            Some(met) => met,
            None => self.outcome == "ok",
        }
    }
}

/// A grid point that did not compile: its index and the diagnostics.
pub type PointError = (usize, Vec<Diagnostic>);

/// The `(name, value)` overrides of grid point `i`.
pub fn overrides(vars: &[Var], i: usize) -> Vec<(&str, &str)> {
    let point = grid::point(vars, i);
    vars.iter().zip(&point).map(|(v, &k)| (v.name.as_str(), v.values[k].as_str())).collect()
}

/// Runs a compiled grid point.
fn run_point(compiled: &crate::Compiled, vars: &[Var], i: usize, limits: Limits) -> Row {
    let mut figures = Figures::new();
    let (end, verdict) = compiled.run_checked(limits, &mut figures);
    let (outcome, error) = match &end.outcome {
        Outcome::Ok | Outcome::Stopped(_) => ("ok", None),
        Outcome::Error(f) => ("error", Some(f.kind.clone())),
        Outcome::Deadlock(_) => ("deadlock", None),
        Outcome::Limit(_) => ("limit", None),
    };
    Row {
        point: grid::point(vars, i),
        elapsed: end.elapsed,
        outcome,
        error,
        expect: verdict.map(|v| v.met()),
        tasks: end.tasks,
        max_concurrency: figures.max_concurrency(),
        prims: figures.prims(),
    }
}

/// Runs every grid point on `jobs` threads (0: one per core), and returns
/// the rows in grid order; or the first point, in grid order, that does
/// not compile (once one does not, the others are compiled, to find the
/// first, but not run).
pub fn run(source: &Source, vars: &[Var], points: usize, limits: Limits, jobs: usize) -> Result<Vec<Row>, PointError> {
    let stop = AtomicBool::new(false);
    let one = |i: usize| match crate::compile_with_vars(source, &overrides(vars, i)) {
        Err(diags) => {
            stop.store(true, Ordering::Relaxed);
            Err(diags)
        }
        Ok(_) if stop.load(Ordering::Relaxed) => Ok(None),
        Ok(compiled) => Ok(Some(run_point(&compiled, vars, i, limits))),
    };
    // The passes over a scenario are recursive: big stacks, as `asim run`'s.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(crate::cli::STACK_SIZE)
        .thread_name(|i| format!("asim-sweep-{i}"))
        .build();
    let results: Vec<Result<Option<Row>, Vec<Diagnostic>>> = match pool {
        Ok(pool) => pool.install(|| (0..points).into_par_iter().map(one).collect()),
        Err(_) => (0..points).map(one).collect(),
    };
    let mut rows = Vec::with_capacity(points);
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(Some(row)) => rows.push(row),
            // A point not run: some point did not compile, and is returned.
            Ok(None) => {}
            Err(diags) => return Err((i, diags)),
        }
    }
    Ok(rows)
}
