//! `deepMerge` of the PHP SDK (spec §6.5), over PHP arrays represented as JSON values.
//!
//! Used for options, visitor properties and StoreData. Maps merge key by key (b wins on scalars),
//! lists are unioned with the new items first and duplicates removed by their PHP string form.

use serde_json::{Map, Value};

use crate::value::php_string;

/// True when `v` is a PHP array whose keys are exactly `0..n-1` in order (a non-empty list).
/// An empty array counts as a map, as in the PHP SDK's `isMap`.
pub fn is_php_list(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty() && m.keys().enumerate().all(|(i, k)| is_index_key(k, i)),
        _ => false,
    }
}

/// True when `k` is the decimal form of `i` (`"0"`, `"12"`; not `"012"` or `"+1"`), without
/// formatting `i`.
fn is_index_key(k: &str, i: usize) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && (k == "0" || !k.starts_with('0')) && k.parse::<usize>() == Ok(i)
}

/// True when `v` is a PHP array (any JSON array or object).
pub fn is_php_array(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// The values of a PHP array in order (`array_values`); empty for scalars.
pub fn array_values(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        _ => Vec::new(),
    }
}

/// The values of a PHP array as their PHP string forms (ids, keys); empty for scalars.
pub fn string_values(v: &Value) -> Vec<String> {
    array_values(v).into_iter().map(|x| php_string(x).into_owned()).collect()
}

/// `array_values(array_unique(array_merge(new, old)))`: union with the new items first.
pub fn union_lists(new: &Value, old: &Value) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new(); // a set: linear time on 100k-item lists
    for item in array_values(new).into_iter().chain(array_values(old)) {
        if seen.insert(php_string(item).into_owned()) {
            out.push(item.clone());
        }
    }
    Value::Array(out)
}

/// A PHP array as an ordered string-keyed map (lists get their index keys).
pub fn to_map(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.clone(),
        Value::Array(a) => a.iter().enumerate().map(|(i, x)| (i.to_string(), x.clone())).collect(),
        _ => Map::new(),
    }
}

/// `deepMerge(a, b)` of spec §6.5; `b` wins. Non-array inputs count as empty arrays.
pub fn deep_merge(a: &Value, b: &Value) -> Value {
    if is_empty_array(a) {
        // every member of `b` is new: merged as is
        return normalize_array(to_map(b));
    }
    let mut r = to_map(a);
    let b_entries: Vec<(String, &Value)> = match b {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(l) => l.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    };
    for (k, bv) in b_entries {
        let merged = merge_member(r.get(&k), bv);
        r.insert(k, merged);
    }
    normalize_array(r)
}

/// An empty PHP array, or a value `deepMerge` counts as one (not an array). Also "nothing stored"
/// for StoreData (`store_data::is_empty`).
pub fn is_empty_array(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    }
}

/// One key of `deepMerge`: the new value `bv` merged over the old value `av` (absent = null):
/// two maps merge recursively, two arrays of which one is a list are unioned, else `bv` wins.
pub fn merge_member(av: Option<&Value>, bv: &Value) -> Value {
    match av {
        Some(av) if is_php_array(av) && is_php_array(bv) => {
            if !is_php_list(av) && !is_php_list(bv) { deep_merge(av, bv) } else { union_lists(bv, av) }
        }
        _ => bv.clone(),
    }
}

/// Turns a map whose keys are `0..n-1` back into a JSON array, so lists stay lists; an empty map
/// becomes `[]` (the form the binding gives an empty PHP array and the config decoder gives `{}`).
pub fn normalize_array(m: Map<String, Value>) -> Value {
    let v = Value::Object(m);
    if is_php_list(&v) || v.as_object().is_some_and(Map::is_empty) {
        match v {
            Value::Object(m) => Value::Array(m.into_iter().map(|(_, x)| x).collect()),
            other => other,
        }
    } else {
        v
    }
}

