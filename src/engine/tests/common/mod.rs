//! Shared helpers of the decision-pipeline tests: fixture loading and a `Visitor` that drives the
//! engine the way the PHP `Context` does (spec §1.4): one in-memory StoreData value per visitor,
//! context properties, merged visitor properties, `runExperience`, `runFeature(s)`,
//! `runCustomSegments`. The memory ⊕ store merge of §6.4 is the binding layer's job, so a single
//! StoreData value stands for both layers here.
#![allow(dead_code)] // each test crate uses its own subset of these helpers

use convert_sdk_engine::config::Config;
use convert_sdk_engine::experience::{BucketingSettings, DecisionInput, Decider, Effect, Effects, Outcome};
use convert_sdk_engine::features::{FeatureEntry, FeatureFilter, collect};
use convert_sdk_engine::merge::deep_merge;
use convert_sdk_engine::rules::RuleOptions;
use convert_sdk_engine::segments::{CustomSegmentsOutcome, put_segments, run_custom_segments};
use convert_sdk_engine::store_data::{self, filter_report_segments};
use serde_json::{Map, Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/");

/// A fixture file decoded as JSON.
pub fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}{name}")).expect("read fixture");
    serde_json::from_str(&text).expect("parse fixture")
}

/// A validated config built from a fixture value.
pub fn config(raw: Value) -> Config {
    Config::from_value(raw).expect("valid config")
}

/// A decider with the default options (§1.2: seed 9999, max traffic 10000, case-sensitive keys).
pub fn decider(config: &Config) -> Decider<'_> {
    Decider { config, settings: BucketingSettings::default(), rules: RuleOptions::default() }
}

/// What `runExperience` returns (the DTO fields a decision determines) plus the bucket value of a
/// fresh decision (`None` when the stored decision was served).
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub experience_id: String,
    pub variation_id: String,
    pub variation_key: String,
    pub bucket_value: Option<u32>,
}

/// One visitor context over a config.
pub struct Visitor<'c> {
    pub config: &'c Config,
    pub id: String,
    pub environment: String,
    /// `visitorProperties` of the context (non-report attributes), `None` when there are none.
    pub properties: Option<Value>,
    /// The visitor's StoreData (`{}` until something is stored).
    pub data: Value,
    /// Effects of the last call.
    pub effects: Vec<Effect<'c>>,
    /// Number of calls that changed the StoreData (store writes the binding would do).
    pub writes: usize,
}

impl<'c> Visitor<'c> {
    /// `createContext($id, $attrs)` (§1.4.1): report segments are stored, the rest kept as properties.
    pub fn new(config: &'c Config, id: &str, attributes: Value) -> Visitor<'c> {
        let mut v = Visitor {
            config,
            id: id.to_string(),
            environment: "production".to_string(),
            properties: None,
            data: json!({}),
            effects: Vec::new(),
            writes: 0,
        };
        if !store_data::is_empty(&attributes) {
            let (segments, others) = filter_report_segments(&attributes);
            v.properties = others.map(Value::Object);
            if let Some(segments) = segments {
                v.with_data(|data, fx| put_segments(data, &Value::Object(segments), fx));
            }
        }
        v
    }

    /// Same visitor in another environment (the `environment` option).
    pub fn in_environment(mut self, environment: &str) -> Visitor<'c> {
        self.environment = environment.to_string();
        self
    }

