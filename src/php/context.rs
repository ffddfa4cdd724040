//! `ConvertSdk\Context`: one visitor (spec §1.4). Decisions are made by the engine; this file
//! reads arguments, loads/saves the visitor's StoreData and turns engine results into DTOs and events.
#![allow(non_snake_case)] // PHP parameter names (named arguments) are camelCase

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use convert_sdk_engine::config::Config;
use convert_sdk_engine::conversion::{ConversionOutcome, ConversionRequest, track_conversion};
use convert_sdk_engine::experience::{Decider, DecisionInput, Effect, Effects, NotEligible, Outcome, Overrides};
use convert_sdk_engine::features::{CollectContext, FeatureEntry, FeatureFilter, FeatureWarning, collect_with};
use convert_sdk_engine::merge::{deep_merge, is_php_array, is_php_list};
use convert_sdk_engine::segments::{CustomSegmentsOutcome, put_segments, run_custom_segments};
use convert_sdk_engine::store_data::{self, put_data, split_report_segments};
use convert_sdk_engine::tracking::{bucketing_event, conversion_event, transaction_event, wire_segments};
use convert_sdk_engine::value::{member, php_bool};
use convert_sdk_engine::visitor_doc::{Orphans, SharedDoc, VisitorDoc};
use ext_php_rs::binary::Binary;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::{Map, Value, json};

use super::args::{bytes_arg, optional_array, string_arg, type_error};
use super::call_attributes::CallAttributes;
use super::convert::{value_to_zval, zval_to_value};
use super::dtos::{BucketedFeature, BucketedVariation};
use super::enums::FeatureStatus;
use super::core::CoreRef;
use super::gc::{GcBuffer, HoldsZvals};
use super::instance::Instance;
use super::dtos::read_property;
use super::interfaces::ArrayZval;
use super::logger::Level;

#[php_class]
#[php(name = "ConvertSdk\\Context")]
#[php(flags = ClassFlags::Final)]
#[php(implements(super::interfaces::PhpInterfaceContextInterface))]
pub struct Context {
    /// The SDK that created this context (kept alive by it).
    core: CoreRef,
    config: Arc<Config>,
    /// The visitor id as given (bytes; hashing and store keys use them).
    visitor_bytes: Vec<u8>,
    /// The id as UTF-8 text (invalid bytes replaced by U+FFFD) for JSON payloads and logs.
    visitor_id: String,
    /// The visitor's StoreData (read from the store once, on first need) and its pending write.
    doc: Rc<VisitorDoc>,
    /// Where `drop` leaves unwritten changes (shared with the instance; see `Drop`).
    orphans: Orphans,
    /// Non-report attributes (not persisted); `None` until some are set.
    visitor_properties: RefCell<Option<Rc<Value>>>,
    /// The last merged visitor properties and the inputs they came from (most calls repeat them).
    merged_cache: RefCell<Option<MergedProperties>>,
    /// Preview mode (§12): `(experienceId, variationId)`.
    preview: RefCell<Option<(String, String)>>,
}

/// Inputs and result of the last `merged_properties`.
struct MergedProperties {
    call: Option<Value>,
    stored: Option<Value>,
    merged: Rc<Value>,
}

/// Equal values with keys in the same order (the merge result depends on the order).
fn same_json(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k1, v1), (k2, v2))| k1 == k2 && same_json(Some(v1), Some(v2)))
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v1, v2)| same_json(Some(v1), Some(v2)))
        }
        (Some(x), Some(y)) => !x.is_array() && !x.is_object() && x == y,
        _ => false,
    }
}

/// `"ConvertSdk\\Context::<name>"` as a constant (no formatting on the hot path).
macro_rules! method {
    ($name:literal) => {
        concat!("ConvertSdk\\Context::", $name)
    };
}

