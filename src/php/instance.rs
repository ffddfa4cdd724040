//! The state of one SDK instance (`create()` call), shared by its `Core` and its `Context`s:
//! options, installed config, in-memory visitor data, events and logger.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use convert_sdk_engine::config::Config;
use convert_sdk_engine::memory_store::MemoryStore;
use convert_sdk_engine::merge::deep_merge;
use convert_sdk_engine::store_data;
use convert_sdk_engine::store_key::{legacy_store_key, store_key};
use convert_sdk_engine::visitor_doc::{PendingWrites, SharedDoc};
use ext_php_rs::types::Zval;
use serde_json::{Map, Value};

use super::call_attributes::ConvertedArrays;
use super::convert::value_to_zval;
use super::events::EventBus;
use super::gc::GcBuffer;
use super::logger::Level;
use super::options::SdkOptions;
use super::tracking::Tracker;
use super::visitor_store::VisitorStore;

pub struct Instance {
    pub options: SdkOptions,
    /// Installed config; `None` when initialisation failed.
    pub config: Option<Arc<Config>>,
    pub events: EventBus,
    memory: RefCell<MemoryStore>,
    store: Option<VisitorStore>,
    pub tracker: Tracker,
    /// The live visitor documents of this instance's Contexts and those with changes not yet
    /// written (`deferStoreWrites`, `visitor_doc` module).
    pub pending: PendingWrites,
    /// Call attributes already converted, shared by the instance's Contexts (calls and Contexts
    /// often pass the same attributes).
    pub converted: ConvertedArrays,
    /// Listed for the request-end write of pending documents (`tracking::write_at_request_end`).
    pub request_end_write: std::cell::Cell<bool>,
}

/// Ownership: the instance belongs to its `Core` object alone (the only `Rc`); contexts and the
/// tracking queue's request-end list reach it through counted references to that object
/// (`core::CoreRef`), which PHP's cycle collector can see. `Core`'s `get_gc` relies on this.
impl Instance {
    pub fn new(options: SdkOptions, config: Option<Arc<Config>>) -> Rc<Instance> {
        let project = config.as_ref().map(|c| format!("{}-{}", c.account_id, c.project_id)).unwrap_or_default();
        let store = VisitorStore::select(
            options.data_store.as_ref(),
            options.cache.as_ref(),
            &project,
            options.store_breaker,
            &options.logger,
        );
        Rc::new(Instance {
            options,
            config,
            events: EventBus::default(),
            memory: RefCell::default(),
            store,
            tracker: Tracker::default(),
            pending: PendingWrites::default(),
            converted: ConvertedArrays::default(),
            request_end_write: std::cell::Cell::new(false),
        })
    }

    /// Reports to the cycle collector every zval the instance holds: the config array, cache,
    /// dataStore, loggers, listeners and remembered event arguments. Only for the sole owner of the
    /// instance (`gc.rs` soundness rule).
    pub fn report_zvals(&self, gc: &mut GcBuffer) {
        let o = &self.options;
        gc.add_all(o.data.iter().chain(&o.cache).chain(&o.data_store));
        o.logger.report_zvals(gc);
        self.events.report_zvals(gc);
        self.converted.report_zvals(gc);
        if let Some(store) = &self.store {
            store.report_zvals(gc);
        }
    }

    /// The PSR-16-safe store key of a visitor (§6.2, `store_key` module).
    pub fn store_key(&self, config: &Config, visitor_id: &[u8]) -> String {
        store_key(&config.account_id, &config.project_id, visitor_id)
    }

    /// `getData` (§6.4): the in-memory copy merged with the store's (store wins), `{}` when
    /// nothing is stored. One `get` (two with `legacyStoreKeys` when the new key is empty).
    /// The in-memory copy is shared, not copied.
    pub fn read(&self, key: &str, visitor_id: &str) -> SharedDoc {
        let memory = self.memory.borrow().get(key).cloned();
        let memory = memory.unwrap_or_else(|| Rc::new(Value::Object(Map::new())));
        let Some(store) = &self.store else { return memory };
        let logger = &self.options.logger;
        let mut stored = store.get(key, logger);
        if store_data::is_empty(&stored) && self.options.legacy_store_keys {
            stored = store.get(&legacy_store_key(visitor_id), logger);
        }
        if store_data::is_empty(&stored) { memory } else { Rc::new(deep_merge(&memory, &stored)) }
    }

    /// Saves changed StoreData: one `set` on the store, then the in-memory layer.
    pub fn write(&self, key: &str, data: SharedDoc) {
        if let Some(store) = &self.store {
            store.set(key, &data, &self.options.logger);
        }
        self.memory.borrow_mut().set(key, data);
    }

    /// Writes the pending documents of visitor `key` (`None`: of every visitor), one `set` each.
    pub fn flush_writes(&self, key: Option<&str>) {
        for (key, data) in self.pending.drain(key) {
            self.write(&key, data);
        }
    }

    pub fn log(&self, level: Level, message: impl FnOnce() -> String) {
        self.options.logger.log(level, message);
    }

    /// Fires an event; the payload is built only when a listener or the deferral record needs it.
    pub fn fire(&self, event: &str, args: impl FnOnce() -> Value, deferred: bool) {
        if self.events.is_idle(event, deferred) {
            return;
        }
        if !self.events.has_listener(event) {
            self.events.remember(event, args());
            return;
        }
        let args = value_to_zval(&args());
        self.events.fire(event, &args, &Zval::null(), deferred, &self.options.logger);
    }
}
