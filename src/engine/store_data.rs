//! StoreData: the per-visitor document kept in memory and in the user's store (spec §6.3, §6.4).
//!
//! Layout: an object with exactly `bucketing` (experienceId → variationId), `locations` (list of
//! location keys), `segments` (report segments and stored properties) and `goals` (goal key → true),
//! in that order. An empty document (`{}`) means "nothing stored".

use serde_json::{Map, Value};

use crate::merge::{deep_equal, is_php_array, merge_into, merge_member};
use crate::value::{member, member_mut, php_string};

/// The four top-level keys, in the order they are written.
pub const KEYS: [&str; 4] = ["bucketing", "locations", "segments", "goals"];

/// The report segment keys (§10.1).
pub const REPORT_SEGMENT_KEYS: [&str; 7] =
    ["browser", "devices", "source", "campaign", "visitor_type", "country", "custom_segments"];

/// A value read from a store, cleaned: anything but an array (string, object, `false`) is "no data";
/// only the four known keys are kept, each only with the right shape (`bucketing`, `segments`,
/// `goals` maps; `locations` a list), and `bucketing` keeps only scalar variation ids. Records
/// written by the official PHP SDK carry junk members in `segments` (§6.3, §14 row 2): `properties`
/// is dropped and the nested `segments` is dropped after its report keys are lifted where the flat
/// ones are missing.
pub fn from_stored(v: Value) -> Value {
    let Value::Object(mut top) = v else { return Value::Object(Map::new()) };
    let mut clean = Map::new();
    for k in KEYS {
        let Some(part) = top.remove(k) else { continue };
        let part = match (k, part) {
            ("locations", l @ Value::Array(_)) => l,
            ("bucketing", Value::Object(m)) => {
                Value::Object(m.into_iter().filter(|(_, v)| v.is_string() || v.is_number()).collect())
            }
            (_, Value::Object(m)) if k != "locations" => Value::Object(m),
            (_, Value::Array(a)) if a.is_empty() => Value::Array(a),
            _ => continue,
        };
        clean.insert(k.to_string(), part);
    }
    if let Some(Value::Object(segments)) = clean.get_mut("segments") {
        segments.remove("properties");
        if let Some(Value::Object(nested)) = segments.remove("segments") {
            for (k, v) in nested {
                if REPORT_SEGMENT_KEYS.contains(&k.as_str()) && !segments.contains_key(&k) {
                    segments.insert(k, v);
                }
            }
        }
    }
    Value::Object(clean)
}

/// True when nothing is stored.
pub use crate::merge::is_empty_array as is_empty;

/// `bucketing[experienceId]` as a string when present and non-empty (§4.4).
pub fn stored_variation<'d>(data: &'d Value, experience_id: &str) -> Option<std::borrow::Cow<'d, str>> {
    let v = member(member(data, "bucketing")?, experience_id)?;
    let s = php_string(v);
    (!s.is_empty() && s != "0").then_some(s)
}

/// `segments` of the stored data (empty object when absent).
pub fn segments(data: &Value) -> Value {
    match member(data, "segments") {
        Some(s) if is_php_array(s) => s.clone(),
        _ => Value::Object(Map::new()),
    }
}

/// `segments.custom_segments` as strings.
pub fn custom_segments(data: &Value) -> Vec<String> {
    crate::merge::string_values(member(data, "segments").and_then(|s| member(s, "custom_segments")).unwrap_or(&Value::Null))
}

/// `locations` of the stored data as strings.
pub fn locations(data: &Value) -> Vec<String> {
    crate::merge::string_values(member(data, "locations").unwrap_or(&Value::Null))
}

/// True when `locations` is present and a list of distinct strings: merging the same list over it
/// (new items first, duplicates by string form removed) gives it back unchanged.
pub fn locations_are_canonical(data: &Value) -> bool {
    let Some(Value::Array(list)) = member(data, "locations") else { return false };
    if list.len() <= 8 {
        // a few entries: compared pairwise, without building a set
        return list.iter().enumerate().all(|(i, v)| v.as_str().is_some_and(|s| !list[..i].iter().any(|w| w.as_str() == Some(s))));
    }
    // Location keys come from the config: the fast hasher is safe here.
    let mut seen = crate::fast_hash::FastSet::with_capacity_and_hasher(list.len(), Default::default());
    list.iter().all(|v| v.as_str().is_some_and(|s| seen.insert(s)))
}

