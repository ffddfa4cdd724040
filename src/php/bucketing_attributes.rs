//! `OpenAPI\Client\BucketingAttributes` (spec §1.5): a plain, mutable class
//! with untyped public properties (default `null`), `getX()`/`setX()` for each
//! (setters return `$this`) and `__construct(array $data = [])`.
//!
//! A standard Zend object (no Rust state), so PHP subclasses, `clone`,
//! `var_dump` and property writes behave as for the PHP SDK's class.

use std::ptr;

use ext_php_rs::args::Arg;
use ext_php_rs::builders::{ClassBuilder, FunctionBuilder};
use ext_php_rs::convert::FromZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::{DataType, MethodFlags, PropertyFlags};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::{ExecuteData, ce};

use super::dtos::read_property;
use super::exceptions::{
    ClassSlot, arg_type_error, call_arg, check_arg_count, coerce_string, engine_class, keep_arg_info, property,
    run_method, type_name,
};

/// The class name (PHP resolves `OpenApi\Client\...` to it too).
pub const CLASS_NAME: &str = "OpenAPI\\Client\\BucketingAttributes";

static CLASS: ClassSlot = ClassSlot::new();

/// Byte offsets of the declared properties (in `PROPS` order) in an object of this class, read
/// from the class's property info at registration.
static SLOTS: std::sync::OnceLock<[u32; PROPS.len()]> = std::sync::OnceLock::new();

/// True for an object of exactly this class (not a subclass): its public properties are plain
/// slots, so callers may read them directly (`slot`) without the engine's read handler.
pub fn is_exact_instance(obj: &ZendObject) -> bool {
    CLASS.get().is_some_and(|c| std::ptr::eq(obj.ce, c))
}

/// The declared property `name` of `obj`, an object of exactly this class (`is_exact_instance`):
/// its slot, dereferenced; `None` for an unknown name or before registration. An unset property
/// reads as null.
pub fn slot(obj: &ZendObject, name: &str) -> Option<Zval> {
    let offsets = SLOTS.get()?;
    let i = prop_index(name)?;
    // SAFETY: `obj` is a live object of the class whose property offsets these are; a slot is a
    // valid zval (UNDEF when unset) for the object's lifetime.
    let z = unsafe { ptr::from_ref(obj).cast::<u8>().add(offsets[i] as usize).cast::<Zval>().as_ref()? };
    let z = z.dereference();
    Some(if z.get_type() == DataType::Undef { Zval::null() } else { z.shallow_clone() })
}

/// Every declared property slot of `obj` (an object of exactly this class), in `PROPS` order, as
/// stored (not dereferenced, UNDEF when unset); `None` before registration.
pub fn raw_slots(obj: &ZendObject) -> Option<[&Zval; PROPS.len()]> {
    let offsets = SLOTS.get()?;
    // SAFETY: as in `slot`: valid zvals for the object's lifetime, which bounds the borrow.
    Some(offsets.map(|o| unsafe { &*ptr::from_ref(obj).cast::<u8>().add(o as usize).cast::<Zval>() }))
}

/// Index of property `name` in `PROPS` (a match: no string search on the hot path).
fn prop_index(name: &str) -> Option<usize> {
    let i = match name {
        "environment" => 0,
        "locationProperties" => 1,
        "visitorProperties" => 2,
        "typeCasting" => 3,
        "experienceKeys" => 4,
        "updateVisitorProperties" => 5,
        "forceVariationId" => 6,
        "enableTracking" => 7,
        "ignoreLocationProperties" => 8,
        _ => return None,
    };
    debug_assert_eq!(PROPS[i].0, name);
    Some(i)
}

/// Reads the property offsets from the registered class.
fn property_offsets(ce: &ext_php_rs::zend::ClassEntry) -> Option<[u32; PROPS.len()]> {
    let mut out = [0u32; PROPS.len()];
    for (i, (name, _)) in PROPS.iter().enumerate() {
        let info = ce.properties_info.get(*name)?;
        // SAFETY: `properties_info` maps names to IS_PTR zvals holding `zend_property_info`.
        let info = unsafe { info.value.ptr.cast::<ext_php_rs::ffi::zend_property_info>().as_ref()? };
        out[i] = info.offset;
    }
    Some(out)
}

/// Nothing to add to the module builder: the class is registered at MINIT by
/// `exceptions::on_startup` (see `register_class`).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
}

