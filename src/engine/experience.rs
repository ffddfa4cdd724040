//! One experience decision (spec §4.2–§4.4): eligibility, stored decision, fresh bucketing.
//!
//! The caller loads the visitor's StoreData once and passes it as `&mut Value`; every change is
//! applied to it (and reported through `changed`) so the caller writes the store at most once.

use serde_json::Value;

use crate::bucketing::{Arm, layout_for_version, select_arm};
use crate::config::{Config, Experience, RuleEntity, Variation};
use crate::hash::bucket_value_bytes;
use crate::rules::{RuleError, RuleOptions};
use crate::store_data::{self, put_data_in_place};
use crate::tracking::wire_segments;

/// `bucketing` options (§1.2): hash seed and traffic scale.
#[derive(Debug, Clone, Copy)]
pub struct BucketingSettings {
    pub hash_seed: u32,
    pub max_traffic: f64,
}

impl Default for BucketingSettings {
    fn default() -> Self {
        BucketingSettings { hash_seed: 9999, max_traffic: 10000.0 }
    }
}

/// Inputs of one decision besides the experience.
#[derive(Debug, Clone, Copy)]
pub struct DecisionInput<'a> {
    /// The visitor id as given (a PHP string: bytes, not necessarily UTF-8).
    pub visitor_id: &'a [u8],
    /// Merged visitor properties (§1.4): stored segments ⊕ context properties ⊕ call properties.
    pub visitor_properties: &'a Value,
    pub location_properties: Option<&'a Value>,
    pub update_visitor_properties: bool,
    pub environment: &'a str,
}

/// QA overrides of §12 (all off by default, so default decisions stay identical).
#[derive(Debug, Clone, Copy)]
pub struct Overrides<'a> {
    /// `forceVariationId`: serve this variation when the experience has it (stored and tracked
    /// as a fresh decision unless it is already the stored one).
    pub force_variation_id: Option<&'a str>,
    /// `enableTracking`: when false, fresh decisions are stored but not tracked.
    pub enable_tracking: bool,
    /// `ignoreLocationProperties`: skip the location step (§4.3 step 5).
    pub ignore_location: bool,
    /// Preview mode: `(experienceId, variationId)` served without eligibility, hashing, storage or tracking.
    pub preview: Option<(&'a str, &'a str)>,
}

impl Default for Overrides<'_> {
    fn default() -> Self {
        Overrides { force_variation_id: None, enable_tracking: true, ignore_location: false, preview: None }
    }
}

/// Why an experience was not served (for logs and explanations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotEligible {
    UnknownKey,
    Archived,
    Environment,
    NoLocationProperties,
    LocationNotMatched,
    AudienceNotMatched,
    SegmentNotMatched,
    NoVariations,
}

impl NotEligible {
    /// Stable snake_case name used in decision explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            NotEligible::UnknownKey => "unknown_key",
            NotEligible::Archived => "archived",
            NotEligible::Environment => "environment_mismatch",
            NotEligible::NoLocationProperties => "no_location_properties",
            NotEligible::LocationNotMatched => "location_not_matched",
            NotEligible::AudienceNotMatched => "audience_not_matched",
            NotEligible::SegmentNotMatched => "segment_not_matched",
            NotEligible::NoVariations => "no_variations",
        }
    }
}

/// The result of `decide`.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'c> {
    /// Served; `bucket_value` is `None` when the stored decision was used.
    Variation { experience: &'c Experience, variation: &'c Variation, bucket_value: Option<u32> },
    NotEligible(NotEligible),
    RuleError(RuleError),
    /// `BucketingError::VariationNotDecided`: the visitor fell outside every variation.
    NotDecided,
}

/// Side effects a decision asks the binding layer to perform (events, tracking, warnings).
#[derive(Debug, Clone)]
pub enum Effect<'c> {
    LocationActivated(&'c RuleEntity),
    LocationDeactivated(&'c RuleEntity),
    /// A fresh decision: enqueue a `bucketing` tracking event (§7.2) with the visitor's wire
    /// segments as read before the decision (boxed: most visitors have none, and effects are
    /// queued in a list).
    Bucketed { experience_id: &'c str, variation_id: &'c str, segments: Option<Box<Value>> },
    /// A mutual-exclusion rule names an experience key that does not exist (§5.6).
    UnknownExclusionTarget(String),
}

/// Decides experiences of one config.
pub struct Decider<'c> {
    pub config: &'c Config,
    pub settings: BucketingSettings,
    pub rules: RuleOptions,
}

