//! PHP values <-> engine values (`serde_json::Value`).
//!
//! PHP lists become JSON arrays, other PHP arrays JSON objects; going back, numeric-string keys
//! become integer keys (PHP symtable semantics) and int/float identity is kept (spec §16).

use ext_php_rs::flags::ClassFlags;
use ext_php_rs::types::{ZendHashTable, Zval};
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
    if is_list(arr) {
        return Value::Array(entries(arr).map(|(_, v)| convert_in(v, depth)).collect());
    }
    let mut m = Map::with_capacity(arr.len());
    for (k, v) in entries(arr) {
        let key = match k {
            Key::Index(i) => i.to_string(),
            Key::Str(s) => String::from_utf8_lossy(s).into_owned(),
        };
        m.insert(key, convert_in(v, depth));
    }
    Value::Object(m)
}

/// A PHP array key, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    Index(i64),
    Str(&'a [u8]),
}

/// `HASH_FLAG_PACKED` of PHP 8.2 (`zend_hash.h`).
const HASH_FLAG_PACKED: u32 = 1 << 2;

fn is_packed(arr: &ZendHashTable) -> bool {
    // SAFETY: reading the flags word of a live array.
    unsafe { arr.u.flags & HASH_FLAG_PACKED != 0 }
}

/// True when the keys are exactly `0..n-1` in order (a PHP list).
pub fn is_list(arr: &ZendHashTable) -> bool {
    if is_packed(arr) && arr.nNumUsed == arr.nNumOfElements {
        return true;
    }
    entries(arr).enumerate().all(|(i, (k, _))| k == Key::Index(i as i64))
}

/// The entries of an array in order, without copying keys (ext-php-rs's iterator allocates a
/// `String` per key). Holes (`IS_UNDEF` slots) are skipped.
pub fn entries(arr: &ZendHashTable) -> impl Iterator<Item = (Key<'_>, &Zval)> {
    let packed = is_packed(arr);
    let used = arr.nNumUsed as usize;
    (0..used).filter_map(move |i| {
        // SAFETY: `i < nNumUsed`, the slots of a live array; packed arrays hold zvals, the others
        // buckets (PHP 8.2 layout).
        unsafe {
            if packed {
                let z: &Zval = &*arr.__bindgen_anon_1.arPacked.add(i);
                (z.u1.type_info & 0xff != 0).then_some((Key::Index(i as i64), z))
            } else {
                let b = &*arr.__bindgen_anon_1.arData.add(i);
                if b.val.u1.type_info & 0xff == 0 {
                    return None;
                }
                let key = match b.key.as_ref() {
                    Some(k) => Key::Str(k.as_bytes()),
                    None => Key::Index(b.h as i64),
                };
                Some((key, &b.val))
            }
        }
    })
}

/// Converts an engine value to a PHP value (numeric-string keys become int keys).
pub fn value_to_zval(v: &Value) -> Zval {
    let mut z = Zval::new();
    if set_scalar(&mut z, v) {
        return z;
    }
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
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

/// Sets `z` to a null, bool or number (int/float identity kept); `false` for strings and arrays.
pub fn set_scalar(z: &mut Zval, v: &Value) -> bool {
    match v {
        Value::Null => z.set_null(),
        Value::Bool(b) => z.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => z.set_long(i),
            None => z.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(_) | Value::Array(_) | Value::Object(_) => return false,
    }
    true
}

/// A PHP string zval.
pub fn string_zval(s: &str) -> Zval {
    let mut z = Zval::new();
    let _ = z.set_string(s, false);
    z
}
