//! Real served configs (§13): `static-config.json` (environment `staging`, integer `feature_id`s,
//! locations, a permanent audience) and `test-config.json` (SDK options whose `data` is the config:
//! site_area targeting, a transient audience, string-typed variables, an experience whose only
//! variation is `{}`). Expectations are derived from the config values and the spec, not recorded.

mod common;

use common::{Visitor, config, fixture};
use convert_sdk_engine::config::Config;
use convert_sdk_engine::conversion::{ConversionOutcome, ConversionRequest, track_conversion};
use convert_sdk_engine::experience::{Effect, Effects, NotEligible, Outcome};
use convert_sdk_engine::features::FeatureFilter;
use convert_sdk_engine::hash::bucket_value;
use convert_sdk_engine::rules::RuleOptions;
use serde_json::{Value, json};

const FS1: &str = "test-experience-ab-fullstack-1";
const FS2: &str = "test-experience-ab-fullstack-2";
const FS3: &str = "test-experience-ab-fullstack-3";
const FS4: &str = "test-experience-ab-fullstack-4";

fn visitors(n: usize) -> impl Iterator<Item = String> {
    (0..n).map(|i| format!("visitor-{i}"))
}

/// The id of the served variation, if any.
fn served_id(outcome: &Outcome<'_>) -> Option<String> {
    common::served(outcome).map(|s| s.variation_id)
}

/// Two 50 % arms walked in ascending id order (§4.5): the lower id owns [0, 5000).
fn fifty_fifty(experience_id: &str, visitor: &str, lower_id: &str, upper_id: &str) -> String {
    let value = bucket_value(experience_id, visitor, 9999, 10000.0);
    let boundary = 50.0 * 100.0;
    if f64::from(value) < boundary { lower_id } else { upper_id }.to_string()
}

fn feature_ids(list: &[Value], status: &str) -> Vec<String> {
    list.iter().filter(|f| f["status"] == status).map(|f| f["featureId"].as_str().unwrap().to_string()).collect()
}

// ---------------------------------------------------------------- static-config.json

fn static_config() -> Config {
    config(fixture("static-config.json"))
}

fn pricing() -> Value {
    json!({"location": "pricing"})
}

#[test]
fn static_fullstack_4_buckets_pricing_visitors_by_the_allocation_walk() {
    let config = static_config();
    let experience = config.experience_by_key(FS4).unwrap();
    let ids: Vec<&str> = experience.variations.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["1003180877", "1003180878"]);
    let mut arms_seen = std::collections::BTreeSet::new();
    for id in visitors(40) {
        let mut visitor = Visitor::new(&config, &id, json!({})).in_environment("staging");
        let served = visitor.run_experience(FS4, &pricing()).expect("pricing visitors are always bucketed");
        let expected = fifty_fifty(&experience.id, &id, "1003180877", "1003180878");
        assert_eq!(served.variation_id, expected, "{id}");
        arms_seen.insert(expected.clone());
        // §4.3.1: first match of pricing-location activates it and stores its key.
        assert!(matches!(visitor.effects.as_slice(), [Effect::LocationActivated(l), Effect::Bucketed { .. }] if l.key == "pricing-location"));
        assert_eq!(visitor.data["locations"], json!(["pricing-location"]));
        assert_eq!(visitor.data["bucketing"], json!({"100349071": expected}));
    }
    assert_eq!(arms_seen.len(), 2, "both arms are reached");
}

#[test]
fn static_fullstack_4_needs_staging_and_the_pricing_location() {
    let config = static_config();
    let mut staging = Visitor::new(&config, "visitor-1", json!({})).in_environment("staging");
    assert!(matches!(staging.decide(FS4, None, None), Outcome::NotEligible(NotEligible::NoLocationProperties)));
    assert!(matches!(staging.decide(FS4, Some(&json!({})), None), Outcome::NotEligible(NotEligible::NoLocationProperties)));
    assert!(matches!(
        staging.decide(FS4, Some(&json!({"location": "events"})), None),
        Outcome::NotEligible(NotEligible::LocationNotMatched)
    ));
    let mut production = Visitor::new(&config, "visitor-1", json!({}));
    assert!(matches!(production.decide(FS4, Some(&pricing()), None), Outcome::NotEligible(NotEligible::Environment)));
    assert_eq!(production.data, json!({}), "nothing stored for an ineligible visitor");
}

