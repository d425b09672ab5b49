//! Counting the heap, so that `--max-memory` is a limit the run checks and
//! reports, not an abort by the allocator.
//!
//! The `asim` binary installs [`Counting`] around its allocator; the run
//! reads [`allocated`] at the end of every loop iteration, every few
//! thousand steps and at every task creation. Where nothing counts (a
//! library user with their own allocator, the test binaries), `allocated`
//! stays 0 and the limit never trips.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// Bytes allocated minus bytes freed on this thread. Counting per
    /// thread keeps the count exact without a locked add on every
    /// allocation (that cost a fifth of the run's time), and makes it the
    /// count of one scenario where several run side by side (`asim test`):
    /// a scenario is read, compiled and run on one thread.
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    /// Whether the front end on this thread stopped at the ceiling.
    static CEILING_HIT: Cell<bool> = const { Cell::new(false) };
}

/// The ceiling the front end (reading, parsing and compiling a scenario)
/// checks as it goes; the run checks its own `Limits::max_memory`.
static CEILING: AtomicUsize = AtomicUsize::new(usize::MAX);

#[inline]
fn add(delta: usize) {
    // A constant-initialised cell without a destructor: reading it never
    // allocates and never fails, even while the thread is exiting.
    ALLOCATED.with(|c| c.set(c.get().wrapping_add(delta)));
}

#[inline]
fn sub(delta: usize) {
    ALLOCATED.with(|c| c.set(c.get().wrapping_sub(delta)));
}

/// Bytes currently allocated on this thread through a [`Counting`]
/// allocator.
pub fn allocated() -> usize {
    // Memory allocated on another thread and freed on this one counts
    // below zero: read that as nothing allocated.
    let n = ALLOCATED.with(Cell::get);
    if n > isize::MAX as usize {
        0
    } else {
        n
    }
}

/// Sets the memory ceiling for reading and compiling scenarios (the
/// command line passes `--max-memory`), and forgets an earlier hit.
pub fn set_ceiling(bytes: usize) {
    CEILING.store(bytes, Ordering::Relaxed);
    forget_hit();
}

/// Forgets that the front end on this thread stopped at the ceiling (before
/// the next scenario).
pub fn forget_hit() {
    CEILING_HIT.with(|c| c.set(false));
}

/// The ceiling [`set_ceiling`] set (`usize::MAX` when none).
pub fn get_ceiling() -> usize {
    CEILING.load(Ordering::Relaxed)
}

/// Whether the front end on this thread stopped at the ceiling since it
/// was set.
pub fn ceiling_hit() -> bool {
    CEILING_HIT.with(Cell::get)
}

/// Where the front end stands against the ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ceiling {
    Under,
    /// Above it, for the first time: report it (once).
    First,
    /// Above it, already reported: stop quietly.
    Again,
}

/// Checks the ceiling (a load of two counters).
#[inline]
pub(crate) fn ceiling() -> Ceiling {
    if allocated() <= CEILING.load(Ordering::Relaxed) {
        Ceiling::Under
    } else if CEILING_HIT.with(|c| c.replace(true)) {
        Ceiling::Again
    } else {
        Ceiling::First
    }
}

/// The error the front end reports at the ceiling, where it stopped.
pub(crate) fn ceiling_error(span: crate::source::Span) -> crate::diagnostic::Diagnostic {
    let mib = CEILING.load(Ordering::Relaxed) >> 20;
    crate::diagnostic::Diagnostic::error(
        format!("reading the scenario needs more than {mib} MiB of memory (--max-memory)"),
        span,
    )
    .with_label("asim had read this far")
    .with_hint("raise --max-memory if the machine has the memory, or split the scenario into smaller files")
}

/// A global allocator that counts the bytes live in the inner one.
#[derive(Debug, Default)]
pub struct Counting<A>(pub A);

// SAFETY: every call is forwarded to the inner allocator unchanged; the
// counter is only arithmetic beside it.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        sub(layout.size());
        // SAFETY: `ptr` came from this allocator with this layout.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size);
            sub(layout.size());
        }
        p
    }
}

/// Calls `f` on each item in order, giving it up; the vector's buffer is
/// halved whenever it is half empty, so a long list's memory goes as it is
/// used (the copies add up to one pass over it).
pub(crate) fn for_each_freeing<T>(mut items: Vec<T>, mut f: impl FnMut(T)) {
    items.reverse();
    while let Some(x) = items.pop() {
        f(x);
        if items.capacity() > 1024 && items.len() < items.capacity() / 2 {
            items.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod freeing_tests {
    #[test]
    fn for_each_freeing_keeps_the_order() {
        let mut seen = Vec::new();
        super::for_each_freeing((0..5000).collect(), |x: u32| seen.push(x));
        assert_eq!(seen, (0..5000).collect::<Vec<_>>());
    }
}
