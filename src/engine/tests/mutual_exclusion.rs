//! `mutual-exclusion-rule-fixture.json` (§5.6, §13): the 8 cross-SDK rows of the
//! `bucketed_into_experience_key` audience rule, run per the §13 recipe.
//!
//! `dataStoreOnly` rows: the engine sees one StoreData value (the memory ⊕ store merge of §6.4 is
//! done by the binding layer before the engine runs), so those rows seed the same value; what they
//! check beyond that belongs to the binding tests.

mod common;

use common::{config, decider, fixture, served};
use convert_sdk_engine::config::Config;
use convert_sdk_engine::experience::{DecisionInput, Effect, Effects, NotEligible, Outcome};
use convert_sdk_engine::store_data::put_data;
use serde_json::{Value, json};

const AUDIENCE_ID: &str = "100333";
const VISITOR: &str = "visitor-mx";

/// The fixture config with account/project ids and, on `exp-b`, one transient audience holding the
/// single rule item `ruleDefaults + {matching.negated, value}` (matching option `all`).
fn row_config(fixture: &Value, row: &Value) -> Config {
    let mut item = fixture["ruleDefaults"].clone();
    item["matching"]["negated"] = row["negated"].clone();
    item["value"] = row["ruleValue"].clone();
    let mut raw = fixture["config"].clone();
    raw["account_id"] = json!("1");
    raw["project"] = json!({"id": "2"});
    raw["audiences"] = json!([{
        "id": AUDIENCE_ID, "key": "mutual-exclusion", "name": "Mutual exclusion", "type": "transient",
        "rules": {"OR": [{"AND": [{"OR_WHEN": [item]}]}]}
    }]);
    let exp_b = raw["experiences"].as_array_mut().unwrap().iter_mut().find(|e| e["key"] == "exp-b").unwrap();
    exp_b["audiences"] = json!([AUDIENCE_ID]);
    exp_b["settings"] = json!({"matching_options": {"audiences": "all"}});
    config(raw)
}

/// The visitor's StoreData with `storedBucketing` seeded (as a prior `putData` would leave it).
fn seeded(row: &Value) -> Value {
    let empty = json!({});
    put_data(&empty, &json!({"bucketing": row["storedBucketing"]})).unwrap_or(empty)
}

