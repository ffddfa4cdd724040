//! Tracking payloads (§7.1–§7.3) against `golden-php-sdk-tracking-scenario.json`: the scripted
//! session in its `steps` is replayed through the engine (context, custom segments, decision,
//! conversions), the events are queued the way the SDK queues them, and the flushed request must equal
//! the request the PHP SDK sent, with the normative differences of §14 rows 11–12 applied
//! (`customSegments` on the wire, no `"segments": []`).

mod common;

use common::{Visitor, config, fixture};
use convert_sdk_engine::config::Config;
use convert_sdk_engine::conversion::{ConversionOutcome, ConversionRequest, track_conversion};
use convert_sdk_engine::experience::{Effect, Effects};
use convert_sdk_engine::rules::RuleOptions;
use convert_sdk_engine::store_data;
use convert_sdk_engine::tracking::{
    TrackingQueue, bucketing_event, conversion_event, payload, track_url, transaction_event, wire_segments,
};
use serde_json::{Map, Value, json};

/// `TRACK_ENDPOINT` default (§1.2.1).
const DEFAULT_TRACK_ENDPOINT: &str = "https://[project_id].metrics.convertexperiments.com/v1";

/// The visitor's report segments on the wire, from its StoreData as read before an event.
fn segments_now(visitor: &Visitor<'_>) -> Option<Value> {
    wire_segments(&store_data::segments(&visitor.data))
}

/// `trackConversion` as the SDK runs it: decide, then enqueue the conversion and/or transaction event.
fn track(visitor: &mut Visitor<'_>, queue: &mut TrackingQueue, step: &Value) -> ConversionOutcome {
    let bucketing = visitor.data.get("bucketing").cloned().unwrap_or(Value::Null);
    let segments = segments_now(visitor);
    let goal_data = step.get("conversionData").cloned();
    let req = ConversionRequest {
        goal_key: step["goalKey"].as_str().expect("goalKey"),
        rule_data: step.get("ruleData"),
        has_conversion_data: goal_data.is_some(),
        force_multiple_transactions: false,
    };
    let config = visitor.config;
    let outcome = track_conversion(config, &RuleOptions::default(), req, &mut visitor.data, &mut Effects::default());
    if let ConversionOutcome::Accepted { goal_id, send_conversion, send_transaction } = &outcome {
        if *send_conversion {
            queue.enqueue(&visitor.id, conversion_event(goal_id, &bucketing), segments.clone());
        }
        if *send_transaction {
            let goal_data = goal_data.expect("conversionData");
            queue.enqueue(&visitor.id, transaction_event(goal_id, goal_data, &bucketing), segments);
        }
    }
    outcome
}

