//! The state of one SDK instance (`create()` call), shared by its `Core` and its `Context`s:
//! options, installed config, in-memory visitor data, events and logger.

use std::cell::RefCell;
use std::sync::Arc;

use convert_sdk_engine::config::Config;
use convert_sdk_engine::memory_store::MemoryStore;
use ext_php_rs::types::Zval;
use serde_json::{Map, Value};

use super::convert::value_to_zval;
use super::events::EventBus;
use super::logger::Level;
use super::options::SdkOptions;

pub struct Instance {
    pub options: SdkOptions,
    /// Installed config; `None` when initialisation failed.
    pub config: Option<Arc<Config>>,
    pub events: EventBus,
    memory: RefCell<MemoryStore>,
}

impl Instance {
    pub fn new(options: SdkOptions, config: Option<Arc<Config>>) -> Instance {
        Instance { options, config, events: EventBus::default(), memory: RefCell::default() }
    }

    /// `{account_id}-{project_id}-{visitorId}` (§6.2).
    pub fn store_key(&self, config: &Config, visitor_id: &str) -> String {
        format!("{}-{}-{}", config.account_id, config.project_id, visitor_id)
    }

    /// The visitor's StoreData (`{}` when nothing is stored).
    pub fn load(&self, key: &str) -> Value {
        self.memory.borrow().get(key).cloned().unwrap_or_else(|| Value::Object(Map::new()))
    }

    /// Saves changed StoreData.
    pub fn save(&self, key: &str, data: Value) {
        self.memory.borrow_mut().set(key, data);
    }

    pub fn log(&self, level: Level, message: impl FnOnce() -> String) {
        self.options.logger.log(level, message);
    }

    /// Fires an event; the payload is built only when a listener or the deferral record needs it.
    pub fn fire(&self, event: &str, args: impl FnOnce() -> Value, deferred: bool) {
        if self.events.is_idle(event, deferred) {
            return;
        }
        let args = value_to_zval(&args());
        self.events.fire(event, &args, &Zval::null(), deferred, &self.options.logger);
    }

    /// Releases the tracking queue. Tracking delivery is not built yet (issue 5): nothing is
    /// queued, so there is nothing to release.
    pub fn release_queue(&self, reason: &str) {
        self.log(Level::Trace, || format!("release queue ({reason}): tracking is not implemented yet"));
    }
}
