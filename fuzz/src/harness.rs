//! Fuzz harnesses for `convert_sdk_engine`, one function per cargo-fuzz target.
//!
//! Every input is JSON text (so the seeds come straight from `tests/fixtures` and a crashing input is
//! readable). Each harness feeds the engine and asserts properties the spec guarantees; a panic is a
//! finding. The same file is compiled into `src/engine/tests/fuzz_regressions.rs`, which replays the
//! kept inputs of `fuzz/regressions/<target>/` with these exact checks.

use convert_sdk_engine::casting::cast_variable;
use convert_sdk_engine::config::Config;
use convert_sdk_engine::conversion::{ConversionRequest, track_conversion};
use convert_sdk_engine::experience::{BucketingSettings, Decider, DecisionInput, Effect, Effects, Outcome};
use convert_sdk_engine::features::{FeatureFilter, collect};
use convert_sdk_engine::merge::{deep_equal, deep_merge};
use convert_sdk_engine::operators::apply_operator;
use convert_sdk_engine::rules::{RuleOptions, is_rule_matched};
use convert_sdk_engine::segments::run_custom_segments;
use convert_sdk_engine::store_data::{self, KEYS};
use convert_sdk_engine::store_key::store_key;
use convert_sdk_engine::tracking::{
    TrackingQueue, bucketing_event, conversion_event, payload, track_url, transaction_event, wire_segments,
};
use convert_sdk_engine::value::{php_json_decode, php_string};
use serde_json::{Value, json};

/// Operators of §5.4 and §12, plus one unknown name.
const OPERATORS: [&str; 14] = [
    "equals", "equalsNumber", "matches", "less", "lessEqual", "contains", "isIn", "startsWith", "endsWith",
    "regexMatches", "exists", "doesNotExist", "not_exists", "unknownOperator",
];
/// Operators whose negated result is always the complement of the plain one (no "false without negation").
const COMPLEMENTARY: [&str; 7] = ["equals", "equalsNumber", "matches", "contains", "isIn", "startsWith", "endsWith"];
/// Upper bound of experiences, visitors and goals exercised per config input (keeps executions fast).
const MAX_EXPERIENCES: usize = 16;
/// Messages `Config::from_value` may reject a config with (§2.4).
const VALIDATION_MESSAGES: [&str; 3] = [
    "Config validation failed: missing 'account_id' field",
    "Config validation failed: missing 'project' field",
    "Config validation failed: 'project' must contain an 'id' field",
];

/// Input bytes as JSON, the way the binding decodes a fetched config (`json_decode($s, true)`).
fn parse(data: &[u8]) -> Option<Value> {
    php_json_decode(std::str::from_utf8(data).ok()?)
}

/// Element `i` of a JSON array input (`null` when absent).
fn nth(v: &Value, i: usize) -> &Value {
    v.get(i).unwrap_or(&Value::Null)
}

/// Target `config`: parse + validate a config (§2.4), then decide every experience for a few
/// visitors, run features, conversions, custom segments and entity lookups on it.
pub fn config(data: &[u8]) {
    let Some(raw) = parse(data) else { return };
    match Config::from_value(raw) {
        Ok(config) => exercise_config(&config),
        Err(e) => assert!(VALIDATION_MESSAGES.contains(&e.0.as_str()), "unexpected validation message {:?}", e.0),
    }
}

