//! A visitor's StoreData while a Context works on it, and when it reaches the store (spec §6.4,
//! issue 7: one `set` per visitor and request).
//!
//! With `deferStoreWrites` (default on) a Context keeps its changes in memory and the store gets
//! **one** `set` per visitor and request: when the Context is destroyed (`__destruct`), when another
//! Context of the same visitor is created on the same SDK instance (so it reads what this one
//! decided), or at request shutdown (the SDK's shutdown function, before the tracking release and
//! before `fastcgi_finish_request()`). With `deferStoreWrites => false` every changing call writes
//! at once, as the official PHP SDK does.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// Documents whose Context was freed with changes still unwritten (its destructor did not run, e.g.
/// after a fatal error): `(key, document)`, shared by the Contexts and their instance so a Context
/// can hand its document over without reaching the instance itself.
pub type Orphans = Rc<RefCell<Vec<(String, SharedDoc)>>>;

/// A document as written: shared by the Context, the in-memory layer and the write in progress.
/// Copied only when a Context changes it while another holder still has it (`Rc::make_mut`).
pub type SharedDoc = Rc<Value>;

use serde_json::Value;

/// One visitor's document as held by a Context (shared with its instance's flush list).
#[derive(Debug)]
pub struct VisitorDoc {
    pub key: String,
    /// `None` until the first read from the store.
    data: RefCell<Option<SharedDoc>>,
    dirty: Cell<bool>,
}

impl VisitorDoc {
    pub fn new(key: String) -> Rc<VisitorDoc> {
        Rc::new(VisitorDoc { key, data: RefCell::new(None), dirty: Cell::new(false) })
    }

    /// Takes the loaded document out (the caller puts it back with `put_back`; changing it with
    /// `Rc::make_mut` copies it only when a written copy still shares it).
    pub fn take(&self) -> Option<SharedDoc> {
        self.data.borrow_mut().take()
    }

    pub fn put_back(&self, data: SharedDoc) {
        *self.data.borrow_mut() = Some(data);
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty.get()
    }

    pub fn mark_dirty(&self) {
        self.dirty.set(true);
    }

    /// `put_data` of `patch` on the loaded document, marking it dirty when that changed it; `false`
    /// (nothing done) when the document is not loaded.
    pub fn apply(&self, patch: &Value) -> bool {
        let mut data = self.data.borrow_mut();
        let Some(doc) = data.as_mut() else { return false };
        let changed = crate::store_data::put_data_in_place(Rc::make_mut(doc), patch);
        if changed {
            self.dirty.set(true);
        }
        changed
    }

    /// The document to write (shared, not copied), clearing the dirty mark; `None` when nothing is
    /// pending. (Not borrowed: the write calls the user's store, which may re-enter this Context.)
    pub fn take_pending(&self) -> Option<SharedDoc> {
        if !self.dirty.replace(false) {
            return None;
        }
        self.data.borrow().clone()
    }
}

/// The documents of one SDK instance by visitor key (weak: a Context owns its document), and the
/// orphans of freed Contexts. Lookups by key are constant time, so many live Contexts on one SDK
/// (a long-running worker) cost nothing per new Context.
#[derive(Debug, Default)]
pub struct PendingWrites {
    docs: RefCell<HashMap<String, Vec<Weak<VisitorDoc>>>>,
    /// Documents added since the last sweep of dead entries.
    added: Cell<usize>,
    orphans: Orphans,
}

impl PendingWrites {
    /// Remembers a live document (every Context's, so changes made for its visitor through another
    /// Context reach it: `loaded`). Dead entries are swept now and then (amortised constant time).
    pub fn add(&self, doc: &Rc<VisitorDoc>) {
        let mut docs = self.docs.borrow_mut();
        let added = self.added.get() + 1;
        if added >= 64 && added * 2 >= docs.len() {
            docs.retain(|_, list| {
                list.retain(|d| d.strong_count() > 0);
                !list.is_empty()
            });
            self.added.set(0);
        } else {
            self.added.set(added);
        }
        docs.entry(doc.key.clone()).or_default().push(Rc::downgrade(doc));
    }

