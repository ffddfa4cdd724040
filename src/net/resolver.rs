//! Name resolution of the shared agent. An IP literal (`127.0.0.1`, `[::1]`) needs no lookup; a host
//! name is resolved by ureq's default resolver (on a helper thread bounded by the connect timeout)
//! and the answer is kept for `TTL` per process, so a PHP worker does not pay a DNS lookup and a
//! thread start on every tracking POST or config fetch.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a resolved host name is reused.
pub const TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct CachingResolver {
    inner: DefaultResolver,
    answers: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

/// `host` and port of an `http`/`https` URI; the host without IPv6 brackets.
fn host_port(uri: &Uri) -> Option<(&str, u16)> {
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().or_else(|| match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
        Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    })?;
    Some((host, port))
}

impl Resolver for CachingResolver {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_port(uri) else {
            return self.inner.resolve(uri, config, timeout);
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut out = self.empty();
            out.push(SocketAddr::new(ip, port));
            return Ok(out);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        if let Some((at, addrs)) = self.answers.lock().ok().and_then(|m| m.get(&key).cloned()) {
            if now.duration_since(at) < TTL {
                return Ok(addrs);
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Ok(mut m) = self.answers.lock() {
            if m.len() > 64 {
                m.clear();
            }
            m.insert(key, (now, addrs.clone()));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_hosts_and_default_ports() {
        let uri: Uri = "http://127.0.0.1:8080/x".parse().unwrap();
        assert_eq!(host_port(&uri), Some(("127.0.0.1", 8080)));
        let uri: Uri = "https://[::1]/x".parse().unwrap();
        assert_eq!(host_port(&uri), Some(("::1", 443)));
        let uri: Uri = "http://cdn.example/x".parse().unwrap();
        assert_eq!(host_port(&uri), Some(("cdn.example", 80)));
    }
}
