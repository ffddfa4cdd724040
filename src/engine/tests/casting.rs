//! Feature-variable casting (§8.4, §15 traps 17–18): every example of the §8.4 table, further cases
//! checked against PHP 8.2, the spec-example `treatment` variation, and the golden PHP SDK outputs.

use convert_sdk_engine::casting::cast_variable;
use serde_json::{Value, json};

const SPEC_EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/spec-example-config.json"
));
const GOLDEN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/golden-php-sdk-example.json"
));

/// Asserts `cast(value, ty) === want`, JSON number identity included (`7.0` is not `7`).
fn check(ty: &str, value: Value, want: Value) {
    let got = cast_variable(&value, ty);
    assert_eq!(got, want, "cast({value}, {ty})");
    if let (Some(g), Some(w)) = (got.as_number(), want.as_number()) {
        assert_eq!(
            (g.is_i64(), g.is_f64()),
            (w.is_i64(), w.is_f64()),
            "number type of cast({value}, {ty})"
        );
    }
}

#[test]
fn boolean_examples() {
    for (value, want) in [
        (json!("TRUE"), true),
        (json!("0"), false),
        (json!(""), false),
        (json!("abc"), true),
        (json!(0), false),
        (json!(2), true),
        (json!([]), false),
        (json!("true"), true),
        (json!("false"), false),
        (json!("FALSE"), true),
        (json!(null), false),
        (json!(0.0), false),
        (json!("0.0"), true),
        (json!(true), true),
    ] {
        check("boolean", value, json!(want));
    }
}

#[test]
fn float_examples() {
    for (value, want) in [
        (json!("12.5"), 12.5),
        (json!("1e3"), 1000.0),
        (json!(" 12"), 12.0),
        (json!("12abc"), 12.0),
        (json!("abc"), 0.0),
        (json!(null), 0.0),
        (json!(7), 7.0),
        (json!(true), 1.0),
        (json!(false), 0.0),
        (json!([1]), 1.0),
    ] {
        check("float", value, json!(want));
    }
    assert!(
        cast_variable(&json!("-0"), "float")
            .as_f64()
            .unwrap()
            .is_sign_negative()
    );
}

#[test]
fn integer_examples() {
    for (value, want) in [
        (json!("12.7"), 12),
        (json!("1e3"), 1000),
        (json!("012"), 12),
        (json!("+5"), 5),
        (json!("0x1A"), 0),
        (json!(9.7), 9),
        (json!(-9.7), -9),
        (json!("abc"), 0),
        (json!(true), 1),
        (json!(false), 0),
        (json!(null), 0),
        (json!([]), 0),
        (json!("9999999999999999999"), i64::MAX),
    ] {
        check("integer", value, json!(want));
    }
}

#[test]
fn string_examples() {
    for (value, want) in [
        (json!(true), "1"),
        (json!(false), ""),
        (json!(1.0), "1"),
        (json!(100.0), "100"),
        (json!(null), ""),
        (json!(0.1), "0.1"),
        (json!([1]), "Array"),
        (json!(1e25), "1.0E+25"),
        (json!("as is"), "as is"),
    ] {
        check("string", value, json!(want));
    }
}

#[test]
fn json_examples() {
    check("json", json!("{\"a\":1}"), json!({"a": 1}));
    check("json", json!("not json"), json!("not json"));
    check("json", json!("null"), json!(null));
    check("json", json!("5"), json!(5));
    check("json", json!("[1,2]"), json!([1, 2]));
    check("json", json!(""), json!(""));
    check("json", json!(" [1] "), json!([1]));
    check(
        "json",
        json!("12345678901234567890"),
        json!(1.2345678901234567e19),
    );
    check(
        "json",
        json!("[18446744073709551615]"),
        json!([1.8446744073709552e19]),
    );
    check("json", json!("{}"), json!({}));
    check("json", json!("1.0"), json!(1.0));
    check("json", json!("-0"), json!(0));
    check("json", json!("\"s\""), json!("s"));
    check("json", json!({"a": 1}), json!({"a": 1}));
    // Non-string scalars are returned unchanged (the PHP SDK throws TypeError, §14 row 29).
    check("json", json!(5), json!(5));
    check("json", json!(true), json!(true));
    check("json", json!(null), json!(null));
}

#[test]
fn unknown_types_leave_the_value_unchanged() {
    check("other", json!("x"), json!("x"));
    check("other", json!(5), json!(5));
    check("", json!(5.0), json!(5.0));
}

/// Casts a variation's `variables_data` with the declared types of the feature it points at.
fn cast_variables(config: &Value, variation_key: &str, feature_key: &str) -> Value {
    let feature = config["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == feature_key)
        .unwrap();
    let variation = config["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["variations"].as_array().unwrap())
        .find(|v| v["key"] == variation_key)
        .unwrap();
    let change = variation["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["data"]["feature_id"].to_string().trim_matches('"') == feature["id"].as_str().unwrap()
        })
        .unwrap();
    let data = change["data"]["variables_data"].as_object().unwrap();
    let types = feature["variables"].as_array().unwrap();
    let out = data.iter().map(|(name, value)| {
        let ty = types
            .iter()
            .find(|t| t["key"] == name.as_str())
            .map_or("", |t| t["type"].as_str().unwrap());
        (name.clone(), cast_variable(value, ty))
    });
    Value::Object(out.collect())
}

#[test]
fn spec_example_treatment_variables() {
    let config: Value = serde_json::from_str(SPEC_EXAMPLE).unwrap();
    let got = cast_variables(&config, "treatment", "new-checkout");
    let want = json!({"enabled": true, "color": "green", "discount": 12.5, "max_items": 9, "meta": {"layout": "compact"}});
    assert_eq!(got, want);
    assert!(got["max_items"].is_i64() && got["discount"].is_f64());
}

#[test]
fn golden_php_sdk_feature_variables() {
    let config: Value = serde_json::from_str(SPEC_EXAMPLE).unwrap();
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let mut checked = 0;
    for case in golden["cases"].as_array().unwrap() {
        for (feature_field, experience) in [
            ("feature_new_checkout", "checkout-redesign"),
            ("feature_pricing_v2", "pricing-rollout"),
        ] {
            let feature = &case[feature_field];
            let Some(variation) =
                case["experiences"][experience]["php_sdk_variation"]["variationKey"].as_str()
            else {
                continue;
            };
            let got = cast_variables(&config, variation, feature["featureKey"].as_str().unwrap());
            assert_eq!(
                got, feature["variables"],
                "{} {feature_field}",
                case["visitorId"]
            );
            for (name, value) in got.as_object().unwrap() {
                assert_eq!(
                    value.is_f64(),
                    feature["variables"][name].is_f64(),
                    "number type of {name}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "golden cases with a variation: {checked}");
}