    /// Runs `f` on the StoreData, counting a write when it changed and keeping the effects.
    fn with_data<R>(&mut self, f: impl FnOnce(&mut Value, &mut Effects<'c>) -> R) -> R {
        let mut fx = Effects::default();
        let result = f(&mut self.data, &mut fx);
        if fx.data_changed {
            self.writes += 1;
        }
        self.effects = fx.list;
        result
    }

    /// Merged visitor properties (§1.4): stored segments ⊕ context properties ⊕ call attributes.
    pub fn merged(&self, call: Option<&Value>) -> Value {
        let context = self.properties.clone().unwrap_or_else(|| Value::Object(Map::new()));
        let own = match call.filter(|c| !store_data::is_empty(c)) {
            Some(c) => deep_merge(&context, c),
            None => context,
        };
        deep_merge(&store_data::segments(&self.data), &own)
    }

    /// Runs `f` with a decider and the decision input of a `run*` call.
    fn decide_with<R>(
        &mut self,
        location: Option<&Value>,
        call_properties: Option<&Value>,
        f: impl FnOnce(&Decider<'c>, &DecisionInput<'_>, &mut Value, &mut Effects<'c>) -> R,
    ) -> R {
        let merged = self.merged(call_properties);
        let decider = decider(self.config);
        let (id, environment) = (self.id.clone(), self.environment.clone());
        self.with_data(|data, fx| {
            let input = DecisionInput {
                visitor_id: id.as_bytes(),
                visitor_properties: &merged,
                location_properties: location,
                update_visitor_properties: false,
                environment: &environment,
            };
            f(&decider, &input, data, fx)
        })
    }

    /// The raw outcome of deciding `key` (what `runExperience` maps to a DTO or `null`).
    pub fn decide(&mut self, key: &str, location: Option<&Value>, call_properties: Option<&Value>) -> Outcome<'c> {
        self.decide_with(location, call_properties, |d, input, data, fx| d.decide_key(key, input, data, fx))
    }

    /// `runExperience($key, ['locationProperties' => $location])`.
    pub fn run_experience(&mut self, key: &str, location: &Value) -> Option<Served> {
        served(&self.decide(key, Some(location), None))
    }

    /// `collect` of §8.2 with this visitor's input.
    pub fn collect(&mut self, location: &Value, filter: FeatureFilter<'_>, type_casting: bool) -> Result<Vec<FeatureEntry>, ()> {
        self.decide_with(Some(location), None, |d, input, data, fx| {
            collect(d, input, data, fx, filter, type_casting, &mut Vec::new()).map_err(|_| ())
        })
    }

    /// `runFeature($key, ['locationProperties' => $location])` (§8.3) as the JSON of the DTO:
    /// `{featureId, featureKey, status, variables}`; `None` for an undeclared feature key.
    pub fn run_feature(&mut self, key: &str, location: &Value) -> Option<Value> {
        let declared = self.config.feature_by_key(key)?;
        let filter = FeatureFilter { feature_key: Some(key), experience_keys: &[] };
        let entries = self.collect(location, filter, true).unwrap_or_default();
        Some(match entries.into_iter().find(|e| e.enabled) {
            Some(entry) => feature_json(&entry),
            None => json!({"featureId": declared.id, "featureKey": key, "status": "disabled", "variables": []}),
        })
    }

    /// `runFeatures(['locationProperties' => $location])` (§8.2) as DTO JSON; `None` on a rule error.
    pub fn run_features(&mut self, location: &Value) -> Option<Vec<Value>> {
        let entries = self.collect(location, FeatureFilter::default(), true).ok()?;
        Some(entries.iter().map(feature_json).collect())
    }

    /// `runCustomSegments($keys, ['ruleData' => $rule_data])` (§10.3): the full list or `None`.
    pub fn run_custom_segments(&mut self, keys: &[&str], rule_data: Option<&Value>) -> Option<Vec<String>> {
        let merged = self.merged(rule_data);
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let config = self.config;
        let outcome = self.with_data(|data, fx| {
            run_custom_segments(config, &RuleOptions::default(), &keys, &merged, data, fx)
        });
        match outcome {
            CustomSegmentsOutcome::Added(all) => Some(all),
            CustomSegmentsOutcome::NothingNew { .. } | CustomSegmentsOutcome::RuleError(_) => None,
        }
    }
}

/// The served variation of an outcome (`runExperience` returns `null` for everything else).
pub fn served(outcome: &Outcome<'_>) -> Option<Served> {
    match outcome {
        Outcome::Variation { experience, variation, bucket_value } => Some(Served {
            experience_id: experience.id.clone(),
            variation_id: variation.id.clone(),
            variation_key: variation.key.clone(),
            bucket_value: *bucket_value,
        }),
        _ => None,
    }
}

/// A feature entry mapped like the `BucketedFeature` DTO (§8.2): `variables` is `[]` when disabled.
pub fn feature_json(entry: &FeatureEntry) -> Value {
    let variables = match &*entry.variables {
        _ if !entry.enabled => json!([]),
        Value::Null => json!([]),
        v => v.clone(),
    };
    json!({
        "featureId": entry.id,
        "featureKey": entry.key.clone().unwrap_or_default(),
        "status": if entry.enabled { "enabled" } else { "disabled" },
        "variables": variables,
    })
}
