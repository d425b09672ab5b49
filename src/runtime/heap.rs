//! CPython's `heapq`, step for step.
//!
//! asyncio keeps its timers in a binary heap ordered by deadline alone, with
//! no tiebreak, so the order of equal deadlines is whatever shape the heap has
//! (FIFO only up to three timers). To fire timers in CPython's order we keep
//! the same array and apply the same push, pop and heapify operations, with
//! the same comparisons: `<` only, ties in `siftup` going to the right child.
//! `std::collections::BinaryHeap` makes no such promise, so this is
//! hand-written.

/// Pushes an item; `lt(a, b)` is `a.when < b.when` for timers.
pub(crate) fn push<T: Copy>(heap: &mut Vec<T>, item: T, lt: impl Fn(T, T) -> bool) {
    heap.push(item);
    let last = heap.len() - 1;
    sift_down(heap, 0, last, &lt);
}

/// Pops the smallest item, as `heapq.heappop` does.
pub(crate) fn pop<T: Copy>(heap: &mut Vec<T>, lt: impl Fn(T, T) -> bool) -> Option<T> {
    let last = heap.pop()?;
    if heap.is_empty() {
        return Some(last);
    }
    let top = std::mem::replace(&mut heap[0], last);
    sift_up(heap, 0, &lt);
    Some(top)
}

/// `heapq.heapify`.
pub(crate) fn heapify<T: Copy>(heap: &mut [T], lt: impl Fn(T, T) -> bool) {
    for i in (0..heap.len() / 2).rev() {
        sift_up(heap, i, &lt);
    }
}

/// `_siftdown`: move the item at `pos` up towards `start` while it is
/// strictly less than its parent.
fn sift_down<T: Copy>(heap: &mut [T], start: usize, mut pos: usize, lt: &impl Fn(T, T) -> bool) {
    let item = heap[pos];
    while pos > start {
        let parent_pos = (pos - 1) >> 1;
        let parent = heap[parent_pos];
        if lt(item, parent) {
            heap[pos] = parent;
            pos = parent_pos;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

/// `_siftup`: walk the hole at `pos` down to a leaf, always taking the
/// smaller child (the right one on ties), then sift the item back up.
fn sift_up<T: Copy>(heap: &mut [T], mut pos: usize, lt: &impl Fn(T, T) -> bool) {
    let end = heap.len();
    let start = pos;
    let item = heap[pos];
    let mut child = 2 * pos + 1;
    while child < end {
        // The four grandchildren are adjacent: one or two cache lines the
        // next step will read (a million timers are 16 MB, out of cache).
        super::cache::prefetch(heap.as_ptr().wrapping_add(2 * child + 1));
        super::cache::prefetch(heap.as_ptr().wrapping_add(2 * child + 4));
        let right = child + 1;
        if right < end && !lt(heap[child], heap[right]) {
            child = right;
        }
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(heap, start, pos, lt);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes n timers with equal deadlines (ids 0..n), pops them all.
    fn equal_ties(n: u32) -> String {
        let mut h = Vec::new();
        let lt = |_: u32, _: u32| false;
        for i in 0..n {
            push(&mut h, i, lt);
        }
        let mut out = String::new();
        while let Some(i) = pop(&mut h, lt) {
            out.push((b'A' + i as u8) as char);
        }
        out
    }

    #[test]
    fn equal_deadlines_fire_in_cpythons_order() {
        // The table of asyncio-notes.md section 1.3, verified against CPython.
        let table = [
            (1, "A"),
            (2, "AB"),
            (3, "ABC"),
            (4, "ACBD"),
            (5, "ACEBD"),
            (6, "ACFEBD"),
            (7, "ACFGEBD"),
            (8, "ACGFHEBD"),
        ];
        for (n, want) in table {
            assert_eq!(equal_ties(n), want, "{n} equal timers");
        }
    }

    #[test]
    fn mixed_pushes_and_pops() {
        // asyncio-notes 1.3: four at 2.0 (a..d -> P Q R S), a 0.5 pushed and
        // popped, three more at 2.0 (a b c) and a 2.5: "R Q c b P S a".
        let when = [2.0, 2.0, 2.0, 2.0, 0.5, 2.0, 2.0, 2.0, 2.5];
        let names = ["P", "Q", "R", "S", "x", "a", "b", "c", "T"];
        let lt = |a: u32, b: u32| when[a as usize] < when[b as usize];
        let mut h = Vec::new();
        for i in 0..4 {
            push(&mut h, i, lt);
        }
        push(&mut h, 4, lt);
        assert_eq!(pop(&mut h, lt), Some(4));
        for i in 5..9 {
            push(&mut h, i, lt);
        }
        let mut order = Vec::new();
        while let Some(i) = pop(&mut h, lt) {
            order.push(names[i as usize]);
        }
        assert_eq!(order[..7].join(" "), "R Q c b P S a");
    }

    #[test]
    fn heapify_keeps_heap_order() {
        let when = [5.0, 3.0, 8.0, 1.0, 9.0, 2.0];
        let lt = |a: u32, b: u32| when[a as usize] < when[b as usize];
        let mut h: Vec<u32> = (0..6).collect();
        heapify(&mut h, lt);
        let mut out = Vec::new();
        while let Some(i) = pop(&mut h, lt) {
            out.push(when[i as usize]);
        }
        assert_eq!(out, [1.0, 2.0, 3.0, 5.0, 8.0, 9.0]);
    }
}
