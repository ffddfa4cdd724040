//! PHP 8.2 value semantics over `serde_json::Value` (§5.3, §8.4).
//!
//! A JSON array is a PHP list and a JSON object any other PHP array; a JSON number that fits `i64` is a
//! PHP int, any other number a PHP float (what `json_decode` gives for big integers).
//! Each function was checked against the real `php` 8.2 binary with default ini (`precision = 14`);
//! the tricky inputs are pinned by the unit tests at the bottom of this file.

use serde_json::{Number, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

/// `2^63` as a float: the first float that does not fit `i64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
/// `2^64` as a float (modulus of PHP's float → int conversion).
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
/// PHP's `precision` ini default, used by the `(string)` cast of floats.
const PHP_PRECISION: usize = 14;

/// A PHP number: int or float.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn from_json(n: &Number) -> Num {
        match n.as_i64() {
            Some(i) => Num::Int(i),
            None => Num::Float(n.as_f64().unwrap_or(0.0)),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// Member `key` of an object value (`None` for other values). Small maps are scanned: comparing a
/// few short keys is cheaper than hashing the wanted one (serde_json maps hash with SipHash).
pub fn member<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(map) if map.len() <= SCAN_LIMIT => map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v),
        Value::Object(map) => map.get(key),
        _ => None,
    }
}

/// `member` for writing.
pub fn member_mut<'v>(v: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    let Value::Object(map) = v else { return None };
    if map.len() > SCAN_LIMIT {
        return map.get_mut(key);
    }
    map.iter_mut().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

/// Largest map `member` scans instead of hashing.
const SCAN_LIMIT: usize = 8;

/// PHP `(string)` cast: `true → "1"`, `false`/`null → ""`, floats with `precision = 14`, arrays → `"Array"`.
pub fn php_string(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null | Value::Bool(false) => Cow::Borrowed(""),
        Value::Bool(true) => Cow::Borrowed("1"),
        Value::Number(n) => match Num::from_json(n) {
            Num::Int(i) => Cow::Owned(i.to_string()),
            Num::Float(f) => Cow::Owned(php_float_to_string(f)),
        },
        Value::Array(_) | Value::Object(_) => Cow::Borrowed("Array"),
    }
}

