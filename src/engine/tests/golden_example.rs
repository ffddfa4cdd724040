//! `golden-php-sdk-example.json` (§13): 30 visitors over `spec-example-config.json`, run through the
//! engine the way the PHP Context does — context attributes, `runCustomSegments(['vip'])`, one
//! `runExperience` per experience, then `runFeature('new-checkout')` / `runFeature('pricing-v2')`.
//! Decisions are compared with the `normative_variation` fields (§15 trap 24).

mod common;

use common::{Served, Visitor, config, fixture};
use convert_sdk_engine::config::Config;
use convert_sdk_engine::hash::bucket_value;
use serde_json::Value;

fn example_config() -> Config {
    config(fixture("spec-example-config.json"))
}

fn cases() -> Vec<Value> {
    let golden = fixture("golden-php-sdk-example.json");
    let cases = golden["cases"].as_array().expect("cases").clone();
    assert_eq!(cases.len(), 30);
    cases
}

fn str_of<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("string field {name} in {v}"))
}

/// The `normative_variation` of a case as `(experienceId, variationId, variationKey)`.
fn normative(expected: &Value) -> Option<(String, String, String)> {
    let n = &expected["normative_variation"];
    (!n.is_null()).then(|| (str_of(n, "experienceId").into(), str_of(n, "variationId").into(), str_of(n, "variationKey").into()))
}

fn triple(s: &Served) -> (String, String, String) {
    (s.experience_id.clone(), s.variation_id.clone(), s.variation_key.clone())
}

/// Location properties the golden run used for the experience `key`.
fn location_of<'a>(case: &'a Value, key: &str) -> &'a Value {
    &case["experiences"][key]["locationProperties"]
}

/// A visitor of a case after its context creation and its custom-segments call.
fn visitor_after_segments<'c>(config: &'c Config, case: &Value) -> Visitor<'c> {
    let mut visitor = Visitor::new(config, str_of(case, "visitorId"), case["visitorAttributes"].clone());
    let call = &case["customSegmentsCall"];
    let keys: Vec<&str> = call["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    let result = visitor.run_custom_segments(&keys, Some(&call["ruleData"]));
    let expected: Option<Vec<String>> = serde_json::from_value(call["result"].clone()).unwrap();
    assert_eq!(result, expected, "{}: runCustomSegments", visitor.id);
    visitor
}

#[test]
fn custom_segments_experiences_and_bucket_values_match_the_normative_decisions() {
    let config = example_config();
    for case in cases() {
        let mut visitor = visitor_after_segments(&config, &case);
        for (key, expected) in case["experiences"].as_object().unwrap() {
            let experience = config.experience_by_key(key).expect("experience in config");
            let value = bucket_value(&experience.id, &visitor.id, 9999, 10000.0);
            assert_eq!(Some(u64::from(value)), expected["bucketValue"].as_u64(), "{}/{key}: bucket value", visitor.id);
            let served = visitor.run_experience(key, &expected["locationProperties"]);
            assert_eq!(served.as_ref().map(triple), normative(expected), "{}/{key}", visitor.id);
            if let Some(s) = served {
                assert_eq!(s.bucket_value, Some(value), "{}/{key}: a fresh decision reports its bucket value", visitor.id);
            }
        }
    }
}

#[test]
fn run_feature_results_match_exactly_including_int_float_identity() {
    let config = example_config();
    for case in cases() {
        let mut visitor = visitor_after_segments(&config, &case);
        for key in ["checkout-redesign", "pricing-rollout", "vip-banner"] {
            visitor.run_experience(key, location_of(&case, key));
        }
        let checkout = visitor.run_feature("new-checkout", location_of(&case, "checkout-redesign"));
        assert_eq!(checkout.as_ref(), Some(&case["feature_new_checkout"]), "{}: new-checkout", visitor.id);
        let pricing = visitor.run_feature("pricing-v2", location_of(&case, "pricing-rollout"));
        assert_eq!(pricing.as_ref(), Some(&case["feature_pricing_v2"]), "{}: pricing-v2", visitor.id);
    }
}

#[test]
fn run_feature_alone_decides_like_run_experience_first() {
    // runFeature decides every experience itself (§8.2 step 3), so a fresh visitor gets the same flags.
    let config = example_config();
    for case in cases() {
        let mut visitor = visitor_after_segments(&config, &case);
        let checkout = visitor.run_feature("new-checkout", location_of(&case, "checkout-redesign"));
        assert_eq!(checkout.as_ref(), Some(&case["feature_new_checkout"]), "{}: new-checkout", visitor.id);
        let pricing = visitor.run_feature("pricing-v2", location_of(&case, "pricing-rollout"));
        assert_eq!(pricing.as_ref(), Some(&case["feature_pricing_v2"]), "{}: pricing-v2", visitor.id);
    }
}

#[test]
fn decisions_are_stored_and_served_again_without_a_bucket_value() {
    let config = example_config();
    for case in cases() {
        let mut visitor = visitor_after_segments(&config, &case);
        let mut expected_bucketing = serde_json::Map::new();
        for (key, expected) in case["experiences"].as_object().unwrap() {
            visitor.run_experience(key, &expected["locationProperties"]);
            if let Some((experience_id, variation_id, _)) = normative(expected) {
                expected_bucketing.insert(experience_id, Value::String(variation_id));
            }
        }
        // §6.3: the four keys, in order; only served experiences are stored.
        let keys: Vec<&String> = visitor.data.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["bucketing", "locations", "segments", "goals"], "{}", visitor.id);
        assert_eq!(visitor.data["bucketing"], Value::Object(expected_bucketing), "{}", visitor.id);
        assert_eq!(visitor.data["segments"]["custom_segments"], serde_json::json!(["4001"]), "{}", visitor.id);
        assert_eq!(visitor.data["locations"], serde_json::json!(["checkout-page"]), "{}", visitor.id);
        let writes = visitor.writes;
        for (key, expected) in case["experiences"].as_object().unwrap() {
            let again = visitor.run_experience(key, &expected["locationProperties"]);
            assert_eq!(again.as_ref().map(triple), normative(expected), "{}/{key}: second call", visitor.id);
            assert!(again.is_none_or(|s| s.bucket_value.is_none()), "{}/{key}: stored decision", visitor.id);
        }
        assert_eq!(visitor.writes, writes, "{}: serving stored decisions writes nothing", visitor.id);
    }
}

#[test]
fn the_golden_visitors_exercise_every_outcome() {
    // Guards the fixture coverage the tests above rely on: each experience yields both served and
    // unserved visitors, and the anchored vip-banner serves both of its arms.
    let mut seen = std::collections::BTreeSet::new();
    for case in cases() {
        for (key, expected) in case["experiences"].as_object().unwrap() {
            seen.insert((key.clone(), normative(expected).map(|(_, _, v)| v)));
        }
    }
    for wanted in [
        ("checkout-redesign", Some("control")),
        ("checkout-redesign", Some("treatment")),
        ("pricing-rollout", Some("on")),
        ("pricing-rollout", None),
        ("vip-banner", Some("original")),
        ("vip-banner", Some("banner")),
        ("vip-banner", None),
    ] {
        assert!(seen.contains(&(wanted.0.to_string(), wanted.1.map(String::from))), "{wanted:?} missing");
    }
}