impl Context {
    /// Construction (§1.4.1): report segments of the attributes are stored, the rest kept.
    pub fn new(core: CoreRef, config: Arc<Config>, visitor_bytes: Vec<u8>, attributes: Option<Value>) -> Context {
        let store_key = core.instance().store_key(&config, &visitor_bytes);
        // Another Context of this visitor may hold unwritten decisions: write them so this one reads them.
        core.instance().flush_writes(Some(&store_key));
        let orphans = core.instance().pending.orphans();
        let doc = VisitorDoc::new(store_key);
        core.instance().pending.add(&doc);
        let visitor_id = String::from_utf8_lossy(&visitor_bytes).into_owned();
        let ctx = Context {
            core,
            config,
            visitor_bytes,
            visitor_id,
            doc,
            orphans,
            visitor_properties: RefCell::new(None),
            merged_cache: RefCell::new(None),
            preview: RefCell::new(None),
        };
        if let Some(attrs) = attributes.filter(|a| !store_data::is_empty(a)) {
            let (segments, others) = split_report_segments(attrs);
            *ctx.visitor_properties.borrow_mut() = others.map(|m| Rc::new(Value::Object(m)));
            if let Some(segments) = segments {
                ctx.update_data(|data, fx| put_segments(data, &Value::Object(segments), fx));
            }
        }
        ctx
    }

    fn instance(&self) -> &Instance {
        self.core.instance()
    }

