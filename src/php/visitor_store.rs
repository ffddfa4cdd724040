//! The user's visitor-data store (spec §6.1, §6.7): the `dataStore` object, else a PSR-16 `cache`.
//! Only `get($key)` and `set($key, $value)` are called; every failure is logged and survived.
//!
//! A dead store must not cost a timeout on every call: a circuit breaker per store class and
//! project, kept across requests by each worker process, skips the store for a cool-down after
//! repeated failures (option `storeCircuitBreaker => ['failures' => 3, 'seconds' => 30]`;
//! `failures => 0` disables it), logging once when it opens and once when it closes.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use convert_sdk_engine::circuit_breaker::{Breaker, BreakerSettings, Transition};
use parking_lot::Mutex;

use convert_sdk_engine::store_data;
use ext_php_rs::types::Zval;
use ext_php_rs::zend::ClassEntry;
use serde_json::Value;

use super::convert::{string_zval, value_to_zval, zval_to_value};
use super::logger::{Level, Logger};
use super::userland::{self, CallError};

/// Failed `get`/`set` calls on visitor stores since the process started (shown by `phpinfo()`).
pub static STORE_ERRORS: AtomicU64 = AtomicU64::new(0);

const PSR16_INTERFACE: &str = "Psr\\SimpleCache\\CacheInterface";

/// Store calls skipped by an open breaker since the process started (shown by `phpinfo()`).
pub static STORE_SKIPPED: AtomicU64 = AtomicU64::new(0);

/// Breakers by store class + project, kept across requests.
static BREAKERS: LazyLock<Mutex<HashMap<String, Breaker>>> = LazyLock::new(Default::default);

/// Where visitor data is persisted beyond the in-memory layer.
pub struct VisitorStore {
    target: Zval,
    breaker_key: String,
    breaker: BreakerSettings,
}

/// True when `z` is an object implementing PSR-16's `CacheInterface`.
pub fn is_psr16_cache(z: &Zval) -> bool {
    let Some(obj) = z.object() else { return false };
    ClassEntry::try_find(PSR16_INTERFACE).is_some_and(|ce| obj.instance_of(ce))
}

impl VisitorStore {
    /// Picks the store (§6.1): `dataStore` when given (it must have callable `get` and `set`,
    /// otherwise visitor data stays in memory), else a PSR-16 `cache`, else none.
    /// `project` keys the circuit breaker together with the store's class.
    pub fn select(data_store: Option<&Zval>, cache: Option<&Zval>, project: &str, breaker: BreakerSettings, logger: &Logger) -> Option<VisitorStore> {
        let target = match data_store {
            Some(store) => {
                let valid = store.is_object()
                    && userland::has_callable_method(store, "get")
                    && userland::has_callable_method(store, "set");
                if !valid {
                    logger.log(Level::Error, || "DataStore object is not valid. It should contain get and set methods".into());
                    return None;
                }
                store
            }
            None => cache.filter(|c| is_psr16_cache(c))?,
        };
        let class = target.object().and_then(|o| o.get_class_name().ok()).unwrap_or_default();
        Some(VisitorStore { target: target.shallow_clone(), breaker_key: format!("{class}|{project}"), breaker })
    }

    /// The store object, for the cycle collector.
    pub fn report_zvals(&self, gc: &mut super::gc::GcBuffer) {
        gc.add(&self.target);
    }

    /// False while the breaker is open (the call is skipped and counted).
    fn admitted(&self) -> bool {
        let allowed = BREAKERS.lock().get(&self.breaker_key).is_none_or(|b| b.allows(Instant::now()));
        if !allowed {
            STORE_SKIPPED.fetch_add(1, Ordering::Relaxed);
        }
        allowed
    }

    /// Records a call outcome; logs when the breaker opens or closes.
    fn record(&self, success: bool, logger: &Logger) {
        let transition = {
            let mut breakers = BREAKERS.lock();
            if success && !breakers.contains_key(&self.breaker_key) {
                return;
            }
            breakers.entry(self.breaker_key.clone()).or_default().record(success, Instant::now(), &self.breaker)
        };
        match transition {
            Transition::Opened => logger.log(Level::Error, || {
                format!(
                    "Visitor store failed {} times in a row: skipped for {} s (decisions continue in memory)",
                    self.breaker.threshold,
                    self.breaker.cool_down.as_secs()
                )
            }),
            Transition::Closed => logger.log(Level::Info, || "Visitor store answered again: circuit closed".to_string()),
            Transition::None => {}
        }
    }

    /// `get($key)`: the cleaned StoreData, `{}` for no data, foreign values or failures.
    pub fn get(&self, key: &str, logger: &Logger) -> Value {
        if !self.admitted() {
            return Value::Object(serde_json::Map::new());
        }
        let key_zval = string_zval(key);
        match userland::call_method(&self.target, "get", vec![&key_zval]) {
            Ok(z) => {
                // A miss proves nothing (Symfony's Psr16Cache reports a dead Redis as a miss):
                // only data read back counts as a success for the circuit breaker.
                if z.is_array() {
                    self.record(true, logger);
                }
                store_data::from_stored(zval_to_value(&z))
            }
            Err(e) => {
                log_failure(logger, "get", key, &e);
                self.record(false, logger);
                Value::Object(serde_json::Map::new())
            }
        }
    }

    /// `set($key, $value)`; failures (exceptions, `false` from a PSR-16 cache) are logged.
    pub fn set(&self, key: &str, data: &Value, logger: &Logger) {
        if !self.admitted() {
            return;
        }
        let key_zval = string_zval(key);
        let value = value_to_zval(data);
        match userland::call_method(&self.target, "set", vec![&key_zval, &value]) {
            Ok(z) if z.is_false() => {
                STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
                logger.log(Level::Error, || format!("Visitor store set('{key}') returned false; data kept in memory only"));
                self.record(false, logger);
            }
            Ok(_) => self.record(true, logger),
            Err(e) => {
                log_failure(logger, "set", key, &e);
                self.record(false, logger);
            }
        }
    }
}

fn log_failure(logger: &Logger, op: &str, key: &str, e: &CallError) {
    STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
    if !matches!(e, CallError::Exit) {
        logger.log(Level::Error, || format!("Visitor store {op}('{key}') failed: {}", e.describe()));
    }
}
