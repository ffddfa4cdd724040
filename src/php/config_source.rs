//! Where an SDK instance's config comes from (spec §1.2.2, §3), with three cache levels:
//! 1. a process-wide parsed config kept across requests by each PHP worker (plain Rust data behind a
//!    `parking_lot` mutex, keyed by endpoint + sdkKey + environment; never holds PHP values);
//! 2. the user's PSR-16 `cache` (key and TTL of §3.2), shared by every worker of a fleet;
//! 3. the CDN, fetched over HTTP with hard timeouts.
//!
//! A process entry older than `dataRefreshInterval` is refreshed once (PSR-16 first, then HTTP);
//! when that fails the last good config keeps being served (stale-if-error) and the failure is
//! logged. In `data` mode a cheap fingerprint of the PHP array avoids re-parsing an unchanged config.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use convert_sdk_engine::config::Config;
use convert_sdk_engine::value::php_json_decode;
use convert_sdk_net::config_fetch::{self, ConfigRequest, FetchError};
use ext_php_rs::ffi;
use ext_php_rs::types::{ZendHashTable, Zval};
use parking_lot::Mutex;
use serde_json::Value;

use super::convert::{Key, entries, string_zval, value_to_zval, zval_to_value};
use super::exceptions;
use super::logger::{Level, Logger};
use super::options::SdkOptions;
use super::userland;

/// Data-mode configs remembered per process (by fingerprint).
const DATA_CACHE_CAPACITY: usize = 16;

struct RemoteEntry {
    config: Arc<Config>,
    /// Fingerprint of the config value, to detect `config.updated`.
    fingerprint: u64,
    checked_at: Instant,
}

static REMOTE: LazyLock<Mutex<HashMap<String, RemoteEntry>>> = LazyLock::new(Default::default);
static DATA: LazyLock<Mutex<Vec<(u128, Arc<Config>)>>> = LazyLock::new(Default::default);

/// Process-wide counters (shown by `phpinfo()`).
pub struct Counters {
    pub process_hits: AtomicU64,
    pub psr16_hits: AtomicU64,
    pub fetches: AtomicU64,
    pub fetch_failures: AtomicU64,
    pub refreshes: AtomicU64,
    pub stale_served: AtomicU64,
    pub data_parses: AtomicU64,
    pub data_hits: AtomicU64,
}

pub static COUNTERS: Counters = Counters {
    process_hits: AtomicU64::new(0),
    psr16_hits: AtomicU64::new(0),
    fetches: AtomicU64::new(0),
    fetch_failures: AtomicU64::new(0),
    refreshes: AtomicU64::new(0),
    stale_served: AtomicU64::new(0),
    data_parses: AtomicU64::new(0),
    data_hits: AtomicU64::new(0),
};

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// Number of process-wide config entries (remote + data mode).
pub fn cached_entries() -> usize {
    REMOTE.lock().len() + DATA.lock().len()
}

/// The result of loading: a config (and whether it replaced a different one), or the exception
/// object delivered as the `ready` error.
pub enum Loaded {
    Config { config: Arc<Config>, updated: bool },
    Failed(Zval),
}

/// Loads the config for these options.
pub fn load(options: &SdkOptions) -> Loaded {
    if options.sdk_key.is_empty() {
        load_data(options)
    } else {
        load_remote(options)
    }
}

// ---------------------------------------------------------------------------------------------
// data mode

fn load_data(options: &SdkOptions) -> Loaded {
    let Some(data) = options.data.as_ref() else {
        return Loaded::Failed(exceptions::config_validation_object("Config validation failed: missing 'account_id' field"));
    };
    let fp = fingerprint(data);
    if let Some((_, c)) = DATA.lock().iter().find(|(f, _)| *f == fp) {
        bump(&COUNTERS.data_hits);
        return Loaded::Config { config: c.clone(), updated: false };
    }
    bump(&COUNTERS.data_parses);
    match Config::from_value(zval_to_value(data)) {
        Ok(c) => {
            let config = Arc::new(c);
            let mut cache = DATA.lock();
            if cache.len() >= DATA_CACHE_CAPACITY {
                cache.remove(0);
            }
            cache.push((fp, config.clone()));
            Loaded::Config { config, updated: false }
        }
        Err(e) => Loaded::Failed(exceptions::config_validation_object(&e.0)),
    }
}

/// A structural hash of a PHP value: types, keys and scalar values, walked without allocating.
/// Two independent 64-bit lanes give a 128-bit fingerprint; the config is the site's own data, so
/// no adversary picks colliding arrays, but accidental collisions must be out of reach (a small
/// edit must never be mistaken for the cached config).
pub fn fingerprint(z: &Zval) -> u128 {
    let mut h = Fingerprint::default();
    hash_zval(z, &mut h, 0);
    h.finish()
}