    fn decider(&self) -> Decider<'_> {
        let options = &self.instance().options;
        Decider { config: &self.config, settings: options.bucketing, rules: options.rules.clone() }
    }

    /// The visitor's data: read once per context (lazily), then kept.
    fn load(&self) -> SharedDoc {
        match self.doc.take() {
            Some(data) => data,
            None => self.instance().read(&self.doc.key, &self.visitor_id),
        }
    }

    /// Runs `f` on the visitor's data, writes it (once) when it changed, then performs the
    /// side effects the engine asked for.
    /// In preview mode (§12) `f` runs on a copy: nothing is stored, tracked or fired.
    fn update_data<'s, R>(&'s self, f: impl FnOnce(&mut Value, &mut Effects<'s>) -> R) -> R {
        let mut data = self.load();
        let mut fx = Effects::default();
        if self.preview.borrow().is_some() {
            let result = f(&mut Value::clone(&data), &mut fx);
            self.doc.put_back(data);
            return result;
        }
        let result = f(Rc::make_mut(&mut data), &mut fx);
        self.doc.put_back(data);
        if fx.data_changed {
            self.doc.mark_dirty();
            self.note_pending_write(&self.doc.key);
        }
        self.perform(&fx);
        result
    }

    /// Visitor `key` has a changed document: written at request end (or now without `deferStoreWrites`).
    fn note_pending_write(&self, key: &str) {
        super::tracking::write_at_request_end(self.core.instance_rc());
        if !self.instance().options.defer_store_writes {
            self.instance().flush_writes(Some(key));
        }
    }

    /// Events, tracking events and logs for the engine's side effects.
    fn perform(&self, fx: &Effects<'_>) {
        for effect in &fx.list {
            match effect {
                Effect::LocationActivated(l) | Effect::LocationDeactivated(l) => {
                    let event = if matches!(effect, Effect::LocationActivated(_)) {
                        "location.activated"
                    } else {
                        "location.deactivated"
                    };
                    self.instance().fire(
                        event,
                        || json!({"visitorId": self.visitor_id, "location": {"id": l.id, "key": l.key, "name": l.name}}),
                        true,
                    );
                }
                Effect::Bucketed { experience_id, variation_id, segments } => {
                    self.instance().enqueue(&self.core, &self.visitor_id, bucketing_event(experience_id, variation_id), segments.as_deref().cloned());
                }
                Effect::UnknownExclusionTarget(key) => {
                    self.instance().log(Level::Warn, || format!("Mutual-exclusion rule names unknown experience key '{key}'"));
                }
            }
        }
    }

    /// Merged visitor properties (§1.4): stored segments ⊕ context properties ⊕ call properties;
    /// computed again only when the stored segments or the call properties differ from last time.
    fn merged_properties(&self, data: &Value, call: Option<&Value>) -> Rc<Value> {
        let stored = member(data, "segments");
        if let Some(m) = self.merged_cache.borrow().as_ref() {
            if same_json(m.call.as_ref(), call) && same_json(m.stored.as_ref(), stored) {
                return m.merged.clone();
            }
        }
        let merged = self.merge_properties(data, call);
        *self.merged_cache.borrow_mut() =
            Some(MergedProperties { call: call.cloned(), stored: stored.cloned(), merged: merged.clone() });
        merged
    }

    fn merge_properties(&self, data: &Value, call: Option<&Value>) -> Rc<Value> {
        let empty = Value::Object(Map::new());
        let props = self.visitor_properties.borrow();
        let call = call.filter(|c| !store_data::is_empty(c));
        // the stored segments, read in place (`store_data::segments` without its copy)
        let stored = member(data, "segments").filter(|s| is_php_array(s) && !store_data::is_empty(s));
        if let (Some(own), None, None) = (props.as_ref(), call, stored) {
            // Nothing merges in: the context's properties are the result when merging them over
            // nothing gives them back (a non-empty map that is no list).
            if matches!(&**own, Value::Object(m) if !m.is_empty()) && !is_php_list(own) {
                return own.clone();
            }
        }
        let context = props.as_deref().unwrap_or(&empty);
        let own = match call {
            Some(c) => std::borrow::Cow::Owned(deep_merge(context, c)),
            None => std::borrow::Cow::Borrowed(context),
        };
        Rc::new(deep_merge(stored.unwrap_or(&empty), &own))
    }

    /// Decides with `f` given the decision input for these call attributes.
    fn decide_with<'s, R>(
        &'s self,
        attrs: &CallAttributes,
        f: impl FnOnce(&Decider<'s>, &DecisionInput<'_>, &Overrides<'_>, &mut Value, &mut Effects<'s>) -> R,
    ) -> R {
        let environment = attrs.environment.as_deref().unwrap_or(&self.instance().options.environment);
        let preview = self.preview.borrow().clone();
        let overrides = Overrides {
            force_variation_id: attrs.force_variation_id.as_deref(),
            enable_tracking: attrs.enable_tracking,
            ignore_location: attrs.ignore_location_properties,
            preview: preview.as_ref().map(|(e, v)| (e.as_str(), v.as_str())),
        };
        self.update_data(|data, fx| {
            let merged = self.merged_properties(data, attrs.visitor_properties.as_deref());
            let input = DecisionInput {
                visitor_id: &self.visitor_bytes,
                visitor_properties: &merged,
                location_properties: attrs.location_properties.as_deref(),
                update_visitor_properties: attrs.update_visitor_properties,
                environment,
            };
            f(&self.decider(), &input, &overrides, data, fx)
        })
    }

    /// The DTO of a served variation; logs the decision explanation (README "Why null?").
    fn variation_dto(&self, experience_key: &str, outcome: &Outcome<'_>) -> Option<BucketedVariation> {
        self.instance().log(Level::Debug, || explain(&self.visitor_id, experience_key, outcome));
        match outcome {
            Outcome::Variation { experience, variation, .. } => {
                let [experience_id, experience_key, variation_id, variation_key, changes] =
                    super::changes_cache::served_variation(&self.config, experience, variation);
                Some(BucketedVariation { experience_id, experience_key, variation_id, variation_key, changes })
            }
            _ => None,
        }
    }

    fn fire_variation(&self, v: &BucketedVariation) {
        self.instance().fire(
            "bucketing",
            || {
                let text = |z: &Zval| z.str().unwrap_or_default().to_owned();
                json!({"visitorId": self.visitor_id, "experienceKey": text(&v.experience_key), "variationKey": text(&v.variation_key)})
            },
            true,
        );
    }

    fn feature_dto(&self, entry: &FeatureEntry) -> BucketedFeature {
        let variables = match &*entry.variables {
            _ if !entry.enabled => Zval::new_array(),
            Value::Null => Zval::new_array(),
            v if is_php_array(v) => super::changes_cache::config_value(&self.config, v),
            scalar => value_to_zval(&Value::Array(vec![scalar.clone()])),
        };
        BucketedFeature {
            feature_id: entry.id.clone(),
            feature_key: entry.key.clone().unwrap_or_default(),
            status: if entry.enabled { FeatureStatus::Enabled } else { FeatureStatus::Disabled },
            variables,
        }
    }

    fn fire_feature(&self, entry: &FeatureEntry, feature_key: &str) {
        self.instance().fire(
            "bucketing",
            || json!({"visitorId": self.visitor_id, "experienceKey": entry.experience_key, "featureKey": feature_key, "status": "enabled"}),
            true,
        );
    }

    fn log_feature_warnings(&self, warnings: &[FeatureWarning]) {
        for w in warnings {
            self.instance().log(Level::Warn, || format!("runFeatures: {w:?}"));
        }
    }

    /// The `$attributes` argument of `function` (a `method!` name).
    fn attributes(&self, z: Option<&Zval>, function: &str, position: u32) -> PhpResult<Rc<CallAttributes>> {
        CallAttributes::from_arg(z, &self.instance().converted).map_err(|()| {
            type_error(function, position, "attributes", "?OpenAPI\\Client\\BucketingAttributes", z.unwrap_or(&Zval::null()))
        })
    }
}

