//! Feature flags (spec §8): features enabled through `fullStackFeature` changes of the
//! variations a visitor is bucketed into, with typed variables.

use std::sync::Arc;

use serde_json::Value;

use crate::config::{Experience, FeatureChange};
use crate::experience::{DecisionInput, Decider, Effects, Outcome, Overrides};
use crate::rules::RuleError;

/// One entry of `runFeatures` (§8.2 step 5/6).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureEntry {
    /// `(string) feature_id`.
    pub id: String,
    /// Declared key; `None` when the change names an undeclared feature.
    pub key: Option<String>,
    pub enabled: bool,
    /// Key of the experience that enabled it (`None` for disabled entries).
    pub experience_key: Option<String>,
    /// Variables (cast when requested); `Value::Null` when absent or disabled. The config's own value
    /// (shared), so its address identifies it while the config lives.
    pub variables: Arc<Value>,
}

/// What `collect` is restricted to (`runFeature`); empty = everything (`runFeatures`).
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureFilter<'a> {
    pub feature_key: Option<&'a str>,
    pub experience_keys: &'a [String],
}

/// Warnings raised while reading changes (logged by the binding layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureWarning {
    NotAFeatureChange { experience_key: String },
    UndeclaredVariable { feature_id: String, variable: String },
}

/// §8.2 `collect`: decides every selected experience (with all side effects), then lists features.
/// `Err` when any decision reported a rule error.
pub fn collect<'c>(
    decider: &Decider<'c>,
    input: &DecisionInput<'_>,
    data: &mut Value,
    fx: &mut Effects<'c>,
    filter: FeatureFilter<'_>,
    type_casting: bool,
    warnings: &mut Vec<FeatureWarning>,
) -> Result<Vec<FeatureEntry>, RuleError> {
    let ctx = CollectContext { filter, type_casting, overrides: Overrides::default() };
    collect_with(decider, input, data, fx, &ctx, warnings)
}

/// Options of `collect_with`.
#[derive(Debug, Clone, Copy)]
pub struct CollectContext<'a> {
    pub filter: FeatureFilter<'a>,
    pub type_casting: bool,
    pub overrides: Overrides<'a>,
}

/// `collect` with QA overrides applied to every decision.
pub fn collect_with<'c>(
    decider: &Decider<'c>,
    input: &DecisionInput<'_>,
    data: &mut Value,
    fx: &mut Effects<'c>,
    ctx: &CollectContext<'_>,
    warnings: &mut Vec<FeatureWarning>,
) -> Result<Vec<FeatureEntry>, RuleError> {
    let (filter, type_casting) = (ctx.filter, ctx.type_casting);
    let config = decider.config;
    let experiences: Vec<&'c Experience> = config
        .experiences
        .iter()
        .filter(|e| filter.experience_keys.is_empty() || filter.experience_keys.contains(&e.key))
        .collect();
    let mut rule_error = None;
    let mut entries = Vec::new();
    for exp in experiences {
        match decider.decide_with(exp, input, &ctx.overrides, data, fx) {
            Outcome::Variation { variation, .. } => {
                for change in &variation.feature_changes {
                    if let Some(entry) = feature_entry(decider, exp, change.as_ref(), filter, type_casting, warnings) {
                        entries.push(entry);
                    }
                }
            }
            Outcome::RuleError(e) => {
                rule_error.get_or_insert(e);
            }
            Outcome::NotEligible(_) | Outcome::NotDecided => {}
        }
    }
    if let Some(e) = rule_error {
        return Err(e);
    }
    if filter.feature_key.is_none() {
        for f in &config.features {
            if !entries.iter().any(|e| e.id == f.id) {
                entries.push(FeatureEntry {
                    id: f.id.clone(),
                    key: Some(f.key.clone()),
                    enabled: false,
                    experience_key: None,
                    variables: Arc::new(Value::Null),
                });
            }
        }
    }
    Ok(entries)
}

/// The enabled entry for one change of a bucketed variation, if it is a feature change.
fn feature_entry(
    decider: &Decider<'_>,
    exp: &Experience,
    change: Option<&FeatureChange>,
    filter: FeatureFilter<'_>,
    type_casting: bool,
    warnings: &mut Vec<FeatureWarning>,
) -> Option<FeatureEntry> {
    let Some(change) = change else {
        warnings.push(FeatureWarning::NotAFeatureChange { experience_key: exp.key.clone() });
        return None;
    };
    let declared = change.declared.map(|i| &decider.config.features[i]);
    if let Some(wanted) = filter.feature_key {
        if declared.is_none_or(|f| f.key != wanted) {
            return None;
        }
    }
    let variables = if type_casting {
        warnings.extend(change.undeclared.iter().map(|variable| FeatureWarning::UndeclaredVariable {
            feature_id: change.feature_id.clone(),
            variable: variable.clone(),
        }));
        change.cast_variables.clone()
    } else {
        change.variables.clone()
    };
    Some(FeatureEntry {
        id: change.feature_id.clone(),
        key: declared.map(|f| f.key.clone()),
        enabled: true,
        experience_key: Some(exp.key.clone()),
        variables,
    })
}
