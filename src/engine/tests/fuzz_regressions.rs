//! Fuzz regressions: every input kept in `fuzz/regressions/<target>/` (crashes, timeouts and OOMs found
//! by `scripts/fuzz.sh`) is replayed through the very harness the fuzzer runs (`fuzz/src/harness.rs`),
//! together with hand-written hostile inputs. A panic here is a regression.

#[path = "../../../fuzz/src/harness.rs"]
mod harness;

use std::path::PathBuf;
use std::time::{Duration, Instant};

type Harness = fn(&[u8]);

const TARGETS: [(&str, Harness); 4] = [
    ("config", harness::config),
    ("rules", harness::rules),
    ("store_data", harness::store_data),
    ("tracking", harness::tracking),
];

/// Longest time one hostile input may take in a test build.
const BUDGET: Duration = Duration::from_secs(5);

fn regressions_dir(target: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/regressions")).join(target)
}

fn run_bounded(name: &str, run: Harness, input: &[u8]) {
    let start = Instant::now();
    run(input);
    assert!(start.elapsed() < BUDGET, "{name} took {:?}", start.elapsed());
}

#[test]
fn kept_fuzz_inputs_replay_without_panicking() {
    for (target, run) in TARGETS {
        let Ok(entries) = std::fs::read_dir(regressions_dir(target)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                run_bounded(&path.display().to_string(), run, &std::fs::read(&path).unwrap());
            }
        }
    }
}

/// Nesting as deep as the JSON decoder accepts (128 levels), and one level deeper (rejected).
fn nested(depth: usize, leaf: &str) -> String {
    format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn hostile_inputs_are_handled_in_bounded_time() {
    let deep_rule = format!("[{{\"k\": {}}}, {{\"OR\": [{}]}}]", nested(120, "1"), nested(120, "{}"));
    let cases: Vec<(Harness, String)> = vec![
        // Catastrophic backtracking patterns stop at the PCRE match limit (regexMatches is false).
        (harness::rules, format!("[\"{}b\", \"(a+)+$\"]", "a".repeat(5000))),
        (harness::rules, format!("[\"{}!\", \"^(\\\\w+\\\\s?)*$\"]", "word ".repeat(2000))),
        (harness::rules, format!("[\"{}\", \"(x+x+)+y\"]", "x".repeat(5000))),
        (harness::rules, "[\"a\", \"(?R)\"]".into()),
        (harness::rules, "[\"a\", \"(*LIMIT_MATCH=4294967295)(a+)+$\"]".into()),
        (harness::rules, deep_rule),
        (harness::rules, format!("[{}, 1]", nested(129, "1"))),
        (harness::rules, "[1e308, \"1e999\"]".into()),
        (harness::rules, "[\"\\u0000\\ud83d\\ude00\", \"\\\\x{0}\"]".into()),
        (harness::config, format!("{{\"account_id\": \"1\", \"project\": {{\"id\": 2}}, \"experiences\": {}}}", nested(127, "{}"))),
        (harness::config, "{\"account_id\": \"1\", \"project\": {\"id\": \"2\"}, \"experiences\": [{\"id\": \"1\", \"key\": \"k\", \"variations\": [{\"id\": \"1\", \"traffic_allocation\": 1e308}, {\"id\": \"1\", \"traffic_allocation\": -1e308}], \"version\": \"1e999\"}]}".into()),
        (harness::store_data, format!("[{{\"bucketing\": {{\"1\": \"2\"}}, \"segments\": {{\"segments\": {}}}}}, {{\"segments\": {}}}]", nested(100, "1"), nested(100, "2"))),
        (harness::tracking, format!("[[\"v\", 2, \"5001\", {}, {}]]", nested(100, "{}"), nested(100, "1.5"))),
    ];
    for (i, (run, input)) in cases.iter().enumerate() {
        run_bounded(&format!("hostile case {i}"), *run, input.as_bytes());
    }
}
