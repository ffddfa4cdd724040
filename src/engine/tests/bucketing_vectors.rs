//! Cross-SDK variation-selection vectors (spec §4.5, §4.6, §13): `cross-sdk-bucketing-vectors.json`
//! and `golden-variation-order-trap.json`.

use convert_sdk_engine::bucketing::{Arm, Layout, layout_for_version, select_arm};
use convert_sdk_engine::hash::bucket_value;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/");
const SEED: u32 = 9999;
const MAX_TRAFFIC: f64 = 10000.0;

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}{name}")).expect("read fixture");
    serde_json::from_str(&text).expect("parse fixture")
}

fn arms(variations: &Value) -> Vec<Arm<'_>> {
    variations
        .as_array()
        .expect("variations list")
        .iter()
        .map(|variation| Arm {
            id: variation["id"].as_str().expect("string id"),
            status: variation.get("status"),
            traffic_allocation: variation.get("traffic_allocation"),
        })
        .collect()
}

/// Selected variation id for one experience and visitor, as the engine decides it.
fn decide<'a>(
    experience_id: &str,
    version: Option<&Value>,
    arms: &[Arm<'a>],
    visitor_id: &str,
) -> Option<&'a str> {
    let value = bucket_value(experience_id, visitor_id, SEED, MAX_TRAFFIC);
    select_arm(layout_for_version(version), arms, value).map(|index| arms[index].id)
}

/// The bucket value a vector's description states ("value 601 (visitor …)"), if any.
fn described_value(description: &str) -> Option<u32> {
    let rest = &description[description.find("value ")? + "value ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[test]
fn all_59_cross_sdk_bucketing_vectors() {
    let vectors = fixture("cross-sdk-bucketing-vectors.json");
    let vectors = vectors.as_array().expect("a list of vectors");
    assert_eq!(vectors.len(), 59);
    let mut per_layout = (0, 0);
    for vector in vectors {
        let description = vector["description"].as_str().expect("description");
        let experience_id = vector["experienceId"].as_str().expect("experienceId");
        let visitor_id = vector["visitorId"].as_str().expect("visitorId");
        let version = vector.get("version");
        match layout_for_version(version) {
            Layout::Packed => per_layout.0 += 1,
            Layout::Anchored => per_layout.1 += 1,
        }
        if let Some(value) = described_value(description) {
            assert_eq!(
                bucket_value(experience_id, visitor_id, SEED, MAX_TRAFFIC),
                value,
                "{description}"
            );
        }
        let arms = arms(&vector["variations"]);
        let expected = vector["expected"].as_str();
        assert_eq!(
            decide(experience_id, version, &arms, visitor_id),
            expected,
            "{description}"
        );
    }
    assert_eq!(
        per_layout,
        (19, 40),
        "19 packed (v11) and 40 anchored (v12) vectors"
    );
}

#[test]
fn variation_order_trap_follows_js() {
    let trap = fixture("golden-variation-order-trap.json");
    let experience = &trap["config"]["experiences"][0];
    let experience_id = experience["id"].as_str().expect("experience id");
    let version = experience.get("version");
    assert_eq!(layout_for_version(version), Layout::Packed);
    let arms = arms(&experience["variations"]);
    let cases = trap["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 10);
    for case in cases {
        let visitor_id = case["visitorId"].as_str().expect("visitorId");
        let value = u32::try_from(case["bucketValue"].as_u64().expect("bucketValue")).expect("u32");
        assert_eq!(
            bucket_value(experience_id, visitor_id, SEED, MAX_TRAFFIC),
            value,
            "{visitor_id}"
        );
        let normative = case["normative_variationId"].as_str();
        assert_eq!(
            decide(experience_id, version, &arms, visitor_id),
            normative,
            "{visitor_id}"
        );
        assert_ne!(
            normative,
            case["php_sdk_variationId"].as_str(),
            "{visitor_id}: the trap separates PHP from JS"
        );
    }
}
