//! Distribution and determinism over 10 000 generated visitors (§4.1, §4.5, §4.6, §15 traps 1–5):
//! `spec-example-config.json` (checkout-redesign 50/50, pricing-rollout 0/80, anchored vip-banner
//! 10/10 behind a custom segment) and `static-config.json` (test-experience-ab-fullstack-4 50/50).
//!
//! The expected band of every variation is derived from the config's `traffic_allocation` values
//! (packed: cumulative walk in ascending id order; anchored: `cum / total * 10000` anchors with
//! `allocation * 100` widths). Each visitor's decision must fall in its band, two fresh runs must
//! agree, and each variation's share must be within 2 percentage points of its band width.

mod common;

use common::{Visitor, config, fixture};
use convert_sdk_engine::config::{Config, Experience};
use convert_sdk_engine::hash::bucket_value;
use serde_json::{Value, json};

const VISITORS: usize = 10_000;
const TOLERANCE: f64 = 0.02;

/// A variation's band `[lo, hi)` on the 0..10000 bucket axis.
#[derive(Debug, Clone)]
struct Band {
    variation_id: String,
    lo: f64,
    hi: f64,
}

fn allocation(v: &Value) -> Option<f64> {
    v.get("traffic_allocation").map(|t| t.as_f64().expect("numeric traffic_allocation"))
}

fn running(v: &Value) -> bool {
    v.get("status").is_none_or(|s| s == "running")
}

/// The raw variations of an experience, from the config JSON.
fn raw_variations<'a>(config: &'a Config, key: &str) -> &'a [Value] {
    let raw = config.raw["experiences"].as_array().unwrap().iter().find(|e| e["key"] == key).unwrap();
    raw["variations"].as_array().unwrap()
}

/// §4.5: running variations with a positive (or absent = 100) allocation, numeric ids ascending,
/// consecutive bands of `allocation * 100`.
fn packed_bands(variations: &[Value]) -> Vec<Band> {
    let mut arms: Vec<(u64, String, f64)> = variations
        .iter()
        .filter(|v| running(v))
        .filter_map(|v| {
            let weight = allocation(v).unwrap_or(100.0);
            let id = v["id"].as_str().unwrap().to_string();
            (weight > 0.0).then(|| (id.parse().expect("numeric id"), id, weight))
        })
        .collect();
    arms.sort_by_key(|a| a.0);
    let mut lo = 0.0;
    arms.into_iter()
        .map(|(_, variation_id, weight)| {
            let hi = lo + weight * 100.0;
            let band = Band { variation_id, lo, hi };
            lo = hi;
            band
        })
        .collect()
}

/// §4.6: anchors at `cum / total * 10000` over every variation (config order), active widths
/// `allocation * 100`.
fn anchored_bands(variations: &[Value]) -> Vec<Band> {
    let total: f64 = variations.iter().map(|v| allocation(v).unwrap_or(100.0)).sum();
    let mut cum = 0.0;
    let mut bands = Vec::new();
    for v in variations {
        let alloc = allocation(v).unwrap_or(100.0);
        let lo = cum / total * 10000.0;
        if running(v) && alloc > 0.0 {
            bands.push(Band { variation_id: v["id"].as_str().unwrap().to_string(), lo, hi: lo + alloc * 100.0 });
        }
        cum += alloc;
    }
    bands
}

fn bands(config: &Config, experience: &Experience) -> Vec<Band> {
    let variations = raw_variations(config, &experience.key);
    match experience.version.as_ref().and_then(Value::as_f64) {
        Some(v) if v > 11.0 => anchored_bands(variations),
        _ => packed_bands(variations),
    }
}

/// The variation whose band holds `value`, if any.
fn expected_for(bands: &[Band], value: u32) -> Option<String> {
    let x = f64::from(value);
    bands.iter().find(|b| b.lo <= x && x < b.hi).map(|b| b.variation_id.clone())
}

fn visitor_id(i: usize) -> String {
    format!("dist-{i:05}")
}

/// Decisions of every generated visitor for one experience, each on a fresh StoreData.
fn decisions(visitors: usize, mut decide: impl FnMut(&str) -> Option<String>) -> Vec<Option<String>> {
    (0..visitors).map(|i| decide(&visitor_id(i))).collect()
}

/// Checks per-visitor bands, determinism across two runs, and shares against band widths.
fn check(config: &Config, key: &str, expected_shares: &[(&str, f64)], mut decide: impl FnMut(&str) -> Option<String>) {
    let experience = config.experience_by_key(key).unwrap();
    let bands = bands(config, experience);
    // The band widths are the shares the config implies; pin them to the spec's reading of the config.
    let mut implied: Vec<(&str, f64)> = bands.iter().map(|b| (b.variation_id.as_str(), (b.hi - b.lo) / 10000.0)).collect();
    implied.push(("none", 1.0 - implied.iter().map(|(_, s)| s).sum::<f64>()));
    for ((id, share), (want_id, want_share)) in implied.iter().zip(expected_shares) {
        assert_eq!(id, want_id, "{key}: bands {bands:?}");
        assert!((share - want_share).abs() < 1e-9, "{key}: {id} implies {share}, spec reading {want_share}");
    }
    assert_eq!(implied.len(), expected_shares.len(), "{key}: bands {bands:?}");

    let first = decisions(VISITORS, &mut decide);
    let second = decisions(VISITORS, &mut decide);
    assert!(first == second, "{key}: two independent runs disagree");
    for (i, got) in first.iter().enumerate() {
        let id = visitor_id(i);
        let value = bucket_value(&experience.id, &id, 9999, 10000.0);
        assert_eq!(*got, expected_for(&bands, value), "{key}/{id}: bucket value {value}");
    }
    for (variation, share) in &implied {
        let count = first.iter().filter(|d| d.as_deref().unwrap_or("none") == *variation).count();
        let observed = count as f64 / VISITORS as f64;
        assert!((observed - share).abs() <= TOLERANCE, "{key}: {variation} observed {observed}, implied {share}");
    }
}

