//! Rule operators (`matching.match_type`, §5.4, §12) with PHP value semantics (§5.3).
//!
//! # Regex engine (`regexMatches`)
//!
//! Patterns run on **PCRE2** through the `pcre2` crate — the library PHP's `preg_match` uses, so the
//! dialect (look-around, back-references, possessive quantifiers, `\Q…\E`, POSIX classes, verbs) is the
//! same. The crate links the system `libpcre2-8` when pkg-config finds it (the same build PHP links on
//! Debian), else compiles its bundled copy. As in the PHP SDK (`'/' . str_replace('/', '\/', $p) . '/i'`):
//! caseless, non-UTF (byte) mode, ASCII-only case folding, subject = ASCII-lowercased string form of the
//! value; a pattern that PHP's delimiter scan would reject (a `/` left unescaped after the escaping, i.e.
//! preceded by an odd run of backslashes, or a trailing lone backslash) is invalid.
//!
//! Runaway patterns cannot hang a request: every pattern is compiled with
//! `(*LIMIT_MATCH=1000000)(*LIMIT_DEPTH=100000)` prepended — PHP's `pcre.backtrack_limit` and
//! `pcre.recursion_limit` defaults. A pattern may lower these with its own `(*LIMIT_…)` items; raising
//! them stops at the library's compiled-in ceiling (10 000 000 by default), because a pattern can never
//! exceed the caller's limit. The JIT is used when available, with a 192 KiB JIT stack (PHP's maximum);
//! the JIT ignores the depth limit but is bounded by the match limit and the stack size.
//! An invalid pattern, a limit hit or any other matching error makes the rule item `false` **without**
//! negation (§5.4, JS behaviour; the PHP SDK would return `neg(false)`, §14 row 26).
//! Compiled patterns are cached per thread (at most `REGEX_CACHE_CAPACITY`, cleared when full), since the
//! same few patterns are evaluated for every visitor.

use crate::value::{
    ascii_lower, is_numeric, php_compare, php_floatval, php_identical, php_string, php_type_name,
};
use pcre2::bytes::{Regex, RegexBuilder};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Limits prepended to every pattern (PHP's `pcre.backtrack_limit` / `pcre.recursion_limit` defaults).
const REGEX_LIMITS: &str = "(*LIMIT_MATCH=1000000)(*LIMIT_DEPTH=100000)";
/// PHP's maximum JIT stack size.
const JIT_STACK_BYTES: usize = 192 * 1024;
/// Most compiled patterns kept per thread.
const REGEX_CACHE_CAPACITY: usize = 128;

thread_local! {
    /// Compiled patterns by PHP-escaped source; `None` records an invalid pattern.
    static REGEX_CACHE: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// A rule operator (`matching.match_type`), resolved once when a rule set is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `equals`, `equalsNumber` and `matches` (the same test).
    Equals,
    Less,
    LessEqual,
    Contains,
    IsIn,
    StartsWith,
    EndsWith,
    RegexMatches,
    /// The JS existence operators (§12), operators only with `js_exists`.
    Exists,
    DoesNotExist,
    NotExists,
}

impl Op {
    /// The operator named `name`; `None` for an unknown name.
    pub fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "equals" | "equalsNumber" | "matches" => Op::Equals,
            "less" => Op::Less,
            "lessEqual" => Op::LessEqual,
            "contains" => Op::Contains,
            "isIn" => Op::IsIn,
            "startsWith" => Op::StartsWith,
            "endsWith" => Op::EndsWith,
            "regexMatches" => Op::RegexMatches,
            "exists" => Op::Exists,
            "doesNotExist" => Op::DoesNotExist,
            "not_exists" => Op::NotExists,
            _ => return None,
        })
    }

    /// Operators that need no `value` in the rule item and are evaluated even when the data key is
    /// absent (§12): `exists` and `doesNotExist` (not `not_exists`).
    pub fn is_valueless(self) -> bool {
        matches!(self, Op::Exists | Op::DoesNotExist)
    }

    /// True for the operators whose rule value is compared as a lower-cased string, which
    /// `apply_op` can then be given ready-made.
    pub fn compares_lowered(self) -> bool {
        matches!(self, Op::Equals | Op::Contains | Op::StartsWith | Op::EndsWith)
    }
}

/// Applies operator `op` to a data value. `None` = unknown operator (the rule item is then `false`).
/// `exists`/`doesNotExist`/`not_exists` are operators only when `js_exists` is on (§12).
pub fn apply_operator(
    op: &str,
    value: &Value,
    test_against: &Value,
    negated: bool,
    js_exists: bool,
) -> Option<bool> {
    apply_op(Op::parse(op)?, value, test_against, None, negated, js_exists)
}

/// `apply_operator` with the operator resolved; `lowered` is `lower(str(test_against))` when the
/// caller has it already (a compiled rule item), computed here otherwise.
pub fn apply_op(
    op: Op,
    value: &Value,
    test_against: &Value,
    lowered: Option<&str>,
    negated: bool,
    js_exists: bool,
) -> Option<bool> {
    let lowered = || lowered.map_or_else(|| lower_str(test_against), Cow::Borrowed);
    // `None` below = no comparison result: the item is `false` whatever `negated` says.
    let result = match op {
        Op::Equals => Some(equals(value, test_against, lowered)),
        Op::Less => less_than(value, test_against, Ordering::is_lt),
        Op::LessEqual => less_than(value, test_against, Ordering::is_le),
        Op::Contains => Some(contains(value, &lowered())),
        Op::IsIn => Some(is_in(value, test_against)),
        Op::StartsWith => Some(lower_str(value).starts_with(lowered().as_ref())),
        Op::EndsWith => Some(lower_str(value).ends_with(lowered().as_ref())),
        Op::RegexMatches => regex_matches(value, test_against),
        Op::Exists | Op::DoesNotExist | Op::NotExists if js_exists => {
            return existence_check(op, Some(value), negated);
        }
        Op::Exists | Op::DoesNotExist | Op::NotExists => return None,
    };
    Some(result.is_some_and(|x| x != negated))
}

