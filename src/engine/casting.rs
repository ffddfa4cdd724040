//! Feature-variable casting with `typeCasting` on (§8.4, PHP semantics).

use crate::value::{php_bool, php_floatval, php_intval, php_json_decode, php_string};
use crate::config::Feature;
use serde_json::{Map, Number, Value};

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
            Value::String(s) => php_json_decode(s).unwrap_or_else(|| value.clone()),
            other => other.clone(),
        },
        _ => value.clone(),
    }
}

/// A float as a JSON number (stays a float even when integral, e.g. `7.0`).
fn float_value(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// Casts each variable to its declared type (§8.2 step 5, §8.4); also returns the variables the
/// declared feature does not list (kept as they are, each a warning). A non-map value is unchanged.
pub fn cast_variables(declared: Option<&Feature>, variables: &Value) -> (Value, Vec<String>) {
    let Value::Object(vars) = variables else { return (variables.clone(), Vec::new()) };
    let mut out = Map::new();
    let mut undeclared = Vec::new();
    for (name, value) in vars {
        let ty = declared.and_then(|f| f.variables.iter().find(|(k, _)| k == name)).and_then(|(_, t)| t.as_deref());
        let cast = match ty {
            Some(t) => cast_variable(value, t),
            None => {
                undeclared.push(name.clone());
                value.clone()
            }
        };
        out.insert(name.clone(), cast);
    }
    (Value::Object(out), undeclared)
}

