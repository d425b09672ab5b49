//! The tally of an exploration: what the variants came to, kept whole so
//! that the tallies of shards merge into the tally of the whole.

use super::Options;
use crate::Compiled;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What an exploration (or one shard of it) found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file, as given.
    pub file: String,
    /// The CPython release reproduced.
    pub python: String,
    /// `--seed`.
    pub seed: u64,
    /// `--runs`: the variants of the whole exploration.
    pub planned: u64,
    /// `--jitter`, as given.
    pub jitter: Option<String>,
    /// `--jitter-blocks`, as given.
    pub jitter_blocks: Option<String>,
    /// Whether set orders were shuffled.
    pub vary_orders: bool,
    /// The most steps and loop iterations a variant may take.
    pub max_steps: u64,
    /// See [`Tally::max_steps`].
    pub max_iterations: u64,
    /// Variants whose run went through a set order CPython leaves open.
    pub orders_met: u64,
    /// The `sleep`/`block` steps that vary (a spread in the scenario, or a
    /// jitter for them).
    pub varied_sites: usize,
    /// The shards this tally holds, as `(K, N)`; `(1, 1)` for a whole run.
    pub shards: Vec<(u64, u64)>,
    /// Variants run.
    pub runs: u64,
    /// Whether `--time-budget` stopped it before `planned` variants.
    pub budget_hit: bool,
    /// The elapsed time of the nominal run (variant 0), if this tally has it.
    pub nominal_elapsed: Option<f64>,
    /// Each outcome class: its count, first variant, and for a failing
    /// class the smallest failing variant.
    pub classes: BTreeMap<String, ClassTally>,
    /// Every run's elapsed virtual time, sorted.
    pub elapsed: Vec<f64>,
    /// The distinct interleavings (which task did what, in order), as
    /// fingerprints.
    pub interleavings: BTreeSet<u64>,
    /// The distinct outputs (what the program printed), as fingerprints.
    pub outputs: BTreeSet<u64>,
}

/// One outcome class of a tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassTally {
    /// How many variants ended so.
    pub count: u64,
    /// The first of them (smallest index).
    pub first: u64,
    /// For a failing class: the first one, shrunk.
    pub example: Option<Example>,
}

/// The smallest failing variant of a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Its id (`asim run FILE --variant ID` replays it).
    pub variant: String,
    /// The variant it was shrunk from.
    pub original: String,
    /// Runs the shrinking took.
    pub shrink_runs: u32,
    /// How the run ended (`ValueError: boom`, `3 tasks blocked forever`).
    pub detail: String,
    /// Its elapsed virtual time.
    pub elapsed: f64,
    /// Whether its set orders are shuffled (not creation order).
    pub shuffled: bool,
    /// The durations it drew away from nominal, in the order drawn (the
    /// first [`Example::SHOWN`]).
    pub draws: Vec<ExampleDraw>,
    /// How many more it drew.
    pub more_draws: usize,
}

impl Example {
    /// How many draws an example lists.
    pub const SHOWN: usize = 12;
}

/// A duration a failing variant drew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleDraw {
    /// The step's line.
    pub line: u32,
    /// `sleep` or `block`.
    pub kind: String,
    /// The task, as the run names it.
    pub task: String,
    /// The task's coroutine call (`worker(3)`).
    pub call: String,
    /// The duration as written.
    pub nominal: f64,
    /// The duration as drawn.
    pub value: f64,
}

