//! A growable array in fixed-size chunks, for the run's big tables (tasks,
//! futures). A `Vec` that doubles copies everything it holds and, while it
//! does, holds the old and the new copy: at a million tasks that is a
//! quarter of a gigabyte copied and the peak raised by half. Chunks never
//! move, so growing costs one allocation of [`CHUNK`] slots, and an index
//! is a shift and a mask.

use std::ops::{Index, IndexMut};

const SHIFT: u32 = 12;
/// Slots per chunk.
pub(crate) const CHUNK: usize = 1 << SHIFT;
const MASK: usize = CHUNK - 1;

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
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn push(&mut self, x: T) {
        if self.len & MASK == 0 {
            self.chunks.push(Vec::with_capacity(CHUNK));
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
        &self.chunks[i >> SHIFT][i & MASK]
    }
}

impl<T> IndexMut<usize> for Arena<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i >> SHIFT][i & MASK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_chunks_in_push_order() {
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