/// The word hasher behind `fingerprint`. Each word is mixed on its own (position-keyed input, then a
/// folded 64×64→128-bit multiply: non-linear, so edits cannot cancel out as in a plain sum) and
/// added to its lane. No word waits for the previous one, so the walk runs at multiply throughput
/// rather than latency; the position key keeps the order significant.
#[derive(Clone, Copy)]
struct Fingerprint {
    a: u64,
    b: u64,
    position: u64,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint { a: 0x243f_6a88_85a3_08d3, b: 0x1319_8a2e_0370_7344, position: 0 }
    }
}

/// 1 to 7 bytes as one word, from whole loads (two overlapping ones from 4 bytes up): copying them
/// into a zeroed buffer first stalls the load on the byte stores. Given the length (hashed
/// before), the word determines the bytes.
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]));
    if n >= 4 {
        u32_at(0) | u32_at(n - 4) << 32
    } else {
        u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
    }
}

/// `x * k` as 128 bits, high half xor low half.
fn fold_mul(x: u64, k: u64) -> u64 {
    let p = u128::from(x) * u128::from(k);
    (p >> 64) as u64 ^ p as u64
}

impl Fingerprint {
    #[inline(always)]
    fn word(&mut self, w: u64) {
        self.position = self.position.wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.a = self.a.wrapping_add(fold_mul(w ^ self.position, 0xa076_1d64_78bd_642f));
        self.b = self.b.wrapping_add(fold_mul(w ^ self.position.rotate_left(32), 0xe703_7ed1_a0b4_28db));
    }

    /// A tagged byte string: tag and length in one word, then the bytes 8 at a time. Works on a
    /// local copy of the state, so the words of one string do not go through memory.
    fn tagged_bytes(&mut self, tag: u8, bytes: &[u8]) {
        let mut h = Fingerprint { ..*self };
        h.word(u64::from(tag) | (bytes.len() as u64) << 8);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            h.word(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            h.word(tail_word(rest));
        }
        *self = h;
    }

    fn finish(&self) -> u128 {
        let a = fold_mul(self.a ^ self.position, 0x8ebc_6af0_9c88_c6e3);
        let b = fold_mul(self.b ^ self.position, 0x5899_65cc_7537_4cc3);
        (u128::from(a) << 64) | u128::from(b)
    }
}

/// Walks the zval by its type byte and value union (the PHP 8.2 layout, as `convert::entries` does):
/// the checked accessors cost more than the hashing on a config-sized array.
fn hash_zval(z: &Zval, h: &mut Fingerprint, depth: u32) {
    // SAFETY: `z` is a live zval; each union member is read only under its type byte, and a
    // reference's target, an array's table and a string's bytes live as long as `z`.
    unsafe {
        let mut z = z;
        if z.u1.type_info & 0xff == ffi::IS_REFERENCE as u32 {
            z = &(*z.value.ref_).val;
        }
        match (z.u1.type_info & 0xff) as u8 as u32 {
            ffi::IS_ARRAY => {
                let arr = &*z.value.arr;
                h.word(u64::from(b'a') | u64::from(arr.nNumOfElements) << 8);
                if depth < 64 {
                    hash_array(arr, h, depth + 1);
                }
            }
            ffi::IS_STRING => {
                let s = &*z.value.str_;
                h.tagged_bytes(b's', std::slice::from_raw_parts(s.val.as_ptr().cast::<u8>(), s.len));
            }
            ffi::IS_LONG => {
                h.word(u64::from(b'i'));
                h.word(z.value.lval as u64);
            }
            ffi::IS_DOUBLE => {
                h.word(u64::from(b'd'));
                h.word(z.value.dval.to_bits());
            }
            ffi::IS_TRUE => h.word(u64::from(b'T')),
            ffi::IS_FALSE => h.word(u64::from(b'F')),
            _ => h.word(u64::from(b'n')),
        }
    }
}

fn hash_array(arr: &ZendHashTable, h: &mut Fingerprint, depth: u32) {
    for (k, v) in entries(arr) {
        match k {
            Key::Index(i) => {
                h.word(u64::from(b'#'));
                h.word(i as u64);
            }
            Key::Str(s) => h.tagged_bytes(b'k', s),
        }
        hash_zval(v, h, depth);
    }
}

// ---------------------------------------------------------------------------------------------
// sdkKey mode

fn remote_key(options: &SdkOptions) -> String {
    format!("{}\u{0}{}\u{0}{}", options.config_endpoint, options.sdk_key, options.environment)
}

fn request(options: &SdkOptions) -> ConfigRequest<'_> {
    ConfigRequest {
        endpoint: &options.config_endpoint,
        sdk_key: &options.sdk_key,
        environment: &options.environment,
        low_cache: options.cache_level == "low",
        secret: Some(options.sdk_key_secret.as_str()).filter(|s| !s.is_empty()),
    }
}