/// Replays the scenario's steps; returns the body posted by the final `flush`.
fn replay(config: &Config, steps: &[Value]) -> Vec<u8> {
    let mut queue = TrackingQueue::default();
    let mut visitor: Option<Visitor<'_>> = None;
    let mut flushed = None;
    for step in steps {
        let call = step["call"].as_str().expect("call");
        if call == "createContext" {
            let id = step["visitorId"].as_str().expect("visitorId");
            visitor = Some(Visitor::new(config, id, step["visitorAttributes"].clone()));
            continue;
        }
        if call == "flush" {
            let body = payload(&queue.take(), &config.account_id, &config.project_id, "php-sdk", true);
            flushed = Some(body);
            continue;
        }
        let v = visitor.as_mut().expect("context created first");
        match call {
            "runCustomSegments" => {
                let keys: Vec<&str> = step["segmentKeys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
                let returned = v.run_custom_segments(&keys, step["attributes"].get("ruleData"));
                assert_eq!(json!(returned), step["returned"], "runCustomSegments");
            }
            "runExperience" => {
                let segments = segments_now(v);
                let location = &step["bucketingAttributes"]["locationProperties"];
                let served = v.run_experience(step["experienceKey"].as_str().unwrap(), location).expect("variation");
                assert_eq!(json!(served.experience_id), step["returned"]["experienceId"]);
                assert_eq!(json!(served.variation_id), step["returned"]["variationId"]);
                for effect in std::mem::take(&mut v.effects) {
                    if let Effect::Bucketed { experience_id, variation_id, segments: effect_segments } = effect {
                        let effect_segments = effect_segments.map(|b| *b);
                        assert_eq!(effect_segments, segments, "the effect carries the segments read before the decision");
                        queue.enqueue(&v.id, bucketing_event(experience_id, variation_id), effect_segments);
                    }
                }
            }
            "trackConversion" => {
                let outcome = track(v, &mut queue, step);
                // `null` in PHP: accepted or deduplicated (false / RuleError are other values).
                assert!(step["returned"].is_null());
                if step["note"].as_str().is_some_and(|n| n.contains("deduplicated")) {
                    assert_eq!(outcome, ConversionOutcome::AlreadyConverted);
                } else {
                    assert!(matches!(outcome, ConversionOutcome::Accepted { .. }), "{outcome:?}");
                }
            }
            other => panic!("unknown step {other}"),
        }
    }
    assert!(queue.is_empty(), "flush drains the queue");
    flushed.expect("scenario ends with flush")
}

/// §14 rows 11–12: `custom_segments` → `customSegments`, `"segments": []` omitted (order kept).
fn normative_body(php_body: &Value) -> Value {
    let mut body = php_body.clone();
    for visitor in body["visitors"].as_array_mut().unwrap() {
        let entry = visitor.as_object_mut().unwrap();
        match entry.get("segments") {
            Some(Value::Array(a)) if a.is_empty() => {
                entry.shift_remove("segments");
            }
            Some(Value::Object(segments)) => {
                let renamed: Map<String, Value> = segments
                    .iter()
                    .map(|(k, v)| (if k == "custom_segments" { "customSegments".into() } else { k.clone() }, v.clone()))
                    .collect();
                entry.insert("segments".into(), Value::Object(renamed));
            }
            _ => {}
        }
    }
    body
}

#[test]
fn golden_scenario_request() {
    let golden = fixture("golden-php-sdk-tracking-scenario.json");
    assert!(golden["description"].as_str().unwrap().contains("flush()"));
    let config = config(fixture("spec-example-config.json"));
    let body = replay(&config, golden["steps"].as_array().unwrap());
    let request = &golden["php_sdk_request"];
    let expected = normative_body(&request["body"]);
    // Byte comparison: same members in the same order, 49.99 stays a float and 2 an int.
    assert_eq!(String::from_utf8(body).unwrap(), expected.to_string());

    assert_eq!(request["method"], "POST");
    let sdk_key = format!("{}/{}", config.account_id, config.project_id);
    assert_eq!(json!(track_url(DEFAULT_TRACK_ENDPOINT, &config.project_id, &sdk_key)), request["url"]);
    // The only header the PHP SDK sent without `sdkKeySecret`; sent by `convert_sdk_net::tracking_delivery`.
    assert_eq!(request["headers"], json!({"Content-Type": "application/json"}));
}

#[test]
fn golden_normative_differences_are_applied() {
    let golden = fixture("golden-php-sdk-tracking-scenario.json");
    let config = config(fixture("spec-example-config.json"));
    let body: Value = serde_json::from_slice(&replay(&config, golden["steps"].as_array().unwrap())).unwrap();
    let segments = &body["visitors"][0]["segments"];
    assert_eq!(segments["customSegments"], json!(["4001"]));
    assert!(segments.get("custom_segments").is_none());
    assert!(segments.get("visitor_type").is_none());
}

#[test]
fn queue_counts_distinct_visitors_and_keeps_first_segments() {
    let mut queue = TrackingQueue::default();
    assert!(queue.is_empty());
    let first = json!({"country": "DE"});
    assert_eq!(queue.enqueue("alice", bucketing_event("1", "11"), Some(first.clone())), 1);
    assert_eq!(queue.enqueue("alice", conversion_event("5", &json!({"1": "11"})), Some(json!({"country": "FR"}))), 1);
    assert_eq!(queue.enqueue("bob", bucketing_event("1", "12"), None), 2);
    assert_eq!(queue.enqueue("alice", bucketing_event("2", "21"), None), 2);
    assert_eq!(queue.len(), 2);

    let visitors = queue.take();
    assert!(queue.is_empty());
    assert_eq!(queue.len(), 0);
    assert_eq!(visitors.len(), 2);
    assert_eq!(visitors[0].visitor_id, "alice");
    assert_eq!(visitors[0].events.len(), 3);
    assert_eq!(visitors[0].segments, Some(first));
    assert_eq!(visitors[1].visitor_id, "bob");
    assert_eq!(visitors[1].segments, None);

    // After a drain the same visitor starts a new entry with new segments.
    assert_eq!(queue.enqueue("alice", bucketing_event("3", "31"), Some(json!({"country": "FR"}))), 1);
    assert_eq!(queue.take()[0].segments, Some(json!({"country": "FR"})));
}

#[test]
fn payload_member_order_and_number_identity() {
    let mut queue = TrackingQueue::default();
    let goal_data = json!([{"key": "amount", "value": 10.0}, {"key": "productsCount", "value": 2},
                           {"key": "transactionId", "value": "3"}]);
    queue.enqueue("v", transaction_event("5001", goal_data, &json!({})), None);
    let body = String::from_utf8(payload(&queue.take(), "1", "2", "src", false)).unwrap();
    assert_eq!(
        body,
        r#"{"enrichData":false,"accountId":"1","projectId":"2","visitors":[{"visitorId":"v","events":[{"eventType":"conversion","data":{"goalId":"5001","goalData":[{"key":"amount","value":10.0},{"key":"productsCount","value":2},{"key":"transactionId","value":"3"}]}}]}],"source":"src"}"#
    );
}

#[test]
fn segments_fixed_by_first_event_in_scenario_order() {
    // The bucketing event is queued before the custom segment exists: the entry keeps the segments
    // read at that time even though the later conversion sees `custom_segments`.
    let config = config(fixture("spec-example-config.json"));
    let golden = fixture("golden-php-sdk-tracking-scenario.json");
    let steps = golden["steps"].as_array().unwrap();
    let by_call = |c: &str| steps.iter().find(|s| s["call"] == c).unwrap().clone();
    let reordered = vec![by_call("createContext"), by_call("runExperience"), by_call("runCustomSegments"),
                         steps.iter().find(|s| s["call"] == "trackConversion").unwrap().clone(), by_call("flush")];
    let body: Value = serde_json::from_slice(&replay(&config, &reordered)).unwrap();
    let visitor = &body["visitors"][0];
    assert_eq!(visitor["events"].as_array().unwrap().len(), 3);
    assert_eq!(visitor["segments"], json!({"browser": "CH", "devices": ["DESK"], "visitorType": "returning", "country": "DE"}));
}