/// Collects effects and whether the StoreData changed.
#[derive(Debug, Default)]
pub struct Effects<'c> {
    pub list: Vec<Effect<'c>>,
    pub data_changed: bool,
}

impl<'c> Effects<'c> {
    /// Appends an effect; a decision asks for one or two, so the list starts with room for two.
    pub fn push(&mut self, effect: Effect<'c>) {
        if self.list.capacity() == 0 {
            self.list.reserve_exact(2);
        }
        self.list.push(effect);
    }

    /// `putData` (§6.4) on the visitor's data, remembering whether it changed.
    pub fn put(&mut self, data: &mut Value, patch: &Value) {
        if put_data_in_place(data, patch) {
            self.data_changed = true;
        }
    }
}

/// The stored location keys followed by `appended` ones, as one list.
fn stored_then(data: &Value, appended: Vec<&str>) -> Vec<String> {
    let mut list = store_data::locations(data);
    list.extend(appended.into_iter().map(str::to_owned));
    list
}

/// The variation selected for bucket value `value` (§4.4); the arms of up to 8 variations are
/// built on the stack.
fn select_variation<'c>(exp: &'c Experience, value: u32) -> Option<&'c Variation> {
    const ON_STACK: usize = 8;
    let arm = |v: &'c Variation| Arm { id: &v.id, status: v.status.as_ref(), traffic_allocation: v.traffic_allocation.as_ref() };
    let layout = layout_for_version(exp.version.as_ref());
    let n = exp.variations.len();
    let index = if n <= ON_STACK {
        let mut arms = [Arm { id: "", status: None, traffic_allocation: None }; ON_STACK];
        for (slot, v) in arms.iter_mut().zip(&exp.variations) {
            *slot = arm(v);
        }
        select_arm(layout, &arms[..n], value)
    } else {
        select_arm(layout, &exp.variations.iter().map(arm).collect::<Vec<_>>(), value)
    }?;
    exp.variations.get(index)
}