/// PHP `(string)` of a float (`zend_gcvt` with 14 significant digits): `1.0 → "1"`, `0.1 + 0.2 → "0.3"`,
/// `1e15 → "1.0E+15"`, `1e-5 → "1.0E-5"`, `-0.0 → "-0"`, infinities `"INF"`/`"-INF"`, `"NAN"`.
pub fn php_float_to_string(f: f64) -> String {
    if f.is_nan() {
        return "NAN".to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f.is_infinite() {
        return format!("{sign}INF");
    }
    if f == 0.0 {
        return format!("{sign}0");
    }
    let (digits, decpt) = significant_digits(f.abs());
    format!("{sign}{}", gcvt_layout(&digits, decpt))
}

/// Digits of `x > 0` rounded to `PHP_PRECISION` significant digits, trailing zeros dropped, and the
/// decimal-point position (`x = 0.d1d2… × 10^decpt`).
fn significant_digits(x: f64) -> (String, i32) {
    if let Some(digits) = integer_tie_rounded_down(x) {
        return (digits, PHP_PRECISION as i32 + 1);
    }
    let sci = format!("{:.*e}", PHP_PRECISION - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// `zend_dtoa` quirk: a 15-digit integer ending in 5 whose 14th digit is even is rounded down to 14
/// digits on its exact-integer path, which keeps trailing zeros (`897255506474605.0 → "8.9725550647460E+14"`).
fn integer_tie_rounded_down(x: f64) -> Option<String> {
    if x.fract() != 0.0 || !(1e14..1e15).contains(&x) {
        return None;
    }
    let n = x as u64;
    (n % 10 == 5 && (n / 10).is_multiple_of(2)).then(|| (n / 10).to_string())
}

/// Layout of `zend_gcvt`: exponential form when `decpt < -3` or `decpt > precision`, else fixed.
fn gcvt_layout(digits: &str, decpt: i32) -> String {
    if decpt < -3 || decpt > PHP_PRECISION as i32 {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let exp = decpt - 1;
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{first}.{rest}E{exp_sign}{}", exp.abs());
    }
    if decpt <= 0 {
        return format!("0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize));
    }
    let point = decpt as usize;
    if digits.len() <= point {
        format!("{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{}.{}", &digits[..point], &digits[point..])
    }
}

/// PHP 8.2 `strtolower`: ASCII A–Z only, other bytes unchanged. Borrows when nothing changes.
pub fn ascii_lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// PHP whitespace accepted around numeric strings: space, `\t`, `\n`, `\r`, `\v`, `\f`.
fn is_php_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The leading number of a string, as PHP's numeric-string scanner sees it.
#[derive(Debug, Clone, Copy)]
struct NumericPrefix {
    /// Byte range of the number itself (sign included, whitespace excluded).
    start: usize,
    end: usize,
    /// Has a `.` or an exponent (parsed as a float).
    float_syntax: bool,
    /// Nothing but whitespace follows the number.
    whole: bool,
}

/// Scans `ws* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? ws*` at the start of `s`.
fn scan_numeric(s: &str) -> Option<NumericPrefix> {
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let start = b.iter().position(|&c| !is_php_space(c)).unwrap_or(b.len());
    let mut i = start;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_end = digits_from(i);
    let mut mantissa_digits = int_end - i;
    let mut end = int_end;
    let mut float_syntax = false;
    if end < b.len() && b[end] == b'.' {
        let frac_end = digits_from(end + 1);
        if mantissa_digits > 0 || frac_end > end + 1 {
            mantissa_digits += frac_end - end - 1;
            end = frac_end;
            float_syntax = true;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut j = end + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_end = digits_from(j);
        if exp_end > j {
            end = exp_end;
            float_syntax = true;
        }
    }
    let whole = b[end..].iter().all(|&c| is_php_space(c));
    Some(NumericPrefix {
        start,
        end,
        float_syntax,
        whole,
    })
}

/// PHP 8 `is_numeric`: ints, floats, and strings that are entirely a decimal number with optional
/// surrounding whitespace (`" 5"`, `"5 "`, `"1e1"`, `".5"`); not `"1,000"`, hex, `""` or `" "`.
pub fn is_numeric(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::String(s) => scan_numeric(s).is_some_and(|p| p.whole),
        _ => false,
    }
}

/// The number a numeric string stands for, when `is_numeric` holds (ints that overflow become floats).
fn numeric_string_value(s: &str) -> Option<Num> {
    let p = scan_numeric(s).filter(|p| p.whole)?;
    Some(prefix_value(s, p))
}

/// Value of a scanned numeric prefix: an int literal that fits `i64` stays int, anything else is a float.
fn prefix_value(s: &str, p: NumericPrefix) -> Num {
    let text = &s[p.start..p.end];
    if !p.float_syntax
        && let Ok(i) = text.parse::<i64>()
    {
        return Num::Int(i);
    }
    Num::Float(text.parse::<f64>().unwrap_or(0.0))
}

/// PHP `intval` (base 10): strings use their leading number (`"12abc"` → 12, `"1e3"` → 1000, `"0x1A"` → 0,
/// out-of-range saturates, INF → 0); floats truncate (out of range wraps modulo 2^64); arrays → 0 or 1.
pub fn php_intval(v: &Value) -> i64 {
    match v {
        Value::Null => 0,
        Value::Bool(b) => i64::from(*b),
        Value::Number(n) => match Num::from_json(n) {
            Num::Int(i) => i,
            Num::Float(f) => float_to_int_wrapping(f),
        },
        Value::String(s) => match scan_numeric(s).map(|p| prefix_value(s, p)) {
            None => 0,
            Some(Num::Int(i)) => i,
            Some(Num::Float(f)) => float_to_int_saturating(f),
        },
        Value::Array(_) | Value::Object(_) => i64::from(php_bool(v)),
    }
}

/// PHP's `(int)` of a float value (`zend_dval_to_lval`): truncation, modular beyond `i64`, 0 for INF/NAN.
fn float_to_int_wrapping(f: f64) -> i64 {
    if !f.is_finite() {
        return 0;
    }
    if (-TWO_POW_63..TWO_POW_63).contains(&f) {
        return f as i64;
    }
    let mut m = f % TWO_POW_64;
    if m < 0.0 {
        m += TWO_POW_64;
    }
    if m >= TWO_POW_63 {
        m -= TWO_POW_64;
    }
    m as i64
}

/// PHP's `(int)` of a numeric string that parsed as a float (`zend_dval_to_lval_cap`): saturates, INF/NAN → 0.
fn float_to_int_saturating(f: f64) -> i64 {
    if f.is_finite() { f as i64 } else { 0 }
}

/// PHP `floatval`: strings use their leading number (`"12abc"` → 12.0, `"1e3"` → 1000.0, `"abc"` → 0.0),
/// `null`/`false` → 0.0, `true` → 1.0, arrays → 0.0 or 1.0.
pub fn php_floatval(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => Num::from_json(n).as_f64(),
        Value::String(s) => {
            scan_numeric(s).map_or(0.0, |p| s[p.start..p.end].parse().unwrap_or(0.0))
        }
        Value::Array(_) | Value::Object(_) => f64::from(u8::from(php_bool(v))),
    }
}

/// PHP `(bool)`: `null`, `false`, `0`, `0.0`, `""`, `"0"` and empty arrays are false, all else true.
pub fn php_bool(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => match Num::from_json(n) {
            Num::Int(i) => i != 0,
            Num::Float(f) => f != 0.0,
        },
        Value::String(s) => !(s.is_empty() || s == "0"),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// PHP `gettype`: `"NULL"`, `"boolean"`, `"integer"`, `"double"`, `"string"` or `"array"`.
pub fn php_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Bool(_) => "boolean",
        Value::Number(n) => match Num::from_json(n) {
            Num::Int(_) => "integer",
            Num::Float(_) => "double",
        },
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "array",
    }
}

/// The `(key, value)` pairs of a PHP array in order; list indexes become decimal keys.
fn array_entries(v: &Value) -> Option<Vec<(Cow<'_, str>, &Value)>> {
    match v {
        Value::Array(a) => Some(
            a.iter()
                .enumerate()
                .map(|(i, x)| (Cow::Owned(i.to_string()), x))
                .collect(),
        ),
        Value::Object(o) => Some(
            o.iter()
                .map(|(k, x)| (Cow::Borrowed(k.as_str()), x))
                .collect(),
        ),
        _ => None,
    }
}

/// PHP `===`: same type and value; arrays need the same key/value pairs in the same order.
pub fn php_identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (Num::from_json(x), Num::from_json(y)) {
            (Num::Int(i), Num::Int(j)) => i == j,
            (Num::Float(f), Num::Float(g)) => f == g,
            _ => false,
        },
        (Value::Array(_) | Value::Object(_), Value::Array(_) | Value::Object(_)) => {
            let (ea, eb) = (
                array_entries(a).unwrap_or_default(),
                array_entries(b).unwrap_or_default(),
            );
            ea.len() == eb.len()
                && ea
                    .iter()
                    .zip(&eb)
                    .all(|((ka, va), (kb, vb))| ka == kb && php_identical(va, vb))
        }
        _ => a == b,
    }
}

