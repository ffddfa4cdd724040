//! Engine hot paths (issue 7), timed with a small built-in harness (`harness = false`, stable Rust):
//! hash, bucket value, variation selection, rule evaluation, one decision, StoreData write, config
//! parse and tracking payload build. Each case is calibrated to about 40 ms per sample and sampled
//! five times; every sample is printed as one JSON line (`group` "ENGINE", nanoseconds per call),
//! the format bench/report.php reads.
//!
//! Run: `cargo bench -p convert_sdk_engine --bench engine`. Set `BENCH_WORK` to the bench work
//! directory to include the generated 10- and 500-experience configs (bench/run.sh does).

use std::hint::black_box;
use std::time::{Duration, Instant};

use convert_sdk_engine::bucketing::{Arm, Layout, select_arm};
use convert_sdk_engine::config::Config;
use convert_sdk_engine::experience::{BucketingSettings, Decider, DecisionInput, Effects};
use convert_sdk_engine::hash::{bucket_value, murmur3_32};
use convert_sdk_engine::rules::{RuleOptions, is_rule_matched};
use convert_sdk_engine::store_data::{put_bucketing, put_data};
use convert_sdk_engine::tracking::{TrackingQueue, bucketing_event, conversion_event, payload};
use convert_sdk_engine::value::php_json_decode;
use serde_json::{Value, json};

const SAMPLES: usize = 5;
const SAMPLE_TIME: Duration = Duration::from_millis(40);

/// Nanoseconds per call of `f`, one entry per sample.
fn measure<R>(mut f: impl FnMut(u64) -> R) -> Vec<f64> {
    let mut iterations: u64 = 1;
    loop {
        let start = Instant::now();
        for i in 0..iterations {
            black_box(f(i));
        }
        if start.elapsed() >= SAMPLE_TIME / 8 {
            break;
        }
        iterations *= 2;
    }
    iterations *= 8;
    (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            for i in 0..iterations {
                black_box(f(i));
            }
            start.elapsed().as_nanos() as f64 / iterations as f64
        })
        .collect()
}

/// Prints one result line (JSON, see the module doc).
fn emit(name: &str, samples: &[f64]) {
    let line = json!({"group": "ENGINE", "name": name, "unit": "ns/call", "scale": 1.0, "samples": samples});
    println!("{line}");
}

