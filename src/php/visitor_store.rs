//! The user's visitor-data store (spec §6.1, §6.7): the `dataStore` object, else a PSR-16 `cache`.
//! Only `get($key)` and `set($key, $value)` are called; every failure is logged and survived.

use std::sync::atomic::{AtomicU64, Ordering};

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

/// Where visitor data is persisted beyond the in-memory layer.
pub struct VisitorStore {
    target: Zval,
}

/// True when `z` is an object implementing PSR-16's `CacheInterface`.
pub fn is_psr16_cache(z: &Zval) -> bool {
    let Some(obj) = z.object() else { return false };
    ClassEntry::try_find(PSR16_INTERFACE).is_some_and(|ce| obj.instance_of(ce))
}

impl VisitorStore {
    /// Picks the store (§6.1): `dataStore` when given (it must have callable `get` and `set`,
    /// otherwise visitor data stays in memory), else a PSR-16 `cache`, else none.
    pub fn select(data_store: Option<&Zval>, cache: Option<&Zval>, logger: &Logger) -> Option<VisitorStore> {
        if let Some(store) = data_store {
            let valid = store.is_object()
                && userland::has_callable_method(store, "get")
                && userland::has_callable_method(store, "set");
            if !valid {
                logger.log(Level::Error, || "DataStore object is not valid. It should contain get and set methods".into());
                return None;
            }
            return Some(VisitorStore { target: store.shallow_clone() });
        }
        cache.filter(|c| is_psr16_cache(c)).map(|c| VisitorStore { target: c.shallow_clone() })
    }

    /// `get($key)`: the cleaned StoreData, `{}` for no data, foreign values or failures.
    pub fn get(&self, key: &str, logger: &Logger) -> Value {
        let key_zval = string_zval(key);
        match userland::call_method(&self.target, "get", vec![&key_zval]) {
            Ok(z) => store_data::from_stored(zval_to_value(&z)),
            Err(e) => {
                log_failure(logger, "get", key, &e);
                Value::Object(serde_json::Map::new())
            }
        }
    }

    /// `set($key, $value)`; failures (exceptions, `false` from a PSR-16 cache) are logged.
    pub fn set(&self, key: &str, data: &Value, logger: &Logger) {
        let key_zval = string_zval(key);
        let value = value_to_zval(data);
        match userland::call_method(&self.target, "set", vec![&key_zval, &value]) {
            Ok(z) if z.is_false() => {
                STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
                logger.log(Level::Error, || format!("Visitor store set('{key}') returned false; data kept in memory only"));
            }
            Ok(_) => {}
            Err(e) => log_failure(logger, "set", key, &e),
        }
    }
}

fn log_failure(logger: &Logger, op: &str, key: &str, e: &CallError) {
    STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
    if !matches!(e, CallError::Exit) {
        logger.log(Level::Error, || format!("Visitor store {op}('{key}') failed: {}", e.describe()));
    }
}
