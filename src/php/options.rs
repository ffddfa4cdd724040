//! `ConvertSDK::create()` options (spec §1.2): defaults, deep merge, environment variables,
//! validation with the exact exception class and message of the official SDK.

use convert_sdk_engine::experience::BucketingSettings;
use std::time::Duration;

use convert_sdk_engine::circuit_breaker::BreakerSettings;
use convert_sdk_net::http::HttpLimits;
use convert_sdk_engine::rules::RuleOptions;
use convert_sdk_engine::value::{php_bool, php_floatval, php_intval, php_string};
use ext_php_rs::exception::PhpException;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::Value;

use super::convert::zval_to_value;
use super::exceptions::{invalid_argument, native_invalid_argument};
use super::logger::{Level, Logger};

pub const DEFAULT_CONFIG_ENDPOINT: &str = "https://cdn-4.convertexperiments.com/api/v1";
pub const DEFAULT_TRACK_ENDPOINT: &str = "https://[project_id].metrics.convertexperiments.com/v1";

/// Validated options, with PHP objects (cache, store, loggers) kept apart.
pub struct SdkOptions {
    pub sdk_key: String,
    pub sdk_key_secret: String,
    pub environment: String,
    /// The `data` config array (only meaningful when `sdk_key` is empty).
    pub data: Option<Zval>,
    pub bucketing: BucketingSettings,
    pub rules: RuleOptions,
    pub data_refresh_interval_ms: i64,
    pub tracking: bool,
    pub cache_level: String,
    pub source: String,
    pub config_endpoint: String,
    pub track_endpoint: String,
    pub batch_size: i64,
    /// Timeouts and caps of config fetches (`network.connectTimeout`, `network.timeout`, in ms).
    pub http_limits: HttpLimits,
    /// `storeCircuitBreaker => ['failures' => 3, 'seconds' => 30]` (failures 0 = off).
    pub store_breaker: BreakerSettings,
    /// `legacyStoreKeys`: also read the official PHP SDK's `--{visitorId}` records.
    pub legacy_store_keys: bool,
    /// `deferStoreWrites` (default true): one store `set` per visitor and request (`visitor_doc`).
    pub defer_store_writes: bool,
    pub cache: Option<Zval>,
    pub data_store: Option<Zval>,
    pub logger: Logger,
}

/// `getenv()` semantics: unset or empty counts as unset.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_or(name: &str, default: &str) -> String {
    env_var(name).unwrap_or_else(|| default.to_string())
}

/// PHP `empty()`.
fn is_empty(v: Option<&Value>) -> bool {
    v.is_none_or(|v| !php_bool(v))
}

/// The options array read in place: a member becomes an engine value only when it is asked for
/// (objects read as null; they are taken separately).
struct OptionsView<'a>(&'a ZendHashTable);

impl OptionsView<'_> {
    /// Top-level member `name`.
    fn get(&self, name: &str) -> Option<Value> {
        self.0.get(name).map(zval_to_value)
    }

    /// The member at `/a/b` (string keys of nested arrays).
    fn at(&self, pointer: &str) -> Option<Value> {
        let mut segments = pointer.split('/').skip(1);
        let mut z = self.0.get(segments.next()?)?.dereference();
        for key in segments {
            z = z.array()?.get(key)?.dereference();
        }
        Some(zval_to_value(z))
    }

    fn str_at(&self, pointer: &str, default: &str) -> String {
        self.str_at_or(pointer, || default.to_string())
    }

    /// `str_at` with a default computed only when the option is absent (an environment lookup).
    fn str_at_or(&self, pointer: &str, default: impl FnOnce() -> String) -> String {
        self.at(pointer).filter(|x| !x.is_null()).map_or_else(default, |x| php_string(&x).into_owned())
    }
}

/// Object-valued option, if it is an object.
fn object_option(options: &ZendHashTable, key: &str) -> Option<Zval> {
    options.get(key).map(Zval::dereference).filter(|z| z.is_object()).map(Zval::shallow_clone)
}