/// JS existence operators on a data value (`None` = undefined, i.e. key absent):
/// `exists(v) = neg(v ∉ {undefined, null, ""})`, `doesNotExist(v) = not_exists(v) = neg(v ∈ {…})`.
/// `None` for any other operator.
pub fn existence_check(op: Op, value: Option<&Value>, negated: bool) -> Option<bool> {
    let blank = match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    let present = match op {
        Op::Exists => !blank,
        Op::DoesNotExist | Op::NotExists => blank,
        _ => return None,
    };
    Some(present != negated)
}

/// `lower(str(v))`, borrowed when `v` is a string without upper-case letters.
pub fn lower_str(v: &Value) -> Cow<'_, str> {
    match php_string(v) {
        Cow::Borrowed(s) => ascii_lower(s),
        Cow::Owned(s) => Cow::Owned(ascii_lower(&s).into_owned()),
    }
}

/// `equals`: strict membership for array values, else case-insensitive string equality
/// (`lowered`: the rule value's lower-cased string form).
fn equals<'t>(value: &Value, test_against: &Value, lowered: impl FnOnce() -> Cow<'t, str>) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|x| php_identical(x, test_against)),
        Value::Object(map) => map.values().any(|x| php_identical(x, test_against)),
        _ => lower_str(value) == lowered(),
    }
}

/// `less`/`lessEqual` before negation: floats when both sides are numeric, else PHP comparison of
/// same-typed values; `None` when the PHP types differ (the item is then `false` whatever `negated`).
fn less_than(value: &Value, test_against: &Value, accept: fn(Ordering) -> bool) -> Option<bool> {
    if is_numeric(value) && is_numeric(test_against) {
        let (a, b) = (php_floatval(value), php_floatval(test_against));
        return Some(accept(a.partial_cmp(&b).unwrap_or(Ordering::Greater)));
    }
    if php_type_name(value) != php_type_name(test_against) {
        return None;
    }
    Some(accept(php_compare(value, test_against)))
}

/// PHP `trim` default characters.
fn is_trim_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0b')
}

/// `contains`: a blank needle (the rule value, lower-cased) always matches, else case-insensitive
/// substring.
fn contains(value: &Value, needle: &str) -> bool {
    needle.trim_matches(is_trim_char).is_empty() || lower_str(value).contains(needle)
}

/// `isIn`: some `|`-separated part of the value equals a member of the set (a `|`-separated string,
/// an array's values, or the single scalar), all compared as lowercased strings.
fn is_in(value: &Value, test_against: &Value) -> bool {
    let set: Vec<String> = match test_against {
        Value::String(s) => ascii_lower(s).split('|').map(str::to_owned).collect(),
        Value::Array(items) => items.iter().map(|x| lower_str(x).into_owned()).collect(),
        Value::Object(map) => map.values().map(|x| lower_str(x).into_owned()).collect(),
        scalar => vec![lower_str(scalar).into_owned()],
    };
    lower_str(value)
        .split('|')
        .any(|part| set.iter().any(|member| member == part))
}

/// `regexMatches` before negation; `None` when the pattern is invalid or matching fails.
fn regex_matches(value: &Value, test_against: &Value) -> Option<bool> {
    let pattern = php_string(test_against).replace('/', "\\/");
    let subject = lower_str(value);
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(&pattern) && cache.len() >= REGEX_CACHE_CAPACITY {
            cache.clear();
        }
        let regex = cache
            .entry(pattern)
            .or_insert_with_key(|p| compile_php_regex(p));
        regex.as_ref()?.is_match(subject.as_bytes()).ok()
    })
}

/// Compiles the text between PHP's `/…/i` delimiters; `None` if PHP or PCRE2 would reject it.
fn compile_php_regex(escaped: &str) -> Option<Regex> {
    if !fits_php_delimiters(escaped) {
        return None;
    }
    RegexBuilder::new()
        .caseless(true)
        .jit_if_available(true)
        .max_jit_stack_size(Some(JIT_STACK_BYTES))
        .build(&format!("{REGEX_LIMITS}{escaped}"))
        .ok()
}

/// PHP's delimiter scan of `/escaped/i`: the ending `/` must be the one after `escaped` (a backslash
/// always escapes the next byte, so an odd run of backslashes before a `/` ends the pattern early).
fn fits_php_delimiters(escaped: &str) -> bool {
    let bytes = escaped.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 == bytes.len() => return false,
            b'\\' => i += 2,
            b'/' => return false,
            _ => i += 1,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn delimiter_scan_follows_php() {
        assert!(fits_php_delimiters("a\\/b"));
        assert!(fits_php_delimiters("a\\\\\\/b"));
        assert!(!fits_php_delimiters("a\\\\/b"));
        assert!(!fits_php_delimiters("abc\\"));
        assert!(fits_php_delimiters(""));
    }

    #[test]
    fn regex_cache_stays_bounded() {
        for i in 0..(REGEX_CACHE_CAPACITY + 5) {
            assert_eq!(
                regex_matches(&json!(format!("x{i}")), &json!(format!("^x{i}$"))),
                Some(true)
            );
        }
        REGEX_CACHE.with(|c| assert!(c.borrow().len() <= REGEX_CACHE_CAPACITY));
    }
}