impl HoldsZvals for Context {
    fn report_zvals(&self, gc: &mut GcBuffer) {
        gc.add(self.core.zval());
    }
}

#[php_impl]
impl Context {
    /// Private: contexts come from `Core::createContext()`.
    #[php(vis = "private")]
    pub fn __construct() -> PhpResult<Self> {
        Err(super::core::not_constructible("ConvertSdk\\Context", "Core::createContext()"))
    }

    /// `runExperience(string $experienceKey, ?BucketingAttributes $attributes = null): ?BucketedVariation`.
    #[php(optional = attributes)]
    pub fn run_experience(&self, experienceKey: &Zval, attributes: Option<&Zval>) -> PhpResult<Option<BucketedVariation>> {
        let key = string_arg(experienceKey, method!("runExperience"), 1, "experienceKey")?;
        let attrs = self.attributes(attributes, method!("runExperience"), 2)?;
        let outcome_dto = self.decide_with(&attrs, |decider, input, ov, data, fx| {
            let outcome = match decider.config.experience_by_key(&key) {
                Some(e) => decider.decide_with(e, input, ov, data, fx),
                None => Outcome::NotEligible(NotEligible::UnknownKey),
            };
            self.variation_dto(&key, &outcome)
        });
        if let Some(v) = &outcome_dto {
            self.fire_variation(v);
        }
        Ok(outcome_dto)
    }

    /// `runExperiences(?BucketingAttributes $attributes = null): BucketedVariation[]` (config order).
    #[php(optional = attributes)]
    pub fn run_experiences(&self, attributes: Option<&Zval>) -> PhpResult<Vec<BucketedVariation>> {
        let attrs = self.attributes(attributes, method!("runExperiences"), 1)?;
        let list: Vec<BucketedVariation> = self.decide_with(&attrs, |decider, input, ov, data, fx| {
            let config = decider.config;
            config.experiences.iter().filter_map(|e| self.variation_dto(&e.key, &decider.decide_with(e, input, ov, data, fx))).collect()
        });
        for v in &list {
            self.fire_variation(v);
        }
        Ok(list)
    }