#[test]
fn static_permanent_audience_is_checked_only_before_the_first_decision() {
    let config = static_config();
    let experience = config.experience_by_key(FS1).unwrap();
    let mut visitor = Visitor::new(&config, "visitor-7", json!({})).in_environment("staging");
    // adv-audience: (desktop == true AND NOT browser matches CH) OR mobile == true.
    let not_matched = |o: &Outcome<'_>| matches!(o, Outcome::NotEligible(NotEligible::AudienceNotMatched));
    assert!(not_matched(&visitor.decide(FS1, Some(&pricing()), None)));
    assert!(not_matched(&visitor.decide(FS1, Some(&pricing()), Some(&json!({"desktop": true, "browser": "CH"})))));
    let first = visitor.decide(FS1, Some(&pricing()), Some(&json!({"desktop": true, "browser": "FF"})));
    let expected = fifty_fifty(&experience.id, "visitor-7", "1003142550", "1003142551");
    assert_eq!(served_id(&first), Some(expected.clone()));
    // Bucketed now: the permanent audience is skipped, the stored variation is served (§4.3 step 6, §6.6).
    let again = visitor.decide(FS1, Some(&pricing()), None);
    assert_eq!(served_id(&again), Some(expected));
    assert!(matches!(again, Outcome::Variation { bucket_value: None, .. }));
}

#[test]
fn static_run_features_lists_each_attached_feature_once() {
    let config = static_config();
    for id in visitors(20) {
        let mut visitor = Visitor::new(&config, &id, json!({})).in_environment("staging");
        let list = visitor.run_features(&pricing()).unwrap();
        // Only fullstack-4 is served (fullstack-1 needs its audience): its two feature changes are
        // enabled, every other declared feature is listed once as disabled, in config order (§8.2 step 6).
        assert_eq!(feature_ids(&list, "enabled"), ["100334", "10031"], "{id}");
        assert_eq!(feature_ids(&list, "disabled"), ["10032", "10033", "100320", "100335"], "{id}");
        let original = fifty_fifty("100349071", &id, "1003180877", "1003180878") == "1003180877";
        let caption = if original { "Click that" } else { "Not allowed" };
        assert_eq!(
            list[0],
            json!({"featureId": "100334", "featureKey": "feature-2", "status": "enabled",
                   "variables": {"price": 100.0, "button-height": 40, "additionalData": {"foo": "bar", "v": 2}}}),
            "{id}: float/integer/json casts"
        );
        assert_eq!(
            list[1],
            json!({"featureId": "10031", "featureKey": "feature-1", "status": "enabled",
                   "variables": {"enabled": false, "caption": caption}}),
            "{id}"
        );
        assert_eq!(list[2], json!({"featureId": "10032", "featureKey": "feature-4", "status": "disabled", "variables": []}));
    }
}

#[test]
fn static_features_of_two_experiences_are_listed_per_experience_never_also_disabled() {
    let config = static_config();
    let mut visitor = Visitor::new(&config, "visitor-3", json!({"mobile": true})).in_environment("staging");
    let list = visitor.run_features(&pricing()).unwrap();
    // fullstack-1 (feature-1) then fullstack-4 (feature-2, feature-1): §8.2 emits per bucketed experience.
    assert_eq!(feature_ids(&list, "enabled"), ["10031", "100334", "10031"]);
    assert_eq!(feature_ids(&list, "disabled"), ["10032", "10033", "100320", "100335"]);
    let bucketing = visitor.data["bucketing"].as_object().unwrap();
    assert_eq!(bucketing.keys().collect::<Vec<_>>(), ["100334665", "100349071"]);
}

