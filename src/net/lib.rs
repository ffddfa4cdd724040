//! HTTP for convert_sdk: one blocking request at a time with hard timeouts, TLS verification
//! on, a redirect cap and a response-size cap. Never depends on ext-php-rs.

pub mod coalescing;
pub mod config_fetch;
pub mod http;
pub mod resolver;
pub mod tracking_delivery;
