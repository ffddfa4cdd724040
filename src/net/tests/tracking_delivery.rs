//! `tracking_delivery::deliver` against a loopback capture server (§7.3, §7.5): exact request,
//! retry policy, and the hard time bound with a server that is down or never answers.

mod capture;

use std::time::{Duration, Instant};

use capture::{CaptureServer, Reply, closed_port_url};
use convert_sdk_net::tracking_delivery::{DeliveryOutcome, DeliveryPolicy, Failure, deliver};

const PATH: &str = "/v1/track/100123/100456";
/// A payload with non-ASCII text, an int and a float.
const BODY: &str = r#"{"enrichData":true,"accountId":"100123","projectId":"100456","visitors":[{"visitorId":"zoë","events":[{"eventType":"conversion","data":{"goalId":"5001","goalData":[{"key":"amount","value":49.99},{"key":"productsCount","value":2}]}}]}],"source":"php-sdk"}"#;
/// Scheduling slack allowed on top of the expected duration of a run with no timeout involved.
const SLACK: Duration = Duration::from_millis(300);

fn url(server: &CaptureServer) -> String {
    format!("{}{PATH}", server.base)
}

fn timed(f: impl FnOnce() -> DeliveryOutcome) -> (DeliveryOutcome, Duration) {
    let start = Instant::now();
    let outcome = f();
    (outcome, start.elapsed())
}

#[test]
fn exact_request_without_secret() {
    let server = CaptureServer::start(vec![Reply::Status(200, r#"{"ok":true}"#)]);
    let outcome = deliver(&url(&server), BODY.as_bytes(), None, &DeliveryPolicy::default());
    let DeliveryOutcome::Delivered { status, headers, body, attempts } = outcome else { panic!("{outcome:?}") };
    assert_eq!((status, body.as_slice(), attempts), (200, br#"{"ok":true}"#.as_slice(), 1));
    assert!(headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")), "{headers:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", PATH));
    assert_eq!(r.body, BODY.as_bytes());
    assert_eq!(r.header("content-type"), ["application/json"]);
    assert_eq!(r.header("content-length"), [BODY.len().to_string()]);
    assert!(r.header("authorization").is_empty());
}

#[test]
fn bearer_header_iff_secret() {
    let server = CaptureServer::start(vec![Reply::Status(204, "")]);
    let policy = DeliveryPolicy::default();
    assert_eq!(deliver(&url(&server), b"{}", Some("s3cret"), &policy).attempts(), 1);
    assert_eq!(deliver(&url(&server), b"{}", Some(""), &policy).attempts(), 1);
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), ["Bearer s3cret"]);
    assert_eq!(requests[0].header("content-type"), ["application/json"]);
    assert!(requests[1].header("authorization").is_empty());
}

#[test]
fn server_error_then_success_retries_once() {
    let server = CaptureServer::start(vec![Reply::Status(500, ""), Reply::Status(200, "null")]);
    let (outcome, elapsed) = timed(|| deliver(&url(&server), BODY.as_bytes(), None, &DeliveryPolicy::default()));
    assert!(
        matches!(&outcome, DeliveryOutcome::Delivered { status: 200, body, attempts: 2, .. } if body == b"null"),
        "{outcome:?}"
    );
    assert!(elapsed >= Duration::from_millis(100), "slept 100 ms before the retry: {elapsed:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.body == BODY.as_bytes() && r.path == PATH));
}

#[test]
fn client_error_is_not_retried() {
    let server = CaptureServer::start(vec![Reply::Status(400, "bad")]);
    let outcome = deliver(&url(&server), BODY.as_bytes(), None, &DeliveryPolicy::default());
    assert_eq!(outcome, DeliveryOutcome::ClientError { status: 400, attempts: 1 });
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn persistent_server_error_gives_up_after_three_attempts() {
    let server = CaptureServer::start(vec![Reply::Status(503, "")]);
    let (outcome, elapsed) = timed(|| deliver(&url(&server), BODY.as_bytes(), None, &DeliveryPolicy::default()));
    assert_eq!(outcome, DeliveryOutcome::Failed { last_error: Failure::Status(503), attempts: 3 });
    assert_eq!(Failure::Status(503).message(), "HTTP 503");
    assert!(elapsed >= Duration::from_millis(400), "slept 100 + 300 ms: {elapsed:?}");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn redirect_is_not_followed_but_retried() {
    let server = CaptureServer::start(vec![Reply::Redirect, Reply::Status(200, "")]);
    let outcome = deliver(&url(&server), BODY.as_bytes(), None, &DeliveryPolicy::default());
    assert_eq!(outcome.attempts(), 2);
    assert!(matches!(outcome, DeliveryOutcome::Delivered { status: 200, .. }));
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "POST" && r.path == PATH), "{requests:?}");
}

#[test]
fn server_down_fails_quickly() {
    let (outcome, elapsed) = timed(|| deliver(&closed_port_url(), BODY.as_bytes(), None, &DeliveryPolicy::default()));
    eprintln!("server down: {outcome:?} after {elapsed:?}");
    assert!(matches!(outcome, DeliveryOutcome::Failed { last_error: Failure::Transport(_), attempts: 3 }), "{outcome:?}");
    assert!(elapsed < Duration::from_millis(400) + SLACK, "{elapsed:?}");
}

#[test]
fn hanging_server_is_bounded_by_the_deadline() {
    let server = CaptureServer::start(vec![Reply::Hang]);
    let policy = DeliveryPolicy::default();
    let (outcome, elapsed) = timed(|| deliver(&url(&server), BODY.as_bytes(), Some("k"), &policy));
    eprintln!("hanging server: {outcome:?} after {elapsed:?} (deadline {:?})", policy.deadline);
    assert!(matches!(outcome, DeliveryOutcome::Failed { last_error: Failure::Transport(_), .. }), "{outcome:?}");
    assert!(elapsed <= policy.deadline, "{elapsed:?}");
    // The first attempt waited its full per-attempt timeout before a retry was tried.
    assert!(elapsed >= policy.limits.total_timeout, "{elapsed:?}");
    assert_eq!(server.requests().len() as u32, outcome.attempts());
}

#[test]
fn short_deadline_cuts_the_attempt_and_skips_retries() {
    let server = CaptureServer::start(vec![Reply::Hang]);
    let policy = DeliveryPolicy { deadline: Duration::from_millis(300), ..DeliveryPolicy::default() };
    let (outcome, elapsed) = timed(|| deliver(&url(&server), BODY.as_bytes(), None, &policy));
    eprintln!("hanging server, 300 ms deadline: {outcome:?} after {elapsed:?}");
    assert_eq!(outcome.attempts(), 1);
    assert!(elapsed <= policy.deadline, "{elapsed:?}");
}
