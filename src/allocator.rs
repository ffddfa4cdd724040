//! The allocator of the extension's own heap (Rust allocations only: PHP's values stay in PHP's
//! allocator, and the persistent arrays of `php::persistent_value` in the C one).
//!
//! mimalloc instead of glibc malloc: a first decision for a new visitor allocates about twenty
//! small blocks (the visitor document, the queue entry, the event), many of which live until the
//! request ends, so glibc served most of them from its slow path (`_int_malloc`); measured in the W2
//! first-decision benchmark, mimalloc takes 3.3 µs down to 2.4 µs. Nothing allocated here is freed by
//! PHP or libc, and nothing they allocate is freed here. Builds without the `mimalloc` feature (make
//! valgrind's) use the system allocator, so memcheck tracks every block.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Name of the allocator in use (shown by `php --ri convert_sdk`).
pub const NAME: &str = if cfg!(feature = "mimalloc") { "mimalloc" } else { "system" };

/// Bytes of live blocks in the extension's mimalloc heap (`php --ri convert_sdk`, the W5 benchmark);
/// `None` with the system allocator (its figure is glibc's `mallinfo2`).
pub fn heap_in_use() -> Option<usize> {
    #[cfg(feature = "mimalloc")]
    {
        Some(mimalloc_heap::in_use())
    }
    #[cfg(not(feature = "mimalloc"))]
    {
        None
    }
}

#[cfg(feature = "mimalloc")]
mod mimalloc_heap {
    use std::ffi::c_void;

    /// `mi_heap_area_t`: one page of blocks of one size.
    #[repr(C)]
    struct HeapArea {
        blocks: *mut c_void,
        reserved: usize,
        committed: usize,
        used: usize,
        block_size: usize,
        full_block_size: usize,
        reserved1: *mut c_void,
    }

    type Visitor = extern "C" fn(*const c_void, *const HeapArea, *mut c_void, usize, *mut c_void) -> bool;

    unsafe extern "C" {
        fn mi_heap_main() -> *mut c_void;
        fn mi_heap_visit_blocks(heap: *mut c_void, visit_blocks: bool, visitor: Visitor, arg: *mut c_void) -> bool;
    }

    /// Adds an area's live bytes to the `usize` behind `arg`.
    extern "C" fn add_area(_heap: *const c_void, area: *const HeapArea, _block: *mut c_void, _size: usize, arg: *mut c_void) -> bool {
        // SAFETY: mimalloc passes a valid area (or null) and our `arg`, a `&mut usize`.
        unsafe {
            if let (Some(area), Some(total)) = (area.as_ref(), arg.cast::<usize>().as_mut()) {
                *total += area.used * area.block_size;
            }
        }
        true
    }

    /// Sums the areas (pages) of the main heap, without visiting single blocks.
    pub fn in_use() -> usize {
        let mut total = 0usize;
        // SAFETY: the main heap always exists; the visitor only writes `total`.
        unsafe { mi_heap_visit_blocks(mi_heap_main(), false, add_area, std::ptr::from_mut(&mut total).cast()) };
        total
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn live_blocks_are_counted() {
            let before = super::in_use();
            let block = vec![1u8; 1 << 20];
            let during = super::in_use();
            drop(block);
            let after = super::in_use();
            assert!(during >= before + (1 << 20), "{before} -> {during}");
            assert!(after + (1 << 20) <= during, "{during} -> {after}");
        }
    }
}
