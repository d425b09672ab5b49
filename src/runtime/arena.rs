//! A growable array in fixed-size chunks, for the run's big tables (tasks,
//! futures). A `Vec` that doubles copies everything it holds and, while it
//! does, holds the old and the new copy: at a million tasks that is a
//! quarter of a gigabyte copied and the peak raised by half. Chunks never
//! move, so growing costs one allocation of [`Arena::CHUNK`] slots, and an
//! index is a shift and a mask.

use std::ops::{Index, IndexMut};

/// Bytes per chunk, at most. Measured on the 1M fan-out and pool workloads
/// with mimalloc: chunks of 8-32 KiB gave a peak RSS 20-80 MB below chunks
/// of 64 KiB to 4 MiB (4,096 slots of a 184-byte task are 736 KiB).
const CHUNK_BYTES: usize = 1 << 14;

#[derive(Debug)]
pub(crate) struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena { chunks: Vec::new(), len: 0 }
    }
}

impl<T> Arena<T> {
    /// Slots per chunk: the largest power of two that fits in
    /// [`CHUNK_BYTES`], so that an index splits with a shift and a mask.
    pub(crate) const CHUNK: usize = {
        let n = if size_of::<T>() == 0 { 1 } else { CHUNK_BYTES / size_of::<T>() };
        if n == 0 {
            1
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        }
    };

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn push(&mut self, x: T) {
        if self.len % Self::CHUNK == 0 {
            self.chunks.push(Vec::with_capacity(Self::CHUNK));
        }
        self.chunks.last_mut().expect("a chunk with room").push(x);
        self.len += 1;
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }
}

impl<T> Index<usize> for Arena<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

impl<T> IndexMut<usize> for Arena<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_chunks_in_push_order() {
        const CHUNK: usize = Arena::<usize>::CHUNK;
        let mut a = Arena::default();
        for i in 0..(3 * CHUNK + 5) {
            a.push(i);
        }
        assert_eq!(a.len(), 3 * CHUNK + 5);
        for i in [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 7, 3 * CHUNK + 4] {
            assert_eq!(a[i], i);
        }
        a[CHUNK] = 42;
        assert_eq!(a[CHUNK], 42);
        assert_eq!(a.iter().count(), 3 * CHUNK + 5);
        assert_eq!(a.iter().nth(CHUNK + 1), Some(&(CHUNK + 1)));
    }
}
