//! `ConvertSdk\Exception\*` (spec §1.8) and the MINIT hook that registers every
//! hand-built class of `src/php/`.
//!
//! The exceptions are plain Zend classes (standard object handlers, no Rust
//! struct): the engine sets file, line and trace, and PHP code can `new` and
//! extend them like any userland exception.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use ext_php_rs::args::{Arg, ArgInfoTables};
use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::error::php_error;
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi::{self, zend_call_known_function};
use ext_php_rs::flags::{DataType, ErrorType, MethodFlags, PropertyFlags};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ClassEntry, ExecuteData, ExecutorGlobals, ce};

/// Adds the MINIT hook that registers the hand-built classes of `src/php/`.
///
/// Uses the module builder's startup slot, so nothing else may call
/// `ModuleBuilder::startup_function` (the `#[php(startup = ..)]` slot stays free).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module.startup_function(on_startup)
}

/// MINIT: registers the exceptions, DTOs, `BucketingAttributes`, `ArrayCache`,
/// `VariableTypes`/`VisitorType` and `DataEntities`, and installs the `get_gc`
/// handlers (`gc.rs`). It runs before ext-php-rs
/// registers the module's interfaces, `#[php_class]`es and `#[php_enum]`s.
pub extern "C" fn on_startup(_ty: i32, _module_number: i32) -> i32 {
    let outcome = catch_unwind(|| {
        register_exceptions()?;
        super::dtos::register_dtos()?;
        super::bucketing_attributes::register_class()?;
        super::array_cache::register_class()?;
        super::enums::register_keyword_enums()?;
        super::enums::register_data_entities()?;
        super::gc::install_handlers()
    });
    let failure = match outcome {
        Ok(Ok(())) => return 0,
        Ok(Err(e)) => e,
        Err(_) => "panic".to_owned(),
    };
    php_error(&ErrorType::CoreWarning, &format!("convert_sdk: class registration failed: {failure}"));
    -1
}

// ---------------------------------------------------------------------------
// Shared helpers for hand-built classes (used by the other files of src/php/)
// ---------------------------------------------------------------------------

/// A class registered at MINIT; `get()` is `None` before registration.
pub(crate) struct ClassSlot(AtomicPtr<ClassEntry>);

impl ClassSlot {
    pub(crate) const fn new() -> Self {
        Self(AtomicPtr::new(ptr::null_mut()))
    }

    pub(crate) fn set(&self, ce: &'static mut ClassEntry) {
        self.0.store(ce, Ordering::Release);
    }

    pub(crate) fn get(&self) -> Option<&'static ClassEntry> {
        // SAFETY: only ever set to a class entry that lives until MSHUTDOWN.
        unsafe { self.0.load(Ordering::Acquire).as_ref() }
    }

    /// The class entry, or an `Error` naming the missing class.
    pub(crate) fn require(&self, name: &str) -> PhpResult<&'static ClassEntry> {
        self.get()
            .ok_or_else(|| PhpException::new(format!("class {name} is not registered"), 0, ce::error()))
    }
}

/// Looks a class up in `CG(class_table)`: usable during MINIT, when
/// `ClassEntry::try_find` (which reads `EG(class_table)`) is not.
pub(crate) fn class_at_minit(name: &str) -> Option<&'static ClassEntry> {
    // SAFETY: a found entry lives until MSHUTDOWN.
    unsafe { class_ptr_at_minit(name).as_ref() }
}

fn class_ptr_at_minit(name: &str) -> *mut ClassEntry {
    // SAFETY: the compiler globals and their class table exist from engine startup on.
    unsafe {
        let table = (*ffi::ext_php_rs_compiler_globals()).class_table;
        ffi::zend_hash_str_find_ptr_lc(table, name.as_ptr().cast(), name.len()).cast()
    }
}