    /// `runFeature(string $key, ?BucketingAttributes $attributes = null): ?BucketedFeature` (§8.3).
    #[php(optional = attributes)]
    pub fn run_feature(&self, key: &Zval, attributes: Option<&Zval>) -> PhpResult<Option<BucketedFeature>> {
        let key = string_arg(key, method!("runFeature"), 1, "key")?;
        let attrs = self.attributes(attributes, method!("runFeature"), 2)?;
        let Some(declared) = self.config.feature_by_key(&key) else {
            return Ok(None);
        };
        let mut warnings = Vec::new();
        let entries = self.decide_with(&attrs, |decider, input, ov, data, fx| {
            let filter = FeatureFilter { feature_key: Some(&key), experience_keys: &attrs.experience_keys };
            let ctx = CollectContext { filter, type_casting: attrs.type_casting, overrides: *ov };
            collect_with(decider, input, data, fx, &ctx, &mut warnings).unwrap_or_default()
        });
        self.log_feature_warnings(&warnings);
        let Some(entry) = entries.into_iter().find(|e| e.enabled) else {
            return Ok(Some(BucketedFeature {
                feature_id: declared.id.clone(),
                feature_key: key.into_owned(),
                status: FeatureStatus::Disabled,
                variables: Zval::new_array(),
            }));
        };
        self.fire_feature(&entry, &key);
        Ok(Some(self.feature_dto(&entry)))
    }

    /// `runFeatures(?BucketingAttributes $attributes = null): BucketedFeature[]` (§8.2).
    #[php(optional = attributes)]
    pub fn run_features(&self, attributes: Option<&Zval>) -> PhpResult<Vec<BucketedFeature>> {
        let attrs = self.attributes(attributes, method!("runFeatures"), 1)?;
        let mut warnings = Vec::new();
        let entries = self.decide_with(&attrs, |decider, input, ov, data, fx| {
            let ctx = CollectContext { filter: FeatureFilter::default(), type_casting: attrs.type_casting, overrides: *ov };
            collect_with(decider, input, data, fx, &ctx, &mut warnings)
        });
        self.log_feature_warnings(&warnings);
        let Ok(entries) = entries else { return Ok(Vec::new()) };
        let dtos = entries.iter().map(|e| self.feature_dto(e)).collect();
        for e in entries.iter().filter(|e| e.enabled) {
            self.fire_feature(e, e.key.as_deref().unwrap_or(""));
        }
        Ok(dtos)
    }

    /// `trackConversion(string $goalKey, ?ConversionAttributes $attributes = null): RuleError|bool|null` (§7.6).
    /// Goal rules, deduplication and the `conversion` event are applied; sending the tracking
    /// events is not built yet (issue 5).
    #[php(optional = attributes)]
    pub fn track_conversion(&self, goalKey: &Zval, attributes: Option<&Zval>) -> PhpResult<Zval> {
        let goal_key = string_arg(goalKey, method!("trackConversion"), 1, "goalKey")?;
        if self.in_preview() {
            return Ok(Zval::null());
        }
        let read = |name: &str| attributes.and_then(|a| super::call_attributes::member(a, name)).filter(|v| !v.is_null());
        let rule_data = read("ruleData");
        let goal_data = attributes.and_then(goal_data_list);
        let has_conversion_data = goal_data.is_some();
        let force = read("conversionSetting")
            .and_then(|s| s.get("forceMultipleTransactions").cloned())
            .is_some_and(|v| php_bool(&v));
        let req = ConversionRequest {
            goal_key: &goal_key,
            rule_data: rule_data.as_ref(),
            has_conversion_data,
            force_multiple_transactions: force,
        };
        let rules = self.instance().options.rules.clone();
        let (outcome, bucketing, segments) = self.update_data(|data, fx| {
            let bucketing = data.get("bucketing").cloned().unwrap_or(Value::Null);
            let segments = wire_segments(&store_data::segments(data));
            (track_conversion(&self.config, &rules, req, data, fx), bucketing, segments)
        });
        let mut result = Zval::null();
        match outcome {
            ConversionOutcome::UnknownGoal | ConversionOutcome::RulesNotMatched => result.set_bool(false),
            ConversionOutcome::RuleError(e) => result = super::enums::rule_error_case(e)?,
            ConversionOutcome::AlreadyConverted => {}
            ConversionOutcome::Accepted { goal_id, send_conversion, send_transaction } => {
                if send_conversion {
                    self.instance().enqueue(&self.core, &self.visitor_id, conversion_event(&goal_id, &bucketing), segments.clone());
                }
                if let (true, Some(goal_data)) = (send_transaction, goal_data) {
                    self.instance().enqueue(&self.core, &self.visitor_id, transaction_event(&goal_id, goal_data, &bucketing), segments);
                }
                self.instance().fire("conversion", || json!({"visitorId": self.visitor_id, "goalKey": goal_key}), true);
            }
        }
        Ok(result)
    }

