//! Delivery of one tracking batch (spec §7.3, §7.5): `POST` with up to 3 attempts, sleeping 100 ms
//! after the first failure and 300 ms after the second, no retry on 4xx.
//!
//! Time bound: one call to [`deliver`] takes at most `DeliveryPolicy::deadline` (2 s by default,
//! sleeps included). Each attempt's connect and total timeouts are cut to the budget left minus
//! `reserve` (kept for request setup and timer jitter), and a retry is skipped when its sleep plus
//! `min_attempt` no longer fits, so a server that accepts and never answers costs at most the deadline
//! (measured on loopback with the defaults: 1.96–1.98 s, two attempts).

use std::time::{Duration, Instant};

use crate::http::{self, HttpLimits};

/// Retry and time bounds of one release.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// Bounds of a single attempt (timeouts are further cut to the budget left).
    pub limits: HttpLimits,
    /// Hard bound on the whole call, sleeps included.
    pub deadline: Duration,
    /// Sleeps before the 2nd and the 3rd attempt.
    pub backoff: [Duration; 2],
    /// A retry is started only when at least this much budget is left after its sleep.
    pub min_attempt: Duration,
    /// Part of the deadline no attempt may use (setup, timer and scheduling jitter).
    pub reserve: Duration,
}

impl Default for DeliveryPolicy {
    /// 500 ms connect / 1 s per attempt, 2 s in total; 3xx responses are not followed (they are
    /// retried like 5xx, §7.5); response bodies above 64 KiB are a transport error.
    fn default() -> Self {
        DeliveryPolicy {
            limits: HttpLimits {
                connect_timeout: Duration::from_millis(500),
                total_timeout: Duration::from_secs(1),
                max_body_bytes: 64 * 1024,
                max_redirects: 0,
            },
            deadline: Duration::from_secs(2),
            backoff: [Duration::from_millis(100), Duration::from_millis(300)],
            min_attempt: Duration::from_millis(100),
            reserve: Duration::from_millis(50),
        }
    }
}

/// Why the last attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A status that is neither 2xx nor 4xx (5xx, 1xx, 3xx).
    Status(u16),
    /// No status received (connect, timeout, TLS, oversized body…).
    Transport(String),
}

impl Failure {
    /// The `error` member of the `api.queue.released` payload: `"HTTP <status>"` or the transport message.
    pub fn message(&self) -> String {
        match self {
            Failure::Status(status) => format!("HTTP {status}"),
            Failure::Transport(message) => message.clone(),
        }
    }
}

/// Result of [`deliver`]; `attempts` counts the requests started (1 to 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// A 2xx response.
    Delivered { status: u16, headers: Vec<(String, String)>, body: Vec<u8>, attempts: u32 },
    /// A 4xx response (never retried).
    ClientError { status: u16, attempts: u32 },
    /// Every attempt failed, or the deadline left no room for another one.
    Failed { last_error: Failure, attempts: u32 },
}

impl DeliveryOutcome {
    pub fn attempts(&self) -> u32 {
        match self {
            DeliveryOutcome::Delivered { attempts, .. }
            | DeliveryOutcome::ClientError { attempts, .. }
            | DeliveryOutcome::Failed { attempts, .. } => *attempts,
        }
    }
}

/// `limits` with both timeouts cut to `budget`.
fn within(limits: &HttpLimits, budget: Duration) -> HttpLimits {
    HttpLimits {
        connect_timeout: limits.connect_timeout.min(budget),
        total_timeout: limits.total_timeout.min(budget),
        ..*limits
    }
}

/// One attempt: `Ok` for a final answer (2xx or 4xx), `Err` for a retryable failure.
fn attempt(url: &str, headers: &[(&str, &str)], body: &[u8], limits: &HttpLimits, attempts: u32) -> Result<DeliveryOutcome, Failure> {
    match http::post(url, headers, body, limits) {
        Ok(r) if (200..300).contains(&r.status) => {
            Ok(DeliveryOutcome::Delivered { status: r.status, headers: r.headers, body: r.body, attempts })
        }
        Ok(r) if (400..500).contains(&r.status) => Ok(DeliveryOutcome::ClientError { status: r.status, attempts }),
        Ok(r) => Err(Failure::Status(r.status)),
        Err(e) => Err(Failure::Transport(e.message)),
    }
}

/// Posts `body` as JSON to `url`, with `Authorization: Bearer <bearer>` when `bearer` is non-empty.
/// Never panics on network errors and never exceeds `policy.deadline` (see the module docs).
pub fn deliver(url: &str, body: &[u8], bearer: Option<&str>, policy: &DeliveryPolicy) -> DeliveryOutcome {
    let deadline = Instant::now() + policy.deadline;
    let authorization = bearer.filter(|s| !s.is_empty()).map(|s| format!("Bearer {s}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let budget = deadline.saturating_duration_since(Instant::now()).saturating_sub(policy.reserve);
        let last_error = match attempt(url, &headers, body, &within(&policy.limits, budget), attempts) {
            Ok(outcome) => return outcome,
            Err(failure) => failure,
        };
        let Some(&pause) = policy.backoff.get(attempts as usize - 1) else {
            return DeliveryOutcome::Failed { last_error, attempts };
        };
        if deadline.saturating_duration_since(Instant::now()) < pause + policy.min_attempt + policy.reserve {
            return DeliveryOutcome::Failed { last_error, attempts };
        }
        std::thread::sleep(pause);
    }
}