/// Appends location keys that are not stored yet (distinct) to a well-formed document whose
/// `locations` is canonical (`locations_are_canonical`), or to an empty one: what `put_data` of
/// `locations` = stored + `keys` gives, without copying the stored list. `false` (nothing done)
/// for any other document.
pub fn append_locations(data: &mut Value, keys: &[&str]) -> bool {
    if data.as_object().is_some_and(Map::is_empty) {
        // Nothing stored yet: the document `put_data` builds around the new list.
        let mut doc = empty_document();
        if let Some(list) = member_mut(&mut doc, "locations") {
            *list = Value::Array(keys.iter().map(|k| Value::String((*k).to_owned())).collect());
        }
        *data = doc;
        return true;
    }
    if !is_well_formed(data) || !locations_are_canonical(data) {
        return false;
    }
    let Some(Value::Array(list)) = member_mut(data, "locations") else { return false };
    list.extend(keys.iter().map(|k| Value::String((*k).to_owned())));
    true
}

/// Number of entries `locations(data)` has, counted in place.
pub fn locations_len(data: &Value) -> usize {
    match member(data, "locations") {
        Some(Value::Array(list)) => list.len(),
        Some(Value::Object(map)) => map.len(),
        _ => 0,
    }
}

/// Index of location key `key` in the stored `locations` (compared as PHP strings), read in place:
/// the index it has in `locations(data)`.
pub fn location_position(data: &Value, key: &str) -> Option<usize> {
    let same = |v: &Value| php_string(v) == key;
    match member(data, "locations")? {
        Value::Array(list) => list.iter().position(same),
        Value::Object(map) => map.values().position(same),
        _ => None,
    }
}

/// `putData` of §6.4 applied to the current document: each of the four keys given in `new_data`
/// is deep-merged over the stored one. Returns the new document when it differs from `current`
/// (the caller then writes it once), `None` when nothing changed — including a first write that
/// would only store empty members.
pub fn put_data(current: &Value, new_data: &Value) -> Option<Value> {
    let mut patched: Vec<(&str, Value)> = Vec::with_capacity(KEYS.len());
    let mut changed = !is_well_formed(current);
    for k in KEYS {
        if let Some(new) = new_data.get(k) {
            let merged = merge_member(current.get(k), new);
            changed = changed || current.get(k).is_none_or(|c| !deep_equal(c, &merged));
            patched.push((k, merged));
        }
    }
    if !changed || (is_empty(current) && patched.iter().all(|(_, v)| is_empty(v))) {
        return None;
    }
    let mut m = Map::new();
    for k in KEYS {
        let value = match patched.iter().position(|(p, _)| *p == k) {
            Some(i) => std::mem::take(&mut patched[i].1),
            None => current.get(k).cloned().unwrap_or_else(|| Value::Array(Vec::new())),
        };
        m.insert(k.to_string(), value);
    }
    Some(Value::Object(m))
}

/// `put_data` applied to `data` itself; returns whether it changed. A well-formed document (the
/// four keys in order) is patched member by member in place, so the cost is that of the patch, not
/// of the whole document.
pub fn put_data_in_place(data: &mut Value, new_data: &Value) -> bool {
    if !is_well_formed(data) {
        return match put_data(data, new_data) {
            Some(updated) => {
                *data = updated;
                true
            }
            None => false,
        };
    }
    let Value::Object(members) = data else { return false };
    let mut changed = false;
    for k in KEYS {
        if let (Some(new), Some(slot)) = (new_data.get(k), members.get_mut(k)) {
            changed |= merge_into(slot, new);
        }
    }
    changed
}

/// `put_data(data, {"bucketing": {experience_id: variation_id}})` without building the patch when
/// the document is well formed and `bucketing` is a map (the usual case).
pub fn put_bucketing(data: &mut Value, experience_id: &str, variation_id: &str) -> bool {
    if is_well_formed(data) {
        let bucketing = member_mut(data, "bucketing");
        // The empty list of a document without decisions becomes a one-entry map (as merging gives,
        // except for key "0", which PHP would turn into a list).
        if let Some(slot @ Value::Array(_)) = bucketing {
            if slot.as_array().is_some_and(Vec::is_empty) && experience_id != "0" {
                let mut map = serde_json::Map::with_capacity(1);
                map.insert(experience_id.to_owned(), Value::String(variation_id.to_owned()));
                *slot = Value::Object(map);
                return true;
            }
        } else if let Some(Value::Object(bucketing)) = bucketing {
            // A non-empty map whose first key is not "0" is no PHP list and, since inserting
            // appends, cannot become one: put_data merges such a map key by key, so set the key.
            if bucketing.keys().next().is_some_and(|k| k != "0") {
                if let Some(Value::String(v)) = bucketing.get(experience_id) {
                    if v == variation_id {
                        return false;
                    }
                }
                bucketing.insert(experience_id.to_owned(), Value::String(variation_id.to_owned()));
                return true;
            }
        }
    }
    put_data_in_place(data, &patch("bucketing", patch(experience_id, Value::String(variation_id.to_owned()))))
}

