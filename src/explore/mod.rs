//! `asim explore`: runs many variants of a scenario (its marked durations
//! drawn anew, the task-set orders CPython leaves open shuffled) and tells
//! what can happen: the outcomes, the elapsed times, how many distinct
//! interleavings, and for each failing class the smallest failing variant
//! with the command that replays it.
//!
//! Variant `i` of an exploration seeded with `S` is a pure function of
//! `(S, i)` ([`crate::runtime::Variant`]), so the variants can run on any
//! number of threads, and `--shard K/N` runs the indices `i ≡ K-1 (mod
//! N)`: the shards' tallies merged ([`merge`]) are the tally of the whole
//! exploration, the same failures and replays included.

pub(crate) mod cli;
mod probe;
mod report;
mod shrink;
mod tally;

pub use report::{write_human, write_json};
pub use tally::{merge, ClassTally, Example, ExampleDraw, Tally};

use crate::runtime::{Limits, Spread, Variant};
use crate::source::Source;
use crate::{compile_source, Compiled};
use rayon::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What to explore and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many variants (indices `0..runs`; 0 is the nominal run).
    pub runs: u64,
    /// The seed every variant derives from.
    pub seed: u64,
    /// Stop starting variants after this much wall-clock time.
    pub time_budget: Option<Duration>,
    /// A spread for every `sleep` without one.
    pub jitter: Option<Spread>,
    /// A spread for every `block` without one.
    pub jitter_blocks: Option<Spread>,
    /// Shuffle the set orders CPython leaves to memory addresses.
    pub vary_orders: bool,
    /// `(K, N)`: run only the indices `i` with `i % N == K - 1`.
    pub shard: Option<(u64, u64)>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// The limits of each run.
    pub limits: Limits,
    /// Cap each variant's steps and loop iterations at [`RUNAWAY`] times
    /// the nominal run's (the command line does unless `--max-steps` or
    /// `--max-iterations` is given).
    pub calibrate: bool,
}

/// How many times the nominal run's steps and loop iterations a variant
/// may take, when [`Options::calibrate`] (at least [`RUNAWAY_FLOOR`]).
pub const RUNAWAY: u64 = 100;
/// The least a calibrated limit allows.
pub const RUNAWAY_FLOOR: u64 = 100_000;

impl Options {
    /// Variant `index` of this exploration.
    pub fn variant(&self, index: u64) -> Variant {
        Variant {
            jitter: self.jitter,
            jitter_blocks: self.jitter_blocks,
            creation_order: !self.vary_orders,
            ..Variant::new(self.seed, index)
        }
    }
}

/// What one variant came to.
struct Sample {
    index: u64,
    class: String,
    elapsed: f64,
    interleaving: u64,
    output: u64,
    /// The run went through a set order CPython leaves open.
    orders: bool,
}

/// How many variants run between two looks at the clock (per thread).
const BATCH: u64 = 256;

thread_local! {
    /// The scenario compiled on this thread, for the exploration whose id
    /// it carries: a compiled scenario stays on the thread that made it.
    static COMPILED: RefCell<Option<(u64, Rc<Compiled>)>> = const { RefCell::new(None) };
}

/// Each exploration's id, for [`COMPILED`].
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn compiled_here(id: u64, source: &Source) -> Option<Rc<Compiled>> {
    COMPILED.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some((have, c)) = &*slot {
            if *have == id {
                return Some(c.clone());
            }
        }
        let c = Rc::new(compile_source(source).ok()?);
        *slot = Some((id, c.clone()));
        Some(c)
    })
}

/// Runs variant `index` and says what it came to.
fn sample(c: &Compiled, opts: &Options, index: u64) -> Sample {
    let mut probe = probe::Probe::new();
    let (end, verdict) = c.run_variant(opts.limits, &opts.variant(index), None, &mut probe);
    Sample {
        index,
        class: probe::class(&end, verdict.as_ref()),
        elapsed: end.elapsed,
        interleaving: probe.interleaving,
        output: probe.output,
        orders: !end.set_choices.is_empty(),
    }
}

/// Explores a scenario that compiled (`compiled`, from `source`); an
/// error when its nominal run hits a limit (every variant would).
pub fn explore(source: &Source, compiled: &Compiled, opts: &Options) -> Result<Tally, String> {
    let started = Instant::now();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    // The nominal run first: a scenario that never ends as written is not
    // worth a thousand variants, and one that ends bounds the variants'
    // work (every shard computes the same bound).
    let nominal = compiled.run_variant(opts.limits, &opts.variant(0), None, &mut crate::report::Discard).0;
    if let crate::runtime::Outcome::Limit(l) = &nominal.outcome {
        return Err(format!(
            "the nominal run (every duration as written) stops at a limit: {}; every variant would too: make the scenario end, or raise the limit",
            l.message
        ));
    }
    let mut opts = opts.clone();
    if opts.calibrate {
        let cap = |n: u64| n.saturating_mul(RUNAWAY).max(RUNAWAY_FLOOR);
        opts.limits.max_steps = opts.limits.max_steps.min(cap(nominal.steps));
        opts.limits.max_iterations = opts.limits.max_iterations.min(cap(nominal.iterations));
    }
    let opts = &opts;
    let mut tally = Tally::new(compiled, opts);
    let (k, n) = opts.shard.unwrap_or((1, 1));
    let mut next = k - 1;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .stack_size(crate::cli::STACK_SIZE)
        .thread_name(|i| format!("asim-explore-{i}"))
        .build();
    let threads = pool.as_ref().map_or(1, rayon::ThreadPool::current_num_threads) as u64;
    while next < opts.runs {
        if opts.time_budget.is_some_and(|b| started.elapsed() >= b) {
            tally.budget_hit = true;
            break;
        }
        let indices: Vec<u64> = (next..opts.runs).step_by(n as usize).take((BATCH * threads) as usize).collect();
        next = indices.last().map_or(opts.runs, |l| l + n);
        let one = |&i: &u64| compiled_here(id, source).map(|c| sample(&c, opts, i));
        let samples: Vec<Option<Sample>> = match &pool {
            Ok(pool) => pool.install(|| indices.par_iter().map(one).collect()),
            Err(_) => indices.iter().map(one).collect(),
        };
        for s in samples.into_iter().flatten() {
            tally.add(s.index, &s.class, s.elapsed, s.interleaving, s.output, s.orders);
        }
    }
    // The smallest failing variant of each class, shrunk (each on a
    // thread of its own: shrinking is many runs, one after another).
    let firsts: Vec<(String, u64)> =
        tally.classes.iter().filter(|(c, _)| *c != "ok").map(|(c, t)| (c.clone(), t.first)).collect();
    let shrink_one = |(class, first): &(String, u64)| {
        let c = compiled_here(id, source)?;
        Some((class.clone(), shrink::smallest(&c, opts, &opts.variant(*first), class)))
    };
    let examples: Vec<Option<(String, Example)>> = match &pool {
        Ok(pool) => pool.install(|| firsts.par_iter().map(shrink_one).collect()),
        Err(_) => firsts.iter().map(shrink_one).collect(),
    };
    for (class, example) in examples.into_iter().flatten() {
        if let Some(t) = tally.classes.get_mut(&class) {
            t.example = Some(example);
        }
    }
    tally.finish();
    Ok(tally)
}

/// Parses `--shard K/N`.
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, such as `2/4`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}
