//! Folding in the human view: a run of more than [`FOLD_AFTER`] `sleep`
//! lines in a row, all at one virtual time (many tasks woken by one tick
//! going back to sleep), shows its first [`SHOWN`] lines, then one line for
//! the rest:
//!
//! ```text
//!     1.000  Task-3   sleep  until 2.0
//!     1.000  Task-4   sleep  until 2.05
//!     1.000           … 46 more sleeps until 2.0–2.45 (Task-5 … Task-50)
//! ```
//!
//! Only `sleep` lines fold: any other line (a print, a wait, a wake, an
//! error) ends the run and shows as it is. The fold holds at most one line
//! and a few numbers, never the run: the lines it hides are counted, not
//! kept, and never formatted.

use crate::runtime::Tasks;
use crate::value::pyfmt::float_repr;

/// The first lines of a run that are always shown.
pub(crate) const SHOWN: u32 = 2;
/// A run longer than this folds.
pub(crate) const FOLD_AFTER: u32 = 3;

// One line is held before the fold begins.
const _: () = assert!(FOLD_AFTER == SHOWN + 1);

/// The sleeps one folded line stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Folded {
    /// How many.
    n: u32,
    /// The first and last task, in the order they went to sleep.
    first: u32,
    last: u32,
    /// The earliest and latest deadline.
    lo: f64,
    hi: f64,
}

impl Folded {
    /// The folded line's text, after the task column:
    /// `… 46 more sleeps until 2.0–2.45 (Task-5 … Task-50)`.
    pub(crate) fn text(&self, tasks: &Tasks<'_>) -> String {
        let mut out = String::from("… ");
        out.push_str(itoa::Buffer::new().format(self.n));
        out.push_str(" more sleeps until ");
        out.push_str(&float_repr(self.lo));
        if self.hi != self.lo {
            out.push('–');
            out.push_str(&float_repr(self.hi));
        }
        out.push_str(" (");
        tasks.name(self.first).push_to(&mut out);
        if self.last != self.first {
            out.push_str(if self.n == 2 { ", " } else { " … " });
            tasks.name(self.last).push_to(&mut out);
        }
        out.push(')');
        out
    }
}

/// What a run leaves to show once it ends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Release {
    /// One sleep line held back (the run was just one line too long to
    /// fold), shown as it is.
    One {
        /// Its virtual time.
        t: f64,
        /// Its task.
        task: u32,
        /// Its deadline.
        until: f64,
    },
    /// A folded line, at this virtual time.
    Many(f64, Folded),
}

/// The state of the current run of sleep lines.
#[derive(Debug, Default)]
pub(crate) struct Fold {
    /// The run's virtual time (its bits).
    t: u64,
    /// Sleep lines in the run so far.
    run: u32,
    /// The line after the [`SHOWN`] ones, held until the run proves long
    /// enough to fold.
    held: Option<(u32, f64)>,
    /// The lines folded so far.
    folded: Option<Folded>,
}

impl Fold {
    /// A sleep line of `task` until `until`, at time `t`: first what an
    /// earlier run at another time leaves to show, then whether to show
    /// this line now (`false`: the fold has taken it).
    pub(crate) fn sleep(&mut self, t: f64, task: u32, until: f64) -> (Option<Release>, bool) {
        let released = if self.run > 0 && self.t != t.to_bits() { self.end() } else { None };
        self.t = t.to_bits();
        self.run += 1;
        let show = match self.run {
            n if n <= SHOWN => true,
            n if n == SHOWN + 1 => {
                self.held = Some((task, until));
                false
            }
            _ => {
                let f = self.folded.get_or_insert_with(|| {
                    let (first, lo) = self.held.take().expect("the held line starts the fold");
                    Folded { n: 1, first, last: first, lo, hi: lo }
                });
                f.n += 1;
                f.last = task;
                f.lo = f.lo.min(until);
                f.hi = f.hi.max(until);
                false
            }
        };
        (released, show)
    }

    /// A line other than a sleep comes (or the run is over): what the
    /// current run of sleeps leaves to show first.
    pub(crate) fn end(&mut self) -> Option<Release> {
        self.run = 0;
        let t = f64::from_bits(self.t);
        if let Some(f) = self.folded.take() {
            return Some(Release::Many(t, f));
        }
        self.held.take().map(|(task, until)| Release::One { t, task, until })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(fold: &mut Fold, t: f64, n: u32) -> (u32, Vec<Release>) {
        let mut shown = 0;
        let mut out = Vec::new();
        for i in 0..n {
            let (r, show) = fold.sleep(t, i, 1.0 + f64::from(i));
            out.extend(r);
            shown += u32::from(show);
        }
        (shown, out)
    }

    #[test]
    fn three_sleeps_show_as_they_are() {
        let mut fold = Fold::default();
        let (shown, released) = feed(&mut fold, 0.0, 3);
        assert_eq!((shown, released.len()), (2, 0));
        assert!(matches!(fold.end(), Some(Release::One { t: 0.0, task: 2, until: 3.0 })));
        assert!(fold.end().is_none());
    }

    #[test]
    fn a_longer_run_folds_all_but_the_first_two() {
        let mut fold = Fold::default();
        let (shown, _) = feed(&mut fold, 1.0, 50);
        assert_eq!(shown, 2);
        match fold.end() {
            Some(Release::Many(1.0, f)) => {
                assert_eq!((f.n, f.first, f.last, f.lo, f.hi), (48, 2, 49, 3.0, 50.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_new_instant_ends_the_run() {
        let mut fold = Fold::default();
        feed(&mut fold, 1.0, 5);
        let (released, show) = fold.sleep(2.0, 9, 3.0);
        assert!(matches!(released, Some(Release::Many(1.0, f)) if f.n == 3));
        assert!(show);
    }
}