    /// The live, loaded document of visitor `key`, if a Context holds one.
    pub fn loaded(&self, key: &str) -> Option<Rc<VisitorDoc>> {
        let docs = self.docs.borrow();
        docs.get(key)?.iter().filter_map(Weak::upgrade).find(|d| d.data.borrow().is_some())
    }

    /// Where a Context freed with unwritten changes leaves its document (`VisitorDoc::take_pending`).
    pub fn orphans(&self) -> Orphans {
        self.orphans.clone()
    }

    /// Everything to write now, for the visitor `key` or (`None`) for all: `(key, document)`.
    pub fn drain(&self, key: Option<&str>) -> Vec<(String, SharedDoc)> {
        let docs: Vec<Rc<VisitorDoc>> = {
            let map = self.docs.borrow();
            match key {
                Some(k) => map.get(k).into_iter().flatten().filter_map(Weak::upgrade).collect(),
                None => map.values().flatten().filter_map(Weak::upgrade).collect(),
            }
        };
        let mut out: Vec<(String, SharedDoc)> =
            docs.iter().filter_map(|d| d.take_pending().map(|v| (d.key.clone(), v))).collect();
        let mut orphans = self.orphans.borrow_mut();
        if !orphans.is_empty() {
            let (mine, rest): (Vec<_>, Vec<_>) = orphans.drain(..).partition(|(k, _)| key.is_none_or(|want| k == want));
            *orphans = rest;
            out.extend(mine);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_is_written_once_per_change_batch() {
        let pending = PendingWrites::default();
        let doc = VisitorDoc::new("k".into());
        doc.put_back(Rc::new(json!({"bucketing": {"1": "2"}})));
        assert!(pending.drain(None).is_empty());
        doc.mark_dirty();
        pending.add(&doc);
        pending.add(&doc);
        assert_eq!(pending.drain(Some("other")), vec![]);
        assert_eq!(pending.drain(Some("k")), vec![("k".to_string(), Rc::new(json!({"bucketing": {"1": "2"}})))]);
        assert!(pending.drain(None).is_empty(), "written once");
        assert!(pending.loaded("k").is_some_and(|d| Rc::ptr_eq(&d, &doc)));
        assert!(pending.loaded("other").is_none());
        doc.mark_dirty();
        pending.orphans().borrow_mut().push(("k".into(), Rc::new(json!(1))));
        drop(doc);
        assert_eq!(pending.drain(Some("k")), vec![("k".to_string(), Rc::new(json!(1)))], "the orphan, not the dropped document");
        assert!(pending.drain(None).is_empty());
    }

    #[test]
    fn a_patch_applies_to_a_loaded_document_only() {
        let doc = VisitorDoc::new("k".into());
        assert!(!doc.apply(&json!({"segments": {"tier": "gold"}})), "not loaded: nothing done");
        assert_eq!(doc.take_pending(), None);
        doc.put_back(Rc::new(json!({"bucketing": {"1": "2"}, "locations": [], "segments": [], "goals": []})));
        assert!(doc.apply(&json!({"segments": {"tier": "gold"}})));
        assert!(!doc.apply(&json!({"segments": {"tier": "gold"}})), "unchanged");
        assert_eq!(
            doc.take_pending(),
            Some(Rc::new(json!({"bucketing": {"1": "2"}, "locations": [], "segments": {"tier": "gold"}, "goals": []})))
        );
    }

    #[test]
    fn dead_documents_are_swept() {
        let pending = PendingWrites::default();
        let alive = VisitorDoc::new("alive".into());
        pending.add(&alive);
        for i in 0..10_000 {
            let doc = VisitorDoc::new(format!("v{i}"));
            pending.add(&doc);
        }
        assert!(pending.docs.borrow().len() <= 130, "swept: {}", pending.docs.borrow().len());
        assert!(pending.docs.borrow().contains_key("alive"));
    }
}
