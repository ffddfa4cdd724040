//! `ConvertSdk\DTO\*` (spec §1.6): final readonly classes with typed public
//! readonly properties, built by hand so that the engine itself enforces
//! `readonly` ("Cannot modify readonly property ...") and `json_encode`,
//! `var_dump`, `clone` and `==` behave as for the PHP SDK's classes.
//!
//! Rust builds the output DTOs (`BucketedVariation`, `BucketedFeature`, via
//! `IntoZval`) and reads the input DTOs (`ConversionAttributes`, `GoalData`,
//! via `FromZval`); PHP constructs any of them with (named) arguments.

use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::{FromZval, IntoZval};
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi;
use ext_php_rs::flags::{ClassFlags, DataType, MethodFlags, PropertyFlags};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::{ClassEntry, ExecuteData, ce};

use super::enums::{FeatureStatus, GoalDataKey};
use super::exceptions::{
    ClassSlot, arg_type_error, call_arg, check_arg_count, coerce_string, engine_class, keep_arg_info, may_be,
    property_info, property_slot, run_method, set_declared_type, zend_type,
};

/// Nothing to add to the module builder: the DTO classes are registered at
/// MINIT by `exceptions::on_startup` (see `register_dtos`).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
}

// ---------------------------------------------------------------------------
// Class descriptions
// ---------------------------------------------------------------------------

/// Declared type of a DTO property (and of its constructor parameter).
#[derive(Clone, Copy)]
enum PropType {
    String,
    Array,
    NullableArray,
    /// An object of the named class or enum.
    Class(&'static str),
    /// `int|float|string`
    Scalar,
}

impl PropType {
    /// The type as PHP spells it in error messages.
    fn php_name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Array => "array",
            Self::NullableArray => "?array",
            Self::Class(name) => name,
            Self::Scalar => "string|int|float",
        }
    }

    /// Arginfo type of the constructor parameter.
    fn arg(self, name: &str) -> ext_php_rs::args::Arg<'static> {
        use ext_php_rs::args::Arg;
        match self {
            Self::String => Arg::new(name, DataType::String),
            Self::Array => Arg::new(name, DataType::Array),
            Self::NullableArray => Arg::new(name, DataType::Array).allow_null().default("null"),
            Self::Class(class) => Arg::new(name, DataType::object(class)),
            Self::Scalar => Arg::new(name, DataType::Mixed),
        }
    }

    /// `zend_type` of the property (`_ZEND_TYPE_NAME_BIT` + name for classes).
    fn zend_type(self) -> ffi::zend_type {
        match self {
            Self::String => zend_type(None, may_be(ffi::IS_STRING)),
            Self::Array => zend_type(None, may_be(ffi::IS_ARRAY)),
            Self::NullableArray => zend_type(None, may_be(ffi::IS_ARRAY) | may_be(ffi::IS_NULL)),
            Self::Class(name) => zend_type(Some(name), 0),
            Self::Scalar => zend_type(None, may_be(ffi::IS_LONG) | may_be(ffi::IS_DOUBLE) | may_be(ffi::IS_STRING)),
        }
    }

    /// Checks a constructor argument (non-strict scalar coercion like a PHP
    /// call); `None` when it does not fit the type.
    fn accept(self, value: &Zval) -> Option<Zval> {
        let value = value.dereference();
        match self {
            Self::String => {
                let mut z = Zval::new();
                z.set_string(&coerce_string(value)?, false).ok()?;
                Some(z)
            }
            Self::Array => value.is_array().then(|| value.shallow_clone()),
            Self::NullableArray => (value.is_array() || value.is_null()).then(|| value.shallow_clone()),
            Self::Class(name) => {
                let class = ClassEntry::try_find(name)?;
                value.object().filter(|o| o.instance_of(class)).map(|_| value.shallow_clone())
            }
            Self::Scalar if value.is_bool() => {
                let mut z = Zval::new();
                z.set_long(i64::from(value.bool()?));
                Some(z)
            }
            Self::Scalar => (value.is_long() || value.is_double() || value.is_string()).then(|| value.shallow_clone()),
        }
    }

    fn optional(self) -> bool {
        matches!(self, Self::NullableArray)
    }
}

/// A DTO class: name, constructor parameters (= properties, in order) and,
/// once registered, its class entry and property offsets.
struct Dto {
    name: &'static str,
    props: &'static [(&'static str, PropType)],
    class: ClassSlot,
    offsets: [AtomicU32; 5],
}