fn value_fingerprint(v: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(v.to_string().as_bytes());
    h.finish()
}

fn load_remote(options: &SdkOptions) -> Loaded {
    let key = remote_key(options);
    let ttl = Duration::from_secs(config_fetch::ttl_seconds(options.data_refresh_interval_ms) as u64);
    let previous = {
        let remote = REMOTE.lock();
        remote.get(&key).map(|e| (e.config.clone(), e.fingerprint, e.checked_at.elapsed() < ttl))
    };
    if let Some((config, _, true)) = &previous {
        bump(&COUNTERS.process_hits);
        return Loaded::Config { config: config.clone(), updated: false };
    }
    if previous.is_some() {
        bump(&COUNTERS.refreshes);
    }
    match fetch_through_caches(options) {
        Ok((config, fp)) => {
            let updated = previous.as_ref().is_some_and(|(_, old, _)| *old != fp);
            // An unchanged config keeps its instance (and what is built per config, `changes_cache`).
            let config = match previous {
                Some((same, old, _)) if old == fp => same,
                _ => Arc::new(config),
            };
            REMOTE.lock().insert(key, RemoteEntry { config: config.clone(), fingerprint: fp, checked_at: Instant::now() });
            Loaded::Config { config, updated }
        }
        Err(error) => match previous {
            Some((config, fp, _)) => {
                bump(&COUNTERS.stale_served);
                options.logger.log(Level::Warn, || {
                    "Config refresh failed; serving the last good config until the next refresh".to_string()
                });
                // Retry after another interval, not on every request.
                REMOTE.lock().insert(key, RemoteEntry { config: config.clone(), fingerprint: fp, checked_at: Instant::now() });
                Loaded::Config { config, updated: false }
            }
            None => Loaded::Failed(error),
        },
    }
}

/// PSR-16 cache, then HTTP (storing the result in the PSR-16 cache).
fn fetch_through_caches(options: &SdkOptions) -> Result<(Config, u64), Zval> {
    let logger = &options.logger;
    let cache = options.cache.as_ref().filter(|c| super::visitor_store::is_psr16_cache(c));
    let cache_key = config_fetch::cache_key(&options.sdk_key);
    if let Some(cache) = cache {
        if let Some(value) = psr16_get(cache, &cache_key, logger) {
            match Config::from_value(value.clone()) {
                Ok(c) => {
                    bump(&COUNTERS.psr16_hits);
                    return Ok((c, value_fingerprint(&value)));
                }
                Err(_) => psr16_call(cache, "delete", &cache_key, None, logger),
            }
        }
    }
    let req = request(options);
    bump(&COUNTERS.fetches);
    let body = match config_fetch::fetch(&req, &options.http_limits) {
        Ok(b) => b,
        Err(e) => {
            bump(&COUNTERS.fetch_failures);
            let (msg, code) = e.message(&req);
            logger.log(Level::Error, || msg.clone());
            let status = if let FetchError::Status(s) = e { i64::from(s) } else { code };
            return Err(exceptions::config_fetch_object(&msg, status, &options.config_endpoint));
        }
    };
    let value = std::str::from_utf8(&body).ok().and_then(php_json_decode).filter(|v| v.is_object());
    let value = value.unwrap_or_else(|| Value::Object(serde_json::Map::new()));
    let config = Config::from_value(value.clone()).map_err(|e| exceptions::config_validation_object(&e.0))?;
    if let Some(cache) = cache {
        let ttl = config_fetch::ttl_seconds(options.data_refresh_interval_ms);
        psr16_call(cache, "set", &cache_key, Some((&value_to_zval(&value), ttl)), logger);
    }
    Ok((config, value_fingerprint(&value)))
}

/// `$cache->get($key)` as a config value; anything but an array is a miss. Failures are logged
/// and count as a miss.
fn psr16_get(cache: &Zval, key: &str, logger: &Logger) -> Option<Value> {
    let k = string_zval(key);
    match userland::call_method(cache, "get", vec![&k]) {
        Ok(z) if z.is_array() => Some(zval_to_value(&z)),
        Ok(_) => None,
        Err(e) => {
            logger.log(Level::Error, || format!("Config cache get('{key}') failed: {}", e.describe()));
            None
        }
    }
}

/// `$cache->set($key, $value, $ttl)` or `$cache->delete($key)`; failures logged.
fn psr16_call(cache: &Zval, method: &str, key: &str, value: Option<(&Zval, i64)>, logger: &Logger) {
    let k = string_zval(key);
    let result = match value {
        Some((v, ttl)) => userland::call_method(cache, method, vec![&k, v, &ttl]),
        None => userland::call_method(cache, method, vec![&k]),
    };
    if let Err(e) = result {
        logger.log(Level::Error, || format!("Config cache {method}('{key}') failed: {}", e.describe()));
    }
}
