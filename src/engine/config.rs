//! Project config model (spec §2): the decoded JSON plus an index of what decisions read.
//!
//! The raw JSON is kept untouched (values returned to users are the config values unmodified);
//! the typed view holds string ids (§15 trap 16: ids compare as decimal strings).

use crate::fast_hash::FastMap;
use std::sync::Arc;

use serde_json::Value;

use crate::rules::{CompiledRules, find_rule_item_of_type};
use crate::value::{php_bool, php_string};

/// Why a config was rejected (§2.4). The message is the `ConfigValidationException` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError(pub String);

/// A variation of an experience (§2.1).
#[derive(Debug, Clone)]
pub struct Variation {
    pub id: String,
    pub key: String,
    pub name: String,
    pub status: Option<Value>,
    pub traffic_allocation: Option<Value>,
    /// `changes` exactly as in the config (`[]` when absent).
    pub changes: Value,
    /// One entry per change (in `array_values` order): the feature it enables, `None` when it is
    /// not a `fullStackFeature` change with a feature id (§8.2). Filled by `Config::from_value`.
    pub feature_changes: Vec<Option<FeatureChange>>,
}

/// A `fullStackFeature` change decoded once: its feature and its variables, raw and cast (§8.4).
#[derive(Debug, Clone)]
pub struct FeatureChange {
    /// `(string) data.feature_id`.
    pub feature_id: String,
    /// Index of the declared feature in `Config::features`.
    pub declared: Option<usize>,
    /// `data.variables_data` (`Null` when absent). Shared: every feature entry of this change hands
    /// out the same value (callers may cache its PHP form by address).
    pub variables: Arc<Value>,
    /// The variables cast to their declared types (for `typeCasting`, the default).
    pub cast_variables: Arc<Value>,
    /// Variables that the declared feature does not list (each a warning when cast).
    pub undeclared: Vec<String>,
}

/// An experience (§2.1) with the fields decisions read.
#[derive(Debug, Clone)]
pub struct Experience {
    pub id: String,
    pub key: String,
    pub name: String,
    /// `Some` when the experience has a non-null `environment`.
    pub environment: Option<String>,
    pub version: Option<Value>,
    pub locations: Vec<String>,
    /// Non-null `site_area` rule object, compiled.
    pub site_area: Option<CompiledRules>,
    /// Ids listed in `audiences` (audience ids and segment ids mixed).
    pub audiences: Vec<String>,
    /// `settings.matching_options.audiences == "all"`.
    pub match_all_audiences: bool,
    pub variations: Vec<Variation>,
    /// Indexes into `Config::locations` / `audiences` / `segments` of the entities this experience
    /// lists, in config order (filled by `Config::from_value`; decisions never search by id).
    pub location_entities: Vec<usize>,
    pub audience_entities: Vec<usize>,
    pub segment_entities: Vec<usize>,
}

/// An audience, segment or location: something with an id, a key and rules.
#[derive(Debug, Clone)]
pub struct RuleEntity {
    pub id: String,
    pub key: String,
    pub name: String,
    /// `rules` as in the config (`Value::Null` when absent).
    pub rules: Value,
    /// Audience `type == "permanent"`.
    pub permanent: bool,
    /// `rules` compiled for evaluation.
    pub compiled: CompiledRules,
    /// The first `bucketed_into_experience_key` item of the rules (mutual exclusion, §5.6).
    pub exclusion: Option<Exclusion>,
}

/// A mutual-exclusion rule item (§5.6): `value` (an experience key) and `matching.negated`.
#[derive(Debug, Clone)]
pub struct Exclusion {
    pub experience_key: String,
    pub negated: bool,
}

/// A declared feature (§8.1) with its variable definitions `key → type`.
#[derive(Debug, Clone)]
pub struct Feature {
    pub id: String,
    pub key: String,
    pub name: String,
    pub variables: Vec<(String, Option<String>)>,
}

/// An installed, validated config.
#[derive(Debug, Clone)]
pub struct Config {
    pub raw: Value,
    pub account_id: String,
    pub project_id: String,
    pub experiences: Vec<Experience>,
    pub archived: Vec<String>,
    pub audiences: Vec<RuleEntity>,
    pub segments: Vec<RuleEntity>,
    pub locations: Vec<RuleEntity>,
    pub goals: Vec<RuleEntity>,
    pub features: Vec<Feature>,
    experience_by_key: FastMap<String, usize>,
    /// `is_ready()`, decided at parse.
    ready: bool,
}

/// `(string)` of an optional field; absent and null give `""`.
fn field_str(v: &Value, name: &str) -> String {
    v.get(name).map(|x| php_string(x).into_owned()).unwrap_or_default()
}