    /// `setDefaultSegments(array $segments): void` (§10.2).
    pub fn set_default_segments(&self, segments: &Zval) -> PhpResult<()> {
        let segments = optional_array(Some(segments), method!("setDefaultSegments"), 1, "segments")?
            .ok_or_else(|| type_error(method!("setDefaultSegments"), 1, "segments", "array", segments))?;
        let segments = zval_to_value(segments);
        if !self.in_preview() {
            self.update_data(|data, fx| put_segments(data, &segments, fx));
        }
        Ok(())
    }

    /// `runCustomSegments(array $segmentKeys, ?array $attributes = null): ?array` (§10.3).
    #[php(optional = attributes)]
    pub fn run_custom_segments(&self, segmentKeys: &Zval, attributes: Option<&Zval>) -> PhpResult<Option<Vec<String>>> {
        let keys = optional_array(Some(segmentKeys), method!("runCustomSegments"), 1, "segmentKeys")?
            .ok_or_else(|| type_error(method!("runCustomSegments"), 1, "segmentKeys", "array", segmentKeys))?;
        let keys = convert_sdk_engine::merge::string_values(&zval_to_value(keys));
        let attributes = optional_array(attributes, method!("runCustomSegments"), 2, "attributes")?.map(zval_to_value);
        let rule_data = attributes.as_ref().and_then(|a| a.get("ruleData")).cloned();
        let rules = self.instance().options.rules.clone();
        let outcome = self.update_data(|data, fx| {
            let merged = self.merged_properties(data, rule_data.as_ref());
            run_custom_segments(&self.config, &rules, &keys, &merged, data, fx)
        });
        Ok(match outcome {
            CustomSegmentsOutcome::Added(all) => Some(all),
            CustomSegmentsOutcome::NothingNew { already_present } => {
                if !already_present.is_empty() {
                    self.instance().log(Level::Warn, || format!("Custom segments key already set: {already_present:?}"));
                }
                None
            }
            CustomSegmentsOutcome::RuleError(_) => None,
        })
    }

    /// Deprecated alias of `runCustomSegments`.
    #[php(optional = attributes)]
    pub fn set_custom_segments(&self, segmentKeys: &Zval, attributes: Option<&Zval>) -> PhpResult<Option<Vec<String>>> {
        self.run_custom_segments(segmentKeys, attributes)
    }

    /// `updateVisitorProperties(string $visitorId, array $visitorProperties): void`: every key goes
    /// into the stored `segments` of that visitor.
    pub fn update_visitor_properties(&self, visitorId: &Zval, visitorProperties: &Zval) -> PhpResult<()> {
        let id = bytes_arg(visitorId, method!("updateVisitorProperties"), 1, "visitorId")?;
        let props = optional_array(Some(visitorProperties), method!("updateVisitorProperties"), 2, "visitorProperties")?
            .ok_or_else(|| type_error(method!("updateVisitorProperties"), 2, "visitorProperties", "array", visitorProperties))?;
        let patch = store_data::patch("segments", zval_to_value(props));
        if self.in_preview() {
            return Ok(());
        }
        if id == self.visitor_bytes {
            self.update_data(|data, fx| fx.put(data, &patch));
        } else {
            let key = self.instance().store_key(&self.config, &id);
            // A Context of that visitor holds its data: change it there, so its next write keeps it.
            if let Some(doc) = self.instance().pending.loaded(&key) {
                if doc.apply(&patch) {
                    self.note_pending_write(&key);
                }
                return Ok(());
            }
            if let Some(updated) = put_data(&self.instance().read(&key, &String::from_utf8_lossy(&id)), &patch) {
                self.instance().write(&key, Rc::new(updated));
            }
        }
        Ok(())
    }