/// The four keys with empty lists, in order: a copy of one built once (copying a map copies its
/// hash table; building it would hash every key).
fn empty_document() -> Value {
    static EMPTY: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| Value::Object(KEYS.iter().map(|k| (k.to_string(), Value::Array(Vec::new()))).collect()));
    EMPTY.clone()
}

/// True when `data` has exactly the four keys, in order.
fn is_well_formed(data: &Value) -> bool {
    data.as_object().is_some_and(|m| m.len() == KEYS.len() && m.keys().zip(KEYS).all(|(a, b)| a == b))
}

/// Splits properties into report segments and other properties (§10.1); each part `None` when empty.
pub fn filter_report_segments(props: &Value) -> (Option<Map<String, Value>>, Option<Map<String, Value>>) {
    split_report_segments(props.clone())
}

/// `filter_report_segments` of properties the caller gives up (kept as they are when they hold no
/// report segment, the usual case).
pub fn split_report_segments(props: Value) -> (Option<Map<String, Value>>, Option<Map<String, Value>>) {
    let map = match props {
        Value::Object(map) if !map.keys().any(|k| REPORT_SEGMENT_KEYS.contains(&k.as_str())) => {
            return (None, (!map.is_empty()).then_some(map));
        }
        Value::Object(map) => map,
        other => crate::merge::to_map(&other),
    };
    let mut segments = Map::new();
    let mut others = Map::new();
    for (k, v) in map {
        if REPORT_SEGMENT_KEYS.contains(&k.as_str()) {
            segments.insert(k, v);
        } else {
            others.insert(k, v);
        }
    }
    let some = |m: Map<String, Value>| (!m.is_empty()).then_some(m);
    (some(segments), some(others))
}

