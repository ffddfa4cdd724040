//! `ConvertSdk\Cache\ArrayCache` (spec §1.10): the default in-memory PSR-16
//! cache, one store per instance.
//!
//! It has every `Psr\SimpleCache\CacheInterface` method but does not declare
//! the interface: that userland interface is usually not loaded when the
//! extension starts. Expiry uses whole seconds of `time()`, like the PHP SDK:
//! an entry set with a TTL of `n` is visible until `time() > now + n`.
#![allow(non_snake_case)] // PHP parameter names

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi::{IS_LONG, IS_NULL, IS_STRING, _ZEND_TYPE_ITERABLE_BIT};
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ArrayKey, ZendCallable, ZendHashTable, Zval};
use ext_php_rs::zend::{ClassEntry, ce};

use super::exceptions::{arg_type_error, coerce_int, coerce_string, may_be, set_declared_type, zend_type};

const CLASS: &str = "ConvertSdk\\Cache\\ArrayCache";

/// Nothing to add to the module builder: the class is registered at MINIT by
/// `exceptions::on_startup` (see `register_class`).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
}

/// Registers the class like `ModuleBuilder::class`, then declares the PSR-16
/// parameter types that ext-php-rs cannot express (called at MINIT).
pub(crate) fn register_class() -> Result<(), String> {
    ArrayCache::method_builders()
        .into_iter()
        .fold(ClassBuilder::new(ArrayCache::CLASS_NAME), |b, (method, flags)| b.method(method, flags))
        .flags(ArrayCache::FLAGS)
        .object_override::<ArrayCache>()
        .registration(|ce, tables| {
            ArrayCache::get_metadata().set_ce(ce);
            ArrayCache::get_metadata().set_arg_info(tables);
        })
        .register()
        .map_err(|e| format!("{CLASS}: {e}"))?;
    let ce = ArrayCache::get_metadata().ce();
    let string = || zend_type(None, may_be(IS_STRING));
    let iterable = || zend_type(None, _ZEND_TYPE_ITERABLE_BIT);
    let ttl = || zend_type(Some("DateInterval"), may_be(IS_LONG) | may_be(IS_NULL));
    let declared = [
        ("get", Some(0), string()),
        ("set", Some(0), string()),
        ("set", Some(2), ttl()),
        ("delete", Some(0), string()),
        ("has", Some(0), string()),
        ("getMultiple", Some(0), iterable()),
        ("getMultiple", None, iterable()),
        ("setMultiple", Some(0), iterable()),
        ("setMultiple", Some(1), ttl()),
        ("deleteMultiple", Some(0), iterable()),
    ];
    for (method, n, ty) in declared {
        set_declared_type(ce, method, n, ty)?;
    }
    Ok(())
}

struct Entry {
    value: Zval,
    /// `time()` after which the entry is gone; `None` = never.
    expiry: Option<i64>,
}

/// In-memory PSR-16 cache.
#[php_class]
#[php(name = "ConvertSdk\\Cache\\ArrayCache")]
#[php(flags = ClassFlags::Final)]
#[derive(Default)]
pub struct ArrayCache {
    // `&self` + RefCell: a value's destructor may call back into the cache.
    entries: RefCell<HashMap<String, Entry>>,
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn func(method: &str) -> String {
    format!("{CLASS}::{method}")
}

/// A key argument: a string (scalars are converted, as in a non-strict call).
fn key_arg(key: &Zval, method: &str, position: usize) -> PhpResult<String> {
    coerce_string(key).ok_or_else(|| arg_type_error(&func(method), position, "key", "string", key))
}

/// What a TTL argument asks for.
#[derive(Clone, Copy)]
enum Ttl {
    Forever,
    /// Delete the key (TTL ≤ 0).
    Expired,
    Seconds(i64),
}

fn ttl_arg(ttl: Option<&Zval>, method: &str, position: usize) -> PhpResult<Ttl> {
    let Some(ttl) = ttl.map(Zval::dereference).filter(|t| !t.is_null()) else {
        return Ok(Ttl::Forever);
    };
    let seconds = match ttl.object() {
        Some(_) if is_date_interval(ttl) => interval_seconds(ttl)?,
        _ => coerce_int(ttl)
            .ok_or_else(|| arg_type_error(&func(method), position, "ttl", "DateInterval|int|null", ttl))?,
    };
    Ok(if seconds <= 0 { Ttl::Expired } else { Ttl::Seconds(seconds) })
}

fn is_date_interval(z: &Zval) -> bool {
    let class = ClassEntry::try_find("DateInterval");
    z.object().zip(class).is_some_and(|(o, c)| o.instance_of(c))
}

/// Length of a `DateInterval` in seconds, counted from the Unix epoch.
fn interval_seconds(interval: &Zval) -> PhpResult<i64> {
    let epoch = ZendCallable::try_from_name("date_create")?.try_call(vec![&"@0"])?;
    let end = epoch.try_call_method("add", vec![interval])?;
    let ts = end.try_call_method("getTimestamp", vec![])?;
    ts.long().ok_or_else(|| PhpException::new("DateInterval could not be applied".into(), 0, ce::error()))
}

/// The values of an iterable argument (an array or a `Traversable`).
fn iterable_arg(z: &Zval, method: &str, name: &str, preserve_keys: bool) -> PhpResult<Zval> {
    let z = z.dereference();
    if z.is_array() {
        return Ok(z.shallow_clone());
    }
    if z.object().is_some_and(|o| o.instance_of(ce::traversable())) {
        return Ok(ZendCallable::try_from_name("iterator_to_array")?.try_call(vec![z, &preserve_keys])?);
    }
    Err(arg_type_error(&func(method), 1, name, "iterable", z))
}

/// `$array[$key]` semantics: a canonical decimal integer string is an int key.
fn array_key(key: &str) -> ArrayKey<'_> {
    match key.parse::<i64>() {
        Ok(n) if n.to_string() == key => ArrayKey::Long(n),
        _ => ArrayKey::Str(key),
    }
}