#[test]
fn static_type_casting_off_returns_variables_verbatim() {
    let config = static_config();
    let mut visitor = Visitor::new(&config, "visitor-2", json!({})).in_environment("staging");
    let entries = visitor.collect(&pricing(), FeatureFilter::default(), false).unwrap();
    let feature_2 = entries.iter().find(|e| e.id == "100334").unwrap();
    assert_eq!(*feature_2.variables, json!({"price": 100, "button-height": 40, "additionalData": {"foo": "bar", "v": 2}}));
    assert!(feature_2.variables["price"].is_i64(), "the config integer stays an integer");
}

#[test]
fn static_run_feature_honours_experience_keys() {
    let config = static_config();
    let mut visitor = Visitor::new(&config, "visitor-4", json!({})).in_environment("staging");
    let only_fs1 = [FS1.to_string()];
    let filter = FeatureFilter { feature_key: Some("feature-1"), experience_keys: &only_fs1 };
    assert_eq!(visitor.collect(&pricing(), filter, true).unwrap(), []);
    assert_eq!(visitor.data["bucketing"], json!([]), "fullstack-4 was not decided");
    let only_fs4 = [FS4.to_string()];
    let filter = FeatureFilter { feature_key: Some("feature-1"), experience_keys: &only_fs4 };
    let entries = visitor.collect(&pricing(), filter, true).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].experience_key.as_deref(), Some(FS4));
    assert_eq!(visitor.run_feature("not-attached-feature-3", &pricing()), Some(json!(
        {"featureId": "100335", "featureKey": "not-attached-feature-3", "status": "disabled", "variables": []}
    )));
    assert_eq!(visitor.run_feature("no-such-feature", &pricing()), None);
}

/// `static-config.json` with `edit` applied to the raw JSON of test-experience-ab-fullstack-4.
fn static_config_with(edit: impl FnOnce(&mut Value)) -> Config {
    let mut raw = fixture("static-config.json");
    let experiences = raw["experiences"].as_array_mut().unwrap();
    edit(experiences.iter_mut().find(|e| e["key"] == FS4).unwrap());
    config(raw)
}

/// The visitor `id` on a staging context over `config`, with previously stored `data`.
fn resume<'c>(config: &'c Config, id: &str, data: &Value) -> Visitor<'c> {
    let mut visitor = Visitor::new(config, id, json!({})).in_environment("staging");
    visitor.data = data.clone();
    visitor
}

#[test]
fn static_config_changes_versus_stored_decisions() {
    // §4.4 / §6.6, for visitors first bucketed with the served config.
    let original = static_config();
    for id in visitors(20) {
        let mut first = Visitor::new(&original, &id, json!({})).in_environment("staging");
        let stored = first.run_experience(FS4, &pricing()).unwrap().variation_id;
        let data = first.data.clone();
        let other = if stored == "1003180877" { "1003180878" } else { "1003180877" };

        // Stored variation now stopped and at 0 %: still served, from the store.
        let stopped = static_config_with(|e| {
            let v = e["variations"].as_array_mut().unwrap().iter_mut().find(|v| v["id"] == stored.as_str()).unwrap();
            v["status"] = json!("stopped");
            v["traffic_allocation"] = json!(0);
        });
        let mut visitor = resume(&stopped, &id, &data);
        let served = visitor.run_experience(FS4, &pricing()).unwrap();
        assert_eq!((served.variation_id.as_str(), served.bucket_value), (stored.as_str(), None), "{id}");

        // Stored variation removed: fresh decision among the remaining 50 % arm, which owns [0, 5000).
        let removed = static_config_with(|e| e["variations"].as_array_mut().unwrap().retain(|v| v["id"] != stored.as_str()));
        let mut visitor = resume(&removed, &id, &data);
        let value = bucket_value("100349071", &id, 9999, 10000.0);
        let fresh = visitor.run_experience(FS4, &pricing());
        let expected = (value < 5000).then(|| other.to_string());
        assert_eq!(fresh.as_ref().map(|s| s.variation_id.clone()), expected, "{id}: value {value}");
        let stored_now = visitor.data["bucketing"]["100349071"].as_str().unwrap().to_string();
        assert_eq!(stored_now, expected.unwrap_or(stored.clone()), "{id}: overwritten only when decided");

        // Archived: null, the stored entry is kept.
        let mut archived_raw = fixture("static-config.json");
        archived_raw["archived_experiences"].as_array_mut().unwrap().push(json!("100349071"));
        let archived = config(archived_raw);
        let mut visitor = resume(&archived, &id, &data);
        assert!(matches!(visitor.decide(FS4, Some(&pricing()), None), Outcome::NotEligible(NotEligible::Archived)));
        assert_eq!(visitor.data, data, "{id}");
    }
}