fn bench(name: &str, f: impl FnMut(u64) -> Value) {
    emit(name, &measure(f));
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn spec_example_text() -> String {
    read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/spec-example-config.json")).expect("spec example config")
}

fn config_of(text: &str) -> Config {
    Config::from_value(php_json_decode(text).expect("JSON")).expect("valid config")
}

fn hashing() {
    let visitor = "visitor-12345678";
    emit("murmur3_32 of '100001' . visitorId", &measure(|i| {
        murmur3_32(black_box(format!("100001{visitor}{}", i & 7).as_bytes()), 9999)
    }));
    emit("bucket_value (hash + scale, no allocation)", &measure(|i| {
        bucket_value(black_box("100001"), black_box(if i & 1 == 0 { visitor } else { "visitor-87654321" }), 9999, 10000.0)
    }));
}

fn bucketing() {
    let (running, fifty) = (json!("running"), json!(50.0));
    let (third, stopped, zero) = (json!(33), json!("stopped"), json!(0));
    let packed = [
        Arm { id: "10011", status: Some(&running), traffic_allocation: Some(&fifty) },
        Arm { id: "10012", status: Some(&running), traffic_allocation: Some(&fifty) },
    ];
    let anchored = [
        Arm { id: "10051", status: Some(&stopped), traffic_allocation: Some(&zero) },
        Arm { id: "10052", status: Some(&running), traffic_allocation: Some(&third) },
        Arm { id: "10053", status: Some(&running), traffic_allocation: Some(&third) },
    ];
    emit("select_arm, packed layout, 2 variations", &measure(|i| select_arm(Layout::Packed, black_box(&packed), (i % 10000) as u32)));
    emit("select_arm, anchored layout, 3 variations", &measure(|i| select_arm(Layout::Anchored, black_box(&anchored), (i % 10000) as u32)));
}

fn rules() {
    let config = config_of(&spec_example_text());
    let audience = &config.audiences[0].rules;
    let location = &config.locations[0].rules;
    let visitor = json!({"plan": "premium", "age": 30, "country": "DE"});
    let page = json!({"url": "https://shop.example.com/checkout?step=1"});
    let opts = RuleOptions::default();
    bench("is_rule_matched, audience (2 OR_WHEN, 3 items)", |_| Value::Bool(is_rule_matched(black_box(&visitor), audience, &opts) == Ok(true)));
    bench("is_rule_matched, location (startsWith url)", |_| Value::Bool(is_rule_matched(black_box(&page), location, &opts) == Ok(true)));
}

fn decision() {
    let config = config_of(&spec_example_text());
    let decider = Decider { config: &config, settings: BucketingSettings::default(), rules: RuleOptions::default() };
    let experience = config.experience_by_key("checkout-redesign").expect("experience");
    let visitor = json!({"plan": "premium", "age": 30});
    let page = json!({"url": "https://shop.example.com/checkout?step=1"});
    let ids: Vec<String> = (0..1024).map(|i| format!("visitor-{i}")).collect();
    fn input_for<'a>(visitor_id: &'a str, visitor: &'a Value, page: &'a Value) -> DecisionInput<'a> {
        DecisionInput {
            visitor_id: visitor_id.as_bytes(), visitor_properties: visitor, location_properties: Some(page),
            update_visitor_properties: false, environment: "production",
        }
    }
    bench("Decider::decide, first decision ('checkout-redesign')", |i| {
        let mut data = json!({});
        let mut fx = Effects::default();
        let served = decider.decide(experience, &input_for(&ids[(i % 1024) as usize], &visitor, &page), &mut data, &mut fx);
        Value::Bool(matches!(served, convert_sdk_engine::experience::Outcome::Variation { .. }))
    });
    let mut stored = json!({});
    decider.decide(experience, &input_for(&ids[0], &visitor, &page), &mut stored, &mut Effects::default());
    bench("Decider::decide, visitor already bucketed", |_| {
        let mut data = stored.clone();
        let served = decider.decide(experience, &input_for(&ids[0], &visitor, &page), &mut data, &mut Effects::default());
        Value::Bool(matches!(served, convert_sdk_engine::experience::Outcome::Variation { .. }))
    });
    bench("StoreData clone alone (baseline of the line above)", |_| stored.clone());
    let patch = json!({"bucketing": {"1002": "10022"}});
    bench("put_data, one new decision into a stored document (copy)", |_| put_data(black_box(&stored), &patch).unwrap_or(Value::Null));
    bench("put_bucketing, one new decision in place (after a clone of the document)", |_| {
        let mut data = stored.clone();
        put_bucketing(&mut data, "1002", "10022");
        data
    });
}

fn parsing() {
    let spec = spec_example_text();
    bench("config parse: JSON text -> Config, spec example (5 experiences)", |_| {
        Value::Bool(Config::from_value(php_json_decode(black_box(&spec)).expect("JSON")).is_ok())
    });
    let work = std::env::var("BENCH_WORK").unwrap_or_default();
    for n in [10, 500] {
        if let Some(text) = read(&format!("{work}/configs/exp-{n}.json")).filter(|_| !work.is_empty()) {
            bench(&format!("config parse: JSON text -> Config, generated {n} experiences"), |_| {
                Value::Bool(Config::from_value(php_json_decode(black_box(&text)).expect("JSON")).is_ok())
            });
        }
    }
}

fn tracking() {
    let bucketing: Value = json!({"100000": "1000001", "100001": "1000012", "100002": "1000023"});
    let segments = Some(json!({"country": "DE", "devices": ["DESK"], "visitorType": "returning"}));
    bench("payload: 1 visitor, 10 bucketing events + 1 conversion", |i| {
        let mut queue = TrackingQueue::default();
        for e in 0..10 {
            queue.enqueue("visitor-1", bucketing_event(&format!("10000{e}"), &format!("10000{e}1")), segments.clone());
        }
        queue.enqueue("visitor-1", conversion_event("5001", &bucketing), None);
        Value::from(payload(&queue.take(), "100123", "100456", black_box("php-sdk"), i & 1 == 0).len())
    });
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects cases by group name.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let groups: [(&str, fn()); 6] =
        [("hash", hashing), ("bucket", bucketing), ("rules", rules), ("decision", decision), ("parse", parsing), ("payload", tracking)];
    for (name, run) in groups {
        if filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())) {
            run();
        }
    }
}