fn has_rules(rules: &Value) -> bool {
    match rules {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

impl<'c> Decider<'c> {
    /// Decides `experience_key` for a visitor (§4.2).
    pub fn decide_key(&self, key: &str, input: &DecisionInput<'_>, data: &mut Value, fx: &mut Effects<'c>) -> Outcome<'c> {
        match self.config.experience_by_key(key) {
            Some(e) => self.decide(e, input, data, fx),
            None => Outcome::NotEligible(NotEligible::UnknownKey),
        }
    }

    /// Decides one experience (§4.2): eligibility, stored decision, fresh decision and its write.
    pub fn decide(&self, exp: &'c Experience, input: &DecisionInput<'_>, data: &mut Value, fx: &mut Effects<'c>) -> Outcome<'c> {
        self.decide_with(exp, input, &Overrides::default(), data, fx)
    }

    /// `decide` with QA overrides (§12).
    pub fn decide_with(&self, exp: &'c Experience, input: &DecisionInput<'_>, ov: &Overrides<'_>, data: &mut Value, fx: &mut Effects<'c>) -> Outcome<'c> {
        if let Some((_, var_id)) = ov.preview.filter(|(e, _)| *e == exp.id) {
            return match exp.variations.iter().find(|v| v.id == var_id) {
                Some(variation) => Outcome::Variation { experience: exp, variation, bucket_value: None },
                None => Outcome::NotDecided,
            };
        }
        let stored = match self.check(exp, input, ov.ignore_location, data, fx) {
            Ok(stored) => stored,
            Err(outcome) => return outcome,
        };
        let forced = ov.force_variation_id.and_then(|id| exp.variations.iter().find(|v| v.id == id));
        if let Some(variation) = stored {
            if forced.is_none_or(|f| f.id == variation.id) {
                return Outcome::Variation { experience: exp, variation, bucket_value: None };
            }
        }
        let value = bucket_value_bytes(&exp.id, input.visitor_id, self.settings.hash_seed, self.settings.max_traffic);
        let variation = match forced {
            Some(f) => f,
            None => match select_variation(exp, value) {
                Some(v) => v,
                None => return Outcome::NotDecided,
            },
        };
        let segments = ov.enable_tracking.then(|| wire_segments(&store_data::segments(data))).flatten();
        fx.data_changed |= store_data::put_bucketing(data, &exp.id, &variation.id);
        if input.update_visitor_properties && !store_data::is_empty(input.visitor_properties) {
            fx.put(data, &store_data::patch("segments", input.visitor_properties.clone()));
        }
        if ov.enable_tracking {
            fx.push(Effect::Bucketed { experience_id: &exp.id, variation_id: &variation.id, segments: segments.map(Box::new) });
        }
        Outcome::Variation { experience: exp, variation, bucket_value: Some(value) }
    }

    /// Eligibility in the order of §4.3 (with the location-selection write of §4.3.1, nothing
    /// else); `Err` carries the non-served outcome.
    pub fn check_eligibility(&self, exp: &'c Experience, input: &DecisionInput<'_>, data: &mut Value, fx: &mut Effects<'c>) -> Result<(), Outcome<'c>> {
        self.check(exp, input, false, data, fx).map(|_| ())
    }

    /// Eligibility; `Ok` carries the stored variation (one of the experience's) when there is one.
    fn check(&self, exp: &'c Experience, input: &DecisionInput<'_>, ignore_location: bool, data: &mut Value, fx: &mut Effects<'c>) -> Result<Option<&'c Variation>, Outcome<'c>> {
        let not = |r| Err(Outcome::NotEligible(r));
        if self.config.is_archived(&exp.id) {
            return not(NotEligible::Archived);
        }
        if exp.environment.as_deref().is_some_and(|e| e != input.environment) {
            return not(NotEligible::Environment);
        }
        let stored = store_data::stored_variation(data, &exp.id).and_then(|s| exp.variations.iter().find(|v| v.id == s));
        let is_bucketed = stored.is_some();
        if !ignore_location {
            match self.location_matches(exp, input, data, fx) {
                Ok(true) => {}
                Ok(false) if input.location_properties.is_none_or(store_data::is_empty) => {
                    return not(NotEligible::NoLocationProperties);
                }
                Ok(false) => return not(NotEligible::LocationNotMatched),
                Err(e) => return Err(Outcome::RuleError(e)),
            }
        }
        match self.audiences_match(exp, input, data, is_bucketed, fx) {
            Ok(true) => {}
            Ok(false) => return not(NotEligible::AudienceNotMatched),
            Err(e) => return Err(Outcome::RuleError(e)),
        }
        if !self.segments_match(exp, data) {
            return not(NotEligible::SegmentNotMatched);
        }
        if exp.variations.is_empty() {
            return not(NotEligible::NoVariations);
        }
        Ok(stored)
    }

    /// §4.3 step 5, with the location selection side effects of §4.3.1.
    fn location_matches(&self, exp: &'c Experience, input: &DecisionInput<'_>, data: &mut Value, fx: &mut Effects<'c>) -> Result<bool, RuleError> {
        let Some(props) = input.location_properties.filter(|p| !store_data::is_empty(p)) else {
            return Ok(false);
        };
        if !exp.locations.is_empty() {
            if exp.location_entities.is_empty() {
                return Ok(false);
            }
            return self.select_locations(&exp.location_entities, props, data, fx);
        }
        match &exp.site_area {
            Some(rules) => rules.matches(props, &self.rules),
            None => Ok(true),
        }
    }

    /// Location selection (§4.3.1): activation/deactivation events and the `locations` write.
    fn select_locations(&self, candidates: &[usize], props: &Value, data: &mut Value, fx: &mut Effects<'c>) -> Result<bool, RuleError> {
        // The stored keys are read in place while locations are only activated (their keys are
        // collected in `appended`); they are copied once a deactivation removes one.
        let mut appended: Vec<&'c str> = Vec::new();
        let mut stored: Option<Vec<String>> = None;
        let mut matched = false;
        let mut first_error = None;
        let locations = &self.config.locations;
        for loc in candidates.iter().map(|&i| &locations[i]).filter(|l| has_rules(&l.rules)) {
            let present = match &stored {
                Some(list) => list.iter().position(|s| *s == loc.key),
                None => store_data::location_position(data, &loc.key).or_else(|| {
                    let base = store_data::locations_len(data);
                    appended.iter().position(|k| *k == loc.key).map(|i| base + i)
                }),
            };
            match loc.compiled.matches(props, &self.rules) {
                Ok(true) => {
                    if present.is_none() {
                        fx.push(Effect::LocationActivated(loc));
                        match &mut stored {
                            Some(list) => list.push(loc.key.clone()),
                            None => {
                                // usually the only one
                                if appended.capacity() == 0 {
                                    appended.reserve_exact(1);
                                }
                                appended.push(&loc.key);
                            }
                        }
                    }
                    matched = true;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
                Ok(false) => {
                    if let Some(i) = present {
                        fx.push(Effect::LocationDeactivated(loc));
                        let list = stored.get_or_insert_with(|| stored_then(data, std::mem::take(&mut appended)));
                        list.remove(i);
                    }
                }
            }
        }
        // Only activations: appended in place when the stored list allows it.
        if stored.is_none() && !appended.is_empty() {
            if store_data::append_locations(data, &appended) {
                fx.data_changed = true;
            } else {
                stored = Some(stored_then(data, appended.clone()));
            }
        }
        // Without an event the list is the stored one; writing it back changes nothing unless the
        // stored list is not already a list of distinct strings (the union then normalises it).
        let list = match stored {
            Some(list) => Some(list),
            None if appended.is_empty() && !store_data::locations_are_canonical(data) => Some(store_data::locations(data)),
            None => None,
        };
        if let Some(list) = list {
            let list = Value::Array(list.into_iter().map(Value::String).collect());
            fx.put(data, &store_data::patch("locations", list));
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(matched),
        }
    }

    /// §4.3 step 6: audiences (permanent ones skipped once bucketed), with §5.6.
    fn audiences_match(&self, exp: &Experience, input: &DecisionInput<'_>, data: &Value, is_bucketed: bool, fx: &mut Effects<'c>) -> Result<bool, RuleError> {
        if exp.audiences.is_empty() {
            return Ok(true);
        }
        let audiences = &self.config.audiences;
        let to_check = exp.audience_entities.iter().map(|&i| &audiences[i]).filter(|a| !(is_bucketed && a.permanent));
        let (mut checked, mut matched_count) = (0, 0);
        for audience in to_check {
            checked += 1;
            let matched = has_rules(&audience.rules) && self.audience_matches(audience, input, data, fx)?;
            if matched {
                matched_count += 1;
                if !exp.match_all_audiences {
                    return Ok(true);
                }
            }
        }
        // nothing left to check (none listed, or only permanent ones once bucketed): eligible
        Ok(checked == 0 || (exp.match_all_audiences && matched_count == checked))
    }

    /// One audience, honouring the mutual-exclusion rule (§5.6).
    fn audience_matches(&self, audience: &RuleEntity, input: &DecisionInput<'_>, data: &Value, fx: &mut Effects<'c>) -> Result<bool, RuleError> {
        let Some(exclusion) = &audience.exclusion else {
            return audience.compiled.matches(input.visitor_properties, &self.rules);
        };
        let bucketed = match self.config.experience_by_key(&exclusion.experience_key) {
            Some(target) => store_data::stored_variation(data, &target.id).is_some(),
            None => {
                fx.push(Effect::UnknownExclusionTarget(exclusion.experience_key.clone()));
                false
            }
        };
        Ok(bucketed != exclusion.negated)
    }

    /// §4.3 step 7: segment ids listed in `audiences` need one of them in `custom_segments`.
    fn segments_match(&self, exp: &Experience, data: &Value) -> bool {
        if exp.segment_entities.is_empty() {
            return true;
        }
        let stored = store_data::custom_segments(data);
        exp.segment_entities.iter().any(|&i| stored.contains(&self.config.segments[i].id))
    }
}
