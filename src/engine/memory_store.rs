//! The in-memory layer of visitor data (spec §6.8): storeKey → StoreData, capacity 10 000,
//! FIFO eviction by first insertion (rewriting a key does not move it).

use std::collections::{HashMap, VecDeque};

use crate::visitor_doc::SharedDoc;

pub const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: HashMap<String, SharedDoc>,
    order: VecDeque<String>,
}

impl MemoryStore {
    pub fn get(&self, key: &str) -> Option<&SharedDoc> {
        self.entries.get(key)
    }

    pub fn set(&mut self, key: &str, value: SharedDoc) {
        if let Some(slot) = self.entries.get_mut(key) {
            *slot = value;
            return;
        }
        if self.entries.len() >= CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.entries.remove(&oldest);
            }
        }
        self.order.push_back(key.to_string());
        self.entries.insert(key.to_string(), value);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::rc::Rc;

    #[test]
    fn evicts_oldest_first_insertion() {
        let mut m = MemoryStore::default();
        for i in 0..CAPACITY {
            m.set(&format!("k{i}"), Rc::new(json!(i)));
        }
        m.set("k0", Rc::new(json!("rewritten"))); // does not move k0
        m.set("new", Rc::new(json!(1)));
        assert_eq!(m.len(), CAPACITY);
        assert!(m.get("k0").is_none());
        assert_eq!(m.get("k1").map(|v| &**v), Some(&json!(1)));
        assert_eq!(m.get("new").map(|v| &**v), Some(&json!(1)));
    }
}
