//! `trackConversion` decisions (spec §7.6): goal lookup, goal rules, deduplication through the
//! stored `goals`, and which tracking events a conversion produces.

use serde_json::{Map, Value};

use crate::config::Config;
use crate::experience::Effects;
use crate::rules::{RuleError, RuleOptions};
use crate::value::php_bool;

/// What `trackConversion` decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversionOutcome {
    /// No goal with that key (`false`).
    UnknownGoal,
    /// `ruleData` given and the goal has no rules or they did not match (`false`).
    RulesNotMatched,
    RuleError(RuleError),
    /// Already converted and not forced: nothing stored, sent or fired (`null`).
    AlreadyConverted,
    /// Accepted (`null`): which events to enqueue, then fire `conversion`.
    Accepted { goal_id: String, send_conversion: bool, send_transaction: bool },
}

/// Conversion request parameters.
#[derive(Debug, Clone, Copy)]
pub struct ConversionRequest<'a> {
    pub goal_key: &'a str,
    pub rule_data: Option<&'a Value>,
    pub has_conversion_data: bool,
    pub force_multiple_transactions: bool,
}

fn is_empty_rules(rules: &Value) -> bool {
    match rules {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
        _ => !php_bool(rules),
    }
}

/// Decides a conversion and records `goals[goalKey] = true` in `data`.
pub fn track_conversion(
    config: &Config,
    rules: &RuleOptions,
    req: ConversionRequest<'_>,
    data: &mut Value,
    fx: &mut Effects<'_>,
) -> ConversionOutcome {
    let Some(goal) = config.goals.iter().find(|g| g.key == req.goal_key) else {
        return ConversionOutcome::UnknownGoal;
    };
    if let Some(rule_data) = req.rule_data {
        if is_empty_rules(&goal.rules) {
            return ConversionOutcome::RulesNotMatched;
        }
        match goal.compiled.matches(rule_data, rules) {
            Err(e) => return ConversionOutcome::RuleError(e),
            Ok(false) => return ConversionOutcome::RulesNotMatched,
            Ok(true) => {}
        }
    }
    let triggered = data.get("goals").and_then(|g| g.get(req.goal_key)).is_some_and(php_bool);
    if triggered && !req.force_multiple_transactions {
        return ConversionOutcome::AlreadyConverted;
    }
    let mut goals = Map::new();
    goals.insert(req.goal_key.to_string(), Value::Bool(true));
    let mut patch = Map::new();
    patch.insert("goals".into(), Value::Object(goals));
    fx.put(data, &Value::Object(patch));
    ConversionOutcome::Accepted {
        goal_id: goal.id.clone(),
        send_conversion: !triggered,
        send_transaction: req.has_conversion_data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> Config {
        Config::from_value(json!({
            "account_id": "1", "project": {"id": "2"},
            "goals": [
                {"id": "5001", "key": "purchase", "rules": null},
                {"id": "5002", "key": "add", "rules": {"OR": [{"AND": [{"OR_WHEN": [
                    {"rule_type": "generic_text_key_value", "key": "action", "value": "add",
                     "matching": {"match_type": "matches", "negated": false}}]}]}]}}
            ]
        }))
        .unwrap()
    }

    fn run(data: &mut Value, goal: &str, rule_data: Option<&Value>, with_data: bool, force: bool) -> ConversionOutcome {
        let req = ConversionRequest { goal_key: goal, rule_data, has_conversion_data: with_data, force_multiple_transactions: force };
        track_conversion(&config(), &RuleOptions::default(), req, data, &mut Effects::default())
    }

    #[test]
    fn force_multiple_transactions_matrix() {
        let accepted = |c, t| ConversionOutcome::Accepted { goal_id: "5001".into(), send_conversion: c, send_transaction: t };
        assert_eq!(run(&mut json!({}), "purchase", None, false, false), accepted(true, false));
        let mut data = json!({});
        assert_eq!(run(&mut data, "purchase", None, true, false), accepted(true, true));
        assert_eq!(data["goals"], json!({"purchase": true}));
        assert_eq!(run(&mut data, "purchase", None, true, false), ConversionOutcome::AlreadyConverted);
        assert_eq!(run(&mut data, "purchase", None, false, true), accepted(false, false));
        assert_eq!(run(&mut data, "purchase", None, true, true), accepted(false, true));
    }

    #[test]
    fn goal_rules_gate() {
        assert_eq!(run(&mut json!({}), "nope", None, false, false), ConversionOutcome::UnknownGoal);
        assert_eq!(run(&mut json!({}), "purchase", Some(&json!({"a": 1})), false, false), ConversionOutcome::RulesNotMatched);
        assert_eq!(run(&mut json!({}), "add", Some(&json!({"action": "remove"})), false, false), ConversionOutcome::RulesNotMatched);
        assert!(matches!(run(&mut json!({}), "add", Some(&json!({"action": "add"})), false, false), ConversionOutcome::Accepted { .. }));
        assert!(matches!(run(&mut json!({}), "add", None, false, false), ConversionOutcome::Accepted { .. }));
    }
}
