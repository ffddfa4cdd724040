//! Config values handed to PHP again and again (`changes` of served variations, feature variables)
//! as PHP arrays, built once per process and config and shared by every request
//! (`persistent_value`): handing them out costs no allocation, and PHP copies an array before a
//! caller can modify it.
//!
//! Lifetime: an entry lives as long as its config (a weak reference tells when the config is gone).
//! The arrays of a config that is gone are freed at the start of the next request (`on_request_start`),
//! when no PHP value of an earlier request exists any more. A process that never starts another
//! request (a CLI script) keeps them until it exits, for at most `RETIRED_LIMIT` replaced configs.
//! ZTS builds (requests of several threads at once) convert per call instead.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use convert_sdk_engine::config::{Config, Experience, Variation};
use convert_sdk_engine::fast_hash::FastMap;
use ext_php_rs::types::Zval;
use serde_json::Value;

use super::convert::{string_zval, value_to_zval};
use super::persistent_value::PersistentValue;

/// One config's values, by the address of the config value (stable while the config lives).
struct Entry {
    config: Weak<Config>,
    arrays: FastMap<*const Value, PersistentValue>,
    /// The values of a served variation's DTO, by the variation's address (`served_variation`).
    served: FastMap<*const Variation, [PersistentValue; 5]>,
}

thread_local! {
    /// Per process in NTS PHP (one thread); the entry of the config used last comes first.
    static ENTRIES: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// Most configs that are gone whose arrays are kept until the next request starts; beyond that,
/// values of further configs are converted per call (a CLI script replacing configs in a loop).
const RETIRED_LIMIT: usize = 16;

/// The PHP form of `value`, a value owned by `config` (a variation's `changes`, a feature change's
/// variables): built on first use, then shared.
pub fn config_value(config: &Arc<Config>, value: &Value) -> Zval {
    with_entry(config, |entry| {
        entry.arrays.entry(std::ptr::from_ref(value)).or_insert_with(|| PersistentValue::new(value)).zval()
    })
    .unwrap_or_else(|| value_to_zval(value))
}

/// The values of a `BucketedVariation` of `variation` (of `experience`, both owned by `config`):
/// experience id and key, variation id and key, `changes`; one lookup for the five.
pub fn served_variation(config: &Arc<Config>, experience: &Experience, variation: &Variation) -> [Zval; 5] {
    let texts = [&experience.id, &experience.key, &variation.id, &variation.key];
    let mut out = [Zval::new(), Zval::new(), Zval::new(), Zval::new(), Zval::new()];
    let kept = with_entry(config, |entry| {
        let parts = entry.served.entry(std::ptr::from_ref(variation)).or_insert_with(|| {
            let [a, b, c, d] = texts.map(|t| PersistentValue::new(&Value::String(t.clone())));
            [a, b, c, d, PersistentValue::new(&variation.changes)]
        });
        for (z, part) in out.iter_mut().zip(parts.iter()) {
            *z = part.zval();
        }
    });
    if kept.is_none() {
        for (z, text) in out.iter_mut().zip(texts) {
            *z = string_zval(text);
        }
        out[4] = value_to_zval(&variation.changes);
    }
    out
}

/// Runs `f` on the entry of `config` (created first); `None` when values of this config are not
/// kept (ZTS, or too many configs are gone: `RETIRED_LIMIT`).
fn with_entry<R>(config: &Arc<Config>, f: impl FnOnce(&mut Entry) -> R) -> Option<R> {
    if ext_php_rs::PHP_ZTS {
        return None;
    }
    ENTRIES.with_borrow_mut(|entries| {
        let alive = |e: &Entry| e.config.strong_count() > 0;
        match entries.iter().position(|e| std::ptr::eq(e.config.as_ptr(), Arc::as_ptr(config)) && alive(e)) {
            Some(0) => {}
            Some(i) => {
                let entry = entries.remove(i);
                entries.insert(0, entry);
            }
            None if entries.iter().filter(|e| !alive(e)).count() >= RETIRED_LIMIT => return None,
            None => entries.insert(
                0,
                Entry {
                    config: Arc::downgrade(config),
                    arrays: FastMap::default(),
                    served: FastMap::default(),
                },
            ),
        }
        Some(f(&mut entries[0]))
    })
}

/// Frees the arrays of configs that are gone (no PHP value can refer to them before a request starts).
pub extern "C" fn on_request_start(_ty: i32, _module_number: i32) -> i32 {
    ENTRIES.with_borrow_mut(|entries| entries.retain(|e| e.config.strong_count() > 0));
    0
}
