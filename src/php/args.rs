//! Argument coercion the way PHP's coercive typing mode does it for `string` parameters,
//! with errors naming the bad argument.

use std::borrow::Cow;

use convert_sdk_engine::value::php_float_to_string;
use ext_php_rs::exception::PhpException;
use ext_php_rs::types::Zval;
use ext_php_rs::zend::ce;

use super::exceptions::type_name;

/// A `TypeError` naming the function and the argument.
pub fn type_error(function: &str, position: u32, name: &str, expected: &str, given: &Zval) -> PhpException {
    let given = type_name(given);
    PhpException::new(
        format!("{function}(): Argument #{position} (${name}) must be of type {expected}, {given} given"),
        0,
        ce::type_error(),
    )
}

/// A `string` parameter in coercive mode: ints, floats and bools are converted, `null` is `""`
/// (PHP 8.2 deprecation behaviour for internal functions), Stringable objects are cast.
/// A PHP string that is valid UTF-8 is borrowed, not copied.
pub fn string_arg<'z>(z: &'z Zval, function: &str, position: u32, name: &str) -> Result<Cow<'z, str>, PhpException> {
    if let Some(s) = z.dereference().zend_str().and_then(|s| std::str::from_utf8(s.as_bytes()).ok()) {
        return Ok(Cow::Borrowed(s));
    }
    bytes_arg(z, function, position, name)
        .map(|b| Cow::Owned(String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())))
}

/// `string_arg` keeping the bytes of a PHP string as they are (PHP strings need not be UTF-8).
pub fn bytes_arg(z: &Zval, function: &str, position: u32, name: &str) -> Result<Vec<u8>, PhpException> {
    let v = z.dereference();
    if let Some(s) = v.zend_str() {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(l) = v.long() {
        return Ok(l.to_string().into_bytes());
    }
    if let Some(d) = v.double() {
        return Ok(php_float_to_string(d).into_bytes());
    }
    if let Some(b) = v.bool() {
        return Ok(if b { b"1".to_vec() } else { Vec::new() });
    }
    if v.is_null() {
        return Ok(Vec::new());
    }
    if v.is_object() {
        if let Ok(s) = v.try_call_method("__toString", vec![]) {
            if let Some(s) = s.zend_str() {
                return Ok(s.as_bytes().to_vec());
            }
        }
    }
    Err(type_error(function, position, name, "string", z))
}

/// An optional `?array` parameter: `None` for null/absent, an error for other types.
pub fn optional_array<'a>(z: Option<&'a Zval>, function: &str, position: u32, name: &str) -> Result<Option<&'a Zval>, PhpException> {
    match z.map(Zval::dereference) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) if v.is_array() => Ok(Some(v)),
        Some(v) => Err(type_error(function, position, name, "?array", v)),
    }
}