/// A field that is absent, null or `""` (the §2.4 "missing" test).
fn is_missing(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// The items of a list field, empty when absent or not a list (non-object items read as all-absent).
fn list<'a>(v: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    let items: &'a [Value] = v.get(name).and_then(Value::as_array).map_or(&[], Vec::as_slice);
    items.iter()
}

fn id_list(v: &Value, name: &str) -> Vec<String> {
    list(v, name).map(|x| php_string(x).into_owned()).collect()
}

fn parse_variation(v: &Value) -> Variation {
    Variation {
        id: field_str(v, "id"),
        key: field_str(v, "key"),
        name: field_str(v, "name"),
        status: v.get("status").cloned(),
        traffic_allocation: v.get("traffic_allocation").cloned(),
        changes: match v.get("changes") {
            Some(c @ (Value::Array(_) | Value::Object(_))) => c.clone(),
            _ => Value::Array(Vec::new()),
        },
        feature_changes: Vec::new(),
    }
}

fn parse_experience(v: &Value) -> Experience {
    let matching = v.pointer("/settings/matching_options/audiences");
    Experience {
        id: field_str(v, "id"),
        key: field_str(v, "key"),
        name: field_str(v, "name"),
        environment: v.get("environment").filter(|e| !e.is_null()).map(|e| php_string(e).into_owned()),
        version: v.get("version").cloned(),
        locations: id_list(v, "locations"),
        site_area: v.get("site_area").filter(|s| !s.is_null()).map(CompiledRules::compile),
        audiences: id_list(v, "audiences"),
        match_all_audiences: matching.and_then(Value::as_str) == Some("all"),
        variations: list(v, "variations").map(parse_variation).collect(),
        location_entities: Vec::new(),
        audience_entities: Vec::new(),
        segment_entities: Vec::new(),
    }
}

fn parse_rule_entity(v: &Value) -> RuleEntity {
    let rules = v.get("rules").cloned().unwrap_or(Value::Null);
    let exclusion = find_rule_item_of_type(&rules, "bucketed_into_experience_key").map(|item| Exclusion {
        experience_key: item.get("value").map(|v| php_string(v).into_owned()).unwrap_or_default(),
        negated: item.pointer("/matching/negated").and_then(Value::as_bool).unwrap_or(false),
    });
    RuleEntity {
        id: field_str(v, "id"),
        key: field_str(v, "key"),
        name: field_str(v, "name"),
        compiled: CompiledRules::compile(&rules),
        exclusion,
        rules,
        permanent: v.get("type").and_then(Value::as_str) == Some("permanent"),
    }
}

/// Indexes of the entities whose id is in `ids`, in entity (config) order.
fn entities_listed(entities: &[RuleEntity], ids: &[String]) -> Vec<usize> {
    entities.iter().enumerate().filter(|(_, e)| ids.contains(&e.id)).map(|(i, _)| i).collect()
}

/// Decodes one change of a variation (§8.2 step 5).
fn feature_change(change: &Value, features: &[Feature]) -> Option<FeatureChange> {
    let feature_id = change.pointer("/data/feature_id").map(php_string).unwrap_or_default();
    if change.get("type").and_then(Value::as_str) != Some("fullStackFeature") || feature_id.is_empty() || feature_id == "0" {
        return None;
    }
    let declared = features.iter().position(|f| f.id == feature_id);
    let variables = change.pointer("/data/variables_data").cloned().unwrap_or(Value::Null);
    let (cast_variables, undeclared) = crate::casting::cast_variables(declared.map(|i| &features[i]), &variables);
    Some(FeatureChange {
        feature_id: feature_id.into_owned(),
        declared,
        variables: Arc::new(variables),
        cast_variables: Arc::new(cast_variables),
        undeclared,
    })
}

fn parse_feature(v: &Value) -> Feature {
    let variables = list(v, "variables")
        .map(|d| (field_str(d, "key"), d.get("type").filter(|t| !t.is_null()).map(|t| php_string(t).into_owned())))
        .collect();
    Feature { id: field_str(v, "id"), key: field_str(v, "key"), name: field_str(v, "name"), variables }
}