fn exercise_config(config: &Config) {
    let decider = Decider { config, settings: BucketingSettings::default(), rules: RuleOptions::default() };
    let location = json!({"url": "https://convert.com/", "location": "pricing", "page": "home"});
    let props = json!({"country": "DE", "browser": "CH", "plan": "pro", "age": 30, "vip": true});
    for visitor in ["alice", "", "visitor-\u{e9}\u{1F600}"] {
        let input = DecisionInput {
            visitor_id: visitor.as_bytes(),
            visitor_properties: &props,
            location_properties: Some(&location),
            update_visitor_properties: true,
            environment: "production",
        };
        let mut stored = json!({});
        for exp in config.experiences.iter().take(MAX_EXPERIENCES) {
            let mut fx = Effects::default();
            let first = decider.decide(exp, &input, &mut stored, &mut fx);
            check_outcome(&first, exp.id.as_str());
            check_effects(&fx);
            let second = decider.decide(exp, &input, &mut stored, &mut Effects::default());
            if let (Outcome::Variation { variation: a, .. }, Outcome::Variation { variation: b, bucket_value, .. }) =
                (&first, &second)
            {
                assert_eq!(a.id, b.id, "a stored decision must be served again (§4.4)");
                // A stored id that PHP's empty() rejects ("0") is no stored decision: decided afresh.
                let storable = !a.id.is_empty() && a.id != "0";
                assert!(bucket_value.is_none() || !storable, "second decision must come from the store");
            }
        }
        let mut fx = Effects::default();
        let mut warnings = Vec::new();
        let _ = collect(&decider, &input, &mut stored, &mut fx, FeatureFilter::default(), true, &mut warnings);
        exercise_goals_and_segments(config, &mut stored);
        check_store_document(&stored);
    }
    exercise_lookups_and_casts(config);
}

/// A decision's variation must belong to the decided experience; fresh bucket values are in range.
fn check_outcome(outcome: &Outcome<'_>, experience_id: &str) {
    if let Outcome::Variation { experience, variation, bucket_value } = outcome {
        assert_eq!(experience.id, experience_id);
        assert!(experience.variations.iter().any(|v| v.id == variation.id));
        if let Some(b) = bucket_value {
            assert!(*b < 10000, "bucket value {b} out of [0, 10000)");
        }
    }
}

/// Tracking effects must build a payload that parses back.
fn check_effects(fx: &Effects<'_>) {
    let mut queue = TrackingQueue::default();
    for effect in &fx.list {
        if let Effect::Bucketed { experience_id, variation_id, segments } = effect {
            queue.enqueue("v", bucketing_event(experience_id, variation_id), segments.as_deref().cloned());
        }
    }
    let body = payload(&queue.take(), "1", "2", "php-sdk", true);
    serde_json::from_slice::<Value>(&body).expect("payload is JSON");
}

fn exercise_goals_and_segments(config: &Config, stored: &mut Value) {
    let rules = RuleOptions::default();
    let rule_data = json!({"action": "buy", "amount": 10});
    for goal in config.goals.iter().take(MAX_EXPERIENCES) {
        for (rule_data, force) in [(None, false), (Some(&rule_data), true)] {
            let req = ConversionRequest {
                goal_key: &goal.key,
                rule_data,
                has_conversion_data: true,
                force_multiple_transactions: force,
            };
            let _ = track_conversion(config, &rules, req, stored, &mut Effects::default());
        }
    }
    let keys: Vec<String> = config.segments.iter().take(MAX_EXPERIENCES).map(|s| s.key.clone()).collect();
    let _ = run_custom_segments(config, &rules, &keys, &json!({"plan": "pro"}), stored, &mut Effects::default());
}

fn exercise_lookups_and_casts(config: &Config) {
    let types = ["goal", "audience", "location", "segment", "experience", "feature", "variation", "x"];
    for t in types {
        for wanted in ["1", "", "0"] {
            let _ = config.entity(t, "key", wanted);
            let _ = config.entity(t, "id", wanted);
        }
    }
    for exp in config.experiences.iter().take(MAX_EXPERIENCES) {
        for variation in &exp.variations {
            cast_all(&variation.changes);
        }
    }
}

/// Casts every scalar found under `v` to every declared type (§8.4).
fn cast_all(v: &Value) {
    match v {
        Value::Array(a) => a.iter().for_each(cast_all),
        Value::Object(m) => m.values().for_each(cast_all),
        scalar => {
            for t in ["boolean", "float", "integer", "string", "json", "other"] {
                let _ = cast_variable(scalar, t);
            }
        }
    }
}