/// Arginfo tables the engine points into, kept for the life of the process.
struct ParkedArgInfo(#[allow(dead_code)] ArgInfoTables);

// SAFETY: parked tables are never read or dropped from Rust.
unsafe impl Send for ParkedArgInfo {}

static PARKED_ARG_INFO: Mutex<Vec<ParkedArgInfo>> = Mutex::new(Vec::new());

/// Keeps the arginfo tables of a registered class alive (registration callback).
pub(crate) fn keep_arg_info(_ce: &'static mut ClassEntry, tables: ArgInfoTables) {
    PARKED_ARG_INFO.lock().unwrap_or_else(PoisonError::into_inner).push(ParkedArgInfo(tables));
}

/// Runs a method body, turning `Err` and panics into a thrown PHP exception.
pub(crate) fn run_method(body: impl FnOnce() -> PhpResult<()>) {
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(PhpException::new("Rust panic in convert_sdk".into(), 0, ce::error()))
    });
    if let Err(e) = result {
        e.throw();
    }
}

/// PHP's name of a value's type, as used in `TypeError` messages.
pub(crate) fn type_name(z: &Zval) -> String {
    let z = z.dereference();
    if z.is_null() {
        "null".into()
    } else if z.is_bool() {
        "bool".into()
    } else if z.is_long() {
        "int".into()
    } else if z.is_double() {
        "float".into()
    } else if z.is_string() {
        "string".into()
    } else if z.is_array() {
        "array".into()
    } else if let Some(obj) = z.object() {
        obj.get_class_name().unwrap_or_else(|_| "object".into())
    } else {
        "mixed".into()
    }
}

/// `\TypeError` for argument `n` (1-based) of `func`, worded like PHP's.
pub(crate) fn arg_type_error(func: &str, n: usize, name: &str, expected: &str, given: &Zval) -> PhpException {
    PhpException::new(
        format!("{func}(): Argument #{n} (${name}) must be of type {expected}, {} given", type_name(given)),
        0,
        ce::type_error(),
    )
}

/// Coerces an argument to `string` like a non-strict PHP call (scalars only).
pub(crate) fn coerce_string(z: &Zval) -> Option<String> {
    let z = z.dereference();
    if z.is_string() || z.is_long() || z.is_double() || z.is_bool() {
        z.coerce_to_string()
    } else {
        None
    }
}

/// Coerces an argument to `int` like a non-strict PHP call: ints, bools,
/// integral floats and integer-valued numeric strings.
pub(crate) fn coerce_int(z: &Zval) -> Option<i64> {
    let z = z.dereference();
    if let Some(l) = z.long() {
        return Some(l);
    }
    if let Some(b) = z.bool() {
        return Some(i64::from(b));
    }
    let f = match (z.double(), z.str().map(|s| s.trim_matches(|c: char| " \t\n\r\x0b\x0c".contains(c)))) {
        (Some(f), _) => f,
        (None, Some(s)) => match s.parse::<i64>() {
            Ok(i) => return Some(i),
            Err(_) => s.parse::<f64>().ok()?,
        },
        _ => return None,
    };
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// The `n`-th (0-based) argument of the current call; `None` when not passed.
pub(crate) fn call_arg(ex: &ExecuteData, n: usize) -> Option<&Zval> {
    // SAFETY: `n` is checked against the number of passed arguments.
    let passed = unsafe { ex.This.u2.num_args } as usize;
    if n >= passed {
        return None;
    }
    unsafe { ex.zend_call_arg(n) }.map(|z| z.dereference())
}

/// `ArgumentCountError` unless at least `min` arguments were passed (extra
/// arguments are ignored, as for userland functions).
pub(crate) fn check_arg_count(ex: &ExecuteData, func: &str, min: usize) -> PhpResult<()> {
    // SAFETY: `num_args` is the active member of `This.u2` for a call frame.
    let passed = unsafe { ex.This.u2.num_args } as usize;
    if passed >= min {
        return Ok(());
    }
    let message = format!("Too few arguments to function {func}(), {passed} passed and at least {min} expected");
    Err(PhpException::new(message, 0, ce::argument_count_error()))
}

/// The declared property `name` of a class being set up at MINIT (its
/// `offset` locates the property inside objects, see `property_slot`).
pub(crate) fn property_info(ce: &mut ClassEntry, name: &str) -> Option<&'static mut ffi::zend_property_info> {
    // SAFETY: `properties_info` maps names to property info pointers that live
    // as long as the class.
    unsafe {
        let zv = ffi::zend_hash_str_find(&ce.properties_info, name.as_ptr().cast(), name.len());
        zv.as_ref()?.value.ptr.cast::<ffi::zend_property_info>().as_mut()
    }
}

