//! Variants of a run, for `asim explore`: the durations a scenario marks
//! as variable (`sleep: 1.0 ± 20%`), drawn anew in each variant, and the
//! order of the task sets CPython leaves to memory addresses.
//!
//! A variant is a value ([`Variant`]) with a short text form, its id
//! (`7.12`, `7.12~s40~n3,5.1~c`), that `asim run --variant ID` replays
//! exactly. Each draw depends only on the variant, the site (the `sleep`
//! or `block` step) and how many times that site drew before, never on
//! other sites: keeping one site at its nominal duration (as shrinking
//! does) leaves the others' draws as they were.

use super::set_order::mix;
use super::{SetOrder, TaskId};
use crate::compile::{Program, NO_SITE};
use crate::syntax::spread::Spread;

/// One variant of a run (see the module's documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The exploration's seed (`asim explore --seed`).
    pub seed: u64,
    /// Which variant: 0 is the nominal run (every duration as written,
    /// sets in creation order).
    pub index: u64,
    /// How much of each spread is used, in percent (100: all of it).
    pub scale: u8,
    /// Durations kept nominal, sorted: `(site, None)` every draw of the
    /// site, `(site, Some(k))` its draw number `k` (from 0).
    pub pinned: Vec<(u32, Option<u32>)>,
    /// Sets iterate in creation order (the order is not varied).
    pub creation_order: bool,
    /// A spread for every `sleep` that has none (`asim explore --jitter`).
    pub jitter: Option<Spread>,
    /// A spread for every `block` that has none (`--jitter-blocks`).
    pub jitter_blocks: Option<Spread>,
}

impl Variant {
    /// The variant `index` of an exploration seeded with `seed`.
    pub fn new(seed: u64, index: u64) -> Variant {
        Variant {
            seed,
            index,
            scale: 100,
            pinned: Vec::new(),
            creation_order: false,
            jitter: None,
            jitter_blocks: None,
        }
    }

    /// The key its draws derive from.
    fn key(&self) -> u64 {
        mix(self.seed ^ mix(self.index.wrapping_add(0x9E37_79B9_7F4A_7C15)))
    }

    /// The order of its set iterations.
    pub fn set_order(&self) -> SetOrder {
        if self.index == 0 || self.creation_order {
            SetOrder::Creation
        } else {
            SetOrder::Shuffle(mix(self.key() ^ 0x5E70_4DE4))
        }
    }

    /// Parses a variant id (see [`std::fmt::Display`]).
    pub fn parse(text: &str) -> Result<Variant, String> {
        let bad = |why: &str| {
            format!(
                "`{text}` is not a variant id ({why}); `asim explore` prints them, as in `7.12` or `7.12~s40~n3,5.1~c`"
            )
        };
        let mut parts = text.trim().split('~');
        let head = parts.next().unwrap_or_default();
        let (seed, index) = head.split_once('.').ok_or_else(|| bad("it starts with SEED.INDEX"))?;
        let seed = seed.parse().map_err(|_| bad("SEED is a whole number"))?;
        let index = index.parse().map_err(|_| bad("INDEX is a whole number"))?;
        let mut v = Variant::new(seed, index);
        for part in parts {
            let (tag, rest) = part.split_at(part.chars().next().map_or(0, char::len_utf8));
            match tag {
                "s" => match rest.parse::<u8>() {
                    Ok(s) if s <= 100 => v.scale = s,
                    _ => return Err(bad("`~s` takes a percentage from 0 to 100")),
                },
                "c" if rest.is_empty() => v.creation_order = true,
                "n" => {
                    let pin = |p: &str| -> Option<(u32, Option<u32>)> {
                        Some(match p.split_once('.') {
                            Some((s, k)) => (s.parse().ok()?, Some(k.parse().ok()?)),
                            None => (p.parse().ok()?, None),
                        })
                    };
                    let pins: Option<Vec<_>> = rest.split(',').map(pin).collect();
                    v.pinned = pins.ok_or_else(|| bad("`~n` takes sites and draws, such as `~n3,5.1`"))?;
                    v.pinned.sort_unstable();
                    v.pinned.dedup();
                }
                "j" => v.jitter = Some(Spread::parse(rest).map_err(|e| bad(&e))?),
                "b" => v.jitter_blocks = Some(Spread::parse(rest).map_err(|e| bad(&e))?),
                _ => return Err(bad(&format!("unknown part `~{part}`"))),
            }
        }
        Ok(v)
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.seed, self.index)?;
        if let Some(j) = self.jitter {
            write!(f, "~j{j}")?;
        }
        if let Some(b) = self.jitter_blocks {
            write!(f, "~b{b}")?;
        }
        if self.scale != 100 {
            write!(f, "~s{}", self.scale)?;
        }
        if !self.pinned.is_empty() {
            f.write_str("~n")?;
            for (i, (s, k)) in self.pinned.iter().enumerate() {
                write!(f, "{}{s}", if i == 0 { "" } else { "," })?;
                if let Some(k) = k {
                    write!(f, ".{k}")?;
                }
            }
        }
        if self.creation_order {
            f.write_str("~c")?;
        }
        Ok(())
    }
}

