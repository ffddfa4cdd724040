//! Feature-variable casting with `typeCasting` on (§8.4, PHP semantics).

use crate::value::{php_bool, php_floatval, php_intval, php_string};
use serde_json::{Number, Value};

/// Casts a `variables_data` value to its declared feature-variable type:
/// `boolean` (`"true"`/`"false"` literally, else PHP `(bool)`), `float` (PHP `floatval`), `integer`
/// (PHP `intval`), `string` (PHP `(string)`), `json` (strings decoded when valid JSON, anything else
/// unchanged); unknown types leave the value unchanged.
/// A float cast yielding INF (e.g. `"1e999"`) has no JSON form and becomes `null`.
pub fn cast_variable(value: &Value, declared_type: &str) -> Value {
    match declared_type {
        "boolean" => Value::Bool(match value.as_str() {
            Some("true") => true,
            Some("false") => false,
            _ => php_bool(value),
        }),
        "float" => float_value(php_floatval(value)),
        "integer" => Value::from(php_intval(value)),
        "string" => Value::String(php_string(value).into_owned()),
        "json" => match value {
            Value::String(s) => json_decode(s).unwrap_or_else(|| value.clone()),
            other => other.clone(),
        },
        _ => value.clone(),
    }
}

/// A float as a JSON number (stays a float even when integral, e.g. `7.0`).
fn float_value(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// `json_decode($s, true)` when `$s` is valid JSON; integers beyond `i64` become floats as in PHP.
fn json_decode(s: &str) -> Option<Value> {
    serde_json::from_str::<Value>(s).ok().map(php_numbers)
}

/// Rewrites numbers the way PHP's decoder types them: integers that do not fit `i64` become floats.
fn php_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_f64() => float_value(n.as_f64().unwrap_or(0.0)),
        Value::Array(items) => Value::Array(items.into_iter().map(php_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, x)| (k, php_numbers(x))).collect()),
        other => other,
    }
}
