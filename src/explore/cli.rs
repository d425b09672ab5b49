//! `asim explore`'s command line.

use super::{explore, merge, parse_shard, write_human, write_json, Options, Tally};
use crate::cli::{load, Color, EXIT_ERROR, EXIT_INVALID, EXIT_OK};
use crate::runtime::{Limits, Spread};
use crate::version::Python;
use std::io::Write;

/// `asim explore`'s flags.
#[derive(clap::Args, Debug)]
pub(crate) struct ExploreArgs {
    /// The scenario file (YAML).
    #[arg(required_unless_present = "merge")]
    file: Option<String>,
    /// How many variants to run (variant 0 is the nominal run).
    #[arg(long, default_value_t = 1000)]
    runs: u64,
    /// The seed every variant derives from (the same seed, the same variants).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Stop starting variants after this much wall-clock time (`30s`,
    /// `2min`, or seconds); the report says how many ran.
    #[arg(long, value_name = "TIME", value_parser = parse_budget)]
    time_budget: Option<std::time::Duration>,
    /// Vary every `sleep` that has no spread of its own by this much
    /// (`10%`, `0.05`, `50ms`).
    #[arg(long, value_name = "SPREAD", value_parser = Spread::parse)]
    jitter: Option<Spread>,
    /// Vary every `block` that has no spread of its own by this much.
    #[arg(long, value_name = "SPREAD", value_parser = Spread::parse)]
    jitter_blocks: Option<Spread>,
    /// Keep the task-set orders CPython leaves to memory addresses in
    /// creation order instead of shuffling them.
    #[arg(long)]
    no_orders: bool,
    /// Run only shard K of N (`--shard 2/4`): the variants whose index is
    /// K-1 modulo N. Write each shard's `--format json` and combine them
    /// with `--merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(u64, u64)>,
    /// Combine the JSON results of shards (`asim explore --merge s1.json
    /// s2.json ...`) into one report.
    #[arg(long, value_name = "JSON", num_args = 1.., conflicts_with_all = ["file", "shard", "runs", "seed", "jitter", "jitter_blocks", "no_orders", "time_budget"])]
    merge: Vec<String>,
    /// Output format: the report, or the tally as one JSON object (what
    /// `--merge` reads).
    #[arg(long, value_enum, default_value_t = ExploreFormat::Human)]
    format: ExploreFormat,
    /// Colour in the report: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// The CPython release to reproduce: 3.11, 3.12, 3.13 or 3.14.
    #[arg(long, value_name = "VERSION", value_parser = Python::parse)]
    python: Option<Python>,
    /// Stop each variant after this many executed steps (default: 100
    /// times the nominal run's, at least 100000).
    #[arg(long)]
    max_steps: Option<u64>,
    /// Stop each variant after this many iterations of the event loop
    /// (default: 100 times the nominal run's, at least 100000).
    #[arg(long)]
    max_iterations: Option<u64>,
    /// Stop each variant after creating this many tasks.
    #[arg(long, default_value_t = Limits::default().max_tasks)]
    max_tasks: u32,
    /// Stop each variant when virtual time passes this many seconds.
    #[arg(long, default_value_t = Limits::default().max_time)]
    max_time: f64,
    /// Stop a variant when it holds more than this many MiB of memory.
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_memory >> 20)]
    max_memory: u64,
}

impl ExploreArgs {
    /// `--max-memory`, in MiB.
    pub(crate) fn max_memory(&self) -> u64 {
        self.max_memory
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExploreFormat {
    Human,
    Json,
}

fn parse_budget(text: &str) -> Result<std::time::Duration, String> {
    let secs = match crate::syntax::parse::parse_duration(text) {
        Some(Ok(v)) => v,
        Some(Err((msg, _))) => return Err(msg),
        None => {
            text.trim().parse::<f64>().map_err(|_| format!("`{text}` is not a time: write `30s`, `2min` or seconds"))?
        }
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("the time budget must be above 0, found `{text}`"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Runs `asim explore`.
pub(crate) fn main(a: ExploreArgs, out: &mut dyn Write, err: &mut dyn Write, term_color: bool) -> i32 {
    let color = a.color.on(term_color);
    let tally = if a.merge.is_empty() {
        let Some(file) = &a.file else { return EXIT_INVALID };
        let (source, compiled) = match load(file, err, color) {
            Ok(x) => x,
            Err(code) => return code,
        };
        if a.runs == 0 {
            let _ = writeln!(err, "error: --runs must be at least 1");
            return EXIT_INVALID;
        }
        let opts = Options {
            runs: a.runs,
            seed: a.seed,
            time_budget: a.time_budget,
            jitter: a.jitter,
            jitter_blocks: a.jitter_blocks,
            vary_orders: !a.no_orders,
            shard: a.shard,
            jobs: a.jobs,
            calibrate: a.max_steps.is_none() && a.max_iterations.is_none(),
            limits: Limits {
                max_steps: a.max_steps.unwrap_or(Limits::default().max_steps),
                max_iterations: a.max_iterations.unwrap_or(Limits::default().max_iterations),
                max_tasks: a.max_tasks,
                max_time: a.max_time,
                max_memory: a.max_memory.saturating_mul(1 << 20),
                python: a.python,
                ..Limits::default()
            },
        };
        match explore(&source, &compiled, &opts) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: {e}\n  hint: `asim run {file}` shows where it stops");
                return crate::cli::EXIT_LIMIT;
            }
        }
    } else {
        let mut parts = Vec::new();
        for path in &a.merge {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot read {path}: {e}");
                    return EXIT_INVALID;
                }
            };
            match serde_json::from_str::<Tally>(&text) {
                Ok(t) => parts.push(t),
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "error: {path} is not the JSON of `asim explore --format json` ({e})\n  hint: write each shard with `asim explore FILE --shard K/N --format json > shard-K.json`"
                    );
                    return EXIT_INVALID;
                }
            }
        }
        match merge(parts) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_INVALID;
            }
        }
    };
    let written = match a.format {
        ExploreFormat::Human => write_human(out, &tally, color),
        ExploreFormat::Json => write_json(out, &tally),
    }
    .and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "error: cannot write output: {e}");
            return EXIT_INVALID;
        }
    }
    if tally.failures() > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