fn example() -> Config {
    config(fixture("spec-example-config.json"))
}

#[test]
fn checkout_redesign_splits_50_50() {
    let config = example();
    let location = json!({"url": "https://shop.example.com/checkout"});
    check(&config, "checkout-redesign", &[("10011", 0.5), ("10012", 0.5), ("none", 0.0)], |id| {
        let mut visitor = Visitor::new(&config, id, json!({"plan": "premium", "age": 30}));
        visitor.run_experience("checkout-redesign", &location).map(|s| s.variation_id)
    });
}

#[test]
fn pricing_rollout_serves_80_percent_and_leaves_20_undecided() {
    let config = example();
    let location = json!({"url": "https://shop.example.com/pricing"});
    // The stopped 0 % "off" arm has no band; no redistribution of the remaining 20 % (§4.5).
    check(&config, "pricing-rollout", &[("10022", 0.8), ("none", 0.2)], |id| {
        Visitor::new(&config, id, json!({})).run_experience("pricing-rollout", &location).map(|s| s.variation_id)
    });
}

#[test]
fn vip_banner_anchored_10_10_for_segment_members() {
    let config = example();
    let location = json!({"page": "home"});
    // Anchored (version 12): total 20, original [0, 1000), banner [5000, 6000), 80 % undecided.
    check(&config, "vip-banner", &[("10051", 0.1), ("10052", 0.1), ("none", 0.8)], |id| {
        let mut visitor = Visitor::new(&config, id, json!({}));
        assert_eq!(visitor.run_custom_segments(&["vip"], Some(&json!({"vip": true}))), Some(vec!["4001".to_string()]));
        visitor.run_experience("vip-banner", &location).map(|s| s.variation_id)
    });
}

#[test]
fn vip_banner_serves_nobody_without_the_segment() {
    let config = example();
    let location = json!({"page": "home"});
    for i in 0..VISITORS {
        let mut visitor = Visitor::new(&config, &visitor_id(i), json!({"vip": true}));
        assert_eq!(visitor.run_experience("vip-banner", &location), None, "{}", visitor.id);
    }
}

#[test]
fn static_fullstack_4_splits_50_50() {
    let config = config(fixture("static-config.json"));
    let location = json!({"location": "pricing"});
    check(&config, "test-experience-ab-fullstack-4", &[("1003180877", 0.5), ("1003180878", 0.5), ("none", 0.0)], |id| {
        let mut visitor = Visitor::new(&config, id, json!({})).in_environment("staging");
        visitor.run_experience("test-experience-ab-fullstack-4", &location).map(|s| s.variation_id)
    });
}

/// The spec example config with one more experience of `n` running variations of `allocation` %
/// each (no location, audience or segment conditions), key `wide-{n}`.
fn with_wide_experience(n: usize, allocation: f64, version: u32) -> Config {
    let mut raw = fixture("spec-example-config.json");
    let variations: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("77{i:02}"), "key": format!("arm-{i}"), "name": format!("Arm {i}"), "status": "running", "traffic_allocation": allocation, "changes": []}))
        .collect();
    let experience = json!({"id": "7700", "key": format!("wide-{n}"), "name": "Wide", "type": "a/b_fullstack", "status": "active",
        "version": version, "environment": "production", "locations": [], "site_area": null, "audiences": [], "goals": [],
        "settings": {"matching_options": {"audiences": "any", "locations": "any"}}, "variations": variations});
    raw["experiences"].as_array_mut().unwrap().push(experience);
    config(raw)
}

/// Experiences with more variations than the decision keeps on the stack (8) split like the others
/// (§4.5 packed, §4.6 anchored); 8 variations is the largest split kept on the stack.
#[test]
fn experiences_with_many_variations_split_by_their_bands() {
    let location = json!({"page": "home"});
    for (n, allocation, version) in [(8, 12.5, 11), (12, 8.0, 11), (12, 7.5, 12)] {
        let config = with_wide_experience(n, allocation, version);
        let key = format!("wide-{n}");
        let mut shares: Vec<(String, f64)> = (0..n).map(|i| (format!("77{i:02}"), allocation / 100.0)).collect();
        let left = 1.0 - allocation * n as f64 / 100.0;
        shares.push(("none".into(), left));
        let shares: Vec<(&str, f64)> = shares.iter().map(|(id, s)| (id.as_str(), *s)).collect();
        check(&config, &key, &shares, |id| Visitor::new(&config, id, json!({})).run_experience(&key, &location).map(|s| s.variation_id));
    }
}
