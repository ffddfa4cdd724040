//! A small blocking HTTP client over `ureq` with explicit bounds.

use std::io::Read;
use std::sync::LazyLock;
use std::time::Duration;

/// Size of ureq's input and output buffers, and the largest response header accepted.
const IO_BUFFER_BYTES: usize = 16 * 1024;

/// Bounds applied to every request.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// Time to establish the TCP (+TLS) connection.
    pub connect_timeout: Duration,
    /// Whole request, from resolve to the last body byte.
    pub total_timeout: Duration,
    /// Largest response body read; a longer body is a transport error.
    pub max_body_bytes: u64,
    /// Redirects followed.
    pub max_redirects: u32,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(5),
            max_body_bytes: 16 * 1024 * 1024,
            max_redirects: 3,
        }
    }
}

/// A response with any status (non-2xx statuses are not errors here).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Response headers (name, value) in received order; values that are not UTF-8 are skipped.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The canonical reason phrase of a status (`"OK"` for 200), empty when unknown.
pub fn status_text(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// A failure before a status was received, or while reading the body.
#[derive(Debug, Clone)]
pub struct TransportError {
    pub message: String,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Only `http://` and `https://` URLs are requested.
pub fn check_scheme(url: &str) -> Result<(), TransportError> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Ok(())
    } else {
        Err(TransportError { message: "only http and https URLs are allowed".into() })
    }
}

use crate::coalescing::CoalescingConnector;
use ureq::unversioned::transport::Connector;
use crate::resolver::CachingResolver;

/// One agent per process: connections to the config CDN and the tracking endpoint are kept alive
/// across requests of a PHP worker. Timeouts and redirects are set per request.
static AGENT: LazyLock<ureq::Agent> = LazyLock::new(|| {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .user_agent("convert-sdk-rs")
        // ureq's 128 KiB default buffers are zeroed per connection: small requests do not need them.
        .input_buffer_size(IO_BUFFER_BYTES)
        .output_buffer_size(IO_BUFFER_BYTES)
        .max_response_header_size(IO_BUFFER_BYTES)
        .build();
    let connector = ureq::unversioned::transport::DefaultConnector::default().chain(CoalescingConnector);
    ureq::Agent::with_parts(config, connector, CachingResolver::default())
});

/// A request on the shared agent with this request's bounds.
fn bounded<B>(req: ureq::RequestBuilder<B>, limits: &HttpLimits) -> ureq::RequestBuilder<B> {
    req.config()
        .timeout_connect(Some(limits.connect_timeout))
        .timeout_global(Some(limits.total_timeout))
        .max_redirects(limits.max_redirects)
        .build()
}

fn read_body(mut resp: ureq::http::Response<ureq::Body>, limits: &HttpLimits) -> Result<Response, TransportError> {
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
        .collect();
    let mut body = Vec::new();
    let mut reader = resp.body_mut().as_reader().take(limits.max_body_bytes + 1);
    reader.read_to_end(&mut body).map_err(|e| TransportError { message: e.to_string() })?;
    if body.len() as u64 > limits.max_body_bytes {
        return Err(TransportError { message: format!("response larger than {} bytes", limits.max_body_bytes) });
    }
    Ok(Response { status, headers, body })
}

fn transport(e: ureq::Error) -> TransportError {
    TransportError { message: e.to_string() }
}

/// `GET url` with headers.
pub fn get(url: &str, headers: &[(&str, &str)], limits: &HttpLimits) -> Result<Response, TransportError> {
    check_scheme(url)?;
    let mut req = bounded(AGENT.get(url), limits);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    read_body(req.call().map_err(transport)?, limits)
}

/// `POST url` with a body and headers.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8], limits: &HttpLimits) -> Result<Response, TransportError> {
    check_scheme(url)?;
    let mut req = bounded(AGENT.post(url), limits);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    read_body(req.send(body).map_err(transport)?, limits)
}