    /// `getConfigEntity(string $key, string $entityType): ?array`.
    pub fn get_config_entity(&self, key: &Zval, entityType: &Zval) -> PhpResult<Option<ArrayZval>> {
        let key = string_arg(key, method!("getConfigEntity"), 1, "key")?;
        self.entity(&key, "key", entityType, method!("getConfigEntity"))
    }

    /// `getConfigEntityById(string $id, string $entityType): ?array`.
    pub fn get_config_entity_by_id(&self, id: &Zval, entityType: &Zval) -> PhpResult<Option<ArrayZval>> {
        let id = string_arg(id, method!("getConfigEntityById"), 1, "id")?;
        self.entity(&id, "id", entityType, method!("getConfigEntityById"))
    }

    /// `getVisitorData(): array`: the visitor's StoreData (`[]` when nothing is stored).
    pub fn get_visitor_data(&self) -> ArrayZval {
        let data = self.load();
        let z = value_to_zval(&data);
        self.doc.put_back(data);
        ArrayZval(z)
    }

    /// Writes this visitor's pending changes to the store (`deferStoreWrites`, `visitor_doc` module).
    /// (At request end the SDK's shutdown function has written them already; a Context freed
    /// without its destructor, e.g. after a fatal error, was alive then and was written too.)
    pub fn __destruct(&self) {
        self.instance().flush_writes(Some(&self.doc.key));
    }

    /// `releaseQueues(?string $reason = null): void`.
    #[php(optional = reason)]
    pub fn release_queues(&self, reason: Option<String>) {
        self.instance().release_queue(reason.as_deref());
    }

    /// `setAttribute(string $key, mixed $value): void` (not persisted).
    pub fn set_attribute(&self, key: &Zval, value: &Zval) -> PhpResult<()> {
        let key = string_arg(key, method!("setAttribute"), 1, "key")?;
        let value = zval_to_value(value);
        *self.merged_cache.borrow_mut() = None;
        let mut props = self.visitor_properties.borrow_mut();
        let map = Rc::make_mut(props.get_or_insert_with(|| Rc::new(Value::Object(Map::new()))));
        if !map.is_object() {
            *map = Value::Object(convert_sdk_engine::merge::to_map(map));
        }
        map.as_object_mut().expect("object").insert(key.into_owned(), value);
        Ok(())
    }

    /// `setAttributes(array $attributes): void`: shallow merge, later wins.
    pub fn set_attributes(&self, attributes: &Zval) -> PhpResult<()> {
        let attrs = optional_array(Some(attributes), method!("setAttributes"), 1, "attributes")?
            .ok_or_else(|| type_error(method!("setAttributes"), 1, "attributes", "array", attributes))?;
        let incoming = convert_sdk_engine::merge::to_map(&zval_to_value(attrs));
        *self.merged_cache.borrow_mut() = None;
        let mut props = self.visitor_properties.borrow_mut();
        let mut map = props.as_deref().map(convert_sdk_engine::merge::to_map).unwrap_or_default();
        for (k, v) in incoming {
            map.insert(k, v);
        }
        *props = Some(Rc::new(convert_sdk_engine::merge::normalize_array(map)));
        Ok(())
    }

    /// `getAttributes(): array`: the context's visitor properties.
    pub fn get_attributes(&self) -> ArrayZval {
        ArrayZval(match self.visitor_properties.borrow().as_ref() {
            Some(v) => value_to_zval(v),
            None => Zval::new_array(),
        })
    }

