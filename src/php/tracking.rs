//! Tracking for one SDK instance (spec §7): the queue, its release triggers, delivery over HTTP and
//! the `api.queue.released` event. A release never throws into user code.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};

use convert_sdk_engine::tracking::{QueuedVisitor, TrackingEvent, TrackingQueue, payload, track_url, visitors_value};
use convert_sdk_engine::value::php_json_decode;
use convert_sdk_net::http::status_text;
use convert_sdk_net::tracking_delivery::{DeliveryOutcome, DeliveryPolicy, Failure, deliver};
use ext_php_rs::closure::Closure;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ZendCallable, Zval};
use serde_json::{Map, Value, json};

use super::convert::value_to_zval;
use super::core::CoreRef;
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
    /// The SDK object is in the request-end list (so `pin` needs no search).
    pinned: Cell<bool>,
}

impl Instance {
    /// Queues a tracking event; releases with reason `size` when `network.tracking` is on and
    /// `events.batch_size` distinct visitors are queued (§7.1).
    /// `core` is the SDK object owning this instance (kept alive until the release).
    pub fn enqueue(&self, core: &CoreRef, visitor_id: &str, event: TrackingEvent, segments: Option<Value>) {
        let queued = self.tracker.queue.borrow_mut().enqueue(visitor_id, event, segments);
        self.pin(core);
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
        self.unpin();
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

/// Request-scoped bookkeeping of the request-end release (§1.2 step 5), emptied at RSHUTDOWN (never
/// carried into the next request).
struct RequestEnd {
    /// The SDK objects whose queue holds events: counted references (like a shutdown closure
    /// capturing `$sdk` would hold), so they stay alive for the release even when user code dropped
    /// them, and the cycle collector sees why. Releasing the reference also makes the object a
    /// possible root again, so a cycle it is part of is collected afterwards.
    /// Never dropped by the thread-local's destructor (after the engine is gone): RSHUTDOWN empties it.
    pending: RefCell<ManuallyDrop<Vec<CoreRef>>>,
    /// Instances with visitor documents to write (`deferStoreWrites`): weak, so a pending write does
    /// not keep an SDK (or a cycle through it) alive. An SDK that is freed earlier has run its
    /// contexts' destructors, which wrote them.
    writers: RefCell<Vec<Weak<Instance>>>,
    /// A release hook is registered and has not run yet.
    hook_registered: Cell<bool>,
}

thread_local! {
    static REQUEST_END: RequestEnd = const {
        RequestEnd {
            pending: RefCell::new(ManuallyDrop::new(Vec::new())),
            writers: RefCell::new(Vec::new()),
            hook_registered: Cell::new(false),
        }
    };
}

/// Takes this request's list of SDK objects waiting for the release.
fn take_pending() -> Vec<CoreRef> {
    REQUEST_END.with(|r| std::mem::take(&mut **r.pending.borrow_mut()))
}

impl Instance {
    /// Keeps `core` (this instance's SDK object) alive until the queue is released.
    fn pin(&self, core: &CoreRef) {
        if !self.tracker.pinned.replace(true) {
            REQUEST_END.with(|r| r.pending.borrow_mut().push(core.clone()));
        }
        // An SDK used from a shutdown function after the release hook ran still gets released.
        register_shutdown();
    }

    /// The queue was emptied: stop keeping the SDK object alive.
    fn unpin(&self) {
        if !self.tracker.pinned.replace(false) {
            return;
        }
        let removed = REQUEST_END.with(|r| {
            let mut pending = r.pending.borrow_mut();
            let at = pending.iter().position(|p| std::ptr::eq(p.instance(), self))?;
            Some(pending.swap_remove(at))
        });
        // Outside the borrow: the caller holds the object too, so this only decrements its count.
        drop(removed);
    }
}

/// Remembers that `instance` has visitor documents to write by the end of the request.
pub fn write_at_request_end(instance: &Rc<Instance>) {
    if !instance.request_end_write.replace(true) {
        REQUEST_END.with(|r| {
            let mut writers = r.writers.borrow_mut();
            // A `Weak` keeps its instance's allocation: drop those of freed instances now and then
            // (long CLI loops create many SDKs in one request).
            if writers.len() >= 16 && writers.len().is_power_of_two() {
                writers.retain(|w| w.strong_count() > 0);
            }
            writers.push(Rc::downgrade(instance));
        });
    }
    register_shutdown();
}

/// Registers the request-end release unless one is pending: one `register_shutdown_function` per
/// request (at the first `create()`), which releases, in order, every instance with queued events:
/// `fastcgi_finish_request()` first when available (so the visitor does not wait), then the
/// `shutdown` release of each.
pub fn register_shutdown() {
    if REQUEST_END.with(|r| r.hook_registered.replace(true)) {
        return;
    }
    let closure = Closure::wrap(Box::new(release_at_shutdown) as Box<dyn Fn()>);
    let registered = closure.into_zval(false).ok().is_some_and(|closure| {
        ZendCallable::try_from_name("register_shutdown_function").is_ok_and(|rsf| rsf.try_call(vec![&closure]).is_ok())
    });
    if !registered {
        REQUEST_END.with(|r| r.hook_registered.set(false));
    }
}

/// The shutdown function: writes pending visitor documents, then releases the instances queued so
/// far. Events queued while it runs (by a listener of the release) register no new hook, so such a
/// listener cannot loop; they are released by the hook of a later `create()` or `pin()`, or dropped
/// at request end.
fn release_at_shutdown() {
    let pending = take_pending();
    if userland::is_unwinding() {
        REQUEST_END.with(|r| {
            r.pending.borrow_mut().extend(pending);
            r.hook_registered.set(false);
        });
        return;
    }
    // Pending visitor documents first, while the client still waits: its next request reads them.
    let writers: Vec<Rc<Instance>> = REQUEST_END.with(|r| std::mem::take(&mut *r.writers.borrow_mut()))
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for instance in &writers {
        instance.request_end_write.set(false);
        if !userland::is_unwinding() {
            instance.flush_writes(None);
        }
    }
    drop(writers);
    if let (false, Ok(finish)) = (pending.is_empty(), ZendCallable::try_from_name("fastcgi_finish_request")) {
        let _ = finish.try_call(vec![]);
    }
    for core in &pending {
        if userland::is_unwinding() {
            break;
        }
        core.instance().release_queue(Some("shutdown"));
    }
    REQUEST_END.with(|r| r.hook_registered.set(false));
    // Dropped after every release: an SDK no longer referenced by user code goes now (or, when in a
    // cycle, becomes a possible root for the collector).
    drop(pending);
}

/// RSHUTDOWN: forgets this request's SDK objects (still valid at this point: the engine frees objects
/// after the modules' RSHUTDOWN).
pub extern "C" fn on_request_shutdown(_ty: i32, _module_number: i32) -> i32 {
    let _ = std::panic::catch_unwind(|| {
        REQUEST_END.with(|r| {
            r.hook_registered.set(false);
            r.writers.borrow_mut().clear();
        });
        drop(take_pending());
    });
    0
}