/// Nominal type of a property (of its setter parameter and getter result).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Array,
    Bool,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Self::String => DataType::String,
            Self::Array => DataType::Array,
            Self::Bool => DataType::Bool,
        }
    }

    /// `?string` etc., as PHP prints it.
    fn php_name(self) -> &'static str {
        match self {
            Self::String => "?string",
            Self::Array => "?array",
            Self::Bool => "?bool",
        }
    }

    /// Coerces a value to `?kind` like a non-strict PHP call.
    fn coerce(self, value: &Zval) -> Option<Zval> {
        let value = value.dereference();
        let mut z = Zval::new();
        match self {
            _ if value.is_null() => z.set_null(),
            Self::Array => return value.is_array().then(|| value.shallow_clone()),
            Self::String => z.set_string(&coerce_string(value)?, false).ok()?,
            Self::Bool => z.set_bool(coerce_bool(value)?),
        }
        Some(z)
    }
}

/// Non-strict coercion to `bool` (scalars only).
fn coerce_bool(z: &Zval) -> Option<bool> {
    let z = z.dereference();
    (z.is_bool() || z.is_long() || z.is_double() || z.is_string()).then(|| z.coerce_to_bool())
}

/// The properties, in declaration order.
const PROPS: [(&str, Kind); 9] = [
    ("environment", Kind::String),
    ("locationProperties", Kind::Array),
    ("visitorProperties", Kind::Array),
    ("typeCasting", Kind::Bool),
    ("experienceKeys", Kind::Array),
    ("updateVisitorProperties", Kind::Bool),
    ("forceVariationId", Kind::String),
    ("enableTracking", Kind::Bool),
    ("ignoreLocationProperties", Kind::Bool),
];

/// `environment` -> `Environment` (for `getEnvironment` / `setEnvironment`).
fn accessor(prefix: &str, prop: &str) -> String {
    let mut name = String::from(prefix);
    name.push_str(&prop[..1].to_ascii_uppercase());
    name.push_str(&prop[1..]);
    name
}

/// The property a `getX`/`setX` method is about (from the called method's name).
fn prop_of_call(ex: &ExecuteData) -> Option<(&'static str, Kind)> {
    // SAFETY: `common` is valid for every function kind.
    let method = unsafe { ex.function()?.common.function_name.as_ref()? }.as_str().ok()?;
    let suffix = method.get(3..)?;
    PROPS.iter().copied().find(|(name, _)| name.eq_ignore_ascii_case(suffix))
}

fn write(obj: &mut ZendObject, name: &str, value: Zval) -> PhpResult<()> {
    obj.set_property(name, value)?;
    if ext_php_rs::zend::ExecutorGlobals::has_exception() {
        return Err(PhpException::new(format!("cannot write {name}"), 0, ce::error()));
    }
    Ok(())
}

extern "C" fn construct(ex: &mut ExecuteData, _: &mut Zval) {
    run_method(|| {
        let func = format!("{CLASS_NAME}::__construct");
        let data = call_arg(ex, 0).map(Zval::shallow_clone);
        let data = match &data {
            None => None,
            Some(d) if d.is_array() => d.array(),
            Some(d) => return Err(arg_type_error(&func, 1, "data", "array", d)),
        };
        let values: Vec<Zval> = PROPS
            .iter()
            .map(|(name, _)| data.and_then(|d| d.get(*name)).map_or_else(Zval::null, |v| v.dereference().shallow_clone()))
            .collect();
        let this = ex.get_self().ok_or("__construct called without an object")?;
        for ((name, _), value) in PROPS.iter().zip(values) {
            write(this, name, value)?;
        }
        Ok(())
    });
}

extern "C" fn getter(ex: &mut ExecuteData, retval: &mut Zval) {
    run_method(|| {
        let (name, kind) = prop_of_call(ex).ok_or("unknown accessor")?;
        let this = ex.get_self().ok_or("getter called without an object")?;
        let value = read_property(this, name);
        *retval = kind.coerce(&value).ok_or_else(|| {
            let message = format!(
                "{CLASS_NAME}::{}(): Return value must be of type {}, {} returned",
                accessor("get", name),
                kind.php_name(),
                type_name(&value)
            );
            PhpException::new(message, 0, ce::type_error())
        })?;
        Ok(())
    });
}