impl super::gc::HoldsZvals for ArrayCache {
    /// The cached values (skipped while the map is being modified).
    fn report_zvals(&self, gc: &mut super::gc::GcBuffer) {
        if let Ok(entries) = self.entries.try_borrow() {
            gc.add_all(entries.values().map(|e| &e.value));
        }
    }
}

impl ArrayCache {
    fn store(&self, key: String, value: &Zval, ttl: Ttl) {
        let old = match ttl {
            Ttl::Expired => self.entries.borrow_mut().remove(&key),
            Ttl::Forever | Ttl::Seconds(_) => {
                let expiry = match ttl {
                    Ttl::Seconds(s) => Some(now().saturating_add(s)),
                    _ => None,
                };
                let entry = Entry { value: value.dereference().shallow_clone(), expiry };
                self.entries.borrow_mut().insert(key, entry)
            }
        };
        drop(old); // outside the borrow: may run a destructor
    }

    fn remove(&self, key: &str) {
        let old = self.entries.borrow_mut().remove(key);
        drop(old);
    }

    /// The live value of `key` (expired entries are removed).
    fn lookup(&self, key: &str) -> Option<Zval> {
        let expired = {
            let entries = self.entries.borrow();
            let entry = entries.get(key)?;
            if entry.expiry.is_none_or(|e| e >= now()) {
                return Some(entry.value.shallow_clone());
            }
            true
        };
        if expired {
            self.remove(key);
        }
        None
    }
}

#[php_impl]
impl ArrayCache {
    pub fn __construct() -> Self {
        Self::default()
    }

    /// `get(string $key, mixed $default = null): mixed`
    #[php(optional = default)]
    pub fn get(&self, key: &Zval, default: Option<&Zval>) -> PhpResult<Zval> {
        let key = key_arg(key, "get", 1)?;
        Ok(self.lookup(&key).unwrap_or_else(|| default.map_or_else(Zval::null, Zval::shallow_clone)))
    }

    /// `set(string $key, mixed $value, null|int|DateInterval $ttl = null): bool`
    #[php(optional = ttl)]
    pub fn set(&self, key: &Zval, value: &Zval, ttl: Option<&Zval>) -> PhpResult<bool> {
        let key = key_arg(key, "set", 1)?;
        let ttl = ttl_arg(ttl, "set", 3)?;
        self.store(key, value, ttl);
        Ok(true)
    }

    /// `delete(string $key): bool`
    pub fn delete(&self, key: &Zval) -> PhpResult<bool> {
        self.remove(&key_arg(key, "delete", 1)?);
        Ok(true)
    }

    /// `clear(): bool`
    pub fn clear(&self) -> bool {
        let old = std::mem::take(&mut *self.entries.borrow_mut());
        drop(old);
        true
    }

    /// `has(string $key): bool`
    pub fn has(&self, key: &Zval) -> PhpResult<bool> {
        Ok(self.lookup(&key_arg(key, "has", 1)?).is_some())
    }

    /// `getMultiple(iterable $keys, mixed $default = null): iterable` (an array `key => value`).
    #[php(optional = default)]
    pub fn get_multiple(&self, keys: &Zval, default: Option<&Zval>) -> PhpResult<Zval> {
        let keys = iterable_arg(keys, "getMultiple", "keys", false)?;
        let mut result = ZendHashTable::new();
        for (_, key) in keys.array().into_iter().flat_map(ZendHashTable::iter) {
            let key = key_arg(key, "getMultiple", 1)?;
            let value = self.lookup(&key).unwrap_or_else(|| default.map_or_else(Zval::null, Zval::shallow_clone));
            result.insert(array_key(&key), value)?;
        }
        let mut z = Zval::new();
        z.set_hashtable(result);
        Ok(z)
    }

    /// `setMultiple(iterable $values, null|int|DateInterval $ttl = null): bool`
    #[php(optional = ttl)]
    pub fn set_multiple(&self, values: &Zval, ttl: Option<&Zval>) -> PhpResult<bool> {
        let values = iterable_arg(values, "setMultiple", "values", true)?;
        let ttl = ttl_arg(ttl, "setMultiple", 2)?;
        for (key, value) in values.array().into_iter().flat_map(ZendHashTable::iter) {
            self.store(key.to_string(), value, ttl);
        }
        Ok(true)
    }

    /// `deleteMultiple(iterable $keys): bool`
    pub fn delete_multiple(&self, keys: &Zval) -> PhpResult<bool> {
        let keys = iterable_arg(keys, "deleteMultiple", "keys", false)?;
        for (_, key) in keys.array().into_iter().flat_map(ZendHashTable::iter) {
            self.remove(&key_arg(key, "deleteMultiple", 1)?);
        }
        Ok(true)
    }
}
