//! Report segments and custom segments (spec §10).

use serde_json::Value;

use crate::config::Config;
use crate::experience::Effects;
use crate::rules::{RuleError, RuleOptions};
use crate::store_data::{self, filter_report_segments};

/// `putSegments` (§10.2): stores only the report keys of `props`; nothing when there are none.
pub fn put_segments(data: &mut Value, props: &Value, fx: &mut Effects<'_>) {
    if let (Some(segments), _) = filter_report_segments(props) {
        fx.put(data, &store_data::patch("segments", Value::Object(segments)));
    }
}

/// Result of `runCustomSegments` (§10.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomSegmentsOutcome {
    /// The visitor's full `custom_segments` list after adding new ids.
    Added(Vec<String>),
    /// Nothing new was added; carries the ids that were already present (for the warning log).
    NothingNew { already_present: Vec<String> },
    RuleError(RuleError),
}

/// `runCustomSegments($keys, ...)` (§10.3) with `rule_data` already merged (§1.4).
/// Once one segment matched, every later listed segment is added without evaluating its rules.
pub fn run_custom_segments(
    config: &Config,
    rules: &RuleOptions,
    keys: &[String],
    rule_data: &Value,
    data: &mut Value,
    fx: &mut Effects<'_>,
) -> CustomSegmentsOutcome {
    let current = store_data::custom_segments(data);
    let mut matched = false;
    let mut new_ids = Vec::new();
    let mut already_present = Vec::new();
    for seg in config.segments.iter().filter(|s| keys.contains(&s.key)) {
        if !matched {
            match seg.compiled.matches(rule_data, rules) {
                Ok(m) => matched = m,
                Err(e) => return CustomSegmentsOutcome::RuleError(e),
            }
        }
        if matched {
            if current.contains(&seg.id) {
                already_present.push(seg.id.clone());
            } else if !new_ids.contains(&seg.id) {
                new_ids.push(seg.id.clone());
            }
        }
    }
    if new_ids.is_empty() {
        return CustomSegmentsOutcome::NothingNew { already_present };
    }
    let all: Vec<String> = current.into_iter().chain(new_ids).collect();
    let mut segments = store_data::segments(data);
    if !segments.is_object() {
        segments = Value::Object(crate::merge::to_map(&segments));
    }
    segments["custom_segments"] = Value::Array(all.iter().cloned().map(Value::String).collect());
    put_segments(data, &segments, fx);
    CustomSegmentsOutcome::Added(all)
}
