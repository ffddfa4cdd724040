//! Rule operators and rule trees: the cross-SDK vectors (`rule-test-vectors.json`, §13), the verified
//! PHP corner cases of §5.4, the parity traps 11–13 of §15 and the JS existence operators of §12.

use convert_sdk_engine::operators::apply_operator;
use convert_sdk_engine::rules::{RuleError, RuleOptions, find_rule_item_of_type, is_rule_matched};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/rule-test-vectors.json"
));

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("rule-test-vectors.json parses")
}

/// `op(value, testAgainst, negated)` with the PHP operator set (JS existence operators off).
fn op(name: &str, value: Value, test_against: Value, negated: bool) -> Option<bool> {
    apply_operator(name, &value, &test_against, negated, false)
}

/// A rule set with a single item.
fn single_item_rule(item: Value) -> Value {
    json!({"OR": [{"AND": [{"OR_WHEN": [item]}]}]})
}

fn item(key: &str, match_type: &str, negated: bool, value: Value) -> Value {
    json!({"rule_type": "generic_key_value", "key": key, "value": value,
           "matching": {"match_type": match_type, "negated": negated}})
}

fn matched(data: Value, rule_set: &Value) -> Result<bool, RuleError> {
    is_rule_matched(&data, rule_set, &RuleOptions::default())
}

fn js_matched(data: Value, rule_set: &Value) -> Result<bool, RuleError> {
    let opts = RuleOptions {
        js_exists_operators: true,
        ..RuleOptions::default()
    };
    is_rule_matched(&data, rule_set, &opts)
}

#[test]
fn all_65_operator_vectors() {
    let v = vectors();
    let groups = v["comparison_operators"].as_array().unwrap();
    assert_eq!(groups.len(), 10);
    let mut count = 0;
    for group in groups {
        let method = group["method"].as_str().unwrap();
        for case in group["cases"].as_array().unwrap() {
            let got = op(
                method,
                case["value"].clone(),
                case["testAgainst"].clone(),
                case["negation"].as_bool().unwrap(),
            );
            assert_eq!(
                got,
                Some(case["expected"].as_bool().unwrap()),
                "{method}: {case}"
            );
            count += 1;
        }
    }
    assert_eq!(count, 65);
}

/// The operator vectors again through a compiled rule item (operator resolved and rule value
/// lower-cased once, as decisions evaluate them): same results. Items whose rule value is null are
/// skipped (a rule item without a value is false, §5.2).
#[test]
fn operator_vectors_agree_through_compiled_rule_items() {
    let v = vectors();
    let mut count = 0;
    for group in v["comparison_operators"].as_array().unwrap() {
        let method = group["method"].as_str().unwrap();
        for case in group["cases"].as_array().unwrap().iter().filter(|c| !c["testAgainst"].is_null()) {
            let negated = case["negation"].as_bool().unwrap();
            let rule = single_item_rule(item("k", method, negated, case["testAgainst"].clone()));
            let got = matched(json!({"k": case["value"].clone()}), &rule);
            assert_eq!(got, Ok(case["expected"].as_bool().unwrap()), "{method}: {case}");
            count += 1;
        }
    }
    assert!(count >= 60, "{count} vectors compared");
}