impl Tally {
    pub(crate) fn new(c: &Compiled, opts: &Options) -> Tally {
        let varied_sites = c
            .sites()
            .iter()
            .filter(|s| {
                s.spread.is_some() || if s.block { opts.jitter_blocks.is_some() } else { opts.jitter.is_some() }
            })
            .count();
        Tally {
            scenario: c.name(),
            file: c.file().to_owned(),
            python: c.python(opts.limits.python).to_string(),
            seed: opts.seed,
            planned: opts.runs,
            jitter: opts.jitter.map(|j| j.to_string()),
            jitter_blocks: opts.jitter_blocks.map(|j| j.to_string()),
            vary_orders: opts.vary_orders,
            max_steps: opts.limits.max_steps,
            max_iterations: opts.limits.max_iterations,
            orders_met: 0,
            varied_sites,
            shards: vec![opts.shard.unwrap_or((1, 1))],
            runs: 0,
            budget_hit: false,
            nominal_elapsed: None,
            classes: BTreeMap::new(),
            elapsed: Vec::new(),
            interleavings: BTreeSet::new(),
            outputs: BTreeSet::new(),
        }
    }

    pub(crate) fn add(&mut self, index: u64, class: &str, elapsed: f64, interleaving: u64, output: u64, orders: bool) {
        self.runs += 1;
        self.orders_met += u64::from(orders);
        if index == 0 {
            self.nominal_elapsed = Some(elapsed);
        }
        match self.classes.get_mut(class) {
            Some(t) => {
                t.count += 1;
                t.first = t.first.min(index);
            }
            None => {
                self.classes.insert(class.to_owned(), ClassTally { count: 1, first: index, example: None });
            }
        }
        self.elapsed.push(elapsed);
        self.interleavings.insert(interleaving);
        self.outputs.insert(output);
    }

    pub(crate) fn finish(&mut self) {
        self.elapsed.sort_by(f64::total_cmp);
    }

    /// The elapsed time at percentile `p` (nearest rank).
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let n = self.elapsed.len();
        if n == 0 {
            return None;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        Some(self.elapsed[rank.clamp(1, n) - 1])
    }

    /// The variants that did not end `ok`.
    pub fn failures(&self) -> u64 {
        self.classes.iter().filter(|(c, _)| *c != "ok").map(|(_, t)| t.count).sum()
    }
}

/// Merges the tallies of shards of one exploration (`asim explore
/// --merge`): what the unsharded exploration would have found.
pub fn merge(mut parts: Vec<Tally>) -> Result<Tally, String> {
    parts.sort_by_key(|t| t.shards.first().copied());
    let mut it = parts.into_iter();
    let mut all = it.next().ok_or("nothing to merge")?;
    for t in it {
        let same = t.scenario == all.scenario
            && t.seed == all.seed
            && t.planned == all.planned
            && t.jitter == all.jitter
            && t.jitter_blocks == all.jitter_blocks
            && t.vary_orders == all.vary_orders
            && (t.max_steps, t.max_iterations) == (all.max_steps, all.max_iterations)
            && t.python == all.python;
        if !same {
            return Err(format!(
                "the results are of different explorations (scenario, --seed, --runs, --jitter, orders, limits or Python differ): {} seed {} runs {} and {} seed {} runs {}",
                all.scenario, all.seed, all.planned, t.scenario, t.seed, t.planned
            ));
        }
        if let Some(s) = t.shards.iter().find(|s| all.shards.contains(s)) {
            return Err(format!("shard {}/{} is given twice", s.0, s.1));
        }
        if t.shards.iter().chain(&all.shards).any(|s| s.1 != all.shards[0].1) {
            return Err("the results are of shards of different splits (K/N with different N)".into());
        }
        all.shards.extend(t.shards);
        all.runs += t.runs;
        all.orders_met += t.orders_met;
        all.budget_hit |= t.budget_hit;
        all.nominal_elapsed = all.nominal_elapsed.or(t.nominal_elapsed);
        for (class, c) in t.classes {
            match all.classes.get_mut(&class) {
                Some(a) => {
                    a.count += c.count;
                    if c.first < a.first {
                        a.first = c.first;
                        a.example = c.example;
                    }
                }
                None => {
                    all.classes.insert(class, c);
                }
            }
        }
        all.elapsed.extend(t.elapsed);
        all.interleavings.extend(t.interleavings);
        all.outputs.extend(t.outputs);
    }
    all.shards.sort_unstable();
    all.finish();
    Ok(all)
}
