//! Shrinking a failing variant toward the nominal run, as property-based
//! testing shrinks a failing input: the same failure with the set orders
//! as created, with less of each spread, with as many durations as
//! written as possible. Every step is a run of its own, so the result is
//! a variant like any other, replayed by its id.

use super::probe;
use super::{Example, ExampleDraw, Options};
use crate::report::Discard;
use crate::runtime::{Draw, Event, Interest, RunEnd, Sink, Tasks, Variant};
use crate::Compiled;

/// The most runs one shrinking may take.
const MAX_RUNS: u32 = 400;
/// Single draws are tried one by one only in a run that drew at most
/// this many (a run of thousands would spend every run, and its id would
/// list them all).
const MAX_DRAWS_TRIED: usize = 64;

struct Shrinker<'a> {
    c: &'a Compiled,
    opts: &'a Options,
    class: &'a str,
    runs: u32,
}

impl Shrinker<'_> {
    /// Whether `v` still fails the same way (false once out of runs).
    fn fails(&mut self, v: &Variant) -> bool {
        if self.runs >= MAX_RUNS {
            return false;
        }
        self.runs += 1;
        let mut probe = probe::Probe::new();
        let (end, verdict) = self.c.run_variant(self.opts.limits, v, None, &mut probe);
        probe::class(&end, verdict.as_ref()) == self.class
    }

    /// The smallest scale (percent of every spread) at which `v` still fails.
    fn scale_down(&mut self, v: &mut Variant) {
        let zero = Variant { scale: 0, ..v.clone() };
        if self.fails(&zero) {
            *v = zero;
            return;
        }
        let (mut lo, mut hi) = (0u8, v.scale);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let w = Variant { scale: mid, ..v.clone() };
            if self.fails(&w) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        v.scale = hi;
    }
}

/// The smallest variant failing like `v0` (of class `class`), and what it
/// drew.
pub(crate) fn smallest(c: &Compiled, opts: &Options, v0: &Variant, class: &str) -> Example {
    let mut s = Shrinker { c, opts, class, runs: 0 };
    let mut best = v0.clone();
    if best.index != 0 {
        if !best.creation_order {
            let w = Variant { creation_order: true, ..best.clone() };
            if s.fails(&w) {
                best = w;
            }
        }
        s.scale_down(&mut best);
        if best.scale > 0 {
            // Keep each site that drew at its nominal duration, then each
            // single draw, where the failure stays.
            let mut draws = Vec::new();
            c.run_variant(opts.limits, &best, Some(&mut draws), &mut Discard);
            let mut sites: Vec<u32> = draws.iter().map(|d| d.site).collect();
            sites.sort_unstable();
            sites.dedup();
            draws.retain(|d| d.value != d.nominal);
            if draws.len() > MAX_DRAWS_TRIED {
                draws.clear();
            }
            let pins = sites.iter().map(|&s| (s, None)).chain(draws.iter().map(|d| (d.site, Some(d.draw))));
            for pin in pins {
                if best.pinned.contains(&(pin.0, None)) {
                    continue;
                }
                let mut w = best.clone();
                w.pinned.push(pin);
                w.pinned.sort_unstable();
                if s.fails(&w) {
                    best = w;
                }
            }
            if best.scale > 1 && !best.pinned.is_empty() {
                s.scale_down(&mut best);
            }
        }
    }
    describe(c, opts, best, v0, s.runs)
}

/// Runs the variant once more, keeping what it drew, for the report.
fn describe(c: &Compiled, opts: &Options, v: Variant, original: &Variant, shrink_runs: u32) -> Example {
    let mut draws: Vec<Draw> = Vec::new();
    let (end, verdict) = c.run_variant(opts.limits, &v, Some(&mut draws), &mut Discard);
    draws.retain(|d| d.value != d.nominal);
    // A second pass names the tasks (the run is deterministic).
    let mut names = Names {
        want: draws.iter().take(Example::SHOWN).map(|d| d.task).collect(),
        calls: std::collections::BTreeMap::new(),
        got: Vec::new(),
    };
    c.run_variant(opts.limits, &v, None, &mut names);
    let sites = c.sites();
    let shown = draws
        .iter()
        .take(Example::SHOWN)
        .zip(&names.got)
        .map(|(d, (task, call))| {
            let site = sites[d.site as usize];
            ExampleDraw {
                line: site.line,
                kind: if site.block { "block" } else { "sleep" }.to_owned(),
                task: task.clone(),
                call: call.clone(),
                nominal: d.nominal,
                value: d.value,
            }
        })
        .collect();
    Example {
        variant: v.to_string(),
        original: original.to_string(),
        shrink_runs,
        detail: probe::detail(&end, verdict.as_ref()),
        elapsed: end.elapsed,
        shuffled: v.set_order() != crate::runtime::SetOrder::Creation,
        more_draws: draws.len().saturating_sub(Example::SHOWN),
        draws: shown,
    }
}

/// A sink that names some tasks: their call as they start (a finished
/// task no longer holds its arguments), their name as the run ends.
struct Names {
    want: Vec<u32>,
    calls: std::collections::BTreeMap<u32, String>,
    got: Vec<(String, String)>,
}

impl Sink for Names {
    fn interest(&self) -> Interest {
        Interest::TRACE
    }
    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> std::io::Result<()> {
        if matches!(e.kind, crate::runtime::EventKind::Start) && self.want.contains(&e.task) {
            self.calls.insert(e.task, tasks.call(e.task));
        }
        Ok(())
    }
    fn finish(&mut self, _: &RunEnd, tasks: &Tasks<'_>) -> std::io::Result<()> {
        self.got = self
            .want
            .iter()
            .map(|&t| (tasks.name(t).to_string(), self.calls.get(&t).cloned().unwrap_or_else(|| tasks.call(t))))
            .collect();
        Ok(())
    }
}
