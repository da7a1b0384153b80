//! Large buffers (inflated DWARF sections, decoded line rows) are written once, start to
//! end, right after they are allocated: with 4 KiB pages that is one page fault per
//! 4 KiB (a fifth of `where`'s CPU time on a big binary went to such faults). Asking for
//! transparent huge pages on such a buffer makes it one fault per 2 MiB. Advice only:
//! a kernel without THP, or one set to `never`, ignores it.

/// Buffers smaller than this are left alone (too few whole huge pages inside).
const MIN_BYTES: usize = 4 << 20;
const HUGE: usize = 2 << 20;

/// A vector with room for `n` elements whose untouched capacity is advised to be backed
/// by transparent huge pages.
pub fn vec_with_capacity<T>(n: usize) -> Vec<T> {
    let v: Vec<T> = Vec::with_capacity(n);
    advise(&v);
    v
}

/// Advises the whole 2 MiB pages inside `v`'s capacity (Linux; nothing elsewhere).
pub fn advise<T>(v: &Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if bytes < MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let start = v.as_ptr() as usize;
        let lo = start.next_multiple_of(HUGE);
        let hi = (start + bytes) / HUGE * HUGE;
        if hi > lo {
            // SAFETY: the range lies inside the vector's own allocation, and
            // MADV_HUGEPAGE changes no contents and no permissions, only how later
            // faults are served.
            unsafe {
                nix::libc::madvise(
                    lo as *mut nix::libc::c_void,
                    hi - lo,
                    nix::libc::MADV_HUGEPAGE,
                );
            }
        }
    }
}