/// `{key: value}`: a one-member `put_data` patch (`patch("segments", …)`), or its inner map.
pub fn patch(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), value);
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_first_decision_into_an_empty_bucketing_list_gives_what_merging_gives() {
        let skeleton = json!({"bucketing": [], "locations": ["l"], "segments": [], "goals": []});
        for (experience, variation) in [("100", "1001"), ("0", "5"), ("7", "0")] {
            let mut fast = skeleton.clone();
            assert!(put_bucketing(&mut fast, experience, variation));
            let mut merged = skeleton.clone();
            assert!(put_data_in_place(&mut merged, &patch("bucketing", patch(experience, Value::String(variation.into())))));
            assert_eq!(fast, merged, "experience {experience}");
        }
    }

    #[test]
    fn appending_locations_gives_what_put_data_gives() {
        let doc = |locations: Value| json!({"bucketing": {"1": "2"}, "locations": locations, "segments": [], "goals": []});
        let mut empty = json!({});
        assert!(append_locations(&mut empty, &["x", "y"]));
        assert_eq!(Some(empty), put_data(&json!({}), &patch("locations", json!(["x", "y"]))));
        for stored in [json!([]), json!(["a"]), json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])] {
            let mut appended = doc(stored.clone());
            assert!(append_locations(&mut appended, &["x", "y"]));
            let mut full: Vec<Value> = stored.as_array().unwrap().clone();
            full.extend([json!("x"), json!("y")]);
            assert_eq!(Some(appended), put_data(&doc(stored), &patch("locations", Value::Array(full))));
        }
        // not canonical (a duplicate, a number, a map) or not well formed: left to put_data
        for stored in [json!(["a", "a"]), json!(["a", 1]), json!({"k": "a"})] {
            let mut data = doc(stored.clone());
            assert!(!append_locations(&mut data, &["x"]));
            assert_eq!(data, doc(stored));
        }
        let mut loose = json!({"locations": ["a"]});
        assert!(!append_locations(&mut loose, &["x"]));
        assert_eq!(locations_len(&json!({"locations": {"k": "a", "l": "b"}})), 2);
        assert_eq!(locations_len(&json!({})), 0);
    }

    #[test]
    fn first_write_has_the_four_keys_in_order() {
        let updated = put_data(&json!({}), &json!({"bucketing": {"1001": "10011"}})).unwrap();
        assert_eq!(
            serde_json::to_string(&updated).unwrap(),
            r#"{"bucketing":{"1001":"10011"},"locations":[],"segments":[],"goals":[]}"#
        );
    }

    #[test]
    fn unchanged_data_is_not_rewritten() {
        let cur = put_data(&json!({}), &json!({"bucketing": {"1": "2"}})).unwrap();
        assert_eq!(put_data(&cur, &json!({"bucketing": {"1": "2"}})), None);
        assert_eq!(put_data(&cur, &json!({"locations": []})), None);
        let next = put_data(&cur, &json!({"goals": {"purchase": true}})).unwrap();
        assert_eq!(next["goals"], json!({"purchase": true}));
        assert_eq!(next["bucketing"], json!({"1": "2"}));
    }

    #[test]
    fn locations_never_shrink() {
        let cur = json!({"bucketing": [], "locations": ["a", "b"], "segments": [], "goals": []});
        let next = put_data(&cur, &json!({"locations": ["a", "c"]})).unwrap();
        assert_eq!(next["locations"], json!(["a", "c", "b"]));
    }

    #[test]
    fn put_bucketing_matches_put_data() {
        let docs = [
            json!({}),
            json!({"bucketing": {"1": "2"}, "locations": [], "segments": [], "goals": []}),
            json!({"bucketing": {"0": "a"}, "locations": [], "segments": [], "goals": []}),
            json!({"bucketing": [], "locations": [], "segments": [], "goals": []}),
            json!({"bucketing": {"1": 2}, "locations": [], "segments": [], "goals": []}),
        ];
        for doc in &docs {
            for (e, v) in [("1", "2"), ("1", "3"), ("1", "x"), ("7", "8")] {
                let mut a = doc.clone();
                let mut b = doc.clone();
                let changed = put_bucketing(&mut a, e, v);
                let expected = put_data_in_place(&mut b, &json!({"bucketing": {e: v}}));
                assert_eq!(changed, expected, "{doc} <- {e}:{v}");
                assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap(), "{doc} <- {e}:{v}");
            }
        }
    }

    #[test]
    fn in_place_patch_matches_put_data() {
        let docs = [
            json!({}),
            json!({"bucketing": {"1": "2"}, "locations": ["a", "b"], "segments": {"country": "DE"}, "goals": []}),
            json!({"bucketing": [], "locations": [], "segments": [], "goals": []}),
            json!({"bucketing": {"1": "2"}}),
        ];
        let patches = [
            json!({"bucketing": {"1": "2"}}),
            json!({"bucketing": {"3": "4"}}),
            json!({"locations": ["b", "a"]}),
            json!({"locations": ["a", "b"]}),
            json!({"segments": {"country": "FR", "custom_segments": ["9"]}}),
            json!({"goals": {"purchase": true}}),
            json!({"locations": []}),
        ];
        for doc in &docs {
            for patch in &patches {
                let expected = put_data(doc, patch);
                let mut data = doc.clone();
                let changed = put_data_in_place(&mut data, patch);
                assert_eq!(changed, expected.is_some(), "{doc} <- {patch}");
                let expected = expected.unwrap_or_else(|| doc.clone());
                assert_eq!(serde_json::to_string(&data).unwrap(), serde_json::to_string(&expected).unwrap(), "{doc} <- {patch}");
            }
        }
    }

    #[test]
    fn php_sdk_junk_keys_are_cleaned() {
        let legacy = json!({"bucketing": {"1001": "10011"}, "locations": ["checkout-page"],
            "segments": {"country": "DE", "properties": null,
                         "segments": {"country": "FR", "custom_segments": ["4001"]}},
            "goals": {"purchase": true}, "junk": 1});
        assert_eq!(
            from_stored(legacy),
            json!({"bucketing": {"1001": "10011"}, "locations": ["checkout-page"],
                   "segments": {"country": "DE", "custom_segments": ["4001"]}, "goals": {"purchase": true}})
        );
        assert_eq!(from_stored(json!({"bucketing": "corrupt", "goals": 5})), json!({}));
        assert_eq!(
            from_stored(json!({"bucketing": [["10012"]], "locations": {"a": 1}, "segments": ["x"], "goals": []})),
            json!({"goals": []})
        );
        assert_eq!(from_stored(json!({"bucketing": {"1": "2", "3": ["x"], "4": 5}})), json!({"bucketing": {"1": "2", "4": 5}}));
    }

    #[test]
    fn foreign_values_are_no_data() {
        assert!(is_empty(&from_stored(json!("garbage"))));
        assert!(is_empty(&from_stored(json!(false))));
        assert!(is_empty(&from_stored(json!(["a", "list"]))));
        assert_eq!(stored_variation(&json!({"bucketing": {"1": ""}}), "1"), None);
        assert_eq!(stored_variation(&json!({"bucketing": {"1": 10011}}), "1").as_deref(), Some("10011"));
    }

    #[test]
    fn report_segments_split() {
        let (s, o) = filter_report_segments(&json!({"country": "DE", "plan": "x"}));
        assert_eq!(Value::Object(s.unwrap()), json!({"country": "DE"}));
        assert_eq!(Value::Object(o.unwrap()), json!({"plan": "x"}));
        assert_eq!(filter_report_segments(&json!({"plan": "x"})).0, None);
    }
}