/// `deepEqual` of spec §6.4: same key sets, recursively equal values, scalars compared with `===`.
/// A list equals a map whose keys are its decimal indexes. Compares in place (no copies).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.is_f64() == y.is_f64()) && x.as_f64() == y.as_f64() && x.as_i64() == y.as_i64()
        }
        (Value::Object(ma), Value::Object(mb)) => {
            ma.len() == mb.len() && ma.iter().all(|(k, v)| mb.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Value::Array(la), Value::Array(lb)) => la.len() == lb.len() && la.iter().zip(lb).all(|(v, w)| deep_equal(v, w)),
        (Value::Array(l), Value::Object(m)) | (Value::Object(m), Value::Array(l)) => {
            l.len() == m.len() && l.iter().enumerate().all(|(i, v)| m.get(&i.to_string()).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

/// `*slot = merge_member(Some(slot), new)` without copying what stays: maps are merged key by key
/// in place. Returns whether the result differs from the old value (`!deep_equal(old, result)`).
pub fn merge_into(slot: &mut Value, new: &Value) -> bool {
    if !(is_php_array(slot) && is_php_array(new)) || is_php_list(slot) || is_php_list(new) {
        let merged = merge_member(Some(slot), new);
        let changed = !deep_equal(slot, &merged);
        *slot = merged;
        return changed;
    }
    // Two maps (an empty array counts as a map): deep_merge in place, then normalise as it does.
    if let Value::Array(_) = slot {
        *slot = Value::Object(Map::new());
    }
    let Value::Object(m) = slot else { unreachable!("slot is a map here") };
    let mut changed = false;
    let mut put = |k: &str, bv: &Value| match m.get_mut(k) {
        Some(av) => changed |= merge_into(av, bv),
        None => {
            m.insert(k.to_owned(), bv.clone());
            changed = true;
        }
    };
    match new {
        Value::Object(nm) => nm.iter().for_each(|(k, bv)| put(k, bv)),
        Value::Array(l) => l.iter().enumerate().for_each(|(i, bv)| put(&i.to_string(), bv)),
        _ => {}
    }
    let Value::Object(m) = std::mem::take(slot) else { unreachable!() };
    *slot = normalize_array(m);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_maps_keyed_0_to_n_minus_1_in_order() {
        assert!(is_php_list(&json!({"0": "a", "1": "b"})));
        assert!(!is_php_list(&json!({"1": "a"})));
        assert!(!is_php_list(&json!({"0": "a", "01": "b"})));
        assert!(!is_php_list(&json!({"0": "a", "+1": "b"})));
        assert!(!is_php_list(&json!({"0": "a", "": "b"})));
        assert!(!is_php_list(&json!({"plan": "a"})));
        assert!(!is_php_list(&json!({})));
        assert!(is_php_list(&json!(["a"])));
    }

    #[test]
    fn lists_are_unioned_new_first() {
        let a = json!({"devices": ["DESK"]});
        let b = json!({"devices": ["IPH"]});
        assert_eq!(deep_merge(&a, &b), json!({"devices": ["IPH", "DESK"]}));
    }

    #[test]
    fn duplicates_removed_by_string_form() {
        let r = union_lists(&json!(["1", 2]), &json!([1, "2", "x"]));
        assert_eq!(r, json!(["1", 2, "x"]));
    }

    #[test]
    fn maps_merge_per_key_and_scalars_replace() {
        let a = json!({"bucketing": {"1001": "a"}, "segments": {"country": "DE"}});
        let b = json!({"bucketing": {"1002": "b"}, "segments": {"country": "FR"}});
        assert_eq!(
            deep_merge(&a, &b),
            json!({"bucketing": {"1001": "a", "1002": "b"}, "segments": {"country": "FR"}})
        );
    }

    #[test]
    fn empty_array_counts_as_map_and_type_change_replaces() {
        let a = json!({"x": [], "y": "s"});
        let b = json!({"x": {"k": 1}, "y": [1]});
        assert_eq!(deep_merge(&a, &b), json!({"x": {"k": 1}, "y": [1]}));
        // a list merged with a map is a union of values (PHP array_merge of mixed arrays)
        let r = deep_merge(&json!({"x": ["a"]}), &json!({"x": {"k": "b"}}));
        assert_eq!(r, json!({"x": ["b", "a"]}));
    }

    #[test]
    fn only_canonical_index_keys_make_a_list() {
        assert!(is_php_list(&json!({"0": "a", "1": "b"})));
        assert!(!is_php_list(&json!({"00": "a"})), "\"00\" is a string key in PHP");
        assert!(!is_php_list(&json!({"+0": "a"})));
        assert!(!is_php_list(&json!({"1": "a"})));
        let r = deep_merge(&json!({"x": {"00": "a"}}), &json!({"x": {"00": "b"}}));
        assert_eq!(r, json!({"x": {"00": "b"}}), "maps with such keys merge per key");
    }

    #[test]
    fn empty_results_stay_empty_lists() {
        let a = json!({"locations": [], "segments": {}});
        let r = deep_merge(&a, &json!({"locations": [], "segments": []}));
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"locations":[],"segments":[]}"#);
        assert_eq!(deep_merge(&json!({}), &json!({})), json!([]));
    }

    #[test]
    fn deep_equal_is_strict_on_types() {
        assert!(!deep_equal(&json!({"a": 1}), &json!({"a": 1.0})));
        assert!(!deep_equal(&json!({"a": 1}), &json!({"a": "1"})));
        assert!(deep_equal(&json!({"a": [1, {"b": true}]}), &json!({"a": [1, {"b": true}]})));
        assert!(deep_equal(&json!([]), &json!({})));
        assert!(deep_equal(&json!(["a", "b"]), &json!({"0": "a", "1": "b"})));
        assert!(!deep_equal(&json!(["a", "b"]), &json!({"1": "a", "0": "c"})));
        assert!(!deep_equal(&json!(["a", "b"]), &json!(["b", "a"])));
    }

    #[test]
    fn merge_into_equals_merge_member() {
        let cases = [
            (json!({"1": "a"}), json!({"2": "b"})),
            (json!({"1": "a"}), json!({"1": "a"})),
            (json!([]), json!({"k": {"x": 1}})),
            (json!([]), json!([])),
            (json!({"k": {"x": 1}}), json!({"k": {"x": 1.0}})),
            (json!({"k": ["a"]}), json!({"k": ["b", "a"]})),
            (json!(["a", "b"]), json!(["b"])),
            (json!({"0": "a"}), json!({"1": "b"})),
            (json!("s"), json!({"k": 1})),
            (json!({"k": 1}), json!("s")),
            (json!({"d": {"0": "x"}}), json!({"d": {"0": "x"}})),
        ];
        for (old, new) in cases {
            let expected = merge_member(Some(&old), &new);
            let mut slot = old.clone();
            let changed = merge_into(&mut slot, &new);
            assert_eq!(serde_json::to_string(&slot).unwrap(), serde_json::to_string(&expected).unwrap(), "{old} <- {new}");
            assert_eq!(changed, !deep_equal(&old, &expected), "{old} <- {new}");
        }
    }
}