/// Parses and validates the options array in the order of §1.2.
pub fn parse(options: &ZendHashTable) -> Result<SdkOptions, PhpException> {
    let merged = OptionsView(options);
    if is_empty(merged.get("sdkKey").as_ref()) && options.get("data").is_none_or(is_empty_zval) {
        return Err(invalid_argument("Either sdkKey or data must be provided"));
    }
    // Every option is read from the user's array with its default as fallback: the same result as
    // deep-merging the defaults first (§1.2), without building and merging them on every create().
    let environment = match merged.get("environment") {
        None => "production".to_string(),
        Some(Value::String(s)) => s,
        _ => return Err(native_invalid_argument("Environment is required and must be a string")),
    };
    // Checked on the raw value: objects and NAN have no engine value but are not empty().
    let raw_key = options.get("sdkKey").map(Zval::dereference);
    let non_string_key = raw_key.is_some_and(|z| !z.is_string() && !is_empty_zval(z));
    let sdk_key = match merged.get("sdkKey") {
        _ if non_string_key => return Err(native_invalid_argument("sdkKey must be a string")),
        Some(Value::String(s)) if php_bool(&Value::String(s.clone())) => s,
        k if is_empty(k.as_ref()) => String::new(),
        _ => return Err(native_invalid_argument("sdkKey must be a string")),
    };
    // `data` as given (not merged, not converted: see config_source); an array in data mode.
    let data = options.get("data").map(Zval::dereference).filter(|z| z.is_array()).map(Zval::shallow_clone);
    if sdk_key.is_empty() && data.is_none() {
        return Err(native_invalid_argument("data must be an array"));
    }
    Ok(SdkOptions {
        sdk_key,
        sdk_key_secret: merged.str_at("/sdkKeySecret", ""),
        environment,
        data,
        bucketing: BucketingSettings {
            hash_seed: merged.at("/bucketing/hash_seed").map_or(9999, |v| php_intval(&v) as u32),
            max_traffic: merged.at("/bucketing/max_traffic").map_or(10000.0, |v| php_floatval(&v)),
        },
        rules: RuleOptions {
            keys_case_sensitive: merged.at("/rules/keys_case_sensitive").is_none_or(|v| php_bool(&v)),
            // `rules.exists_operators => true` turns on the JS `exists`/`doesNotExist` operators (§12).
            js_exists_operators: merged.at("/rules/exists_operators").is_some_and(|v| php_bool(&v)),
        },
        data_refresh_interval_ms: merged.at("/dataRefreshInterval").map_or(300_000, |v| php_intval(&v)),
        tracking: merged.at("/network/tracking").is_none_or(|v| php_bool(&v)),
        cache_level: merged.str_at("/network/cacheLevel", "default"),
        // env VERSION replaces network.source even when the user set it (§1.2 step 2)
        source: env_var("VERSION").unwrap_or_else(|| merged.str_at("/network/source", "php-sdk")),
        config_endpoint: merged.str_at_or("/api/endpoint/config", || env_or("CONFIG_ENDPOINT", DEFAULT_CONFIG_ENDPOINT)),
        track_endpoint: merged.str_at_or("/api/endpoint/track", || env_or("TRACK_ENDPOINT", DEFAULT_TRACK_ENDPOINT)),
        batch_size: merged.at("/events/batch_size").map_or(10, |v| php_intval(&v)),
        http_limits: http_limits(&merged),
        legacy_store_keys: merged.get("legacyStoreKeys").is_some_and(|v| php_bool(&v)),
        defer_store_writes: merged.get("deferStoreWrites").is_none_or(|v| php_bool(&v)),
        store_breaker: BreakerSettings {
            threshold: merged.at("/storeCircuitBreaker/failures").map_or(3, |v| php_intval(&v).clamp(0, 1_000_000) as u32),
            cool_down: Duration::from_secs(merged.at("/storeCircuitBreaker/seconds").map_or(30, |v| php_intval(&v).clamp(1, 86_400) as u64)),
        },
        cache: object_option(options, "cache"),
        data_store: options.get("dataStore").map(Zval::dereference).filter(|z| !z.is_null()).map(Zval::shallow_clone),
        logger: build_logger(options, &merged),
    })
}

/// HTTP bounds from `network.connectTimeout` and `network.timeout` (milliseconds, > 0).
fn http_limits(merged: &OptionsView<'_>) -> HttpLimits {
    let ms = |p: &str| merged.at(p).map(|v| php_intval(&v)).filter(|v| *v > 0).map(|v| Duration::from_millis(v as u64));
    let defaults = HttpLimits::default();
    HttpLimits {
        connect_timeout: ms("/network/connectTimeout").unwrap_or(defaults.connect_timeout),
        total_timeout: ms("/network/timeout").unwrap_or(defaults.total_timeout),
        ..defaults
    }
}

/// PHP `empty()` of a zval without converting it.
fn is_empty_zval(z: &Zval) -> bool {
    let z = z.dereference();
    match z.array() {
        Some(a) => a.len() == 0,
        None => !z.coerce_to_bool(),
    }
}

/// Level from an option value (a `LogLevel` case arrives as its int value).
fn level_of(v: Option<&Value>, default: Level) -> Level {
    v.and_then(Value::as_i64).and_then(Level::from_int).unwrap_or(default)
}

/// The logger of §1.9: `['logLevel' => ..., 'customLoggers' => [...]]` or a bare PSR-3 logger.
fn build_logger(options: &ZendHashTable, merged: &OptionsView<'_>) -> Logger {
    let mut logger = Logger::default();
    let level = level_of(merged.at("/logger/logLevel").as_ref(), Level::Debug);
    let Some(opt) = options.get("logger").map(Zval::dereference) else { return logger };
    if opt.is_object() {
        logger.add(opt.shallow_clone(), level);
        return logger;
    }
    let Some(clients) = opt.array().and_then(|a| a.get("customLoggers")).and_then(|c| c.dereference().array()) else {
        return logger;
    };
    for client in clients.values().map(Zval::dereference) {
        if client.is_object() {
            logger.add(client.shallow_clone(), level);
        } else if let Some(entry) = client.array() {
            if let Some(obj) = entry.get("logger").map(Zval::dereference).filter(|z| z.is_object()) {
                let own = entry.get("logLevel").map(zval_to_value);
                logger.add(obj.shallow_clone(), level_of(own.as_ref(), level));
            }
        }
    }
    logger
}