fn rows() -> (Value, Vec<Value>) {
    let fixture = fixture("mutual-exclusion-rule-fixture.json");
    let rows = fixture["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 8);
    (fixture, rows)
}

/// Empty visitor properties; any non-empty location properties (exp-b has no location targeting).
fn input<'a>(empty: &'a Value, location: &'a Value) -> DecisionInput<'a> {
    DecisionInput {
        visitor_id: VISITOR.as_bytes(),
        visitor_properties: empty,
        location_properties: Some(location),
        update_visitor_properties: false,
        environment: "production",
    }
}

fn warned_about(effects: &[Effect<'_>], key: &str) -> bool {
    effects.iter().any(|e| matches!(e, Effect::UnknownExclusionTarget(k) if k == key))
}

#[test]
fn eligibility_of_exp_b_for_every_row() {
    let (fixture, rows) = rows();
    let (empty, location) = (json!({}), json!({"url": "https://example.com/"}));
    for row in &rows {
        let n = &row["row"];
        let config = row_config(&fixture, row);
        let exp_b = config.experience_by_key("exp-b").unwrap();
        let mut data = seeded(row);
        let before = data.clone();
        let mut fx = Effects::default();
        let eligible = decider(&config).check_eligibility(exp_b, &input(&empty, &location), &mut data, &mut fx);
        let expected = row["expectedMatched"].as_bool().unwrap();
        match eligible {
            Ok(()) => assert!(expected, "row {n}: eligible"),
            Err(Outcome::NotEligible(NotEligible::AudienceNotMatched)) => assert!(!expected, "row {n}: not eligible"),
            Err(other) => panic!("row {n}: unexpected {other:?}"),
        }
        let rule_value = row["ruleValue"].as_str().unwrap();
        assert_eq!(warned_about(&fx.list, rule_value), row["expectWarn"].as_bool().unwrap(), "row {n}: warning");
        assert_eq!(fx.list.len(), usize::from(row["expectWarn"].as_bool().unwrap()), "row {n}: no other effect");
        assert!(!fx.data_changed, "row {n}: eligibility writes nothing");
        assert_eq!(data, before, "row {n}: StoreData untouched");
    }
}

#[test]
fn deciding_exp_b_never_buckets_the_target() {
    let (fixture, rows) = rows();
    let (empty, location) = (json!({}), json!({"url": "https://example.com/"}));
    for row in &rows {
        let n = &row["row"];
        let config = row_config(&fixture, row);
        let exp_b = config.experience_by_key("exp-b").unwrap();
        let mut data = seeded(row);
        let target_before = data["bucketing"].get("100111").cloned();
        let mut fx = Effects::default();
        let outcome = decider(&config).decide(exp_b, &input(&empty, &location), &mut data, &mut fx);
        let decision = served(&outcome);
        assert_eq!(decision.is_some(), row["expectedMatched"].as_bool().unwrap(), "row {n}: {outcome:?}");
        if let Some(d) = &decision {
            // exp-b's only variation has no traffic_allocation (= 100 %), so an eligible visitor is served.
            assert_eq!(d.variation_id, "100902", "row {n}");
            assert_eq!(data["bucketing"]["100222"], json!("100902"), "row {n}: exp-b decision stored");
        }
        assert_eq!(data["bucketing"].get("100111").cloned(), target_before, "row {n}: exp-a untouched");
        let bucketed_a = fx.list.iter().any(|e| matches!(e, Effect::Bucketed { experience_id, .. } if *experience_id == "100111"));
        assert!(!bucketed_a, "row {n}: target never bucketed");
    }
}

#[test]
fn stored_exp_b_decision_is_still_gated_by_the_rule() {
    // §4.4: eligibility is re-evaluated before a stored decision is served (transient audience).
    let (fixture, rows) = rows();
    let (empty, location) = (json!({}), json!({"url": "https://example.com/"}));
    let row = rows.iter().find(|r| r["row"] == 4).unwrap();
    let config = row_config(&fixture, row);
    let exp_b = config.experience_by_key("exp-b").unwrap();
    let mut data = put_data(&seeded(row), &json!({"bucketing": {"100222": "100902"}})).unwrap();
    let outcome = decider(&config).decide(exp_b, &input(&empty, &location), &mut data, &mut Effects::default());
    assert!(matches!(outcome, Outcome::NotEligible(NotEligible::AudienceNotMatched)), "{outcome:?}");
}

#[test]
fn other_items_of_the_audience_are_ignored() {
    // §5.6: the first bucketed_into_experience_key item alone decides the audience.
    let (fixture, rows) = rows();
    let row = rows.iter().find(|r| r["row"] == 3).unwrap();
    let mut raw_row = row.clone();
    raw_row["negated"] = json!(false);
    let config = {
        let base = row_config(&fixture, &raw_row);
        let mut raw = base.raw.clone();
        let never = json!({"rule_type": "generic_text_key_value", "key": "plan", "value": "nobody",
                           "matching": {"match_type": "equals", "negated": false}});
        raw["audiences"][0]["rules"]["OR"][0]["AND"]
            .as_array_mut()
            .unwrap()
            .insert(0, json!({"OR_WHEN": [never]}));
        config(raw)
    };
    let exp_b = config.experience_by_key("exp-b").unwrap();
    let (empty, location) = (json!({}), json!({"url": "https://example.com/"}));
    let mut data = seeded(row);
    let ok = decider(&config).check_eligibility(exp_b, &input(&empty, &location), &mut data, &mut Effects::default());
    assert!(ok.is_ok(), "{ok:?}");
}
