//! How many tasks of a group are in each state over time, in a fixed number
//! of time buckets whose width doubles as the run goes on: memory stays the
//! same whether the group has ten tasks or a million, and each segment
//! costs O(1) to add.
//!
//! A bucket holds the time-integral of the count of tasks in a state over
//! it (task-seconds); divided by the width, that is the average number of
//! tasks in that state there. A segment adds its partial overlap to the
//! bucket it starts in and the one it ends in, and marks the full buckets
//! between with a difference array; a rescale materialises the integrals
//! and merges pairs of buckets.

/// Buckets per group.
pub(crate) const BUCKETS: usize = 512;
/// The width buckets start at (seconds): doubled until the run fits.
const FIRST_WIDTH: f64 = 1.0 / 1_048_576.0;
/// States tracked: ready, running, sleeping, blocked.
pub(crate) const STATES: usize = 4;

/// Every group's buckets, on one shared time scale.
#[derive(Debug)]
pub(crate) struct Grid {
    width: f64,
    groups: Vec<Buckets>,
}

#[derive(Debug, Clone)]
struct Buckets {
    /// Task-seconds added directly (partial overlaps, merged buckets).
    part: Vec<[f64; STATES]>,
    /// Difference array of the number of segments covering a bucket fully.
    full: Vec<[i32; STATES]>,
}

impl Buckets {
    fn new() -> Self {
        Buckets { part: vec![[0.0; STATES]; BUCKETS], full: vec![[0; STATES]; BUCKETS + 1] }
    }

    /// The task-seconds per bucket and state.
    fn integrals(&self, width: f64) -> Vec<[f64; STATES]> {
        let mut run = [0i64; STATES];
        let mut out = self.part.clone();
        for (i, slot) in out.iter_mut().enumerate() {
            for s in 0..STATES {
                run[s] += i64::from(self.full[i][s]);
                slot[s] += run[s] as f64 * width;
            }
        }
        out
    }
}

impl Grid {
    pub(crate) fn new() -> Self {
        Grid { width: FIRST_WIDTH, groups: Vec::new() }
    }

    /// The bucket width now (seconds).
    pub(crate) fn width(&self) -> f64 {
        self.width
    }

    /// Makes room for group `g`.
    pub(crate) fn ensure(&mut self, g: usize) {
        while self.groups.len() <= g {
            self.groups.push(Buckets::new());
        }
    }

    /// Doubles the width until `t` falls inside the grid.
    fn fit(&mut self, t: f64) {
        while t >= self.width * BUCKETS as f64 {
            let width = self.width;
            for b in &mut self.groups {
                let ints = b.integrals(width);
                for i in 0..BUCKETS {
                    let (lo, hi) = (ints.get(2 * i), ints.get(2 * i + 1));
                    let mut merged = [0.0; STATES];
                    for s in 0..STATES {
                        merged[s] = lo.map_or(0.0, |v| v[s]) + hi.map_or(0.0, |v| v[s]);
                    }
                    b.part[i] = merged;
                }
                b.full.iter_mut().for_each(|f| *f = [0; STATES]);
            }
            self.width *= 2.0;
        }
    }

    /// Group `g` had one task in `state` from `start` to `end`.
    pub(crate) fn add(&mut self, g: usize, state: usize, start: f64, end: f64) {
        if end <= start || !end.is_finite() || start < 0.0 {
            return;
        }
        self.fit(end);
        let w = self.width;
        let b = &mut self.groups[g];
        let (i, j) = (((start / w) as usize).min(BUCKETS - 1), ((end / w) as usize).min(BUCKETS - 1));
        if i == j {
            b.part[i][state] += end - start;
            return;
        }
        b.part[i][state] += (i + 1) as f64 * w - start;
        b.part[j][state] += end - j as f64 * w;
        if j > i + 1 {
            b.full[i + 1][state] += 1;
            b.full[j][state] -= 1;
        }
    }

    /// Group `g`'s average count of tasks per state in each of the first
    /// `n` buckets (state-major).
    pub(crate) fn averages(&self, g: usize, n: usize) -> [Vec<f64>; STATES] {
        let ints = self.groups[g].integrals(self.width);
        std::array::from_fn(|s| ints.iter().take(n).map(|v| v[s] / self.width).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_survive_rescaling() {
        let mut g = Grid::new();
        g.ensure(0);
        // Two tasks sleeping over [0, 10), one blocked over [5, 10).
        g.add(0, 2, 0.0, 10.0);
        g.add(0, 2, 0.0, 10.0);
        g.add(0, 3, 5.0, 10.0);
        // 10 s over 512 buckets: the width is a power of two >= 10/512.
        let w = g.width();
        assert!(w * BUCKETS as f64 > 10.0 && w * (BUCKETS / 2) as f64 <= 10.0, "{w}");
        let n = (10.0 / w).ceil() as usize;
        let avg = g.averages(0, n);
        assert!((avg[2][0] - 2.0).abs() < 1e-9 && (avg[2][n / 2 - 2] - 2.0).abs() < 1e-9);
        assert!(avg[3][0].abs() < 1e-9 && (avg[3][n - 2] - 1.0).abs() < 1e-9);
        let total: f64 = avg[2].iter().map(|a| a * w).sum();
        assert!((total - 20.0).abs() < 1e-6, "{total}");
    }
}