/// Target `rules`: `[data, ruleSet, keysCaseSensitive?, jsExistsOperators?]`. Evaluates the rule
/// tree, and every operator on (data, ruleSet) as (value, testAgainst).
pub fn rules(data: &[u8]) {
    let Some(input) = parse(data) else { return };
    let (subject, rule_set) = (nth(&input, 0), nth(&input, 1));
    let opts = RuleOptions {
        keys_case_sensitive: nth(&input, 2).as_bool().unwrap_or(true),
        js_exists_operators: nth(&input, 3).as_bool().unwrap_or(false),
    };
    // §5.7: with array data an evaluation never yields a RuleError.
    assert!(is_rule_matched(subject, rule_set, &opts).is_ok(), "RuleError from plain data");
    for op in OPERATORS {
        check_operator(op, subject, rule_set);
    }
}

/// `op(v, t, true)` is the complement of `op(v, t, false)`, except that `less`, `lessEqual` and
/// `regexMatches` may be `false` both ways ("false without negation", §5.4); `equals`,
/// `equalsNumber` and `matches` are the same operator.
fn check_operator(op: &str, value: &Value, test_against: &Value) {
    for js in [false, true] {
        let plain = apply_operator(op, value, test_against, false, js);
        let negated = apply_operator(op, value, test_against, true, js);
        assert_eq!(plain.is_some(), negated.is_some(), "{op}: known-ness depends on negation");
        if let (Some(p), Some(n)) = (plain, negated) {
            if COMPLEMENTARY.contains(&op) || (js && matches!(op, "exists" | "doesNotExist" | "not_exists")) {
                assert_ne!(p, n, "{op}: negation is not the complement");
            } else {
                assert!(!(p && n), "{op}: true both plain and negated");
            }
        }
        if op == "equalsNumber" || op == "matches" {
            assert_eq!(plain, apply_operator("equals", value, test_against, false, js));
        }
    }
}

/// True when some list in `v` holds the same item (by PHP string form) twice.
fn has_repeated_list_items(v: &Value) -> bool {
    match v {
        Value::Array(items) => {
            let mut seen = std::collections::HashSet::new();
            items.iter().any(|i| !seen.insert(php_string(i).into_owned())) || items.iter().any(has_repeated_list_items)
        }
        Value::Object(m) => m.values().any(has_repeated_list_items),
        _ => false,
    }
}

/// Target `store_data`: `[stored, patch, other, [accountId, projectId, visitorA, visitorB]]`.
/// Decodes a stored value (§6.3), applies `putData` (§6.4) twice, deep-merges (§6.5) and checks
/// store keys (§6.2) are injective.
pub fn store_data(data: &[u8]) {
    let Some(input) = parse(data) else { return };
    let cleaned = store_data::from_stored(nth(&input, 0).clone());
    check_store_document(&cleaned);
    assert_eq!(store_data::from_stored(cleaned.clone()), cleaned, "from_stored is not idempotent");
    let patch = nth(&input, 1);
    if let Some(updated) = store_data::put_data(&cleaned, patch) {
        let keys: Vec<&str> = updated.as_object().expect("a document").keys().map(String::as_str).collect();
        assert_eq!(keys, KEYS, "putData must write the four keys in order");
        // The same putData again writes nothing, with one exception: a list with repeated items
        // that had nothing to merge into was stored as given (§6.5); the next merge unions it,
        // and from then on nothing changes.
        let settled = match store_data::put_data(&updated, patch) {
            None => updated.clone(),
            Some(again) => {
                assert!(has_repeated_list_items(patch), "the same putData twice must write once");
                again
            }
        };
        assert_eq!(store_data::put_data(&settled, patch), None, "a settled document takes the same putData unchanged");
        let text = serde_json::to_string(&updated).expect("serialisable");
        assert!(deep_equal(&serde_json::from_str::<Value>(&text).expect("reparses"), &updated));
    }
    let other = nth(&input, 2);
    let merged = deep_merge(other, patch);
    assert!(deep_equal(&merged, &merged));
    assert!(deep_equal(&deep_merge(&merged, &json!({})), &merged), "merging nothing changes the value");
    check_store_keys(nth(&input, 3));
}

