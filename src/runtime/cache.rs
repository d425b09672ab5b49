//! Cache hints. At a million tasks the run's records do not fit in the
//! caches, and the order the loop visits them in is known a little ahead
//! (the ready queue, the heap's next levels): a prefetch lets those misses
//! overlap with the work before them. A hint changes nothing the run does.

/// A hint that `p` will be read soon.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint to the cache: it never faults and
    // never reads into the program, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>())
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
