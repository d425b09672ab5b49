//! The ready queue's storage: a FIFO in fixed-size blocks, as CPython's
//! `collections.deque` is. A `VecDeque` that doubles keeps its largest
//! capacity for the rest of the run, and while it grows it holds the old
//! and the new copy: `gather` of a million tasks queues a million first
//! steps at once, and the queue then held 48 MB that the sleeping tasks
//! never needed again. Blocks are freed as the queue drains (a few are kept
//! for reuse), so the queue's memory follows what it holds.

use std::collections::VecDeque;

/// Entries per block: 4 KiB of 16-byte handles.
const BLOCK: usize = 256;
/// Emptied blocks kept for reuse; the rest are freed.
const SPARE: usize = 4;

#[derive(Debug)]
pub(crate) struct Fifo<T> {
    /// The block entries are taken from. While the queue fits in one block
    /// (the common case) it is the whole queue, and an operation is one
    /// ring-buffer step.
    front: VecDeque<T>,
    /// The blocks after it, each holding at most [`BLOCK`] entries.
    rest: VecDeque<VecDeque<T>>,
    spare: Vec<VecDeque<T>>,
    len: usize,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo { front: VecDeque::new(), rest: VecDeque::new(), spare: Vec::new(), len: 0 }
    }
}

impl<T> Fifo<T> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub(crate) fn push_back(&mut self, x: T) {
        self.len += 1;
        if self.rest.is_empty() && self.front.len() < BLOCK {
            self.front.push_back(x);
        } else {
            self.push_slow(x);
        }
    }

    fn push_slow(&mut self, x: T) {
        match self.rest.back_mut() {
            Some(b) if b.len() < BLOCK => b.push_back(x),
            _ => {
                let mut b = self.spare.pop().unwrap_or_else(|| VecDeque::with_capacity(BLOCK));
                b.push_back(x);
                self.rest.push_back(b);
            }
        }
    }

    /// The entry `i` places from the front.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        if i < self.front.len() {
            return self.front.get(i);
        }
        // Every block after the front is full but the last.
        let i = i - self.front.len();
        self.rest.get(i / BLOCK)?.get(i % BLOCK)
    }

    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<T> {
        if let Some(x) = self.front.pop_front() {
            self.len -= 1;
            return Some(x);
        }
        self.pop_slow()
    }

    /// The front block is empty: the next block becomes the front.
    fn pop_slow(&mut self) -> Option<T> {
        let next = self.rest.pop_front()?;
        let old = std::mem::replace(&mut self.front, next);
        if self.spare.len() < SPARE && old.capacity() > 0 {
            self.spare.push(old);
        }
        let x = self.front.pop_front();
        if x.is_some() {
            self.len -= 1;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First in, first out, across block boundaries, with pushes and pops
    /// interleaved the way the loop does them.
    #[test]
    fn keeps_order_across_blocks() {
        let mut q = Fifo::default();
        let mut model = VecDeque::new();
        let mut next = 0u32;
        for round in 0..50 {
            for _ in 0..(round * 37 % 700) {
                q.push_back(next);
                model.push_back(next);
                next += 1;
            }
            for _ in 0..(round * 53 % 650) {
                assert_eq!(q.pop_front(), model.pop_front());
            }
            assert_eq!(q.len(), model.len());
            assert_eq!(q.is_empty(), model.is_empty());
        }
        for i in [0, 1, 255, 256, 300, 1000, model.len().saturating_sub(1), model.len()] {
            assert_eq!(q.get(i), model.get(i));
        }
        while let Some(x) = model.pop_front() {
            assert_eq!(q.pop_front(), Some(x));
        }
        assert_eq!(q.pop_front(), None);
    }

    /// A drained queue keeps only a few blocks.
    #[test]
    fn frees_blocks_as_it_drains() {
        let mut q = Fifo::default();
        for i in 0..100_000 {
            q.push_back(i);
        }
        assert!(q.rest.len() >= 100_000 / BLOCK - 1);
        while q.pop_front().is_some() {}
        assert!(q.rest.is_empty());
        assert!(q.front.capacity() <= BLOCK.next_power_of_two());
        assert!(q.spare.len() <= SPARE);
    }
}