impl Dto {
    const fn new(name: &'static str, props: &'static [(&'static str, PropType)]) -> Self {
        assert!(props.len() <= 5, "one offset slot per property");
        Self { name, props, class: ClassSlot::new(), offsets: [const { AtomicU32::new(0) }; 5] }
    }

    fn class(&self) -> ext_php_rs::error::Result<&'static ClassEntry> {
        self.class.get().ok_or(ext_php_rs::error::Error::InvalidPointer)
    }

    /// Property slot `i` of `obj` (an instance of this final class); write only through a
    /// pointer obtained from `&mut ZendObject`.
    fn slot(&self, obj: *mut ZendObject, i: usize) -> *mut Zval {
        // SAFETY: the offset was read from this class's property info at MINIT.
        unsafe { property_slot(obj, self.offsets[i].load(Ordering::Acquire)) }
    }

    /// Initialises readonly property `i`; fails like PHP when it is already set.
    fn init(&self, obj: &mut ZendObject, i: usize, value: Zval) -> PhpResult<()> {
        let slot = self.slot(ptr::from_mut(obj), i);
        // SAFETY: `slot` points into `obj`'s property table.
        unsafe {
            if !is_undef(&*slot) {
                let message = format!("Cannot modify readonly property {}::${}", self.name, self.props[i].0);
                return Err(PhpException::new(message, 0, ce::error()));
            }
            ptr::write(slot, value);
        }
        Ok(())
    }

    /// Builds an instance from Rust values (in property order).
    fn build(&self, values: Vec<Zval>, zv: &mut Zval) -> ext_php_rs::error::Result<()> {
        let mut obj = self.class()?.new();
        for (i, value) in values.into_iter().enumerate() {
            self.init(&mut obj, i, value).map_err(|_| ext_php_rs::error::Error::InvalidScope)?;
        }
        obj.set_zval(zv, false)
    }

    /// `z` as an instance of this class.
    fn instance<'a>(&self, z: &'a Zval) -> Option<&'a ZendObject> {
        let class = self.class().ok()?;
        z.dereference().object().filter(|o| o.instance_of(class))
    }

    /// Current value of property `i` of an instance (`None` when uninitialised).
    fn read<'a>(&self, obj: &'a ZendObject, i: usize) -> Option<&'a Zval> {
        // SAFETY: `obj` is an instance, so the slot is inside its property table.
        let value = unsafe { &*self.slot(ptr::from_ref(obj).cast_mut(), i) };
        (!is_undef(value)).then_some(value)
    }

    /// `__construct(...)`: validates and stores each argument.
    fn construct(&self, ex: &mut ExecuteData) -> PhpResult<()> {
        let func = format!("{}::__construct", self.name);
        let required = self.props.iter().filter(|(_, t)| !t.optional()).count();
        check_arg_count(ex, &func, required)?;
        let mut values = Vec::with_capacity(self.props.len());
        for (i, (name, ty)) in self.props.iter().enumerate() {
            let arg = call_arg(ex, i).map_or_else(Zval::null, Zval::shallow_clone);
            let value = ty.accept(&arg).ok_or_else(|| arg_type_error(&func, i + 1, name, ty.php_name(), &arg))?;
            values.push(value);
        }
        let this = ex.get_self().ok_or("__construct called without an object")?;
        for (i, value) in values.into_iter().enumerate() {
            self.init(this, i, value)?;
        }
        Ok(())
    }

    /// Registers the class (MINIT).
    fn register(&'static self, ctor: extern "C" fn(&mut ExecuteData, &mut Zval)) -> Result<(), String> {
        let required = self.props.iter().filter(|(_, t)| !t.optional()).count();
        let ctor = self
            .props
            .iter()
            .fold(FunctionBuilder::constructor(ctor), |f, (name, ty)| f.arg(ty.arg(name)))
            .required_args(required);
        let flags = ClassFlags::Final.bits() | ClassFlags::ReadonlyClass.bits() | ClassFlags::NoDynamicProperties.bits();
        let builder = self.props.iter().fold(
            ClassBuilder::new(self.name)
                .flags(ClassFlags::from_bits_retain(flags))
                .method(ctor, MethodFlags::Public)
                .registration(keep_arg_info),
            |b, (name, _)| b.property(readonly_property(name)),
        );
        builder.register().map_err(|e| format!("{}: {e}", self.name))?;
        let ce = engine_class(self.name)?;
        for (i, (name, ty)) in self.props.iter().enumerate() {
            let info = property_info(ce, name).ok_or_else(|| format!("{}::${name} missing", self.name))?;
            info.type_ = ty.zend_type();
            self.offsets[i].store(info.offset, Ordering::Release);
        }
        ce.ce_flags |= ffi::ZEND_ACC_HAS_TYPE_HINTS;
        // ext-php-rs declares `int|float|string` parameters as `mixed`.
        for (i, (_, ty)) in self.props.iter().enumerate() {
            if matches!(ty, PropType::Scalar) {
                set_declared_type(ce, "__construct", Some(i), ty.zend_type())?;
            }
        }
        self.class.set(ce);
        Ok(())
    }
}

