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
use std::rc::{Rc, Weak};

/// Documents whose Context was freed with changes still unwritten (its destructor did not run, e.g.
/// after a fatal error): `(key, document)`, shared by the Contexts and their instance so a Context
/// can hand its document over without reaching the instance itself.
pub type Orphans = Rc<RefCell<Vec<(String, Value)>>>;

use serde_json::Value;

/// One visitor's document as held by a Context (shared with its instance's flush list).
#[derive(Debug)]
pub struct VisitorDoc {
    pub key: String,
    /// `None` until the first read from the store.
    data: RefCell<Option<Value>>,
    dirty: Cell<bool>,
}

impl VisitorDoc {
    pub fn new(key: String) -> Rc<VisitorDoc> {
        Rc::new(VisitorDoc { key, data: RefCell::new(None), dirty: Cell::new(false) })
    }

    /// Takes the loaded document out (the caller puts it back with `put_back`).
    pub fn take(&self) -> Option<Value> {
        self.data.borrow_mut().take()
    }

    pub fn put_back(&self, data: Value) {
        *self.data.borrow_mut() = Some(data);
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty.get()
    }

    pub fn mark_dirty(&self) {
        self.dirty.set(true);
    }

    /// A copy of the document to write, clearing the dirty mark; `None` when nothing is pending.
    /// (A copy: the write calls the user's store, which may re-enter this Context.)
    pub fn take_pending(&self) -> Option<Value> {
        if !self.dirty.replace(false) {
            return None;
        }
        self.data.borrow().clone()
    }
}

/// The documents of one SDK instance with unwritten changes (weak: a Context owns its document).
#[derive(Debug, Default)]
pub struct PendingWrites {
    docs: RefCell<Vec<Weak<VisitorDoc>>>,
    orphans: Orphans,
}

impl PendingWrites {
    /// Remembers a live document (every Context's, so changes made for its visitor through another
    /// Context reach it: `loaded`).
    pub fn add(&self, doc: &Rc<VisitorDoc>) {
        let mut docs = self.docs.borrow_mut();
        docs.retain(|d| d.strong_count() > 0);
        if !docs.iter().any(|d| std::ptr::eq(d.as_ptr(), Rc::as_ptr(doc))) {
            docs.push(Rc::downgrade(doc));
        }
    }

    /// The live, loaded document of visitor `key`, if a Context holds one.
    pub fn loaded(&self, key: &str) -> Option<Rc<VisitorDoc>> {
        self.docs.borrow().iter().filter_map(Weak::upgrade).find(|d| d.key == key && d.data.borrow().is_some())
    }

    /// Where a Context freed with unwritten changes leaves its document (`VisitorDoc::take_pending`).
    pub fn orphans(&self) -> Orphans {
        self.orphans.clone()
    }

    /// True when no live document has unwritten changes and no orphan waits.
    pub fn is_empty(&self) -> bool {
        self.orphans.borrow().is_empty() && self.docs.borrow().iter().filter_map(Weak::upgrade).all(|d| !d.is_dirty())
    }

    /// Everything to write now, for the visitor `key` or (`None`) for all: `(key, document)`.
    pub fn drain(&self, key: Option<&str>) -> Vec<(String, Value)> {
        let docs: Vec<Rc<VisitorDoc>> = self.docs.borrow().iter().filter_map(Weak::upgrade).collect();
        let mut out: Vec<(String, Value)> = docs
            .iter()
            .filter(|d| key.is_none_or(|k| d.key == k))
            .filter_map(|d| d.take_pending().map(|v| (d.key.clone(), v)))
            .collect();
        self.docs.borrow_mut().retain(|d| d.strong_count() > 0);
        let mut orphans = self.orphans.borrow_mut();
        let (mine, rest): (Vec<_>, Vec<_>) = orphans.drain(..).partition(|(k, _)| key.is_none_or(|want| k == want));
        *orphans = rest;
        out.extend(mine);
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
        doc.put_back(json!({"bucketing": {"1": "2"}}));
        assert!(pending.drain(None).is_empty());
        doc.mark_dirty();
        pending.add(&doc);
        pending.add(&doc);
        assert_eq!(pending.drain(Some("other")), vec![]);
        assert_eq!(pending.drain(Some("k")), vec![("k".to_string(), json!({"bucketing": {"1": "2"}}))]);
        assert!(pending.drain(None).is_empty(), "written once");
        assert!(pending.loaded("k").is_some_and(|d| Rc::ptr_eq(&d, &doc)));
        assert!(pending.loaded("other").is_none());
        assert!(pending.is_empty());
        doc.mark_dirty();
        pending.add(&doc);
        assert!(!pending.is_empty());
        pending.orphans().borrow_mut().push(("k".into(), json!(1)));
        drop(doc);
        assert!(!pending.is_empty(), "an orphan is pending");
        assert_eq!(pending.drain(Some("k")), vec![("k".to_string(), json!(1))]);
        assert!(pending.is_empty());
    }
}
