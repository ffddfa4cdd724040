//! The `$attributes` argument of the `run*` methods: an `OpenAPI\Client\BucketingAttributes`
//! object or a plain array with the same keys (spec §1.5).

use std::cell::RefCell;
use std::rc::Rc;

use convert_sdk_engine::value::{php_bool, php_string};
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::Value;

use super::bucketing_attributes;
use super::convert::zval_to_value;
use super::dtos::read_property;

/// What a decision call reads from its attributes.
#[derive(Debug, Default, Clone)]
pub struct CallAttributes {
    pub environment: Option<String>,
    pub location_properties: Option<Rc<Value>>,
    pub visitor_properties: Option<Rc<Value>>,
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
    member_zval(attrs, name).map(|z| zval_to_value(&z))
}

/// The member itself (a counted copy of the zval).
fn member_zval(attrs: &Zval, name: &str) -> Option<Zval> {
    let attrs = attrs.dereference();
    if let Some(arr) = attrs.array() {
        return arr.get(name).map(|z| z.dereference().shallow_clone());
    }
    let obj = attrs.object()?;
    if super::bucketing_attributes::is_exact_instance(obj) {
        if let Some(z) = super::bucketing_attributes::slot(obj, name) {
            return Some(z);
        }
    }
    Some(read_property(obj, name))
}

/// The engine values of the last few property arrays the Contexts of an SDK instance were given, by
/// array identity. Each array is held (a counted reference), so PHP separates it on any write and a
/// cached array never changes under its pointer: passing the same attributes again costs no
/// conversion.
#[derive(Default)]
pub struct ConvertedArrays {
    entries: RefCell<Vec<(Zval, Rc<Value>)>>,
    /// The property values of the last `BucketingAttributes` read (held) and what they gave.
    last_object: RefCell<Option<(Vec<Zval>, Rc<CallAttributes>)>>,
}

/// True when two property values are the same value by identity: same type, and the same scalar
/// bits or the same string or array. Held, a string or array cannot change in place (PHP separates
/// values with more than one reference), so identity means equal content.
fn identical(a: &Zval, b: &Zval) -> bool {
    // SAFETY: reading the type word and the 8-byte value union of live zvals.
    unsafe { a.u1.type_info == b.u1.type_info && (a.u1.type_info & 0xff < 4 || a.value.lval == b.value.lval) }
}

/// A property value whose identity pins its content: a scalar, a string, or a plain array.
fn pins_content(z: &Zval) -> bool {
    !z.is_reference() && !z.is_object() && !z.is_resource() && (!z.is_array() || is_plain(z, 0))
}

/// True when the array holds only values (no references, no objects) at every depth: such an array,
/// while held, cannot change without PHP separating it into a new array.
fn is_plain(z: &Zval, depth: usize) -> bool {
    let Some(arr) = z.array() else { return !z.is_reference() && !z.is_object() };
    depth < 64 && arr.values().all(|v| is_plain(v, depth + 1))
}

/// Most arrays kept (location and visitor properties of a couple of call sites).
const CONVERTED_ARRAYS: usize = 4;

impl ConvertedArrays {
    fn value_of(&self, z: Zval) -> Rc<Value> {
        let Some(ptr) = z.array().map(std::ptr::from_ref::<ZendHashTable>) else {
            return Rc::new(zval_to_value(&z));
        };
        let same = |held: &Zval| held.array().is_some_and(|a| std::ptr::eq(a, ptr));
        if let Some((_, v)) = self.entries.borrow().iter().find(|(held, _)| same(held)) {
            return v.clone();
        }
        let value = Rc::new(zval_to_value(&z));
        if !is_plain(&z, 0) {
            return value; // a reference or an object inside can change without a new array
        }
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= CONVERTED_ARRAYS {
            entries.remove(0);
        }
        entries.push((z, value.clone()));
        value
    }

    /// What the last object with identical property values gave (`identical`).
    fn same_object(&self, slots: &[&Zval]) -> Option<Rc<CallAttributes>> {
        let last = self.last_object.borrow();
        let (held, attrs) = last.as_ref()?;
        held.iter().zip(slots).all(|(h, s)| identical(h, s)).then(|| attrs.clone())
    }

    /// Remembers an object's property values (when each pins its content) and what they gave.
    fn remember_object(&self, slots: &[&Zval], attrs: &Rc<CallAttributes>) {
        let remembered = slots.iter().all(|z| pins_content(z)).then(|| {
            (slots.iter().map(|z| z.shallow_clone()).collect(), attrs.clone())
        });
        *self.last_object.borrow_mut() = remembered;
    }

    /// Reports the held arrays to the cycle collector (skipped while borrowed: reporting less is safe).
    pub fn report_zvals(&self, gc: &mut super::gc::GcBuffer) {
        if let Ok(entries) = self.entries.try_borrow() {
            for (z, _) in entries.iter() {
                gc.add(z);
            }
        }
        if let Ok(last) = self.last_object.try_borrow() {
            for z in last.iter().flat_map(|(held, _)| held) {
                gc.add(z);
            }
        }
    }
}

impl CallAttributes {
    /// Reads the argument; `Err` when it is neither null, an array nor an object.
    pub fn from_arg(z: Option<&Zval>, arrays: &ConvertedArrays) -> Result<Rc<CallAttributes>, ()> {
        thread_local! {
            /// What a call without attributes gets.
            static NONE: Rc<CallAttributes> =
                Rc::new(CallAttributes { type_casting: true, enable_tracking: true, ..CallAttributes::default() });
        }
        let Some(z) = z.map(Zval::dereference).filter(|z| !z.is_null()) else {
            return Ok(NONE.with(Rc::clone));
        };
        if !z.is_array() && !z.is_object() {
            return Err(());
        }
        // A BucketingAttributes object whose property values are the ones of the last call (the
        // same object again, or a new one built from the same values) reads the same.
        let slots = z.object().filter(|o| bucketing_attributes::is_exact_instance(o)).and_then(bucketing_attributes::raw_slots);
        if let Some(slots) = &slots {
            if let Some(attrs) = arrays.same_object(slots) {
                return Ok(attrs);
            }
        }
        let attrs = Rc::new(Self::read(z, arrays));
        if let Some(slots) = &slots {
            arrays.remember_object(slots, &attrs);
        }
        Ok(attrs)
    }

    fn read(z: &Zval, arrays: &ConvertedArrays) -> CallAttributes {
        let get = |name: &str| member(z, name).filter(|v| !v.is_null());
        let properties = |name: &str| member_zval(z, name).filter(|v| !v.is_null()).map(|v| arrays.value_of(v));
        CallAttributes {
            environment: get("environment").map(|v| php_string(&v).into_owned()),
            location_properties: properties("locationProperties"),
            visitor_properties: properties("visitorProperties"),
            type_casting: get("typeCasting").is_none_or(|v| php_bool(&v)),
            experience_keys: match get("experienceKeys") {
                Some(v) => convert_sdk_engine::merge::string_values(&v),
                None => Vec::new(),
            },
            update_visitor_properties: get("updateVisitorProperties").is_some_and(|v| php_bool(&v)),
            force_variation_id: get("forceVariationId").map(|v| php_string(&v).into_owned()).filter(|s| !s.is_empty()),
            enable_tracking: get("enableTracking").is_none_or(|v| php_bool(&v)),
            ignore_location_properties: get("ignoreLocationProperties").is_some_and(|v| php_bool(&v)),
        }
    }
}
