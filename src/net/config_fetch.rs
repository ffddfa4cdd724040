//! Config fetch (spec §3.1, §3.3): `GET {endpoint}/config/{sdkKey}?environment=…` with hard
//! timeouts, plus the PSR-16 cache key and TTL of §3.2.

use sha2::{Digest, Sha256};

use crate::http::{self, HttpLimits};

/// What to fetch.
#[derive(Debug, Clone, Copy)]
pub struct ConfigRequest<'a> {
    /// `api.endpoint.config` (or `CONFIG_ENDPOINT`).
    pub endpoint: &'a str,
    pub sdk_key: &'a str,
    pub environment: &'a str,
    /// `network.cacheLevel === 'low'`.
    pub low_cache: bool,
    /// `sdkKeySecret`, sent as a Bearer token; never logged.
    pub secret: Option<&'a str>,
}

/// Why a fetch failed; messages never contain the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// HTTP status outside 200–299.
    Status(u16),
    /// No response (connect, timeout, TLS, body too large…).
    Transport(String),
}

impl FetchError {
    /// The `ConfigFetchException` message of §3.3 and its status code.
    pub fn message(&self, req: &ConfigRequest<'_>) -> (String, i64) {
        let url = format!("{}/config/{}", req.endpoint.trim_end_matches('/'), req.sdk_key);
        match self {
            FetchError::Status(s) => (format!("Config fetch failed: HTTP {s} from {url}"), i64::from(*s)),
            FetchError::Transport(m) => (format!("Failed to fetch config from {url}: HTTP error - {m}"), 0),
        }
    }
}

/// PHP `urlencode()`: alphanumerics and `-_.` kept, space as `+`, the rest `%XX`.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The config URL of §3.1.
pub fn config_url(req: &ConfigRequest<'_>) -> String {
    let mut url = format!(
        "{}/config/{}?environment={}",
        req.endpoint.trim_end_matches('/'),
        req.sdk_key,
        urlencode(req.environment)
    );
    if req.low_cache {
        url.push_str("&_conv_low_cache=1");
    }
    url
}

/// Fetches the config body (any 2xx), bounded by `limits`.
pub fn fetch(req: &ConfigRequest<'_>, limits: &HttpLimits) -> Result<Vec<u8>, FetchError> {
    let bearer = req.secret.filter(|s| !s.is_empty()).map(|s| format!("Bearer {s}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(b) = &bearer {
        headers.push(("Authorization", b.as_str()));
    }
    match http::get(&config_url(req), &headers, limits) {
        Ok(r) if (200..300).contains(&r.status) => Ok(r.body),
        Ok(r) => Err(FetchError::Status(r.status)),
        Err(e) => Err(FetchError::Transport(e.message)),
    }
}

/// PSR-16 key of the cached config (§3.2).
pub fn cache_key(sdk_key: &str) -> String {
    let plain = sdk_key.len() <= 48
        && !sdk_key.is_empty()
        && sdk_key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    if plain {
        return format!("convert_sdk.config.{sdk_key}");
    }
    let digest = Sha256::digest(sdk_key.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("convert_sdk.config.{hex}")
}

/// TTL in seconds: `max(1, trunc(ms / 1000))` (§3.2).
pub fn ttl_seconds(data_refresh_interval_ms: i64) -> i64 {
    (data_refresh_interval_ms / 1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(endpoint: &'a str, low: bool) -> ConfigRequest<'a> {
        ConfigRequest { endpoint, sdk_key: "abc/def", environment: "production", low_cache: low, secret: None }
    }

    #[test]
    fn url_matches_the_verified_form() {
        assert_eq!(config_url(&req("https://x/api/v1/", true)), "https://x/api/v1/config/abc/def?environment=production&_conv_low_cache=1");
        assert_eq!(config_url(&req("https://x/api/v1", false)), "https://x/api/v1/config/abc/def?environment=production");
        assert_eq!(urlencode("a b&c/é"), "a+b%26c%2F%C3%A9");
    }

    #[test]
    fn cache_key_examples() {
        assert_eq!(cache_key("abc/def"), "convert_sdk.config.3c56f20931870aab");
        assert_eq!(cache_key("abc_1.2"), "convert_sdk.config.abc_1.2");
        assert!(cache_key(&"a".repeat(49)).len() == "convert_sdk.config.".len() + 16);
        assert_eq!((ttl_seconds(300_000), ttl_seconds(999), ttl_seconds(1500)), (300, 1, 1));
    }

    #[test]
    fn failure_messages() {
        let r = req("https://cdn/api/v1/", false);
        assert_eq!(FetchError::Status(503).message(&r), ("Config fetch failed: HTTP 503 from https://cdn/api/v1/config/abc/def".into(), 503));
        assert_eq!(
            FetchError::Transport("timeout".into()).message(&r).0,
            "Failed to fetch config from https://cdn/api/v1/config/abc/def: HTTP error - timeout"
        );
    }
}
