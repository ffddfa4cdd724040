//! Rule tree evaluation `OR → AND → OR_WHEN → item` over key/value data (§5.1, §5.2).

use crate::operators::{Op, apply_op, existence_check, lower_str};
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
/// Decisions use the same evaluation on rule sets compiled once per config ([`CompiledRules`]).
pub fn is_rule_matched(data: &Value, rule_set: &Value, opts: &RuleOptions) -> RuleResult {
    CompiledRules::compile(rule_set).matches(data, opts)
}

/// A rule set decoded once (the `OR → AND → OR_WHEN → item` tree of §5.1 as nested lists), so an
/// evaluation reads no JSON structure, only the visitor's data.
#[derive(Debug, Clone, Default)]
pub struct CompiledRules {
    /// OR blocks → AND blocks (OR_WHEN lists) → items. An OR_WHEN list that is empty evaluates to
    /// `false`, which is also how an AND block without a non-empty `AND` list is represented.
    or_blocks: Vec<Vec<Vec<Item>>>,
}

/// One rule item (§5.2) as decoded from the config.
#[derive(Debug, Clone)]
enum Item {
    /// No valid `matching` (`match_type` string and `negated` bool) or an unknown operator: always
    /// `false`, never negated.
    Invalid,
    Test {
        op: Op,
        negated: bool,
        /// `value` unless absent or null.
        value: Option<Value>,
        /// `value` as the lower-cased string the operator compares with, when it compares one.
        lowered: Option<String>,
        /// `key` as a string (integer keys in decimal form); `None` when absent or of another type.
        key: Option<String>,
    },
}

impl CompiledRules {
    /// Decodes a rule set (any JSON; anything malformed keeps the evaluation result of §5.1).
    pub fn compile(rule_set: &Value) -> CompiledRules {
        let Some(blocks) = non_empty_list(rule_set, "OR") else {
            return CompiledRules::default();
        };
        let or_blocks = blocks
            .iter()
            .map(|block| match non_empty_list(block, "AND") {
                Some(or_whens) => or_whens.iter().map(compile_or_when).collect(),
                None => vec![Vec::new()],
            })
            .collect();
        CompiledRules { or_blocks }
    }

    /// The §5.1 evaluation on `data` (see [`is_rule_matched`]). Array data cannot yield a
    /// [`RuleError`] (§5.7), so the result is `Ok(bool)`.
    pub fn matches(&self, data: &Value, opts: &RuleOptions) -> RuleResult {
        Ok(self.or_blocks.iter().any(|and_block| {
            and_block.iter().all(|or_when| or_when.iter().any(|item| item.matches(data, opts)))
        }))
    }
}

/// An OR_WHEN block: its object items (others are skipped); empty when the list is absent or empty.
fn compile_or_when(block: &Value) -> Vec<Item> {
    let items = non_empty_list(block, "OR_WHEN").map_or(&[][..], Vec::as_slice);
    items.iter().filter(|item| item.is_object()).map(compile_item).collect()
}

fn compile_item(item: &Value) -> Item {
    let matching = item.get("matching").filter(|m| m.is_object());
    let op = matching.and_then(|m| m.get("match_type")).and_then(Value::as_str);
    let negated = matching.and_then(|m| m.get("negated")).and_then(Value::as_bool);
    let (Some(op), Some(negated)) = (op.and_then(Op::parse), negated) else {
        return Item::Invalid;
    };
    let value = item.get("value").filter(|v| !v.is_null()).cloned();
    let lowered = value.as_ref().filter(|_| op.compares_lowered()).map(|v| lower_str(v).into_owned());
    Item::Test { op, negated, value, lowered, key: rule_key(item).map(Cow::into_owned) }
}

impl Item {
    /// One rule item (§5.2): invalid item, unknown operator or absent key → `false` (never negated),
    /// except that the valueless JS existence operators evaluate an absent key as undefined (§12).
    fn matches(&self, data: &Value, opts: &RuleOptions) -> bool {
        let Item::Test { op, negated, value, lowered, key } = self else { return false };
        let op = *op;
        let valueless = opts.js_exists_operators && op.is_valueless();
        let test_against = match value {
            Some(v) => v,
            None if valueless => &Value::Null,
            None => return false,
        };
        let found = key.as_deref().and_then(|key| lookup(data, key, opts.keys_case_sensitive));
        match found {
            Some(value) => {
                apply_op(op, value, test_against, lowered.as_deref(), *negated, opts.js_exists_operators).unwrap_or(false)
            }
            None if valueless => existence_check(op, None, *negated).unwrap_or(false),
            None => false,
        }
    }
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
        Value::Object(_) if case_sensitive => crate::value::member(data, key),
        Value::Object(map) => map.iter().find(|(k, _)| matches(k)).map(|(_, v)| v),
        Value::Array(list) => list_index(key).and_then(|i| list.get(i)),
        _ => None,
    }
}

/// The list index a key names: its canonical decimal form only (`"1"`, not `"01"` or `"+1"`).
fn list_index(key: &str) -> Option<usize> {
    key.parse::<usize>().ok().filter(|i| i.to_string() == key)
}