/// `ZEND_ACC_READONLY` (property flag, PHP 8.1+).
const ZEND_ACC_READONLY: u32 = 1 << 7;

/// A public readonly property without default (uninitialised until set).
fn readonly_property(name: &str) -> ClassProperty {
    ClassProperty {
        name: name.into(),
        flags: PropertyFlags::from_bits_retain(PropertyFlags::Public.bits() | ZEND_ACC_READONLY),
        default: Some(Box::new(|| Ok(undef()))),
        docs: &[],
        ty: None,
        nullable: false,
        readonly: true,
        default_stub: None,
    }
}

/// Whether a property slot is uninitialised.
fn is_undef(z: &Zval) -> bool {
    // SAFETY: `type_info` is always the active member of `u1`.
    unsafe { z.u1.type_info & 0xff == ffi::IS_UNDEF }
}

/// An `IS_UNDEF` zval: the default of a typed property without default.
fn undef() -> Zval {
    let mut z = Zval::new();
    z.u1.type_info = ffi::IS_UNDEF;
    z
}

/// Registers the four DTO classes (called at MINIT).
pub(crate) fn register_dtos() -> Result<(), String> {
    BUCKETED_VARIATION.register(bucketed_variation_ctor)?;
    BUCKETED_FEATURE.register(bucketed_feature_ctor)?;
    CONVERSION_ATTRIBUTES.register(conversion_attributes_ctor)?;
    GOAL_DATA.register(goal_data_ctor)
}

static BUCKETED_VARIATION: Dto = Dto::new(
    "ConvertSdk\\DTO\\BucketedVariation",
    &[
        ("experienceId", PropType::String),
        ("experienceKey", PropType::String),
        ("variationId", PropType::String),
        ("variationKey", PropType::String),
        ("changes", PropType::Array),
    ],
);

static BUCKETED_FEATURE: Dto = Dto::new(
    "ConvertSdk\\DTO\\BucketedFeature",
    &[
        ("featureId", PropType::String),
        ("featureKey", PropType::String),
        ("status", PropType::Class("ConvertSdk\\Enums\\FeatureStatus")),
        ("variables", PropType::Array),
    ],
);

static CONVERSION_ATTRIBUTES: Dto = Dto::new(
    "ConvertSdk\\DTO\\ConversionAttributes",
    &[
        ("ruleData", PropType::NullableArray),
        ("conversionData", PropType::NullableArray),
        ("conversionSetting", PropType::NullableArray),
    ],
);

static GOAL_DATA: Dto = Dto::new(
    "ConvertSdk\\DTO\\GoalData",
    &[("key", PropType::Class("ConvertSdk\\Enums\\GoalDataKey")), ("value", PropType::Scalar)],
);

extern "C" fn bucketed_variation_ctor(ex: &mut ExecuteData, _: &mut Zval) {
    run_method(|| BUCKETED_VARIATION.construct(ex));
}

extern "C" fn bucketed_feature_ctor(ex: &mut ExecuteData, _: &mut Zval) {
    run_method(|| BUCKETED_FEATURE.construct(ex));
}

extern "C" fn conversion_attributes_ctor(ex: &mut ExecuteData, _: &mut Zval) {
    run_method(|| CONVERSION_ATTRIBUTES.construct(ex));
}

extern "C" fn goal_data_ctor(ex: &mut ExecuteData, _: &mut Zval) {
    run_method(|| GOAL_DATA.construct(ex));
}

/// `$obj->$name` for reading only (`null` when missing), safe on readonly
/// properties. (`ZendObject::get_property` fetches for write and makes the
/// engine throw "Cannot modify readonly property".)
pub fn read_property(obj: &ZendObject, name: &str) -> Zval {
    let mut rv = Zval::new();
    // SAFETY: `obj` is live; a silent read (BP_VAR_R) returns `rv`, a property
    // slot or the engine's null zval, all valid until the next engine call.
    unsafe {
        let obj = ptr::from_ref(obj).cast_mut();
        let value = ffi::zend_read_property((*obj).ce, obj, name.as_ptr().cast(), name.len(), true, &mut rv);
        value.as_ref().map_or_else(Zval::null, |v| v.dereference().shallow_clone())
    }
}