/// Readers of a decoded document never panic and see only the four keys.
fn check_store_document(doc: &Value) {
    if let Some(m) = doc.as_object() {
        assert!(m.keys().all(|k| KEYS.contains(&k.as_str())), "unknown key in {doc}");
    }
    let _ = store_data::segments(doc);
    let _ = store_data::custom_segments(doc);
    let _ = store_data::locations(doc);
    let _ = store_data::stored_variation(doc, "1");
    let _ = store_data::filter_report_segments(&store_data::segments(doc));
    let _ = store_data::is_empty(doc);
}

/// For digit-only account and project ids (Convert's ids), different visitors or projects never
/// share a key, and keys fit PSR-16 (≤ 64 bytes, no reserved character) for short ids.
fn check_store_keys(ids: &Value) {
    let s = |i: usize| php_string(nth(ids, i)).into_owned();
    let (account, project, a, b) = (s(0), s(1), s(2), s(3));
    let digits = |x: &str| !x.is_empty() && x.len() <= 12 && x.bytes().all(|c| c.is_ascii_digit());
    if !(digits(&account) && digits(&project)) {
        return;
    }
    let (ka, kb) = (store_key(&account, &project, a.as_bytes()), store_key(&account, &project, b.as_bytes()));
    assert_eq!(ka == kb, a == b, "visitors {a:?} and {b:?} share key {ka}");
    assert!(ka.len() <= 64 && !ka.contains(['{', '}', '(', ')', '/', '\\', '@', ':']), "bad PSR-16 key {ka}");
    let other_project = format!("{project}0");
    assert_ne!(ka, store_key(&account, &other_project, a.as_bytes()), "projects share a key");
    assert_ne!(ka, store_key(&format!("{account}0"), &project, a.as_bytes()), "accounts share a key");
}

/// Target `tracking`: `[[visitorId, kind, a, b, segments], ...]` enqueued as bucketing (kind 0),
/// conversion (1) or transaction (2) events; the payload (§7.3) must be JSON with the members in
/// order, one entry per distinct visitor and every event kept.
pub fn tracking(data: &[u8]) {
    let Some(Value::Array(entries)) = parse(data) else { return };
    let mut queue = TrackingQueue::default();
    let mut ids: Vec<String> = Vec::new();
    for entry in &entries {
        let visitor = php_string(nth(entry, 0)).into_owned();
        let (a, b) = (nth(entry, 2), nth(entry, 3));
        let event = match nth(entry, 1).as_i64().unwrap_or(0).rem_euclid(3) {
            0 => bucketing_event(&php_string(a), &php_string(b)),
            1 => conversion_event(&php_string(a), b),
            _ => transaction_event(&php_string(a), nth(entry, 4).clone(), b),
        };
        let len = queue.enqueue(&visitor, event, wire_segments(nth(entry, 4)));
        if !ids.contains(&visitor) {
            ids.push(visitor);
        }
        assert_eq!(len, ids.len(), "queue length counts distinct visitors (§7.1)");
    }
    let source = entries.first().map(|e| php_string(nth(e, 0)).into_owned()).unwrap_or_default();
    let body = payload(&queue.take(), "100123", "100456", &source, entries.len() % 2 == 0);
    assert!(queue.is_empty());
    let sent: Value = serde_json::from_slice(&body).expect("payload is JSON");
    let members: Vec<&str> = sent.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(members, ["enrichData", "accountId", "projectId", "visitors", "source"]);
    let visitors = sent["visitors"].as_array().expect("visitors list");
    let sent_ids: Vec<&str> = visitors.iter().map(|v| v["visitorId"].as_str().expect("string id")).collect();
    assert_eq!(sent_ids, ids.iter().map(String::as_str).collect::<Vec<_>>());
    let events: usize = visitors.iter().map(|v| v["events"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(events, entries.len(), "every enqueued event is sent");
    let url = track_url(&source, "100456", "100123/100456");
    assert!(url.ends_with("/track/100123/100456"));
}