// ---------------------------------------------------------------- test-config.json

/// `test-config.json` holds SDK options: `{environment, data: <config>}`.
fn test_options() -> (Config, String) {
    let options = fixture("test-config.json");
    let environment = options["environment"].as_str().unwrap().to_string();
    (config(options["data"].clone()), environment)
}

fn convert_url() -> Value {
    json!({"url": "https://convert.com/"})
}

/// Context attributes that satisfy the transient `adv-audience` (its second OR block).
fn audience_props() -> Value {
    json!({"varName3": "something"})
}

#[test]
fn test_config_site_area_experiences_bucket_by_the_allocation_walk() {
    let (config, environment) = test_options();
    assert_eq!(environment, "staging");
    let mut arms = std::collections::BTreeSet::new();
    for id in visitors(40) {
        let mut visitor = Visitor::new(&config, &id, audience_props()).in_environment(&environment);
        for (key, lower, upper) in [(FS2, "100299456", "100299457"), (FS3, "100299460", "100299461")] {
            let exp_id = &config.experience_by_key(key).unwrap().id;
            let expected = fifty_fifty(exp_id, &id, lower, upper);
            assert_eq!(visitor.run_experience(key, &convert_url()).map(|s| s.variation_id), Some(expected.clone()), "{id}/{key}");
            arms.insert(expected);
        }
        // site_area targeting selects no location: nothing is written to `locations`.
        assert_eq!(visitor.data["locations"], json!([]));
    }
    assert_eq!(arms.len(), 4, "every arm of both experiences is reached");
}

#[test]
fn test_config_empty_variation_is_eligible_but_never_decided() {
    let (config, environment) = test_options();
    for id in visitors(20) {
        let mut visitor = Visitor::new(&config, &id, audience_props()).in_environment(&environment);
        assert!(matches!(visitor.decide(FS4, Some(&convert_url()), None), Outcome::NotDecided), "{id}");
        assert_eq!(visitor.data, json!({}), "{id}: nothing stored");
        assert!(visitor.effects.is_empty());
        // runExperiences equivalent: every experience in config order, the `{}` variation is skipped.
        let served: Vec<Option<String>> = config
            .experiences
            .iter()
            .map(|e| served_id(&visitor.decide(&e.key, Some(&convert_url()), None)))
            .collect();
        assert_eq!(served.iter().map(Option::is_some).collect::<Vec<_>>(), [true, true, false], "{id}");
    }
}

#[test]
fn test_config_transient_audience_and_site_area_gate_every_call() {
    let (config, environment) = test_options();
    let mut visitor = Visitor::new(&config, "visitor-9", json!({})).in_environment(&environment);
    let audience_miss = |o: &Outcome<'_>| matches!(o, Outcome::NotEligible(NotEligible::AudienceNotMatched));
    assert!(audience_miss(&visitor.decide(FS2, Some(&convert_url()), None)));
    assert!(audience_miss(&visitor.decide(FS2, Some(&convert_url()), Some(&json!({"varName1": "value1"})))));
    let both = json!({"varName1": "value1", "varName2": "value2"});
    let first = served_id(&visitor.decide(FS2, Some(&convert_url()), Some(&both)));
    assert!(first.is_some());
    // A transient audience is re-checked for a stored visitor (§4.4).
    assert!(audience_miss(&visitor.decide(FS2, Some(&convert_url()), None)));
    assert!(matches!(
        visitor.decide(FS2, Some(&json!({"url": "https://convert.com/pricing"})), Some(&both)),
        Outcome::NotEligible(NotEligible::LocationNotMatched)
    ));
    assert_eq!(served_id(&visitor.decide(FS2, Some(&convert_url()), Some(&both))), first, "stored decision");
    // environment: null matches any environment (§4.3 step 3).
    let mut production = Visitor::new(&config, "visitor-9", audience_props());
    assert!(production.run_experience(FS2, &convert_url()).is_some());
}