#[test]
fn all_12_rule_tree_vectors() {
    let v = vectors();
    let cases = v["rule_evaluation"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for case in cases {
        let opts = RuleOptions {
            keys_case_sensitive: case
                .get("keysCaseSensitive")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            ..RuleOptions::default()
        };
        let got = is_rule_matched(&case["data"], &case["ruleSet"], &opts);
        assert_eq!(
            got,
            Ok(case["expected"].as_bool().unwrap()),
            "{}",
            case["description"]
        );
    }
}

#[test]
fn verified_php_corner_cases_of_section_5_4() {
    assert_eq!(op("equals", json!(true), json!(true), false), Some(true));
    assert_eq!(op("equals", json!("true"), json!(true), false), Some(false));
    assert_eq!(op("equals", json!(1), json!(true), false), Some(true));
    assert_eq!(op("equals", json!(null), json!(""), false), Some(true));
    assert_eq!(
        op("equals", json!(["A", "b"]), json!("a"), false),
        Some(false)
    );
    assert_eq!(op("less", json!("5"), json!("10"), false), Some(true));
    assert_eq!(op("less", json!(5), json!("abc"), false), Some(false));
    assert_eq!(op("less", json!(5), json!("abc"), true), Some(false));
    assert_eq!(op("less", json!(" 5"), json!(10), false), Some(true));
    assert_eq!(op("less", json!("1,000"), json!(2000), false), Some(false));
    assert_eq!(
        op("isIn", json!("b|z"), json!(["A", "B"]), false),
        Some(true)
    );
    assert_eq!(op("isIn", json!("a"), json!(null), false), Some(false));
    assert_eq!(op("startsWith", json!("abc"), json!(""), false), Some(true));
    assert_eq!(
        op("regexMatches", json!("ABC"), json!("^abc$"), false),
        Some(true)
    );
    assert_eq!(
        op("regexMatches", json!("Straße"), json!("STRASSE"), false),
        Some(false)
    );
}

#[test]
fn scalar_string_forms_follow_php() {
    // (string) casts: false → "", floats without ".0", precision 14.
    assert_eq!(op("equals", json!(false), json!(""), false), Some(true));
    assert_eq!(
        op("equalsNumber", json!(42), json!(42.0), false),
        Some(true)
    );
    assert_eq!(
        op("equalsNumber", json!(42), json!("42.0"), false),
        Some(false)
    );
    assert_eq!(
        op("equals", json!(0.30000000000000004), json!("0.3"), false),
        Some(true)
    );
    // ASCII-only case folding.
    assert_eq!(op("equals", json!("Ü"), json!("ü"), false), Some(false));
    assert_eq!(op("equals", json!("ÜX"), json!("Üx"), false), Some(true));
    // Array values: strict, case-sensitive membership; a list never equals its string form.
    assert_eq!(op("equals", json!([1, 2]), json!("1"), false), Some(false));
    assert_eq!(op("equals", json!([1, 2]), json!(1), false), Some(true));
    assert_eq!(
        op("equals", json!({"x": "a"}), json!("a"), false),
        Some(true)
    );
    assert_eq!(op("equals", json!(["a"]), json!("a"), true), Some(false));
    assert_eq!(
        op("contains", json!([1]), json!("array"), false),
        Some(true)
    );
}

#[test]
fn less_and_less_equal_follow_php() {
    assert_eq!(op("less", json!("1e3"), json!(2000), false), Some(true));
    assert_eq!(op("lessEqual", json!("5 "), json!(5), false), Some(true));
    assert_eq!(op("lessEqual", json!(5), json!(4.999), false), Some(false));
    // Same type, not both numeric: byte-wise string comparison, then negation.
    assert_eq!(op("less", json!("5"), json!("abc"), false), Some(true));
    assert_eq!(op("less", json!("b"), json!("a"), true), Some(true));
    assert_eq!(op("less", json!("Z"), json!("a"), false), Some(true));
    // Different PHP types: false whatever the negation.
    assert_eq!(op("less", json!(true), json!(5), true), Some(false));
    assert_eq!(op("lessEqual", json!(null), json!("x"), true), Some(false));
    assert_eq!(op("less", json!("abc"), json!(5), true), Some(false));
    // Same non-numeric types use PHP's comparison.
    assert_eq!(op("less", json!(false), json!(true), false), Some(true));
    assert_eq!(op("lessEqual", json!(null), json!(null), false), Some(true));
    assert_eq!(op("less", json!([1, 2]), json!([1, 3]), false), Some(true));
    assert_eq!(op("less", json!([9]), json!([1, 1]), false), Some(true));
}

#[test]
fn contains_is_in_starts_ends_follow_php() {
    // Blank needle (PHP trim set) always matches, also when negated → false.
    assert_eq!(
        op("contains", json!("abc"), json!("\t\n "), false),
        Some(true)
    );
    assert_eq!(op("contains", json!("abc"), json!(""), true), Some(false));
    assert_eq!(op("contains", json!("abc"), json!(null), false), Some(true));
    // \f is not in PHP's trim set: it is a real needle.
    assert_eq!(
        op("contains", json!("abc"), json!("\x0c"), false),
        Some(false)
    );
    assert_eq!(op("contains", json!(true), json!("1"), false), Some(true));
    // isIn splits both sides on the literal pipe.
    assert_eq!(
        op("isIn", json!("a|c"), json!("a|b|c|d"), false),
        Some(true)
    );
    assert_eq!(op("isIn", json!("x|y"), json!("a|b"), true), Some(true));
    assert_eq!(op("isIn", json!(1), json!([1.0, 2]), false), Some(true));
    assert_eq!(op("isIn", json!(true), json!("1"), false), Some(true));
    assert_eq!(op("isIn", json!(""), json!(null), false), Some(true));
    assert_eq!(
        op("isIn", json!("Ab"), json!({"k": "aB"}), false),
        Some(true)
    );
    assert_eq!(op("isIn", json!("a"), json!("a |b"), false), Some(false));
    assert_eq!(
        op("endsWith", json!("abcabc"), json!("ABC"), false),
        Some(true)
    );
    assert_eq!(op("endsWith", json!(""), json!(""), false), Some(true));
    assert_eq!(
        op("endsWith", json!("ab"), json!("xab"), false),
        Some(false)
    );
    assert_eq!(
        op("startsWith", json!(12.5), json!("12."), false),
        Some(true)
    );
}

/// `(value, pattern, preg_match result)` from PHP 8.2 with the SDK's `/…/i` wrapping and lowercased
/// subject; `None` where `preg_match` returned false (error).
const REGEX_TABLE: &[(&str, &str, Option<bool>)] = &[
    ("ABC", "^abc$", Some(true)),
    ("Straße", "STRASSE", Some(false)),
    ("straße", "straße", Some(true)),
    ("STRAßE", "^straße$", Some(true)),
    ("foobar", "foo(?=bar)", Some(true)),
    ("foobaz", "foo(?!bar)", Some(true)),
    ("abab", "^(ab)\\1$", Some(true)),
    ("a/b", "a/b", Some(true)),
    ("a/b", "a\\/b", None),
    ("a\\/b", "a\\\\/b", Some(true)),
    ("abc", "(", None),
    ("abc", "abc\\", None),
    ("x", "", Some(true)),
    ("aaa", "a{2}+", Some(true)),
    ("ab", "\\Qa\\E", Some(true)),
    ("a1", "[[:digit:]]", Some(true)),
    ("é", "^.$", Some(false)),
    ("é", "^..$", Some(true)),
    ("é", "\\xc3", Some(true)),
    ("hello world", "(?i)HELLO", Some(true)),
    ("a.b", "a\\.b", Some(true)),
    ("tab\there", "\\s", Some(true)),
    ("abc", "(?<n>b)\\k<n>", Some(false)),
    ("", "^$", Some(true)),
    ("x", "(*LIMIT_MATCH=10000000)x", Some(true)),
    ("abc", "(*UTF)b", Some(true)),
    ("ABC", "[A-Z]", Some(true)),
    ("abc", "\\p{Lu}", Some(false)),
    ("line1\nline2", "^line2$", Some(false)),
    ("a\0b", "a\\x00b", Some(true)),
    ("a\0b", "a\0b", Some(true)),
    ("a", "^a\0$", Some(false)),
];

#[test]
fn regex_matches_pcre_like_php() {
    for &(value, pattern, php) in REGEX_TABLE {
        let plain = op("regexMatches", json!(value), json!(pattern), false);
        let negated = op("regexMatches", json!(value), json!(pattern), true);
        match php {
            Some(m) => {
                assert_eq!(plain, Some(m), "{value:?} =~ /{pattern}/i");
                assert_eq!(negated, Some(!m), "negated {value:?} =~ /{pattern}/i");
            }
            // Invalid pattern: false without negation (§5.4, JS behaviour).
            None => assert_eq!(
                (plain, negated),
                (Some(false), Some(false)),
                "{value:?} =~ /{pattern}/i"
            ),
        }
    }
    assert_eq!(
        op("regexMatches", json!(true), json!("^1$"), false),
        Some(true)
    );
    assert_eq!(
        op("regexMatches", json!(12.5), json!("^12\\.5$"), false),
        Some(true)
    );
}

#[test]
fn catastrophic_regex_hits_the_limit_and_is_false() {
    // PHP: preg_match returns false with "Backtrack limit exhausted" for this input.
    let subject = format!("{}!", "a".repeat(68));
    let started = Instant::now();
    assert_eq!(
        op("regexMatches", json!(subject), json!("^(a|aa)+$"), false),
        Some(false)
    );
    assert_eq!(
        op("regexMatches", json!(subject), json!("^(a|aa)+$"), true),
        Some(false)
    );
    // A pattern asking for a higher limit is still capped.
    let raised = "(*LIMIT_MATCH=4000000000)^(a|aa)+$";
    assert_eq!(
        op("regexMatches", json!(subject), json!(raised), true),
        Some(false)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "limits bound the run time"
    );
}

#[test]
fn unknown_operators_are_none_and_items_false() {
    assert_eq!(op("greater", json!(1), json!(0), false), None);
    assert_eq!(op("exists", json!("x"), json!(""), false), None);
    let rule = single_item_rule(item("k", "greater", true, json!(0)));
    assert_eq!(matched(json!({"k": 1}), &rule), Ok(false));
}

#[test]
fn missing_key_is_false_whatever_the_negation() {
    let rule = single_item_rule(item("country", "equals", true, json!("US")));
    assert_eq!(matched(json!({"browser": "chrome"}), &rule), Ok(false));
    assert_eq!(matched(json!({}), &rule), Ok(false));
    assert_eq!(matched(json!([]), &rule), Ok(false));
    assert_eq!(matched(json!({"country": "GB"}), &rule), Ok(true));
}

#[test]
fn invalid_items_are_false_and_non_objects_skipped() {
    let data = json!({"k": "v"});
    let cases = [
        json!({"key": "k", "value": "v", "matching": {"match_type": "equals", "negated": "false"}}),
        json!({"key": "k", "value": "v", "matching": {"match_type": "equals"}}),
        json!({"key": "k", "value": null, "matching": {"match_type": "equals", "negated": true}}),
        json!({"key": "k", "matching": {"match_type": "equals", "negated": true}}),
        json!({"key": "k", "value": "v", "matching": "equals"}),
        json!({"key": "k", "value": "v", "matching": {"match_type": 1, "negated": false}}),
        json!({"rule_type": "url", "value": "v", "matching": {"match_type": "equals", "negated": true}}),
    ];
    for bad in cases {
        assert_eq!(
            matched(data.clone(), &single_item_rule(bad.clone())),
            Ok(false),
            "{bad}"
        );
    }
    let rule = json!({"OR": [{"AND": [{"OR_WHEN": ["junk", 5, item("k", "equals", false, json!("V"))]}]}]});
    assert_eq!(matched(data, &rule), Ok(true));
}

#[test]
fn tree_shapes_follow_section_5_1() {
    let yes = item("k", "equals", false, json!("v"));
    let no = item("k", "equals", true, json!("v"));
    let data = || json!({"k": "v"});
    for empty in [
        json!({}),
        json!({"OR": []}),
        json!({"OR": [{"AND": []}]}),
        json!({"OR": [{"AND": [{"OR_WHEN": []}]}]}),
    ] {
        assert_eq!(matched(data(), &empty), Ok(false), "{empty}");
    }
    let and_fails = json!({"OR": [{"AND": [{"OR_WHEN": [yes]}, {"OR_WHEN": [no]}]}]});
    assert_eq!(matched(data(), &and_fails), Ok(false));
    let second_or =
        json!({"OR": [{"AND": [{"OR_WHEN": [no]}]}, {"AND": [{"OR_WHEN": [no, yes]}]}]});
    assert_eq!(matched(data(), &second_or), Ok(true));
    let empty_and_block = json!({"OR": [{"AND": [{"OR_WHEN": [yes]}, {"OR_WHEN": []}]}]});
    assert_eq!(matched(data(), &empty_and_block), Ok(false));
}

#[test]
fn keys_compare_as_strings() {
    // Integer-like keys match (§5.2, §14 row 33), also an integer rule key and list indexes.
    assert_eq!(
        matched(
            json!({"123": "x"}),
            &single_item_rule(item("123", "equals", false, json!("X")))
        ),
        Ok(true)
    );
    let int_key = single_item_rule(
        json!({"key": 1, "value": "b", "matching": {"match_type": "equals", "negated": false}}),
    );
    assert_eq!(matched(json!(["a", "b"]), &int_key), Ok(true));
    assert_eq!(
        matched(
            json!(["a", "b"]),
            &single_item_rule(item("01", "equals", false, json!("b")))
        ),
        Ok(false)
    );
    // Case-sensitive by default.
    let rule = single_item_rule(item("country", "equals", false, json!("US")));
    assert_eq!(matched(json!({"Country": "US"}), &rule), Ok(false));
    // Case-insensitive: the first key equal in ASCII lowercase is used.
    let opts = RuleOptions {
        keys_case_sensitive: false,
        ..RuleOptions::default()
    };
    let data = json!({"COUNTRY": "GB", "country": "US"});
    assert_eq!(is_rule_matched(&data, &rule, &opts), Ok(false));
    let data = json!({"Country": "US", "COUNTRY": "GB"});
    assert_eq!(is_rule_matched(&data, &rule, &opts), Ok(true));
}

#[test]
fn existence_operators_when_enabled() {
    let exists =
        |negated| json!({"key": "k", "matching": {"match_type": "exists", "negated": negated}});
    let does_not =
        json!({"key": "k", "matching": {"match_type": "doesNotExist", "negated": false}});
    let not_exists = item("k", "not_exists", false, json!(true));
    // Off (default): unknown operators → false.
    assert_eq!(
        matched(json!({"k": "v"}), &single_item_rule(exists(false))),
        Ok(false)
    );
    assert_eq!(
        matched(json!({}), &single_item_rule(does_not.clone())),
        Ok(false)
    );
    // On: exists(v) = v ∉ {undefined, null, ""}.
    let rule = single_item_rule(exists(false));
    assert_eq!(js_matched(json!({"k": "v"}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": 0}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": false}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": ""}), &rule), Ok(false));
    assert_eq!(js_matched(json!({"k": null}), &rule), Ok(false));
    assert_eq!(js_matched(json!({"other": 1}), &rule), Ok(false));
    // Absent key or empty data: evaluated as undefined, so negation applies.
    assert_eq!(
        js_matched(json!({"other": 1}), &single_item_rule(exists(true))),
        Ok(true)
    );
    assert_eq!(
        js_matched(json!({}), &single_item_rule(exists(true))),
        Ok(true)
    );
    let rule = single_item_rule(does_not);
    assert_eq!(js_matched(json!({}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": ""}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": "v"}), &rule), Ok(false));
    // not_exists: same test, but false on an absent key and needs a value.
    let rule = single_item_rule(not_exists);
    assert_eq!(js_matched(json!({"k": null}), &rule), Ok(true));
    assert_eq!(js_matched(json!({"k": "v"}), &rule), Ok(false));
    assert_eq!(js_matched(json!({"other": 1}), &rule), Ok(false));
    let valueless = json!({"key": "k", "matching": {"match_type": "not_exists", "negated": false}});
    assert_eq!(
        js_matched(json!({"k": null}), &single_item_rule(valueless)),
        Ok(false)
    );
    assert_eq!(
        apply_operator("exists", &json!(""), &json!(null), true, true),
        Some(true)
    );
}

#[test]
fn rule_error_backing_values() {
    assert_eq!(RuleError::NoDataFound.as_str(), "convert.com_no_data_found");
    assert_eq!(
        RuleError::NeedMoreData.as_str(),
        "convert.com_need_more_data"
    );
    assert_eq!(
        RuleOptions::default(),
        RuleOptions {
            keys_case_sensitive: true,
            js_exists_operators: false
        }
    );
}

#[test]
fn find_rule_item_walks_or_and_or_when_in_order() {
    let mx = |v: &str| {
        json!({"rule_type": "bucketed_into_experience_key", "value": v,
                              "matching": {"match_type": "equals", "negated": false}})
    };
    let rule_set = json!({"OR": [
        {"AND": [{"OR_WHEN": [item("k", "equals", false, json!(1))]}, {"OR_WHEN": ["junk", mx("first")]}]},
        {"AND": [{"OR_WHEN": [mx("second")]}]}
    ]});
    let found = find_rule_item_of_type(&rule_set, "bucketed_into_experience_key").unwrap();
    assert_eq!(found["value"], "first");
    assert!(find_rule_item_of_type(&rule_set, "url").is_none());
    assert!(find_rule_item_of_type(&json!({}), "generic_key_value").is_none());
    // A plain evaluation of such an item has no key and is false (§5.6).
    assert_eq!(
        matched(json!({"first": 1}), &single_item_rule(mx("first"))),
        Ok(false)
    );
}