/// PHP 8 loose comparison `a <=> b` (what `<` and `<=` use). Uncomparable arrays (a key of `a` missing
/// from `b`) give `Greater`, as in PHP, so both `<` and `<=` are false for them.
pub fn php_compare(a: &Value, b: &Value) -> Ordering {
    let is_arr = |v: &Value| matches!(v, Value::Array(_) | Value::Object(_));
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Bool(_), _) | (_, Value::Bool(_)) => php_bool(a).cmp(&php_bool(b)),
        (Value::Null, Value::String(s)) => "".cmp(s.as_str()),
        (Value::String(s), Value::Null) => s.as_str().cmp(""),
        (Value::Null, _) => false.cmp(&php_bool(b)),
        (_, Value::Null) => php_bool(a).cmp(&false),
        _ if is_arr(a) && is_arr(b) => compare_arrays(a, b),
        _ if is_arr(a) => Ordering::Greater,
        _ if is_arr(b) => Ordering::Less,
        (Value::Number(x), Value::Number(y)) => compare_nums(Num::from_json(x), Num::from_json(y)),
        (Value::Number(x), Value::String(s)) => compare_num_string(Num::from_json(x), s),
        (Value::String(s), Value::Number(y)) => compare_num_string(Num::from_json(y), s).reverse(),
        (Value::String(s), Value::String(t)) => {
            match (numeric_string_value(s), numeric_string_value(t)) {
                (Some(x), Some(y)) => compare_nums(x, y),
                _ => s.as_bytes().cmp(t.as_bytes()),
            }
        }
        _ => Ordering::Equal,
    }
}

/// Number against string: numerically when the string is numeric, else as strings (PHP 8).
fn compare_num_string(n: Num, s: &str) -> Ordering {
    match numeric_string_value(s) {
        Some(m) => compare_nums(n, m),
        None => {
            let ns = php_string(&num_to_json(n)).into_owned();
            ns.as_bytes().cmp(s.as_bytes())
        }
    }
}