/// The property slot at byte `offset` of `obj`. Writing through the result needs a pointer that
/// came from `&mut ZendObject` (writing through one derived from `&ZendObject` is undefined
/// behaviour, and the optimiser does drop such writes).
///
/// # Safety
/// `offset` must be the `property_info` offset of a property of `obj`'s class
/// or of an ancestor.
pub(crate) unsafe fn property_slot(obj: *mut ZendObject, offset: u32) -> *mut Zval {
    unsafe { obj.cast::<u8>().add(offset as usize).cast::<Zval>() }
}

/// Rewrites the declared type of parameter `n` (0-based; `None` = the return
/// type) of an internal method, for types ext-php-rs cannot declare (unions,
/// `iterable`). Call at MINIT, after the class is registered.
pub(crate) fn set_declared_type(ce: &ClassEntry, method: &str, n: Option<usize>, ty: ffi::zend_type) -> Result<(), String> {
    const TYPE_BITS: u32 = (1 << 25) - 1; // _ZEND_TYPE_MASK; higher bits are arg flags
    // SAFETY: MINIT; the function table maps lowercase names to internal
    // functions whose arginfo (return type at index -1) lives with the class.
    unsafe {
        let table = ptr::from_ref(&ce.function_table).cast_mut();
        let func = ffi::zend_hash_str_find_ptr_lc(table, method.as_ptr().cast(), method.len()).cast::<ffi::zend_function>();
        let func = func.as_ref().ok_or_else(|| format!("method {method} not found"))?;
        let args = func.internal_function.arg_info;
        let slot = match n {
            Some(i) if i < func.internal_function.num_args as usize => args.add(i),
            None => args.sub(1),
            Some(i) => return Err(format!("{method} has no parameter {i}")),
        };
        let flags = (*slot).type_.type_mask & !TYPE_BITS;
        (*slot).type_ = ffi::zend_type { ptr: ty.ptr, type_mask: flags | ty.type_mask };
    }
    Ok(())
}

/// A `zend_type` from `MAY_BE_*`-style bits and an optional class name.
pub(crate) fn zend_type(class: Option<&str>, mask: u32) -> ffi::zend_type {
    match class {
        Some(name) => ffi::zend_type {
            ptr: ext_php_rs::types::ZendStr::new_interned(name, true).into_raw().cast(),
            type_mask: mask | ffi::_ZEND_TYPE_NAME_BIT,
        },
        None => ffi::zend_type { ptr: ptr::null_mut(), type_mask: mask },
    }
}

/// `MAY_BE_<t>` for an `IS_<t>` type code.
pub(crate) const fn may_be(type_code: u32) -> u32 {
    1 << type_code
}

// ---------------------------------------------------------------------------
// Exception classes
// ---------------------------------------------------------------------------

static CONVERT: ClassSlot = ClassSlot::new();
static CONFIG_FETCH: ClassSlot = ClassSlot::new();
static CONFIG_VALIDATION: ClassSlot = ClassSlot::new();
static BUCKETING: ClassSlot = ClassSlot::new();
static INVALID_ARGUMENT: ClassSlot = ClassSlot::new();
static SPL_INVALID_ARGUMENT: ClassSlot = ClassSlot::new();
static SPL_RUNTIME: ClassSlot = ClassSlot::new();

/// Byte offsets of `ConfigFetchException`'s private `statusCode` and `url`.
static FETCH_STATUS_OFFSET: AtomicU32 = AtomicU32::new(0);
static FETCH_URL_OFFSET: AtomicU32 = AtomicU32::new(0);

const CONVERT_NAME: &str = "ConvertSdk\\Exception\\ConvertException";
const CONFIG_FETCH_NAME: &str = "ConvertSdk\\Exception\\ConfigFetchException";
const CONFIG_VALIDATION_NAME: &str = "ConvertSdk\\Exception\\ConfigValidationException";
const BUCKETING_NAME: &str = "ConvertSdk\\Exception\\BucketingException";
const INVALID_ARGUMENT_NAME: &str = "ConvertSdk\\Exception\\InvalidArgumentException";

