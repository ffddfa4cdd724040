//! `phpinfo()` / `php --ri convert_sdk`: version, PHP API, config cache and failure counters.
//! Counters are per process (per PHP-FPM worker).

use std::sync::atomic::{AtomicU64, Ordering};

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use super::config_source::{COUNTERS, cached_entries};
use super::logger::MESSAGES_FORMATTED;
use super::tracking::{RELEASES_DELIVERED, RELEASES_FAILED};
use super::visitor_store::{STORE_ERRORS, STORE_SKIPPED};

fn n(c: &AtomicU64) -> String {
    c.load(Ordering::Relaxed).to_string()
}

/// The `phpinfo()` section. Never panics into PHP.
pub extern "C" fn php_module_info(_module: *mut ModuleEntry) {
    let _ = std::panic::catch_unwind(|| {
        info_table_start!();
        info_table_row!("convert_sdk support", "enabled");
        info_table_row!("version", env!("CARGO_PKG_VERSION"));
        info_table_row!("built for PHP API", ext_php_rs::ffi::ZEND_MODULE_API_NO.to_string());
        info_table_row!("allocator", crate::allocator::NAME);
        let heap = crate::allocator::heap_in_use().map_or_else(|| "n/a (system allocator)".to_owned(), |b| b.to_string());
        info_table_row!("extension heap in use (bytes)", heap);
        info_table_row!("config cache entries", cached_entries().to_string());
        info_table_row!("config process hits", n(&COUNTERS.process_hits));
        info_table_row!("config PSR-16 hits", n(&COUNTERS.psr16_hits));
        info_table_row!("config fetches", n(&COUNTERS.fetches));
        info_table_row!("config fetch failures", n(&COUNTERS.fetch_failures));
        info_table_row!("config refreshes", n(&COUNTERS.refreshes));
        info_table_row!("config stale served", n(&COUNTERS.stale_served));
        info_table_row!("config data parses", n(&COUNTERS.data_parses));
        info_table_row!("config data hits", n(&COUNTERS.data_hits));
        info_table_row!("visitor store errors", n(&STORE_ERRORS));
        info_table_row!("visitor store calls skipped (circuit open)", n(&STORE_SKIPPED));
        info_table_row!("tracking releases delivered", n(&RELEASES_DELIVERED));
        info_table_row!("tracking releases failed", n(&RELEASES_FAILED));
        info_table_row!("log messages formatted", n(&MESSAGES_FORMATTED));
        info_table_end!();
    });
}
