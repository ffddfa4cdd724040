//! Pure-Rust decision engine of the `convert_sdk` PHP extension.
//! Never depends on ext-php-rs: every function here is testable with plain `cargo test`.
//! Values from PHP and from the config JSON are `serde_json::Value` (with `preserve_order`):
//! a PHP list is a JSON array, any other PHP array a JSON object with string keys.

pub mod value;
pub mod hash;
pub mod fast_hash;
pub mod bucketing;
pub mod operators;
pub mod rules;
pub mod casting;
pub mod merge;
pub mod config;
pub mod store_data;
pub mod experience;
pub mod features;
pub mod segments;
pub mod memory_store;
pub mod conversion;
pub mod store_key;
pub mod circuit_breaker;
pub mod tracking;
pub mod visitor_doc;