/// The exceptions the SDK creates.
#[derive(Debug, Clone, Copy)]
pub enum SdkException<'a> {
    /// `ConvertSdk\Exception\ConvertException`
    Convert,
    /// `ConvertSdk\Exception\ConfigFetchException` (code = status code)
    ConfigFetch { status_code: i64, url: &'a str },
    /// `ConvertSdk\Exception\ConfigValidationException`
    ConfigValidation,
    /// `ConvertSdk\Exception\BucketingException`
    Bucketing,
    /// `ConvertSdk\Exception\InvalidArgumentException`
    InvalidArgument,
    /// the native `\InvalidArgumentException`
    NativeInvalidArgument,
    /// the native `\RuntimeException` (tracking failures delivered to `api.queue.released`)
    NativeRuntime,
}

impl SdkException<'_> {
    fn class(self) -> PhpResult<&'static ClassEntry> {
        match self {
            Self::Convert => CONVERT.require(CONVERT_NAME),
            Self::ConfigFetch { .. } => CONFIG_FETCH.require(CONFIG_FETCH_NAME),
            Self::ConfigValidation => CONFIG_VALIDATION.require(CONFIG_VALIDATION_NAME),
            Self::Bucketing => BUCKETING.require(BUCKETING_NAME),
            Self::InvalidArgument => INVALID_ARGUMENT.require(INVALID_ARGUMENT_NAME),
            Self::NativeInvalidArgument => SPL_INVALID_ARGUMENT.require("InvalidArgumentException"),
            Self::NativeRuntime => SPL_RUNTIME.require("RuntimeException"),
        }
    }

    /// `getCode()` of the exception.
    fn code(self) -> i64 {
        match self {
            Self::ConfigFetch { status_code, .. } => status_code,
            _ => 0,
        }
    }
}

/// Builds (does not throw) an exception object, e.g. to pass it to an event
/// listener. File, line and trace are those of the PHP code running now.
/// The trace records no call arguments, so the options given to `create()` (with `sdkKeySecret`)
/// never appear in `var_dump($error)` or `getTrace()`.
pub fn new_exception_object(kind: SdkException<'_>, message: &str) -> PhpResult<Zval> {
    let ignore_args = std::mem::replace(&mut ExecutorGlobals::get_mut().exception_ignore_args, true);
    let result = build_exception_object(kind, message);
    ExecutorGlobals::get_mut().exception_ignore_args = ignore_args;
    result
}

fn build_exception_object(kind: SdkException<'_>, message: &str) -> PhpResult<Zval> {
    let mut obj = kind.class()?.new();
    construct_exception(&mut obj, message, kind.code(), &Zval::null())?;
    if let SdkException::ConfigFetch { status_code, url } = kind {
        set_fetch_fields(&mut obj, status_code, url)?;
    }
    Ok(obj.into_zval(false)?)
}

/// A throwable `ConvertSdk\Exception\InvalidArgumentException`.
pub fn invalid_argument(msg: impl Into<String>) -> PhpException {
    throwable(SdkException::InvalidArgument, msg.into())
}

/// A throwable native `\InvalidArgumentException`.
pub fn native_invalid_argument(msg: impl Into<String>) -> PhpException {
    throwable(SdkException::NativeInvalidArgument, msg.into())
}

/// A throwable `ConvertSdk\Exception\ConfigValidationException`.
pub fn config_validation(msg: impl Into<String>) -> PhpException {
    throwable(SdkException::ConfigValidation, msg.into())
}

/// A throwable `ConvertSdk\Exception\ConfigFetchException`.
pub fn config_fetch(msg: impl Into<String>, status_code: i64, url: &str) -> PhpException {
    throwable(SdkException::ConfigFetch { status_code, url }, msg.into())
}

fn throwable(kind: SdkException<'_>, message: String) -> PhpException {
    match new_exception_object(kind, &message) {
        Ok(obj) => PhpException::new(message, 0, ce::exception()).with_object(obj),
        Err(e) => e,
    }
}

