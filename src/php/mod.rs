//! Thin binding layer: PHP classes, enums, DTOs, exceptions and value conversion.
pub mod enums;
pub mod exceptions;
pub mod dtos;
pub mod bucketing_attributes;
pub mod interfaces;
pub mod array_cache;
pub mod args;
pub mod call_attributes;
pub mod context;
pub mod convert;
pub mod core;
pub mod events;
pub mod instance;
pub mod logger;
pub mod options;
pub mod userland;
pub mod visitor_store;