fn string_zval(s: &str) -> ext_php_rs::error::Result<Zval> {
    let mut z = Zval::new();
    z.set_string(s, false)?;
    Ok(z)
}

/// An array zval: `value` if it is an array, else `[]`.
fn array_or_empty(value: Zval) -> Zval {
    if value.is_array() { value } else { Zval::new_array() }
}

// ---------------------------------------------------------------------------
// Output DTOs
// ---------------------------------------------------------------------------

/// `ConvertSdk\DTO\BucketedVariation`, built from Rust.
pub struct BucketedVariation {
    /// PHP strings (shared from the config, `changes_cache::served_variation`).
    pub experience_id: Zval,
    pub experience_key: Zval,
    pub variation_id: Zval,
    pub variation_key: Zval,
    /// `variation.changes` as a PHP array (anything else becomes `[]`).
    pub changes: Zval,
}

impl IntoZval for BucketedVariation {
    const TYPE: DataType = DataType::object("ConvertSdk\\DTO\\BucketedVariation");
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        let values = vec![self.experience_id, self.experience_key, self.variation_id, self.variation_key, array_or_empty(self.changes)];
        BUCKETED_VARIATION.build(values, zv)
    }
}

/// `ConvertSdk\DTO\BucketedFeature`, built from Rust.
pub struct BucketedFeature {
    pub feature_id: String,
    pub feature_key: String,
    pub status: FeatureStatus,
    /// Variable name => value as a PHP array (anything else becomes `[]`).
    pub variables: Zval,
}

impl IntoZval for BucketedFeature {
    const TYPE: DataType = DataType::object("ConvertSdk\\DTO\\BucketedFeature");
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        let values = vec![
            string_zval(&self.feature_id)?,
            string_zval(&self.feature_key)?,
            self.status.into_zval(false)?,
            array_or_empty(self.variables),
        ];
        BUCKETED_FEATURE.build(values, zv)
    }
}

// ---------------------------------------------------------------------------
// Input DTOs
// ---------------------------------------------------------------------------

/// The properties of a `ConvertSdk\DTO\ConversionAttributes` argument.
pub struct ConversionAttributes {
    rule_data: Option<Zval>,
    conversion_data: Option<Zval>,
    conversion_setting: Option<Zval>,
}

impl ConversionAttributes {
    /// `ruleData` (null → `None`).
    pub fn rule_data(&self) -> Option<&ZendHashTable> {
        self.rule_data.as_ref().and_then(Zval::array)
    }

    /// `conversionData`: a list of `GoalData` objects or `['key' => .., 'value' => ..]` arrays.
    pub fn conversion_data(&self) -> Option<&ZendHashTable> {
        self.conversion_data.as_ref().and_then(Zval::array)
    }

    /// `conversionSetting`, e.g. `['forceMultipleTransactions' => true]`.
    pub fn conversion_setting(&self) -> Option<&ZendHashTable> {
        self.conversion_setting.as_ref().and_then(Zval::array)
    }
}

impl FromZval<'_> for ConversionAttributes {
    const TYPE: DataType = DataType::object("ConvertSdk\\DTO\\ConversionAttributes");

    fn from_zval(zval: &Zval) -> Option<Self> {
        let obj = CONVERSION_ATTRIBUTES.instance(zval)?;
        let field = |i| CONVERSION_ATTRIBUTES.read(obj, i).filter(|z| z.is_array()).map(Zval::shallow_clone);
        Some(Self { rule_data: field(0), conversion_data: field(1), conversion_setting: field(2) })
    }
}

/// The properties of a `ConvertSdk\DTO\GoalData` object.
pub struct GoalData {
    key: GoalDataKey,
    value: Zval,
}

impl GoalData {
    pub fn key(&self) -> GoalDataKey {
        self.key
    }

    /// `int|float|string`
    pub fn value(&self) -> &Zval {
        &self.value
    }
}

impl FromZval<'_> for GoalData {
    const TYPE: DataType = DataType::object("ConvertSdk\\DTO\\GoalData");

    fn from_zval(zval: &Zval) -> Option<Self> {
        let obj = GOAL_DATA.instance(zval)?;
        let key = GoalDataKey::from_zval(GOAL_DATA.read(obj, 0)?)?;
        Some(Self { key, value: GOAL_DATA.read(obj, 1)?.shallow_clone() })
    }
}