/// Calls `Exception::__construct($message, $code, $previous)` on `obj`.
fn construct_exception(obj: &mut ZendObject, message: &str, code: i64, previous: &Zval) -> PhpResult<()> {
    let ctor = ce::exception().constructor;
    let mut args = [Zval::new(), Zval::new(), previous.shallow_clone()];
    args[0].set_string(message, false)?;
    args[1].set_long(code);
    let mut retval = Zval::new();
    // SAFETY: `ctor` is Exception::__construct and `args` holds 3 valid zvals.
    unsafe {
        zend_call_known_function(ctor, obj, obj.ce, &mut retval, 3, args.as_mut_ptr().cast(), ptr::null_mut());
    }
    if ext_php_rs::zend::ExecutorGlobals::has_exception() {
        return Err(PhpException::new("exception constructor failed".into(), 0, ce::error()));
    }
    Ok(())
}

/// Writes `statusCode` and `url` of a `ConfigFetchException` object.
fn set_fetch_fields(obj: &mut ZendObject, status_code: i64, url: &str) -> PhpResult<()> {
    let obj = ptr::from_mut(obj);
    let mut status = Zval::new();
    status.set_long(status_code);
    let mut url_zv = Zval::new();
    url_zv.set_string(url, false)?;
    for (offset, value) in [(&FETCH_STATUS_OFFSET, status), (&FETCH_URL_OFFSET, url_zv)] {
        // SAFETY: the offsets belong to ConfigFetchException, which `obj` is.
        let old = unsafe { std::mem::replace(&mut *property_slot(obj, offset.load(Ordering::Acquire)), value) };
        drop(old);
    }
    Ok(())
}

/// Reads a `ConfigFetchException` property slot.
fn fetch_field(ex: &mut ExecuteData, offset: &AtomicU32) -> Zval {
    let Some(this) = ex.get_self() else { return Zval::null() };
    // SAFETY: methods of ConfigFetchException only run on its instances.
    unsafe { (*property_slot(ptr::from_mut(this), offset.load(Ordering::Acquire))).dereference().shallow_clone() }
}

extern "C" fn fetch_construct(ex: &mut ExecuteData, _retval: &mut Zval) {
    run_method(|| {
        const FUNC: &str = "ConvertSdk\\Exception\\ConfigFetchException::__construct";
        check_arg_count(ex, FUNC, 3)?;
        let arg = |n| call_arg(ex, n).map(Zval::shallow_clone).unwrap_or_else(Zval::null);
        let (message, status, url, previous) = (arg(0), arg(1), arg(2), arg(3));
        let message = coerce_string(&message).ok_or_else(|| arg_type_error(FUNC, 1, "message", "string", &message))?;
        let status = coerce_int(&status).ok_or_else(|| arg_type_error(FUNC, 2, "statusCode", "int", &status))?;
        let url = coerce_string(&url).ok_or_else(|| arg_type_error(FUNC, 3, "url", "string", &url))?;
        let is_throwable = previous.object().is_some_and(|o| o.instance_of(ce::throwable()));
        if !previous.is_null() && !is_throwable {
            return Err(arg_type_error(FUNC, 4, "previous", "?Throwable", &previous));
        }
        let this = ex.get_self().ok_or("__construct called without an object")?;
        construct_exception(this, &message, status, &previous)?;
        set_fetch_fields(this, status, &url)
    });
}

fn fetch_ctor_args() -> [Arg<'static>; 4] {
    [
        Arg::new("message", DataType::String),
        Arg::new("statusCode", DataType::Long),
        Arg::new("url", DataType::String),
        Arg::new("previous", DataType::object("Throwable")).allow_null().default("null"),
    ]
}

extern "C" fn fetch_get_status_code(ex: &mut ExecuteData, retval: &mut Zval) {
    *retval = fetch_field(ex, &FETCH_STATUS_OFFSET);
}

extern "C" fn fetch_get_url(ex: &mut ExecuteData, retval: &mut Zval) {
    *retval = fetch_field(ex, &FETCH_URL_OFFSET);
}

/// Finds a registered class at MINIT (to finish setting it up) or reports it missing.
pub(crate) fn engine_class(name: &str) -> Result<&'static mut ClassEntry, String> {
    // SAFETY: MINIT is single-threaded and the engine owns the entry until MSHUTDOWN.
    unsafe { class_ptr_at_minit(name).as_mut() }.ok_or_else(|| format!("class {name} not found"))
}

