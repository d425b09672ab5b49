//! `list.sort` as CPython 3.11 does it: the list is cut into runs the way
//! `listsort` cuts it (`count_run`, reversing a strictly descending run,
//! then binary insertion up to `minrun`), with the same comparisons in the
//! same order, so a comparison that fails there raises the same TypeError.
//! The runs are then merged stably; CPython's galloping merge compares in
//! another order, which only matters if a comparison across runs fails.

use super::Exc;

type Lt<'a, T> = dyn FnMut(&T, &T) -> Result<bool, Exc> + 'a;

/// CPython's `merge_compute_minrun`.
fn minrun(mut n: usize) -> usize {
    let mut r = 0;
    while n >= 64 {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// The length of the run at the start of `v` (at least 2 items when `v`
/// has them), reversed in place when strictly descending.
fn count_run<T>(v: &mut [T], lt: &mut Lt<'_, T>) -> Result<usize, Exc> {
    let n = v.len();
    if n < 2 {
        return Ok(n);
    }
    let mut run = 2;
    if lt(&v[1], &v[0])? {
        while run < n && lt(&v[run], &v[run - 1])? {
            run += 1;
        }
        v[..run].reverse();
    } else {
        while run < n && !lt(&v[run], &v[run - 1])? {
            run += 1;
        }
    }
    Ok(run)
}

/// CPython's `binarysort`: `v[..start]` is sorted; insert the rest.
fn binarysort<T>(v: &mut [T], start: usize, lt: &mut Lt<'_, T>) -> Result<(), Exc> {
    for s in start.max(1)..v.len() {
        let (mut l, mut r) = (0, s);
        while l < r {
            let p = l + ((r - l) >> 1);
            if lt(&v[s], &v[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        v[l..=s].rotate_right(1);
    }
    Ok(())
}

/// Sorts `v` stably by `lt` (`a < b`).
pub(crate) fn py_sort<T: Clone>(v: &mut [T], lt: &mut Lt<'_, T>) -> Result<(), Exc> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let minrun = minrun(n);
    let mut runs = Vec::new();
    let mut lo = 0;
    while lo < n {
        let mut len = count_run(&mut v[lo..], lt)?;
        if len < minrun {
            let force = minrun.min(n - lo);
            binarysort(&mut v[lo..lo + force], len, lt)?;
            len = force;
        }
        runs.push(lo..lo + len);
        lo += len;
    }
    // Merge neighbouring runs until one is left (stable: on a tie the
    // left item comes first).
    while runs.len() > 1 {
        let mut next = Vec::with_capacity(runs.len() / 2 + 1);
        for pair in runs.chunks(2) {
            match pair {
                [a, b] => {
                    let left: Vec<T> = v[a.clone()].to_vec();
                    let (mut i, mut j, mut k) = (0, b.start, a.start);
                    while i < left.len() && j < b.end {
                        if lt(&v[j], &left[i])? {
                            v[k] = v[j].clone();
                            j += 1;
                        } else {
                            v[k] = left[i].clone();
                            i += 1;
                        }
                        k += 1;
                    }
                    for x in &left[i..] {
                        v[k] = x.clone();
                        k += 1;
                    }
                    next.push(a.start..b.end);
                }
                [a] => next.push(a.clone()),
                _ => unreachable!("chunks of two"),
            }
        }
        runs = next;
    }
    Ok(())
}