impl Config {
    /// Validates (§2.4) and indexes a decoded config.
    pub fn from_value(raw: Value) -> Result<Config, ValidationError> {
        if is_missing(raw.get("account_id")) {
            return Err(ValidationError("Config validation failed: missing 'account_id' field".into()));
        }
        let project = raw.get("project").filter(|p| !p.is_null());
        let Some(project) = project else {
            return Err(ValidationError("Config validation failed: missing 'project' field".into()));
        };
        if is_missing(project.get("id")) {
            return Err(ValidationError(
                "Config validation failed: 'project' must contain an 'id' field".into(),
            ));
        }
        let audiences: Vec<RuleEntity> = list(&raw, "audiences").map(parse_rule_entity).collect();
        let segments: Vec<RuleEntity> = list(&raw, "segments").map(parse_rule_entity).collect();
        let locations: Vec<RuleEntity> = list(&raw, "locations").map(parse_rule_entity).collect();
        let features: Vec<Feature> = list(&raw, "features").map(parse_feature).collect();
        let mut experiences: Vec<Experience> = list(&raw, "experiences").map(parse_experience).collect();
        let mut experience_by_key = FastMap::default();
        for (i, e) in experiences.iter_mut().enumerate() {
            experience_by_key.entry(e.key.clone()).or_insert(i);
            e.location_entities = entities_listed(&locations, &e.locations);
            e.audience_entities = entities_listed(&audiences, &e.audiences);
            e.segment_entities = entities_listed(&segments, &e.audiences);
            for variation in &mut e.variations {
                variation.feature_changes =
                    crate::merge::array_values(&variation.changes).into_iter().map(|c| feature_change(c, &features)).collect();
            }
        }
        Ok(Config {
            account_id: field_str(&raw, "account_id"),
            project_id: field_str(project, "id"),
            archived: id_list(&raw, "archived_experiences"),
            audiences,
            segments,
            locations,
            goals: list(&raw, "goals").map(parse_rule_entity).collect(),
            features,
            experiences,
            experience_by_key,
            ready: raw.get("account_id").is_some_and(php_bool) && raw.get("project").is_some_and(php_bool),
            raw,
        })
    }

    /// `isReady()` condition (§1.3): truthy `account_id` and truthy `project`.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// First experience (config order) with this key (§4.3 step 1).
    pub fn experience_by_key(&self, key: &str) -> Option<&Experience> {
        self.experience_by_key.get(key).map(|&i| &self.experiences[i])
    }

    pub fn is_archived(&self, experience_id: &str) -> bool {
        self.archived.iter().any(|a| a == experience_id)
    }

    pub fn feature_by_key(&self, key: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.key == key)
    }

    /// `getConfigEntity` / `getConfigEntityById` (§1.4.2): the raw entity whose `field`
    /// (`"key"` or `"id"`) equals `wanted` as a string, for an `EntityType` value.
    pub fn entity(&self, entity_type: &str, field: &str, wanted: &str) -> Option<&Value> {
        let matches = |e: &&Value| e.get(field).is_some_and(|v| php_string(v) == wanted);
        if entity_type == "variation" {
            return list(&self.raw, "experiences").flat_map(|e| list(e, "variations")).find(matches);
        }
        let collection = match entity_type {
            "goal" => "goals",
            "audience" => "audiences",
            "location" => "locations",
            "segment" => "segments",
            "experience" => "experiences",
            "feature" => "features",
            _ => return None,
        };
        list(&self.raw, collection).find(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_messages() {
        let err = |v: Value| Config::from_value(v).unwrap_err().0;
        assert_eq!(err(json!({})), "Config validation failed: missing 'account_id' field");
        assert_eq!(err(json!({"account_id": ""})), "Config validation failed: missing 'account_id' field");
        assert_eq!(err(json!({"account_id": "1"})), "Config validation failed: missing 'project' field");
        assert_eq!(err(json!({"account_id": "1", "project": null})), "Config validation failed: missing 'project' field");
        assert_eq!(
            err(json!({"account_id": "1", "project": {"id": ""}})),
            "Config validation failed: 'project' must contain an 'id' field"
        );
        let c = Config::from_value(json!({"account_id": 7, "project": {"id": 8}})).unwrap();
        assert_eq!((c.account_id.as_str(), c.project_id.as_str()), ("7", "8"));
    }

    #[test]
    fn entity_lookup_compares_ids_as_strings() {
        let c = Config::from_value(json!({
            "account_id": "1", "project": {"id": "2"},
            "features": [{"id": "6001", "key": "f"}],
            "experiences": [{"id": "1", "key": "e", "variations": [{"id": "11", "key": "v"}]}]
        }))
        .unwrap();
        assert_eq!(c.entity("feature", "id", "6001").unwrap()["key"], "f");
        assert_eq!(c.entity("variation", "key", "v").unwrap()["id"], "11");
        assert!(c.entity("nope", "key", "f").is_none());
        assert!(c.experience_by_key("e").is_some());
    }
}
