//! PHP values <-> engine values (`serde_json::Value`).
//!
//! PHP lists become JSON arrays, other PHP arrays JSON objects; going back, numeric-string keys
//! become integer keys (PHP symtable semantics) and int/float identity is kept (spec §16).

use ext_php_rs::flags::ClassFlags;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use super::dtos::read_property;

/// Deepest nesting converted; deeper values become `null` (guards against recursive arrays).
const MAX_DEPTH: usize = 64;

/// Converts a PHP value. Enum cases become their backing value, other objects `null`.
pub fn zval_to_value(z: &Zval) -> Value {
    convert_in(z.dereference(), 0)
}

fn convert_in(z: &Zval, depth: usize) -> Value {
    let z = z.dereference();
    if let Some(b) = z.bool() {
        return Value::Bool(b);
    }
    if let Some(l) = z.long() {
        return Value::from(l);
    }
    if let Some(d) = z.double() {
        return Number::from_f64(d).map_or(Value::Null, Value::Number);
    }
    if let Some(s) = z.zend_str() {
        return Value::String(String::from_utf8_lossy(s.as_bytes()).into_owned());
    }
    if let Some(arr) = z.array() {
        if depth >= MAX_DEPTH {
            return Value::Null;
        }
        return array_to_value(arr, depth + 1);
    }
    if let Some(obj) = z.object() {
        let ce = obj.get_class_entry();
        if ce.flags().contains(ClassFlags::Enum) {
            return convert_in(&read_property(obj, "value"), depth + 1);
        }
    }
    Value::Null
}

fn array_to_value(arr: &ZendHashTable, depth: usize) -> Value {
    if arr.has_sequential_keys() {
        return Value::Array(arr.values().map(|v| convert_in(v, depth)).collect());
    }
    let mut m = Map::with_capacity(arr.len());
    for (k, v) in arr {
        let key = match k {
            ArrayKey::Long(i) => i.to_string(),
            other => other.to_string(),
        };
        m.insert(key, convert_in(v, depth));
    }
    Value::Object(m)
}

/// Converts an engine value to a PHP value (numeric-string keys become int keys).
pub fn value_to_zval(v: &Value) -> Zval {
    let mut z = Zval::new();
    match v {
        Value::Null => z.set_null(),
        Value::Bool(b) => z.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => z.set_long(i),
            None => z.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => {
            let _ = z.set_string(s, false);
        }
        Value::Array(a) => {
            let mut ht = ZendHashTable::with_capacity(u32::try_from(a.len()).unwrap_or(u32::MAX));
            for x in a {
                let _ = ht.push(value_to_zval(x));
            }
            z.set_hashtable(ht);
        }
        Value::Object(o) => {
            let mut ht = ZendHashTable::with_capacity(u32::try_from(o.len()).unwrap_or(u32::MAX));
            for (k, x) in o {
                let _ = ht.insert(k.as_str(), value_to_zval(x));
            }
            z.set_hashtable(ht);
        }
    }
    z
}

/// A PHP string zval.
pub fn string_zval(s: &str) -> Zval {
    let mut z = Zval::new();
    let _ = z.set_string(s, false);
    z
}
