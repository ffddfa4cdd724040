//! `ConvertSdk\Enums\*` (spec §1.7): real PHP backed enums, plus the
//! `DataEntities` constant class.

use std::ptr;
use std::sync::{Mutex, PoisonError};

use convert_sdk_engine::rules::RuleError as EngineRuleError;
use ext_php_rs::builders::{ClassBuilder, EnumBuilder};
use ext_php_rs::enum_::{Discriminant, EnumCase};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::ffi::{self, zend_declare_class_constant_ex};
use ext_php_rs::flags::{ClassFlags, ConstantFlags};
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendStr, Zval};

use super::exceptions::{engine_class, keep_arg_info};

/// Registers every enum of this file.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .enumeration::<FeatureStatus>()
        .enumeration::<GoalDataKey>()
        .enumeration::<ConversionSettingKey>()
        .enumeration::<SystemEvents>()
        .enumeration::<RuleError>()
        .enumeration::<BucketingError>()
        .enumeration::<LogLevel>()
        .enumeration::<LogMethod>()
        .enumeration::<EntityType>()
        .enumeration::<VariationChangeType>()
        .enumeration::<SegmentsKeys>()
        .enumeration::<ProjectType>()
        .enumeration::<DoNotTrack>()
        .enumeration::<BrowserType>()
        .enumeration::<DeviceType>()
        .enumeration::<SourceType>()
}

/// Status of a `BucketedFeature`.
#[php_enum]
#[php(name = "ConvertSdk\\Enums\\FeatureStatus")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureStatus {
    #[php(value = "enabled")]
    Enabled,
    #[php(value = "disabled")]
    Disabled,
}

/// Key of a `GoalData` entry.
#[php_enum]
#[php(name = "ConvertSdk\\Enums\\GoalDataKey")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalDataKey {
    #[php(value = "amount")]
    Amount,
    #[php(value = "productsCount")]
    ProductsCount,
    #[php(value = "transactionId")]
    TransactionId,
    #[php(value = "customDimension1")]
    CustomDimension1,
    #[php(value = "customDimension2")]
    CustomDimension2,
    #[php(value = "customDimension3")]
    CustomDimension3,
    #[php(value = "customDimension4")]
    CustomDimension4,
    #[php(value = "customDimension5")]
    CustomDimension5,
}

impl GoalDataKey {
    /// The backing value (`'amount'`, ...).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\ConversionSettingKey")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversionSettingKey {
    #[php(value = "forceMultipleTransactions")]
    ForceMultipleTransactions,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\SystemEvents")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemEvents {
    #[php(value = "ready")]
    Ready,
    #[php(value = "config.updated")]
    ConfigUpdated,
    #[php(value = "api.queue.released")]
    ApiQueueReleased,
    #[php(value = "bucketing")]
    Bucketing,
    #[php(value = "conversion")]
    Conversion,
    #[php(value = "segments")]
    Segments,
    #[php(value = "location.activated")]
    LocationActivated,
    #[php(value = "location.deactivated")]
    LocationDeactivated,
    #[php(value = "audiences")]
    Audiences,
    #[php(value = "datastore.queue.released")]
    DataStoreQueueReleased,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\RuleError")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    #[php(value = "convert.com_no_data_found")]
    NoDataFound,
    #[php(value = "convert.com_need_more_data")]
    NeedMoreData,
}

/// The `ConvertSdk\Enums\RuleError` case of an engine rule error.
pub fn rule_error_case(e: EngineRuleError) -> PhpResult<Zval> {
    let case = match e {
        EngineRuleError::NoDataFound => RuleError::NoDataFound,
        EngineRuleError::NeedMoreData => RuleError::NeedMoreData,
    };
    Ok(case.into_zval(false)?)
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\BucketingError")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketingError {
    #[php(value = "convert.com_variation_not_decided")]
    VariationNotDecided,
}