fn num_to_json(n: Num) -> Value {
    match n {
        Num::Int(i) => Value::from(i),
        Num::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
    }
}

/// Ints compare exactly; otherwise as doubles, where NAN compares as `Greater` (`ZEND_THREEWAY_COMPARE`).
fn compare_nums(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(i), Num::Int(j)) => i.cmp(&j),
        _ => {
            let (x, y) = (a.as_f64(), b.as_f64());
            if x == y {
                Ordering::Equal
            } else if x < y {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
    }
}

/// PHP array comparison: smaller count is less; then, in `a`'s order, each value against `b`'s value
/// under the same key (a missing key makes the pair uncomparable → `Greater`).
fn compare_arrays(a: &Value, b: &Value) -> Ordering {
    let (ea, eb) = (
        array_entries(a).unwrap_or_default(),
        array_entries(b).unwrap_or_default(),
    );
    if ea.len() != eb.len() {
        return ea.len().cmp(&eb.len());
    }
    for (k, va) in &ea {
        let Some((_, vb)) = eb.iter().find(|(kb, _)| kb == k) else {
            return Ordering::Greater;
        };
        let ord = php_compare(va, vb);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// PHP `json_decode($s, true)`: `None` when `s` is not valid JSON. Numbers are typed as PHP types them:
/// integers beyond `i64` become floats and `-0` is the int 0 (`-0.0` stays a float).
pub fn php_json_decode(s: &str) -> Option<Value> {
    let text = drop_negative_zero_ints(s);
    serde_json::from_str::<Value>(&text).ok().map(php_numbers)
}

/// Rewrites the JSON number token `-0` (no fraction or exponent) to `0`, outside strings; serde_json
/// would read it as the float `-0.0`.
fn drop_negative_zero_ints(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut dropped = Vec::new();
    let (mut in_string, mut i) = (false, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' if !in_string
                && b.get(i + 1) == Some(&b'0')
                && !b
                    .get(i + 2)
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E')) =>
            {
                dropped.push(i)
            }
            _ => {}
        }
        i += 1;
    }
    if dropped.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut from = 0;
    for at in dropped {
        out.push_str(&s[from..at]);
        from = at + 1;
    }
    out.push_str(&s[from..]);
    Cow::Owned(out)
}

/// Integers that do not fit `i64` become floats, as PHP's decoder types them.
fn php_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_f64() => {
            Number::from_f64(n.as_f64().unwrap_or(0.0)).map_or(Value::Null, Value::Number)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(php_numbers).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, x)| (k, php_numbers(x))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    //! Expected values were produced by `php -r` (PHP 8.2.36 CLI, default ini).
    use super::*;
    use serde_json::json;

    #[test]
    fn member_finds_keys_in_small_and_large_maps() {
        let small = serde_json::json!({"a": 1, "bb": 2, "": 3});
        assert_eq!(member(&small, "bb"), Some(&serde_json::json!(2)));
        assert_eq!(member(&small, ""), Some(&serde_json::json!(3)));
        assert_eq!(member(&small, "b"), None);
        let large: serde_json::Map<String, Value> = (0..20).map(|i| (format!("k{i}"), Value::from(i))).collect();
        let large = Value::Object(large);
        assert_eq!(member(&large, "k19"), Some(&Value::from(19)));
        assert_eq!(member(&large, "k20"), None);
        assert_eq!(member(&serde_json::json!([1, 2]), "0"), None);
    }

    #[test]
    fn float_to_string_matches_php_echo() {
        let cases: &[(f64, &str)] = &[
            (0.1 + 0.2, "0.3"),
            (1.0, "1"),
            (0.1, "0.1"),
            (1e20, "1.0E+20"),
            (-0.0, "-0"),
            (100.0, "100"),
            (1e15, "1.0E+15"),
            (1e14, "1.0E+14"),
            (123456789012345.0, "1.2345678901234E+14"),
            (1.5e-7, "1.5E-7"),
            (0.00001, "1.0E-5"),
            (0.0001, "0.0001"),
            (1.0 / 3.0, "0.33333333333333"),
            (2.5, "2.5"),
            (-1.5e300, "-1.5E+300"),
            (f64::INFINITY, "INF"),
            (f64::NEG_INFINITY, "-INF"),
            (f64::NAN, "NAN"),
            (12345678901234567890.0, "1.2345678901235E+19"),
            (0.1 + 0.7, "0.8"),
            (1e-10, "1.0E-10"),
            (99999999999999.98, "1.0E+14"),
            (12.5, "12.5"),
            (0.05, "0.05"),
            (-9.7, "-9.7"),
            (12345678901234.0, "12345678901234"),
            (897255506474605.0, "8.9725550647460E+14"),
            (824525234740005.0, "8.2452523474000E+14"),
            (824525234740015.0, "8.2452523474002E+14"),
            (-100000000000005.0, "-1.0000000000000E+14"),
            (824525234740004.0, "8.2452523474E+14"),
        ];
        for &(f, want) in cases {
            assert_eq!(php_float_to_string(f), want, "float {f:e}");
        }
    }

    #[test]
    fn string_cast_of_scalars_and_arrays() {
        assert_eq!(php_string(&json!(true)), "1");
        assert_eq!(php_string(&json!(false)), "");
        assert_eq!(php_string(&json!(null)), "");
        assert_eq!(php_string(&json!(-42)), "-42");
        assert_eq!(php_string(&json!(42.0)), "42");
        assert_eq!(php_string(&json!("Abc")), "Abc");
        assert_eq!(php_string(&json!([1])), "Array");
        assert_eq!(php_string(&json!({"a": 1})), "Array");
        // Beyond i64, json_decode yields a float.
        assert_eq!(
            php_string(&json!(18446744073709551615u64)),
            "1.844674407371E+19"
        );
    }

    #[test]
    fn lowercase_is_ascii_only() {
        assert_eq!(ascii_lower("ÀbC Ü"), "Àbc Ü");
        assert!(matches!(ascii_lower("abc"), Cow::Borrowed(_)));
    }

    /// (input, is_numeric, intval, floatval, (bool)) as printed by PHP 8.2.
    const STRING_TABLE: &[(&str, bool, i64, f64, bool)] = &[
        ("5", true, 5, 5.0, true),
        (" 5", true, 5, 5.0, true),
        ("5 ", true, 5, 5.0, true),
        ("\t5\n", true, 5, 5.0, true),
        ("\x0b5", true, 5, 5.0, true),
        ("\x0c5", true, 5, 5.0, true),
        ("5\x0b", true, 5, 5.0, true),
        (" ", false, 0, 0.0, true),
        ("", false, 0, 0.0, false),
        ("0", true, 0, 0.0, false),
        ("1e1", true, 10, 10.0, true),
        ("1E1", true, 10, 10.0, true),
        ("1e", false, 1, 1.0, true),
        ("1e+", false, 1, 1.0, true),
        ("1e+2", true, 100, 100.0, true),
        (".5", true, 0, 0.5, true),
        ("5.", true, 5, 5.0, true),
        (".", false, 0, 0.0, true),
        (" .5 ", true, 0, 0.5, true),
        ("-3", true, -3, -3.0, true),
        ("+3", true, 3, 3.0, true),
        ("+-3", false, 0, 0.0, true),
        ("1,000", false, 1, 1.0, true),
        ("0x1A", false, 0, 0.0, true),
        ("0b11", false, 0, 0.0, true),
        ("INF", false, 0, 0.0, true),
        ("NAN", false, 0, 0.0, true),
        ("1_000", false, 1, 1.0, true),
        ("012", true, 12, 12.0, true),
        ("00", true, 0, 0.0, true),
        ("- 5", false, 0, 0.0, true),
        ("5 5", false, 5, 5.0, true),
        ("1e3abc", false, 1000, 1000.0, true),
        ("12abc", false, 12, 12.0, true),
        ("abc", false, 0, 0.0, true),
        ("12.7", true, 12, 12.7, true),
        ("-9.7e1x", false, -97, -97.0, true),
        ("  +.5e-1zz", false, 0, 0.05, true),
        ("9999999999999999999", true, i64::MAX, 1e19, true),
        ("-9999999999999999999", true, i64::MIN, -1e19, true),
        ("1e999", true, 0, f64::INFINITY, true),
        ("-1e999", true, 0, f64::NEG_INFINITY, true),
        (
            "9223372036854775807",
            true,
            i64::MAX,
            9.223372036854776e18,
            true,
        ),
        (
            "9223372036854775808",
            true,
            i64::MAX,
            9.223372036854776e18,
            true,
        ),
        ("1.5e3", true, 1500, 1500.0, true),
        ("0.0", true, 0, 0.0, true),
        ("-.5", true, 0, -0.5, true),
        ("+.", false, 0, 0.0, true),
        ("e5", false, 0, 0.0, true),
        ("\x005", false, 0, 0.0, true),
        ("5\x00", false, 5, 5.0, true),
        ("１", false, 0, 0.0, true),
    ];

    #[test]
    fn string_conversions_match_php() {
        for &(s, numeric, int, float, truthy) in STRING_TABLE {
            let v = json!(s);
            assert_eq!(is_numeric(&v), numeric, "is_numeric({s:?})");
            assert_eq!(php_intval(&v), int, "intval({s:?})");
            assert_eq!(php_floatval(&v), float, "floatval({s:?})");
            assert_eq!(php_bool(&v), truthy, "(bool){s:?}");
        }
        assert!(php_floatval(&json!("-0")).is_sign_negative());
    }

    #[test]
    fn conversions_of_non_strings_match_php() {
        assert_eq!(php_intval(&json!(9.7)), 9);
        assert_eq!(php_intval(&json!(-9.7)), -9);
        assert_eq!(php_intval(&json!(1e19)), -8446744073709551616);
        assert_eq!(php_intval(&json!(-1e19)), 8446744073709551616);
        assert_eq!(php_intval(&json!(1e100)), 0);
        assert_eq!(php_intval(&json!(9.223372036854776e18)), i64::MIN);
        assert_eq!(php_intval(&json!(true)), 1);
        assert_eq!(php_intval(&json!([])), 0);
        assert_eq!(php_intval(&json!([0])), 1);
        assert_eq!(php_floatval(&json!(7)), 7.0);
        assert_eq!(php_floatval(&json!(null)), 0.0);
        assert_eq!(php_floatval(&json!({"a": 1})), 1.0);
        assert!(is_numeric(&json!(1.5)) && !is_numeric(&json!(true)) && !is_numeric(&json!(null)));
        assert!(!php_bool(&json!(0.0)) && !php_bool(&json!(-0.0)) && !php_bool(&json!({})));
        assert!(php_bool(&json!("0.0")) && php_bool(&json!(2)) && php_bool(&json!([0])));
    }

    #[test]
    fn identical_is_type_and_order_sensitive() {
        assert!(php_identical(&json!(1), &json!(1)));
        assert!(!php_identical(&json!(1), &json!(1.0)));
        assert!(!php_identical(&json!("1"), &json!(1)));
        assert!(php_identical(&json!([]), &json!({})));
        assert!(php_identical(&json!(["a"]), &json!({"0": "a"})));
        assert!(!php_identical(
            &json!({"a": 1, "b": 2}),
            &json!({"b": 2, "a": 1})
        ));
    }

    #[test]
    fn json_decode_types_numbers_like_php() {
        // php -r 'var_export(json_decode(<text>, true));'
        let text = r#"["-0", -0, -0e1, -0.0, {"a":-0}, "\\\"-0", 18446744073709551616, -9223372036854775808]"#;
        let got = php_json_decode(text).unwrap();
        let want =
            json!(["-0", 0, -0.0, -0.0, {"a": 0}, "\\\"-0", 1.8446744073709552e19, i64::MIN]);
        assert_eq!(got, want);
        assert!(got[1].is_i64() && got[4]["a"].is_i64() && got[6].is_f64());
        assert!(got[2].as_f64().unwrap().is_sign_negative());
        assert_eq!(php_json_decode("not json"), None);
        assert_eq!(php_json_decode(""), None);
        assert_eq!(php_json_decode("-0"), Some(json!(0)));
    }

    #[test]
    fn loose_comparison_matches_php() {
        use Ordering::*;
        // php -r 'var_dump("abc" <=> "abd", "10" <=> "9", "10" <=> "9a", null <=> "", null <=> "a",
        //   [1,2] <=> [1,3], [1] <=> [1,2], ["a"=>1] <=> ["b"=>1], 5 <=> "5.0", 5 <=> "abc", true <=> "0");'
        let cases = [
            (json!("abc"), json!("abd"), Less),
            (json!("10"), json!("9"), Greater),
            (json!("10"), json!("9a"), Less),
            (json!(null), json!(""), Equal),
            (json!(null), json!("a"), Less),
            (json!([1, 2]), json!([1, 3]), Less),
            (json!([1]), json!([1, 2]), Less),
            (json!({"a": 1}), json!({"b": 1}), Greater),
            (json!(5), json!("5.0"), Equal),
            (json!(5), json!("abc"), Less),
            (json!(true), json!("0"), Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(php_compare(&a, &b), want, "{a} <=> {b}");
        }
    }
}
