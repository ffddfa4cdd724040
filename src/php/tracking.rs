//! Tracking for one SDK instance (spec §7): the queue, its release triggers, delivery over HTTP and
//! the `api.queue.released` event. A release never throws into user code.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use convert_sdk_engine::tracking::{QueuedVisitor, TrackingQueue, payload, track_url, visitors_value};
use convert_sdk_engine::value::php_json_decode;
use convert_sdk_net::http::status_text;
use convert_sdk_net::tracking_delivery::{DeliveryOutcome, DeliveryPolicy, Failure, deliver};
use ext_php_rs::closure::Closure;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ZendCallable, Zval};
use serde_json::{Map, Value, json};

use super::convert::value_to_zval;
use super::exceptions::{SdkException, new_exception_object};
use super::instance::Instance;
use super::logger::Level;
use super::userland;

/// Releases delivered / dropped since the process started (shown by `phpinfo()`).
pub static RELEASES_DELIVERED: AtomicU64 = AtomicU64::new(0);
pub static RELEASES_FAILED: AtomicU64 = AtomicU64::new(0);

/// The instance's queue.
#[derive(Default)]
pub struct Tracker {
    queue: RefCell<TrackingQueue>,
}

impl Instance {
    /// Queues a tracking event; releases with reason `size` when `network.tracking` is on and
    /// `events.batch_size` distinct visitors are queued (§7.1).
    pub fn enqueue(&self, visitor_id: &str, event: Value, segments: Option<Value>) {
        let queued = self.tracker.queue.borrow_mut().enqueue(visitor_id, event, segments);
        if self.options.tracking && queued as i64 >= self.options.batch_size {
            self.release_queue(Some("size"));
        }
    }

    /// Posts the whole queue (§7.4, §7.5); no-op when it is empty.
    pub fn release_queue(&self, reason: Option<&str>) {
        let visitors = self.tracker.queue.borrow_mut().take();
        if visitors.is_empty() {
            return;
        }
        let Some(config) = self.config.as_ref() else { return };
        let sdk_key = if self.options.sdk_key.is_empty() {
            format!("{}/{}", config.account_id, config.project_id)
        } else {
            self.options.sdk_key.clone()
        };
        let url = track_url(&self.options.track_endpoint, &config.project_id, &sdk_key);
        let enrich = self.options.data_store.as_ref().is_none_or(|s| !s.is_object());
        let body = payload(&visitors, &config.account_id, &config.project_id, &self.options.source, enrich);
        let secret = Some(self.options.sdk_key_secret.as_str()).filter(|s| !s.is_empty());
        let outcome = deliver(&url, &body, secret, &DeliveryPolicy::default());
        self.report_release(reason, &visitors, outcome);
    }

    /// Logs the outcome and fires `api.queue.released` (not deferred).
    fn report_release(&self, reason: Option<&str>, visitors: &[QueuedVisitor], outcome: DeliveryOutcome) {
        let reason_value = reason.map_or(Value::Null, |r| Value::String(r.to_string()));
        let wanted = !self.events.is_idle("api.queue.released", false);
        let (args, err) = match outcome {
            DeliveryOutcome::Delivered { .. } if !wanted => {
                RELEASES_DELIVERED.fetch_add(1, Ordering::Relaxed);
                (Value::Null, Zval::null())
            }
            DeliveryOutcome::Delivered { status, headers, body, .. } => {
                RELEASES_DELIVERED.fetch_add(1, Ordering::Relaxed);
                let data = std::str::from_utf8(&body).ok().and_then(php_json_decode).unwrap_or(Value::Null);
                let headers: Map<String, Value> = headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                let result = json!({"data": data, "status": status, "statusText": status_text(status), "headers": headers});
                (json!({"reason": reason_value, "result": result, "visitors": visitors_value(visitors)}), Zval::null())
            }
            DeliveryOutcome::ClientError { status, .. } => {
                RELEASES_FAILED.fetch_add(1, Ordering::Relaxed);
                let msg = format!("Tracking POST returned client error HTTP {status}");
                self.log(Level::Warn, || format!("{msg}; {} visitor(s) dropped", visitors.len()));
                let err = new_exception_object(SdkException::NativeRuntime, &msg).unwrap_or_else(|_| Zval::null());
                (json!({"reason": reason_value, "error": format!("HTTP {status}")}), err)
            }
            DeliveryOutcome::Failed { last_error, attempts } => {
                RELEASES_FAILED.fetch_add(1, Ordering::Relaxed);
                let message = last_error.message();
                self.log(Level::Warn, || {
                    format!("Tracking POST failed after {attempts} attempt(s): {message}; {} visitor(s) dropped", visitors.len())
                });
                let err = match &last_error {
                    Failure::Transport(m) => new_exception_object(SdkException::NativeRuntime, m).unwrap_or_else(|_| Zval::null()),
                    Failure::Status(_) => Zval::null(),
                };
                (json!({"reason": reason_value, "error": message}), err)
            }
        };
        if wanted {
            self.events.fire("api.queue.released", &value_to_zval(&args), &err, false, &self.options.logger);
        }
    }
}

impl Tracker {
    pub fn is_empty(&self) -> bool {
        self.queue.borrow().is_empty()
    }
}

/// Registers the request-end release (§1.2 step 5): `fastcgi_finish_request()` when available
/// (so the visitor does not wait), then the `shutdown` release. One registration per instance.
pub fn register_shutdown(instance: &std::rc::Rc<Instance>) {
    let instance = instance.clone();
    let closure = Closure::wrap(Box::new(move || {
        if userland::is_unwinding() {
            return;
        }
        // Pending visitor documents first, while the client still waits: the next request reads them.
        instance.flush_writes(None);
        if instance.tracker.is_empty() {
            return;
        }
        if let Ok(finish) = ZendCallable::try_from_name("fastcgi_finish_request") {
            let _ = finish.try_call(vec![]);
        }
        instance.release_queue(Some("shutdown"));
    }) as Box<dyn Fn()>);
    let Ok(closure) = closure.into_zval(false) else { return };
    if let Ok(rsf) = ZendCallable::try_from_name("register_shutdown_function") {
        let _ = rsf.try_call(vec![&closure]);
    }
}