#[test]
fn test_config_string_typed_variables_are_cast_per_declared_type() {
    let (config, environment) = test_options();
    let mut seen_disabled = false;
    for id in visitors(30) {
        let mut visitor = Visitor::new(&config, &id, audience_props()).in_environment(&environment);
        let original = fifty_fifty(&config.experience_by_key(FS2).unwrap().id, &id, "100299456", "100299457") == "100299456";
        let feature_2 = visitor.run_feature("feature-2", &convert_url()).unwrap();
        if original {
            let variables = json!({"price": 100.0, "button-height": 40, "additionalData": {"foo": "bar", "v": 2}});
            assert_eq!(feature_2, json!({"featureId": "10025", "featureKey": "feature-2", "status": "enabled", "variables": variables}));
        } else {
            seen_disabled = true;
            assert_eq!(feature_2, json!({"featureId": "10025", "featureKey": "feature-2", "status": "disabled", "variables": []}));
        }
        // feature-1 comes first from fullstack-2 (config order): "true"/"false" strings become booleans.
        let feature_1 = visitor.run_feature("feature-1", &convert_url()).unwrap();
        let caption = if original { "Click that" } else { "Not allowed" };
        assert_eq!(feature_1["variables"], json!({"enabled": original, "caption": caption}), "{id}");
        let list = visitor.run_features(&convert_url()).unwrap();
        assert_eq!(feature_ids(&list, "disabled"), if original { vec!["10026"] } else { vec!["10025", "10026"] });
        assert_eq!(feature_ids(&list, "enabled").iter().filter(|f| *f == "10024").count(), 2, "fullstack-2 and -3");
    }
    assert!(seen_disabled);
}

#[test]
fn test_config_custom_segment_and_goals() {
    let (config, environment) = test_options();
    let mut visitor = Visitor::new(&config, "visitor-5", json!({})).in_environment(&environment);
    assert_eq!(visitor.run_custom_segments(&["test-segments-1"], Some(&json!({"enabled": false}))), None);
    assert_eq!(visitor.run_custom_segments(&["test-segments-1"], Some(&json!({"enabled": true}))), Some(vec!["200299434".into()]));
    assert_eq!(visitor.run_custom_segments(&["test-segments-1"], Some(&json!({"enabled": true}))), None, "already present");
    assert_eq!(visitor.data["segments"], json!({"custom_segments": ["200299434"]}));

    let rules = RuleOptions::default();
    let mut convert = |goal_key: &str, rule_data: Option<&Value>| {
        let req = ConversionRequest { goal_key, rule_data, has_conversion_data: false, force_multiple_transactions: false };
        track_conversion(&config, &rules, req, &mut visitor.data, &mut Effects::default())
    };
    // goal-without-rule: ruleData given for a goal without rules → false; without ruleData → accepted.
    assert_eq!(convert("goal-without-rule", Some(&json!({"action": "buy"}))), ConversionOutcome::RulesNotMatched);
    let accepted = |goal_id: &str| ConversionOutcome::Accepted { goal_id: goal_id.into(), send_conversion: true, send_transaction: false };
    assert_eq!(convert("goal-without-rule", None), accepted("100215962"));
    assert_eq!(convert("increase-engagement", Some(&json!({"action": "login"}))), ConversionOutcome::RulesNotMatched);
    assert_eq!(convert("increase-engagement", Some(&json!({"action": "signup"}))), accepted("100215960"));
    assert_eq!(convert("increase-engagement", None), ConversionOutcome::AlreadyConverted);
    assert_eq!(visitor.data["goals"], json!({"goal-without-rule": true, "increase-engagement": true}));
}
