//! Cross-SDK hash vectors (spec §4.1, §13 `test-vectors.json`).

use convert_sdk_engine::hash::{bucket_value, murmur3_32, murmur3_32_concat};
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/test-vectors.json"
);

struct HashCase {
    input: String,
    seed: u32,
    expected: u32,
}

fn cases() -> Vec<HashCase> {
    let text = std::fs::read_to_string(VECTORS).expect("read test-vectors.json");
    let json: Value = serde_json::from_str(&text).expect("parse test-vectors.json");
    json.as_array()
        .expect("a list of vectors")
        .iter()
        .map(|case| HashCase {
            input: case["input"].as_str().expect("input").to_string(),
            seed: u32::try_from(case["seed"].as_u64().expect("seed")).expect("u32 seed"),
            expected: u32::try_from(case["expected"].as_u64().expect("expected"))
                .expect("u32 hash"),
        })
        .collect()
}

#[test]
fn all_75_hash_vectors_match() {
    let cases = cases();
    assert_eq!(cases.len(), 75);
    for case in &cases {
        assert_eq!(
            murmur3_32(case.input.as_bytes(), case.seed),
            case.expected,
            "{:?} seed {}",
            case.input,
            case.seed
        );
    }
}

#[test]
fn concat_hash_matches_every_vector_at_every_split() {
    for case in cases() {
        let bytes = case.input.as_bytes();
        for split in 0..=bytes.len() {
            let (a, b) = bytes.split_at(split);
            assert_eq!(
                murmur3_32_concat(a, b, case.seed),
                case.expected,
                "{:?} split {split}",
                case.input
            );
        }
    }
}

#[test]
fn seed_9999_bucket_values_follow_the_truncation_rule() {
    let seeded: Vec<HashCase> = cases()
        .into_iter()
        .filter(|case| case.seed == 9999)
        .collect();
    assert_eq!(seeded.len(), 15);
    for case in seeded {
        // Integer form of trunc(h / 2^32 * 10000), equal for the default scale (§4.1).
        let expected = (u64::from(case.expected) * 10000) >> 32;
        assert_eq!(
            u64::from(bucket_value("", &case.input, 9999, 10000.0)),
            expected,
            "{:?}",
            case.input
        );
    }
}

#[test]
fn spec_example_experience_1002_alice() {
    assert_eq!(bucket_value("1002", "alice", 9999, 10000.0), 8941);
    // The experience id comes first: the reverse order hashes different bytes.
    assert_eq!(
        murmur3_32_concat(b"1002", b"alice", 9999),
        murmur3_32(b"1002alice", 9999)
    );
    assert_ne!(
        murmur3_32_concat(b"alice", b"1002", 9999),
        murmur3_32(b"1002alice", 9999)
    );
}