/// A duration a variant drew: where, for which task, and its value (the
/// nominal one for a draw the variant pins).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// The site (a `sleep` or `block` step; see [`super::Tasks::site_line`]).
    pub site: u32,
    /// Which of the site's draws (from 0).
    pub draw: u32,
    /// The task that slept or blocked.
    pub task: TaskId,
    /// The duration the scenario gives.
    pub nominal: f64,
    /// The duration the variant used.
    pub value: f64,
}

/// A run's variant as the loop uses it.
pub(crate) struct Vary<'p> {
    /// Each site's spread in this variant (`None`: not varied), by id.
    spreads: Vec<Option<Spread>>,
    key: u64,
    scale: f64,
    /// How many times each site drew so far.
    counts: Vec<u32>,
    /// Single draws kept nominal (`(site, k)`, sorted).
    pinned_draws: Vec<(u32, u32)>,
    /// The draws, when the caller wants them.
    pub(crate) draws: Option<&'p mut Vec<Draw>>,
}

impl<'p> Vary<'p> {
    pub(crate) fn new(prog: &Program, v: &Variant, draws: Option<&'p mut Vec<Draw>>) -> Option<Vary<'p>> {
        if v.index == 0 || v.scale == 0 {
            return None;
        }
        let spreads: Vec<Option<Spread>> = prog
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let pinned = v.pinned.binary_search(&(i as u32, None)).is_ok();
                let spread = s.spread.or(if s.block { v.jitter_blocks } else { v.jitter });
                spread.filter(|_| !pinned)
            })
            .collect();
        if spreads.iter().all(Option::is_none) {
            return None;
        }
        let n = spreads.len();
        let pinned_draws = v.pinned.iter().filter_map(|&(s, k)| Some((s, k?))).collect();
        Some(Vary { spreads, key: v.key(), scale: f64::from(v.scale) / 100.0, counts: vec![0; n], pinned_draws, draws })
    }

    /// The duration a sleep or block of `d` seconds (valid, above 0) at
    /// `site` takes in this variant.
    #[inline]
    pub(crate) fn draw(&mut self, site: u32, task: TaskId, d: f64) -> f64 {
        if site == NO_SITE {
            return d;
        }
        let Some(spread) = self.spreads[site as usize] else { return d };
        let k = self.counts[site as usize];
        self.counts[site as usize] += 1;
        if !self.pinned_draws.is_empty() && self.pinned_draws.binary_search(&(site, k)).is_ok() {
            if let Some(draws) = self.draws.as_deref_mut() {
                draws.push(Draw { site, draw: k, task, nominal: d, value: d });
            }
            return d;
        }
        let bits = mix(self.key ^ (u64::from(site) << 32 | u64::from(k)).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let (lo, hi) = spread.range(d, self.scale);
        let mut value = lo + u * (hi - lo);
        // Whole microseconds read better in a replay's output.
        if hi - lo >= 1e-5 {
            value = ((value * 1e6).round() / 1e6).clamp(lo, hi);
        }
        if let Some(draws) = self.draws.as_deref_mut() {
            draws.push(Draw { site, draw: k, task, nominal: d, value });
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_written() {
        for id in ["7.12", "0.0", "18446744073709551615.3~s40~n3,5.1~c", "1.2~j10%~b0.05~s5"] {
            assert_eq!(Variant::parse(id).unwrap().to_string(), id);
        }
        for bad in ["7", "x.1", "7.1~s101", "7.1~q", "7.1~nx", "7.1~j200%", "7.1~cx"] {
            assert!(Variant::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_nominal_variant_keeps_creation_order() {
        assert_eq!(Variant::new(7, 0).set_order(), SetOrder::Creation);
        assert_ne!(Variant::new(7, 1).set_order(), Variant::new(7, 2).set_order());
        let v = Variant { creation_order: true, ..Variant::new(7, 1) };
        assert_eq!(v.set_order(), SetOrder::Creation);
    }
}