    /// Preview mode (§12): `setPreview(['experienceId' => …, 'variationId' => …])` forces that
    /// variation for this context only; every other decision is computed but neither stored nor
    /// tracked, and conversions and segment writes become no-ops. `null` or `[]` leaves preview mode.
    pub fn set_preview(&self, preview: &Zval) -> PhpResult<()> {
        let value = match preview.dereference() {
            z if z.is_null() => None,
            z if z.is_array() => Some(zval_to_value(z)),
            z => return Err(type_error(method!("setPreview"), 1, "preview", "?array", z)),
        };
        let pair = value.and_then(|v| {
            let exp = v.get("experienceId").map(|x| convert_sdk_engine::value::php_string(x).into_owned())?;
            let var = v.get("variationId").map(|x| convert_sdk_engine::value::php_string(x).into_owned())?;
            Some((exp, var))
        });
        *self.preview.borrow_mut() = pair;
        Ok(())
    }

    /// `parsePreviewParam("100.200")` → `['experienceId' => '100', 'variationId' => '200']`; `null`
    /// unless the value is exactly `<digits>.<digits>` (e.g. a `?_conv_eforce=` query value).
    pub fn parse_preview_param(param: &Zval) -> Option<ArrayZval> {
        let s = param.dereference().zend_str().map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())?;
        let (exp, var) = s.split_once('.')?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        (digits(exp) && digits(var)).then(|| ArrayZval(value_to_zval(&json!({"experienceId": exp, "variationId": var}))))
    }

    /// `getVisitorId(): string`.
    pub fn get_visitor_id(&self) -> Binary<u8> {
        Binary::from(self.visitor_bytes.clone())
    }
}

/// `conversionData` of the attributes as the wire `goalData` list (§7.2): `GoalData` objects become
/// `{key, value}`, plain arrays pass through; `None` when absent or null.
fn goal_data_list(attributes: &Zval) -> Option<Value> {
    let attributes = attributes.dereference();
    let list = match attributes.object() {
        Some(obj) => read_property(obj, "conversionData"),
        None => attributes.array()?.get("conversionData")?.dereference().shallow_clone(),
    };
    let items = list.array()?;
    let goal_data = items
        .values()
        .map(|item| match item.dereference().object() {
            Some(obj) => json!({"key": zval_to_value(&read_property(obj, "key")), "value": zval_to_value(&read_property(obj, "value"))}),
            None => zval_to_value(item),
        })
        .collect();
    Some(Value::Array(goal_data))
}

/// One stable, greppable line explaining a decision:
/// `decision visitor=<id> experience=<key> result=<variationKey|null> reason=<reason>`.
fn explain(visitor_id: &str, experience_key: &str, outcome: &Outcome<'_>) -> String {
    let (result, reason) = match outcome {
        Outcome::Variation { variation, bucket_value: Some(v), .. } => (variation.key.as_str(), format!("bucketed bucket_value={v}")),
        Outcome::Variation { variation, bucket_value: None, .. } => (variation.key.as_str(), "stored_or_forced".to_string()),
        Outcome::NotEligible(r) => ("null", r.as_str().to_string()),
        Outcome::RuleError(e) => ("null", format!("rule_error {}", e.as_str())),
        Outcome::NotDecided => ("null", "outside_traffic".to_string()),
    };
    format!("decision visitor={visitor_id} experience={experience_key} result={result} reason={reason}")
}

impl Drop for Context {
    /// Freed with unwritten changes (its destructor did not run: after a fatal error, PHP frees
    /// objects without destructors): the document goes to the instance's orphans, which the request-end
    /// function writes. Only plain Rust data is touched here: the Core object may already be freed.
    fn drop(&mut self) {
        if let Some(data) = self.doc.take_pending() {
            self.orphans.borrow_mut().push((self.doc.key.clone(), data));
        }
    }
}

impl Context {
    fn in_preview(&self) -> bool {
        self.preview.borrow().is_some()
    }

    fn entity(&self, wanted: &str, field: &str, entity_type: &Zval, function: &str) -> PhpResult<Option<ArrayZval>> {
        let ty = match zval_to_value(entity_type) {
            Value::String(s) => s,
            _ => return Err(type_error(function, 2, "entityType", "string", entity_type)),
        };
        Ok(self.config.entity(&ty, field, wanted).map(|e| ArrayZval(value_to_zval(e))))
    }
}