extern "C" fn setter(ex: &mut ExecuteData, retval: &mut Zval) {
    run_method(|| {
        let (name, kind) = prop_of_call(ex).ok_or("unknown accessor")?;
        let func = format!("{CLASS_NAME}::{}", accessor("set", name));
        check_arg_count(ex, &func, 1)?;
        let arg = call_arg(ex, 0).map_or_else(Zval::null, Zval::shallow_clone);
        let value = kind.coerce(&arg).ok_or_else(|| arg_type_error(&func, 1, name, kind.php_name(), &arg))?;
        let this = ex.get_self().ok_or("setter called without an object")?;
        write(this, name, value)?;
        retval.set_object(this);
        Ok(())
    });
}

/// Registers the class (called at MINIT).
pub(crate) fn register_class() -> Result<(), String> {
    let ctor = FunctionBuilder::constructor(construct)
        .arg(Arg::new("data", DataType::Array).default("[]"))
        .required_args(0);
    let mut builder = ClassBuilder::new(CLASS_NAME).method(ctor, MethodFlags::Public);
    for (name, kind) in PROPS {
        let get = FunctionBuilder::new(accessor("get", name), getter).returns(kind.data_type(), false, true);
        let set = FunctionBuilder::new(accessor("set", name), setter)
            .arg(Arg::new(name, kind.data_type()).allow_null())
            .returns(DataType::object("self"), false, false);
        builder = builder
            .property(property(name, PropertyFlags::Public, Zval::null))
            .method(get, MethodFlags::Public)
            .method(set, MethodFlags::Public);
    }
    builder
        .registration(keep_arg_info)
        .register()
        .map_err(|e| format!("{CLASS_NAME}: {e}"))?;
    CLASS.set(engine_class(CLASS_NAME)?);
    if let Some(offsets) = CLASS.get().and_then(property_offsets) {
        let _ = SLOTS.set(offsets);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Rust view
// ---------------------------------------------------------------------------

/// The current values of a `BucketingAttributes` object or of an array with
/// the same keys, coerced like the PHP getters (a value that does not fit its
/// type reads as `None`).
pub struct BucketingAttributes {
    values: Vec<Option<Zval>>,
}

impl BucketingAttributes {
    /// Reads an instance (or subclass instance) or an array; `None` otherwise.
    pub fn snapshot(z: &Zval) -> Option<Self> {
        let z = z.dereference();
        let raw: Vec<Zval> = if let Some(arr) = z.array() {
            PROPS.iter().map(|(n, _)| arr.get(*n).map_or_else(Zval::null, |v| v.dereference().shallow_clone())).collect()
        } else {
            let obj = z.object().filter(|o| CLASS.get().is_some_and(|c| o.instance_of(c)))?;
            PROPS.iter().map(|(n, _)| read_property(obj, n)).collect()
        };
        let values = raw.iter().zip(PROPS).map(|(v, (_, kind))| kind.coerce(v).filter(|c| !c.is_null())).collect();
        Some(Self { values })
    }

    fn value(&self, name: &str) -> Option<&Zval> {
        let i = prop_index(name)?;
        self.values[i].as_ref()
    }

    pub fn environment(&self) -> Option<&str> {
        self.value("environment")?.str()
    }

    pub fn location_properties(&self) -> Option<&ZendHashTable> {
        self.value("locationProperties")?.array()
    }

    pub fn visitor_properties(&self) -> Option<&ZendHashTable> {
        self.value("visitorProperties")?.array()
    }

    pub fn type_casting(&self) -> Option<bool> {
        self.value("typeCasting")?.bool()
    }

    pub fn experience_keys(&self) -> Option<&ZendHashTable> {
        self.value("experienceKeys")?.array()
    }

    pub fn update_visitor_properties(&self) -> Option<bool> {
        self.value("updateVisitorProperties")?.bool()
    }

    pub fn force_variation_id(&self) -> Option<&str> {
        self.value("forceVariationId")?.str()
    }

    pub fn enable_tracking(&self) -> Option<bool> {
        self.value("enableTracking")?.bool()
    }

    pub fn ignore_location_properties(&self) -> Option<bool> {
        self.value("ignoreLocationProperties")?.bool()
    }
}

impl FromZval<'_> for BucketingAttributes {
    const TYPE: DataType = DataType::object(CLASS_NAME);

    fn from_zval(zval: &Zval) -> Option<Self> {
        Self::snapshot(zval)
    }
}