/// Int-backed log level.
#[php_enum]
#[php(name = "ConvertSdk\\Enums\\LogLevel")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    #[php(value = 0)]
    Trace,
    #[php(value = 1)]
    Debug,
    #[php(value = 2)]
    Info,
    #[php(value = 3)]
    Warn,
    #[php(value = 4)]
    Error,
    #[php(value = 5)]
    Silent,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\LogMethod")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogMethod {
    #[php(value = "log")]
    Log,
    #[php(value = "trace")]
    Trace,
    #[php(value = "debug")]
    Debug,
    #[php(value = "info")]
    Info,
    #[php(value = "warn")]
    Warn,
    #[php(value = "error")]
    Error,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\EntityType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityType {
    #[php(value = "audience")]
    Audience,
    #[php(value = "location")]
    Location,
    #[php(value = "segment")]
    Segment,
    #[php(value = "feature")]
    Feature,
    #[php(value = "goal")]
    Goal,
    #[php(value = "experience")]
    Experience,
    #[php(value = "variation")]
    Variation,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\VariationChangeType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariationChangeType {
    #[php(value = "richStructure")]
    RichStructure,
    #[php(value = "customCode")]
    CustomCode,
    #[php(value = "defaultCode")]
    DefaultCode,
    #[php(value = "defaultCodeMultipage")]
    DefaultCodeMultipage,
    #[php(value = "defaultRedirect")]
    DefaultRedirect,
    #[php(value = "fullStackFeature")]
    FullstackFeature,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\SegmentsKeys")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentsKeys {
    #[php(value = "country")]
    Country,
    #[php(value = "browser")]
    Browser,
    #[php(value = "devices")]
    Devices,
    #[php(value = "source")]
    Source,
    #[php(value = "campaign")]
    Campaign,
    #[php(value = "visitor_type")]
    VisitorType,
    #[php(value = "custom_segments")]
    CustomSegments,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\ProjectType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectType {
    #[php(value = "web")]
    Web,
    #[php(value = "fullstack")]
    Fullstack,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\DoNotTrack")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoNotTrack {
    #[php(value = "OFF")]
    Off,
    #[php(value = "EU ONLY")]
    EuOnly,
    #[php(value = "EEA ONLY")]
    EeaOnly,
    #[php(value = "Worldwide")]
    Worldwide,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\BrowserType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserType {
    #[php(value = "IE")]
    Ie,
    #[php(value = "CH")]
    Ch,
    #[php(value = "FF")]
    Ff,
    #[php(value = "OP")]
    Op,
    #[php(value = "SF")]
    Sf,
    #[php(value = "EDG")]
    Edg,
    #[php(value = "MO")]
    Mo,
    #[php(value = "NS")]
    Ns,
    #[php(value = "OTH")]
    Oth,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\DeviceType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceType {
    #[php(value = "ALLPH")]
    Allph,
    #[php(value = "IPH")]
    Iph,
    #[php(value = "OTHPH")]
    Othph,
    #[php(value = "ALLTAB")]
    Alltab,
    #[php(value = "IPAD")]
    Ipad,
    #[php(value = "OTHTAB")]
    Othtab,
    #[php(value = "DESK")]
    Desk,
    #[php(value = "OTHDEV")]
    Othdev,
}

#[php_enum]
#[php(name = "ConvertSdk\\Enums\\SourceType")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    #[php(value = "campaign")]
    Campaign,
    #[php(value = "search")]
    Search,
    #[php(value = "referral")]
    Referral,
    #[php(value = "direct")]
    Direct,
}


// ---------------------------------------------------------------------------
// Enums with a case named like a PHP keyword (`Float`, `New`): `#[php_enum]`
// rejects those names, PHP does not. Registered at MINIT with `EnumBuilder`.
// ---------------------------------------------------------------------------

const fn case(name: &'static str, value: &'static str) -> EnumCase {
    EnumCase { name, discriminant: Some(Discriminant::String(value)), docs: &[] }
}

static VARIABLE_TYPES: [EnumCase; 5] = [
    case("Boolean", "boolean"),
    case("Float", "float"),
    case("Json", "json"),
    case("Integer", "integer"),
    case("String", "string"),
];

static VISITOR_TYPE: [EnumCase; 2] = [case("New", "new"), case("Returning", "returning")];

/// Registers `VariableTypes` and `VisitorType` (called at MINIT).
pub(crate) fn register_keyword_enums() -> Result<(), String> {
    let enums: [(&str, &'static [EnumCase]); 2] = [
        ("ConvertSdk\\Enums\\VariableTypes", &VARIABLE_TYPES),
        ("ConvertSdk\\Enums\\VisitorType", &VISITOR_TYPE),
    ];
    for (name, cases) in enums {
        cases
            .iter()
            .fold(EnumBuilder::new(name), EnumBuilder::case)
            .registration(keep_arg_info)
            .register()
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// DataEntities: a final class with two array constants
// ---------------------------------------------------------------------------

const DATA_ENTITIES_NAME: &str = "ConvertSdk\\Enums\\DataEntities";

const DATA_ENTITIES: [&str; 10] = [
    "events",
    "goals",
    "audiences",
    "locations",
    "segments",
    "experiences",
    "archived_experiences",
    "experiences.variations",
    "features",
    "features.variables",
];

const DATA_ENTITIES_MAP: [(&str, &str); 7] = [
    ("goal", "goals"),
    ("audience", "audiences"),
    ("location", "locations"),
    ("segment", "segments"),
    ("experience", "experiences"),
    ("variation", "experiences.variations"),
    ("feature", "features"),
];

/// Registers `ConvertSdk\Enums\DataEntities` (called at MINIT).
pub(crate) fn register_data_entities() -> Result<(), String> {
    ClassBuilder::new(DATA_ENTITIES_NAME)
        .flags(ClassFlags::Final)
        .registration(keep_arg_info)
        .register()
        .map_err(|e| format!("{DATA_ENTITIES_NAME}: {e}"))?;
    let ce = engine_class(DATA_ENTITIES_NAME)?;
    let list: Vec<(Option<&str>, &str)> = DATA_ENTITIES.iter().map(|v| (None, *v)).collect();
    let map: Vec<(Option<&str>, &str)> = DATA_ENTITIES_MAP.iter().map(|(k, v)| (Some(*k), *v)).collect();
    for (name, entries) in [("DATA_ENTITIES", list), ("DATA_ENTITIES_MAP", map)] {
        let mut value = immutable_array(&entries);
        let name = ZendStr::new_interned(name, true).into_raw();
        // SAFETY: MINIT; the constants table takes the (non-refcounted) value.
        unsafe {
            zend_declare_class_constant_ex(ce, name, &mut value, ConstantFlags::Public.bits() as i32, ptr::null_mut());
        }
    }
    Ok(())
}

/// The constant arrays live as long as the process; their addresses are kept
/// here so they stay reachable (the engine never frees immutable arrays).
static CONSTANT_ARRAYS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// Builds a persistent, immutable PHP array of interned strings, the form
/// class constants of internal classes need (it outlives every request and is
/// never refcounted). Entries with a key form a map, the others a list.
fn immutable_array(entries: &[(Option<&str>, &str)]) -> Zval {
    // SAFETY: a fresh persistent table (`persistent_value::new_table`), filled with interned
    // strings of the permanent table (MINIT), then sealed.
    unsafe {
        let ht = super::persistent_value::new_table();
        for (key, value) in entries {
            let mut v = Zval::new();
            v.set_interned_string(value, true).expect("interned string");
            match key {
                Some(k) => {
                    let k = ZendStr::new_interned(k, true).into_raw();
                    ffi::zend_hash_update(ht, k, &mut v);
                }
                None => {
                    ffi::zend_hash_next_index_insert(ht, &mut v);
                }
            }
            std::mem::forget(v); // moved into the table
        }
        let mut z = Zval::new();
        super::persistent_value::seal(&mut z, ht);
        let data = super::persistent_value::data_block(&*ht);
        CONSTANT_ARRAYS.lock().unwrap_or_else(PoisonError::into_inner).extend([ht as usize, data]);
        z
    }
}
