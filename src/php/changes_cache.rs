//! Config values handed to PHP many times (`changes` of a served variation) are converted to PHP
//! arrays once per SDK instance and then shared: PHP arrays are copy-on-write values, so every
//! caller still gets its own array as soon as it modifies it.

use std::cell::RefCell;
use std::sync::Arc;

use convert_sdk_engine::config::{Config, Variation};
use convert_sdk_engine::fast_hash::FastMap;
use ext_php_rs::types::Zval;

use super::convert::value_to_zval;

#[derive(Default)]
pub struct ChangesCache {
    /// The config the entries point into; held so their addresses stay valid (and unique).
    config: RefCell<Option<Arc<Config>>>,
    zvals: RefCell<FastMap<*const Variation, Zval>>,
}

impl ChangesCache {
    /// `variation.changes` as a PHP array; `variation` must belong to `config`.
    pub fn get(&self, config: &Arc<Config>, variation: &Variation) -> Zval {
        let same = self.config.borrow().as_ref().is_some_and(|c| Arc::ptr_eq(c, config));
        if !same {
            self.zvals.borrow_mut().clear();
            *self.config.borrow_mut() = Some(config.clone());
        }
        let key = std::ptr::from_ref(variation);
        if let Some(z) = self.zvals.borrow().get(&key) {
            return z.shallow_clone();
        }
        let z = value_to_zval(&variation.changes);
        let shared = z.shallow_clone();
        self.zvals.borrow_mut().insert(key, z);
        shared
    }
}
