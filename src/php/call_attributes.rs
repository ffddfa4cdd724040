//! The `$attributes` argument of the `run*` methods: an `OpenAPI\Client\BucketingAttributes`
//! object or a plain array with the same keys (spec §1.5).

use convert_sdk_engine::value::{php_bool, php_string};
use ext_php_rs::types::Zval;
use serde_json::Value;

use super::convert::zval_to_value;
use super::dtos::read_property;

/// What a decision call reads from its attributes.
#[derive(Debug, Default)]
pub struct CallAttributes {
    pub environment: Option<String>,
    pub location_properties: Option<Value>,
    pub visitor_properties: Option<Value>,
    /// `typeCasting ?? true`.
    pub type_casting: bool,
    pub experience_keys: Vec<String>,
    pub update_visitor_properties: bool,
    /// QA overrides (§12): `forceVariationId`, `enableTracking ?? true`, `ignoreLocationProperties`.
    pub force_variation_id: Option<String>,
    pub enable_tracking: bool,
    pub ignore_location_properties: bool,
}

/// `$attrs[$name]` for an array, `$attrs->$name` for an object; `None` when absent.
pub fn member(attrs: &Zval, name: &str) -> Option<Value> {
    let attrs = attrs.dereference();
    if let Some(arr) = attrs.array() {
        return arr.get(name).map(zval_to_value);
    }
    let obj = attrs.object()?;
    if super::bucketing_attributes::is_exact_instance(obj) {
        if let Ok(props) = obj.get_properties() {
            // declared properties are INDIRECT entries pointing at the slots (UNDEF when unset)
            return Some(props.get(name).map_or(Value::Null, |z| zval_to_value(z.dereference().dereference())));
        }
    }
    Some(zval_to_value(&read_property(obj, name)))
}

impl CallAttributes {
    /// Reads the argument; `Err` when it is neither null, an array nor an object.
    pub fn from_arg(z: Option<&Zval>) -> Result<CallAttributes, ()> {
        let Some(z) = z.map(Zval::dereference).filter(|z| !z.is_null()) else {
            return Ok(CallAttributes { type_casting: true, enable_tracking: true, ..CallAttributes::default() });
        };
        if !z.is_array() && !z.is_object() {
            return Err(());
        }
        let get = |name: &str| member(z, name).filter(|v| !v.is_null());
        Ok(CallAttributes {
            environment: get("environment").map(|v| php_string(&v).into_owned()),
            location_properties: get("locationProperties"),
            visitor_properties: get("visitorProperties"),
            type_casting: get("typeCasting").is_none_or(|v| php_bool(&v)),
            experience_keys: match get("experienceKeys") {
                Some(v) => convert_sdk_engine::merge::string_values(&v),
                None => Vec::new(),
            },
            update_visitor_properties: get("updateVisitorProperties").is_some_and(|v| php_bool(&v)),
            force_variation_id: get("forceVariationId").map(|v| php_string(&v).into_owned()).filter(|s| !s.is_empty()),
            enable_tracking: get("enableTracking").is_none_or(|v| php_bool(&v)),
            ignore_location_properties: get("ignoreLocationProperties").is_some_and(|v| php_bool(&v)),
        })
    }
}