fn spl_runtime_exception() -> &'static ClassEntry {
    class_at_minit("RuntimeException").expect("RuntimeException is registered by SPL")
}

fn spl_invalid_argument_exception() -> &'static ClassEntry {
    class_at_minit("InvalidArgumentException").expect("InvalidArgumentException is registered by SPL")
}

fn convert_exception() -> &'static ClassEntry {
    CONVERT.get().expect("ConvertException is registered first")
}

/// A public, default-valued, untyped property declaration.
pub(crate) fn property(name: &str, flags: PropertyFlags, default: fn() -> Zval) -> ClassProperty {
    ClassProperty {
        name: name.into(),
        flags,
        default: Some(Box::new(move || Ok(default()))),
        docs: &[],
        ty: None,
        nullable: false,
        readonly: false,
        default_stub: None,
    }
}

fn zero() -> Zval {
    let mut z = Zval::new();
    z.set_long(0);
    z
}

fn empty_string() -> Zval {
    let mut z = Zval::new();
    // Interned: defaults of internal classes must not be refcounted.
    let _ = z.set_interned_string("", true);
    z
}

fn register_exceptions() -> Result<(), String> {
    SPL_RUNTIME.set(engine_class("RuntimeException")?);
    SPL_INVALID_ARGUMENT.set(engine_class("InvalidArgumentException")?);
    let simple: [(&str, ClassEntryInfoFn, &str, &ClassSlot); 4] = [
        (CONVERT_NAME, spl_runtime_exception, "\\RuntimeException", &CONVERT),
        (CONFIG_VALIDATION_NAME, convert_exception, CONVERT_NAME, &CONFIG_VALIDATION),
        (BUCKETING_NAME, convert_exception, CONVERT_NAME, &BUCKETING),
        (INVALID_ARGUMENT_NAME, spl_invalid_argument_exception, "\\InvalidArgumentException", &INVALID_ARGUMENT),
    ];
    for (name, parent, parent_name, slot) in simple {
        ClassBuilder::new(name)
            .extends((parent, parent_name))
            .registration(keep_arg_info)
            .register()
            .map_err(|e| format!("{name}: {e}"))?;
        slot.set(engine_class(name)?);
    }
    register_config_fetch()
}

type ClassEntryInfoFn = fn() -> &'static ClassEntry;

fn register_config_fetch() -> Result<(), String> {
    let ctor = fetch_ctor_args().into_iter().fold(FunctionBuilder::constructor(fetch_construct), FunctionBuilder::arg);
    ClassBuilder::new(CONFIG_FETCH_NAME)
        .extends((convert_exception, CONVERT_NAME))
        .method(ctor.required_args(3), MethodFlags::Public)
        .method(
            FunctionBuilder::new("getStatusCode", fetch_get_status_code).returns(DataType::Long, false, false),
            MethodFlags::Public,
        )
        .method(
            FunctionBuilder::new("getUrl", fetch_get_url).returns(DataType::String, false, false),
            MethodFlags::Public,
        )
        .property(property("statusCode", PropertyFlags::Private, zero))
        .property(property("url", PropertyFlags::Private, empty_string))
        .registration(keep_arg_info)
        .register()
        .map_err(|e| format!("{CONFIG_FETCH_NAME}: {e}"))?;
    let ce = engine_class(CONFIG_FETCH_NAME)?;
    for (name, offset) in [("statusCode", &FETCH_STATUS_OFFSET), ("url", &FETCH_URL_OFFSET)] {
        let info = property_info(ce, name).ok_or_else(|| format!("{CONFIG_FETCH_NAME}::${name} missing"))?;
        offset.store(info.offset, Ordering::Release);
    }
    CONFIG_FETCH.set(ce);
    Ok(())
}

/// A `ConfigFetchException` object (not thrown), e.g. for the `ready` event.
pub fn config_fetch_object(message: &str, status_code: i64, url: &str) -> Zval {
    new_exception_object(SdkException::ConfigFetch { status_code, url }, message).unwrap_or_else(|_| Zval::null())
}

/// A `ConfigValidationException` object (not thrown), e.g. for the `ready` event.
pub fn config_validation_object(message: &str) -> Zval {
    new_exception_object(SdkException::ConfigValidation, message).unwrap_or_else(|_| Zval::null())
}
