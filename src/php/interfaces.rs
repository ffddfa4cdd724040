//! `ConvertSdk\Interfaces\CoreInterface` and `ContextInterface` (spec §1.1,
//! §1.3, §1.4.2).
//!
//! Declared by hand so that every parameter has the PHP SDK's name, type and
//! default. A class implementing them may take wider parameter types (`mixed`)
//! and must return the declared type or a subtype; `trackConversion` declares
//! no return type (`RuleError|bool|null` cannot be expressed by ext-php-rs).
//! Rust classes use `#[php(implements(PhpInterfaceCoreInterface))]`.

use ext_php_rs::args::Arg;
use ext_php_rs::builders::FunctionBuilder;
use ext_php_rs::class::{ClassEntryInfo, ClassMetadata, ConstructorMeta, RegisteredClass};
use ext_php_rs::convert::{IntoZval, IntoZvalDyn};
use ext_php_rs::describe::DocComments;
use ext_php_rs::flags::{ClassFlags, ConstantFlags, DataType, MethodFlags};
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

/// Registers both interfaces (before any `#[php_class]`).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.interface::<PhpInterfaceCoreInterface>().interface::<PhpInterfaceContextInterface>()
}

/// An already-built PHP array returned as `array` (`?array` inside an
/// `Option`): the return type the interfaces declare, where a `Zval` return
/// would declare `mixed`. A non-array value is returned as `[]`.
pub struct ArrayZval(pub Zval);

impl IntoZval for ArrayZval {
    const TYPE: DataType = DataType::Array;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        *zv = if self.0.is_array() { self.0 } else { Zval::new_array() };
        Ok(())
    }
}

const BUCKETING_ATTRIBUTES: &str = "OpenAPI\\Client\\BucketingAttributes";
const CONVERSION_ATTRIBUTES: &str = "ConvertSdk\\DTO\\ConversionAttributes";

/// One parameter: name, type, nullable, default (PHP source text).
type Param = (&'static str, DataType, bool, Option<&'static str>);

/// Return type of a method: `None` = undeclared.
type Return = Option<(DataType, bool)>;

fn method(name: &str, params: &[Param], ret: Return) -> (FunctionBuilder<'static>, MethodFlags) {
    let mut f = FunctionBuilder::new_abstract(name);
    for &(pname, ty, nullable, default) in params {
        let mut arg = Arg::new(pname, ty);
        if nullable {
            arg = arg.allow_null();
        }
        if let Some(d) = default {
            arg = arg.default(d);
        }
        f = f.arg(arg);
    }
    f = f.required_args(params.iter().take_while(|p| p.3.is_none()).count());
    if let Some((ty, nullable)) = ret {
        f = f.returns(ty, false, nullable);
    }
    (f, MethodFlags::from_bits_retain(MethodFlags::Public.bits() | MethodFlags::Abstract.bits()))
}

const STRING: DataType = DataType::String;
const ARRAY: DataType = DataType::Array;
const BOOL: DataType = DataType::Bool;
const VOID: DataType = DataType::Void;
const ATTRS: Param = ("attributes", DataType::object(BUCKETING_ATTRIBUTES), true, Some("null"));

/// Implements `RegisteredClass` for an interface marker whose methods come
/// from `$methods`.
macro_rules! php_interface_marker {
    ($marker:ident, $name:literal, $methods:path) => {
        #[doc = concat!("The `", $name, "` interface (for `#[php(implements(..))]`).")]
        pub struct $marker;

        impl RegisteredClass for $marker {
            const CLASS_NAME: &'static str = $name;
            const BUILDER_MODIFIER: Option<fn(ext_php_rs::builders::ClassBuilder) -> ext_php_rs::builders::ClassBuilder> =
                None;
            const EXTENDS: Option<ClassEntryInfo> = None;
            const IMPLEMENTS: &'static [ClassEntryInfo] = &[];
            const FLAGS: ClassFlags = ClassFlags::Interface;

            fn get_metadata() -> &'static ClassMetadata<Self> {
                static METADATA: ClassMetadata<$marker> = ClassMetadata::new(&[]);
                &METADATA
            }

            fn method_builders() -> Vec<(FunctionBuilder<'static>, MethodFlags)> {
                $methods()
            }

            fn constructor() -> Option<ConstructorMeta<Self>> {
                None
            }

            fn constants() -> &'static [(&'static str, &'static dyn IntoZvalDyn, DocComments, ConstantFlags)] {
                &[]
            }
        }
    };
}

php_interface_marker!(PhpInterfaceCoreInterface, "ConvertSdk\\Interfaces\\CoreInterface", core_methods);
php_interface_marker!(PhpInterfaceContextInterface, "ConvertSdk\\Interfaces\\ContextInterface", context_methods);

fn core_methods() -> Vec<(FunctionBuilder<'static>, MethodFlags)> {
    let context = DataType::object("ConvertSdk\\Interfaces\\ContextInterface");
    vec![
        method(
            "createContext",
            &[("visitorId", STRING, false, None), ("visitorAttributes", ARRAY, true, Some("null"))],
            Some((context, true)),
        ),
        method("on", &[("event", STRING, false, None), ("fn", DataType::Callable, false, None)], Some((VOID, false))),
        method("isReady", &[], Some((BOOL, false))),
        method("onReady", &[], Some((BOOL, false))),
        method("flush", &[], Some((VOID, false))),
    ]
}

fn context_methods() -> Vec<(FunctionBuilder<'static>, MethodFlags)> {
    let variation = DataType::object("ConvertSdk\\DTO\\BucketedVariation");
    let feature = DataType::object("ConvertSdk\\DTO\\BucketedFeature");
    let conversion = ("attributes", DataType::object(CONVERSION_ATTRIBUTES), true, Some("null"));
    let segments = [("segmentKeys", ARRAY, false, None), ("attributes", ARRAY, true, Some("null"))];
    let entity = |first| [(first, STRING, false, None), ("entityType", STRING, false, None)];
    vec![
        method("runExperience", &[("experienceKey", STRING, false, None), ATTRS], Some((variation, true))),
        method("runExperiences", &[ATTRS], Some((ARRAY, false))),
        method("runFeature", &[("key", STRING, false, None), ATTRS], Some((feature, true))),
        method("runFeatures", &[ATTRS], Some((ARRAY, false))),
        method("trackConversion", &[("goalKey", STRING, false, None), conversion], None),
        method("setDefaultSegments", &[("segments", ARRAY, false, None)], Some((VOID, false))),
        method("runCustomSegments", &segments, Some((ARRAY, true))),
        method("setCustomSegments", &segments, Some((ARRAY, true))),
        method(
            "updateVisitorProperties",
            &[("visitorId", STRING, false, None), ("visitorProperties", ARRAY, false, None)],
            Some((VOID, false)),
        ),
        method("getConfigEntity", &entity("key"), Some((ARRAY, true))),
        method("getConfigEntityById", &entity("id"), Some((ARRAY, true))),
        method("getVisitorData", &[], Some((ARRAY, false))),
        method("releaseQueues", &[("reason", STRING, true, Some("null"))], Some((VOID, false))),
        method("setAttribute", &[("key", STRING, false, None), ("value", DataType::Mixed, false, None)], Some((VOID, false))),
        method("setAttributes", &[("attributes", ARRAY, false, None)], Some((VOID, false))),
        method("getAttributes", &[], Some((ARRAY, false))),
        method("getVisitorId", &[], Some((STRING, false))),
    ]
}
