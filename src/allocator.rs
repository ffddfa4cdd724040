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
