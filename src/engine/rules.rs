//! Rule tree evaluation `OR → AND → OR_WHEN → item` over key/value data (§5.1, §5.2).

use crate::operators::{apply_operator, existence_check, is_valueless_operator};
use crate::value::ascii_lower;
use serde_json::Value;
use std::borrow::Cow;

/// Errors a rule evaluation can propagate (§5.7). Only custom rule-data providers produce them, so with
/// array data an evaluation never yields one; the tree still propagates them as §5.1 specifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    NoDataFound,
    NeedMoreData,
}

impl RuleError {
    /// The PHP enum's backing value.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleError::NoDataFound => "convert.com_no_data_found",
            RuleError::NeedMoreData => "convert.com_need_more_data",
        }
    }
}

/// Evaluation options (`rules.keys_case_sensitive` and the opt-in JS existence operators of §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOptions {
    pub keys_case_sensitive: bool,
    pub js_exists_operators: bool,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            keys_case_sensitive: true,
            js_exists_operators: false,
        }
    }
}

/// Result of a rule evaluation: matched or not, or a propagated [`RuleError`].
pub type RuleResult = Result<bool, RuleError>;

/// `isRuleMatched(data, ruleSet)`: `true` as soon as one OR block matches; otherwise the result of the
/// last OR block (`false` or its `RuleError`). A rule set without a non-empty `OR` list is `false`.
/// `data` is a JSON object, or an array whose indexes are compared as decimal-string keys.
pub fn is_rule_matched(data: &Value, rule_set: &Value, opts: &RuleOptions) -> RuleResult {
    let Some(blocks) = non_empty_list(rule_set, "OR") else {
        return Ok(false);
    };
    let mut last = Ok(false);
    for block in blocks {
        last = process_and(data, block, opts);
        if last == Ok(true) {
            break;
        }
    }
    last
}

/// The first rule item, walking OR → AND → OR_WHEN in order, whose `rule_type` is `rule_type` (§5.6).
pub fn find_rule_item_of_type<'a>(rule_set: &'a Value, rule_type: &str) -> Option<&'a Value> {
    let children =
        |v: &'a Value, key: &str| v.get(key).and_then(Value::as_array).into_iter().flatten();
    children(rule_set, "OR")
        .flat_map(|and_block| children(and_block, "AND"))
        .flat_map(|or_when_block| children(or_when_block, "OR_WHEN"))
        .find(|item| item.get("rule_type").and_then(Value::as_str) == Some(rule_type))
}

/// The list under `key` when it is a non-empty array.
fn non_empty_list<'a>(block: &'a Value, key: &str) -> Option<&'a Vec<Value>> {
    block
        .get(key)
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty())
}

/// AND level: every OR_WHEN block must be `true`; the first other result ends the block.
fn process_and(data: &Value, block: &Value, opts: &RuleOptions) -> RuleResult {
    let Some(or_when_blocks) = non_empty_list(block, "AND") else {
        return Ok(false);
    };
    for or_when in or_when_blocks {
        let result = process_or_when(data, or_when, opts);
        if result != Ok(true) {
            return result;
        }
    }
    Ok(true)
}

/// OR_WHEN level: `true` on the first matching item (non-object items are skipped), else the last result.
fn process_or_when(data: &Value, block: &Value, opts: &RuleOptions) -> RuleResult {
    let Some(items) = non_empty_list(block, "OR_WHEN") else {
        return Ok(false);
    };
    let mut last = Ok(false);
    for item in items.iter().filter(|item| item.is_object()) {
        last = Ok(process_rule_item(data, item, opts));
        if last == Ok(true) {
            break;
        }
    }
    last
}

/// One rule item (§5.2): invalid item, unknown operator or absent key → `false` (never negated), except
/// that the valueless JS existence operators evaluate an absent key as undefined (§12).
fn process_rule_item(data: &Value, item: &Value, opts: &RuleOptions) -> bool {
    let Some(matching) = item.get("matching").filter(|m| m.is_object()) else {
        return false;
    };
    let (Some(op), Some(negated)) = (
        matching.get("match_type").and_then(Value::as_str),
        matching.get("negated").and_then(Value::as_bool),
    ) else {
        return false;
    };
    let valueless = opts.js_exists_operators && is_valueless_operator(op);
    let test_against = match item.get("value") {
        Some(v) if !v.is_null() => v,
        _ if valueless => &Value::Null,
        _ => return false,
    };
    let found = rule_key(item).and_then(|key| lookup(data, &key, opts.keys_case_sensitive));
    match found {
        Some(value) => apply_operator(op, value, test_against, negated, opts.js_exists_operators)
            .unwrap_or(false),
        None if valueless => existence_check(op, None, negated).unwrap_or(false),
        None => false,
    }
}

/// The item's `key` as a string (an integer key is compared in its decimal form).
fn rule_key(item: &Value) -> Option<Cow<'_, str>> {
    match item.get("key")? {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// The value under the first data key equal to `key` (ASCII case-insensitively unless `case_sensitive`).
fn lookup<'a>(data: &'a Value, key: &str, case_sensitive: bool) -> Option<&'a Value> {
    let wanted = if case_sensitive {
        Cow::Borrowed(key)
    } else {
        ascii_lower(key)
    };
    let matches = |k: &str| {
        if case_sensitive {
            k == wanted
        } else {
            ascii_lower(k) == wanted
        }
    };
    match data {
        Value::Object(map) if case_sensitive => map.get(key),
        Value::Object(map) => map.iter().find(|(k, _)| matches(k)).map(|(_, v)| v),
        Value::Array(list) => list_index(key).and_then(|i| list.get(i)),
        _ => None,
    }
}

/// The list index a key names: its canonical decimal form only (`"1"`, not `"01"` or `"+1"`).
fn list_index(key: &str) -> Option<usize> {
    key.parse::<usize>().ok().filter(|i| i.to_string() == key)
}
