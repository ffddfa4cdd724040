//! Tracking events, the per-SDK queue and the request body (spec §7.1–§7.3).
//!
//! Everything here is pure: the binding layer enqueues events, decides when to release and hands the
//! drained queue to `payload`, then posts it (crate `convert_sdk_net`).
//!
//! Text is carried as Rust `String`s, so every string in a payload is valid UTF-8 by construction:
//! invalid UTF-8 coming from PHP must be replaced when it is converted to a `String` (binding layer),
//! never here. `serde_json::Value` cannot hold NaN or infinities, so serialising never fails either.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use crate::fast_hash::PassThroughBuild;

use serde_json::{Map, Value};

use crate::merge::to_map;
use crate::store_data::REPORT_SEGMENT_KEYS;

/// One tracking event (§7.2), sent as `{"eventType": ..., "data": {...}}`. Typed rather than a JSON
/// value: a decision queues two strings, not a tree of maps.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackingEvent {
    /// A fresh decision: `{"eventType": "bucketing", "data": {experienceId, variationId}}`.
    Bucketing { experience_id: String, variation_id: String },
    /// `{"eventType": "conversion", "data": {goalId, goalData?, bucketingData?}}`: `goalData` when
    /// given (a transaction), `bucketingData` unless empty.
    /// The maps are boxed: queued events are mostly bucketing events, which stay small.
    Conversion { goal_id: String, goal_data: Option<Box<Value>>, bucketing_data: Box<Map<String, Value>> },
}

impl TrackingEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TrackingEvent::Bucketing { .. } => "bucketing",
            TrackingEvent::Conversion { .. } => "conversion",
        }
    }

    /// The event as sent, as a JSON value (the `visitors` of `api.queue.released`): what the
    /// `Serialize` implementation writes, so both forms have one definition.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The wire form, written in place into the request body.
impl serde::Serialize for TrackingEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Data<'a>(&'a TrackingEvent);
        impl serde::Serialize for Data<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                match self.0 {
                    TrackingEvent::Bucketing { experience_id, variation_id } => {
                        m.serialize_entry("experienceId", experience_id)?;
                        m.serialize_entry("variationId", variation_id)?;
                    }
                    TrackingEvent::Conversion { goal_id, goal_data, bucketing_data } => {
                        m.serialize_entry("goalId", goal_id)?;
                        if let Some(goal_data) = goal_data {
                            m.serialize_entry("goalData", goal_data)?;
                        }
                        if !bucketing_data.is_empty() {
                            m.serialize_entry("bucketingData", bucketing_data)?;
                        }
                    }
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("eventType", self.event_type())?;
        m.serialize_entry("data", &Data(self))?;
        m.end()
    }
}

/// A bucketing event for a fresh decision (§7.2).
pub fn bucketing_event(experience_id: &str, variation_id: &str) -> TrackingEvent {
    TrackingEvent::Bucketing { experience_id: experience_id.into(), variation_id: variation_id.into() }
}

/// A conversion event (§7.2); `bucketing_data` is `StoreData.bucketing` as read before the conversion
/// (keys as strings, values as stored).
pub fn conversion_event(goal_id: &str, bucketing_data: &Value) -> TrackingEvent {
    TrackingEvent::Conversion { goal_id: goal_id.into(), goal_data: None, bucketing_data: Box::new(to_map(bucketing_data)) }
}

/// A transaction event (§7.2): a conversion event carrying `goalData`, the list of `{key, value}`
/// objects in the given order (passed through unchanged, values keep their type).
pub fn transaction_event(goal_id: &str, goal_data: Value, bucketing_data: &Value) -> TrackingEvent {
    TrackingEvent::Conversion {
        goal_id: goal_id.into(),
        goal_data: Some(Box::new(goal_data)),
        bucketing_data: Box::new(to_map(bucketing_data)),
    }
}

/// Wire name of a report segment key (§7.2).
fn wire_name(key: &str) -> &str {
    match key {
        "visitor_type" => "visitorType",
        "custom_segments" => "customSegments",
        other => other,
    }
}

/// The `segments` member of a visitor entry, from the visitor's stored `segments`: report keys only
/// (in the order of §10.1), renamed to their wire names, null values dropped; `None` when nothing is left.
pub fn wire_segments(store_segments: &Value) -> Option<Value> {
    let mut out = Map::new();
    for key in REPORT_SEGMENT_KEYS {
        match store_segments.get(key) {
            None | Some(Value::Null) => {}
            Some(v) => {
                out.insert(wire_name(key).into(), v.clone());
            }
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// One visitor of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedVisitor {
    pub visitor_id: String,
    pub events: Vec<TrackingEvent>,
    /// Fixed by the visitor's first queued event.
    pub segments: Option<Value>,
}

impl QueuedVisitor {
    /// `{visitorId, events, segments?}` as sent on the wire.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("visitorId".into(), Value::String(self.visitor_id.clone()));
        m.insert("events".into(), Value::Array(self.events.iter().map(TrackingEvent::to_value).collect()));
        if let Some(segments) = &self.segments {
            m.insert("segments".into(), segments.clone());
        }
        Value::Object(m)
    }
}

/// Most visitors found by scanning the queue; a longer queue (`network.tracking` off, a large
/// `events.batch_size`) is indexed by visitor id.
const SCANNED_VISITORS: usize = 16;

/// The tracking queue of one SDK instance (§7.1): visitors in first-enqueue order.
#[derive(Debug, Default)]
pub struct TrackingQueue {
    visitors: Vec<QueuedVisitor>,
    /// Position of a visitor by the keyed (SipHash, random key) hash of its id, once the queue is
    /// long: an id is hashed once per lookup and never again when the index grows. Two ids with the
    /// same 64-bit hash cannot be told apart here: the second is not indexed and found by scanning.
    index: HashMap<u64, usize, PassThroughBuild>,
    keys: RandomState,
    /// Tests: every id hashes alike (the collision path).
    #[cfg(test)]
    colliding: bool,
}

impl TrackingQueue {
    /// Appends `event` to the visitor's entry, creating it (with `segments`) on the visitor's first
    /// event; a queued visitor's segments are never updated. Returns the number of distinct visitors.
    pub fn enqueue(&mut self, visitor_id: &str, event: TrackingEvent, segments: Option<Value>) -> usize {
        // The visitor queued last (a Context's events come in a row) is found without hashing.
        if let Some(last) = self.visitors.last_mut().filter(|v| v.visitor_id == visitor_id) {
            last.events.push(event);
            return self.visitors.len();
        }
        if self.index.is_empty() && self.visitors.len() < SCANNED_VISITORS {
            // A short queue (it is released at `events.batch_size` visitors, 10 by default) is scanned.
            match self.visitors.iter().position(|v| v.visitor_id == visitor_id) {
                Some(i) => self.visitors[i].events.push(event),
                None => self.push(visitor_id, event, segments),
            }
            return self.visitors.len();
        }
        if self.index.is_empty() {
            // the queue outgrew scanning: index everybody queued so far
            for i in 0..self.visitors.len() {
                let hash = self.hash_of(&self.visitors[i].visitor_id);
                self.index.entry(hash).or_insert(i);
            }
        }
        let hash = self.hash_of(visitor_id);
        let at = self.visitors.len();
        let slot = *self.index.entry(hash).or_insert(at);
        let found = if slot == at {
            None
        } else if self.visitors[slot].visitor_id == visitor_id {
            Some(slot)
        } else {
            // another id with the same hash holds the slot
            self.visitors.iter().position(|v| v.visitor_id == visitor_id)
        };
        match found {
            Some(i) => self.visitors[i].events.push(event),
            None => self.push(visitor_id, event, segments),
        }
        self.visitors.len()
    }

    fn hash_of(&self, visitor_id: &str) -> u64 {
        #[cfg(test)]
        if self.colliding {
            return 0;
        }
        self.keys.hash_one(visitor_id)
    }

    /// A new visitor entry at the end of the queue.
    fn push(&mut self, visitor_id: &str, event: TrackingEvent, segments: Option<Value>) {
        self.visitors.push(QueuedVisitor { visitor_id: visitor_id.to_owned(), events: vec![event], segments });
    }

    /// Distinct visitors queued (the length compared with `events.batch_size`).
    pub fn len(&self) -> usize {
        self.visitors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visitors.is_empty()
    }

    /// Empties the queue, returning its visitors in order.
    pub fn take(&mut self) -> Vec<QueuedVisitor> {
        self.index.clear();
        std::mem::take(&mut self.visitors)
    }
}

/// The `visitors` list of a payload (also the `visitors` of the `api.queue.released` event).
pub fn visitors_value(visitors: &[QueuedVisitor]) -> Value {
    Value::Array(visitors.iter().map(QueuedVisitor::to_value).collect())
}

/// The wire form of a queued visitor, serialised in place (same bytes as `to_value`).
impl serde::Serialize for QueuedVisitor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("visitorId", &self.visitor_id)?;
        m.serialize_entry("events", &self.events)?;
        if let Some(segments) = &self.segments {
            m.serialize_entry("segments", segments)?;
        }
        m.end()
    }
}

/// The request body (§7.3): members `enrichData`, `accountId`, `projectId`, `visitors`, `source`
/// in that order; numbers keep their int/float identity. Written straight from the queue.
pub fn payload(visitors: &[QueuedVisitor], account_id: &str, project_id: &str, source: &str, enrich_data: bool) -> Vec<u8> {
    struct Body<'a>(&'a [QueuedVisitor], &'a str, &'a str, &'a str, bool);
    impl serde::Serialize for Body<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(5))?;
            m.serialize_entry("enrichData", &self.4)?;
            m.serialize_entry("accountId", self.1)?;
            m.serialize_entry("projectId", self.2)?;
            m.serialize_entry("visitors", self.0)?;
            m.serialize_entry("source", self.3)?;
            m.end()
        }
    }
    serde_json::to_vec(&Body(visitors, account_id, project_id, source, enrich_data)).unwrap_or_default()
}

/// The tracking URL (§7.3): `[project_id]` replaced in the endpoint, trailing `/` trimmed, then
/// `/track/{sdkKey}` (in data mode `sdk_key` is `"{account_id}/{project_id}"`).
pub fn track_url(track_endpoint: &str, project_id: &str, sdk_key: &str) -> String {
    let base = track_endpoint.replace("[project_id]", project_id);
    format!("{}/track/{sdk_key}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_queue_keeps_each_visitor_in_one_entry() {
        let mut q = TrackingQueue::default();
        for round in 0..3 {
            for v in 0..40 {
                let len = q.enqueue(&format!("v{v}"), bucketing_event(&round.to_string(), "1"), None);
                assert_eq!(len, if round == 0 { v + 1 } else { 40 });
            }
        }
        let visitors = q.take();
        assert_eq!(visitors.len(), 40);
        assert!(visitors.iter().enumerate().all(|(i, v)| v.visitor_id == format!("v{i}") && v.events.len() == 3));
        // after a release the queue starts short (scanned) again
        assert_eq!(q.enqueue("v1", bucketing_event("9", "1"), None), 1);
        assert_eq!(q.enqueue("v2", bucketing_event("9", "1"), None), 2);
        assert_eq!(q.enqueue("v1", bucketing_event("9", "2"), None), 2);
    }

    #[test]
    fn ids_with_the_same_hash_keep_their_own_entries() {
        let mut q = TrackingQueue { colliding: true, ..TrackingQueue::default() };
        for round in 0..2 {
            for v in 0..30 {
                q.enqueue(&format!("v{v}"), bucketing_event(&round.to_string(), "1"), None);
            }
        }
        let visitors = q.take();
        assert_eq!(visitors.len(), 30);
        assert!(visitors.iter().enumerate().all(|(i, v)| v.visitor_id == format!("v{i}") && v.events.len() == 2));
    }

    #[test]
    fn payload_bytes_equal_the_value_form() {
        let mut q = TrackingQueue::default();
        q.enqueue("v1", bucketing_event("1", "2"), Some(json!({"country": "DE"})));
        q.enqueue("v2", transaction_event("5", json!([{"key": "amount", "value": 10.5}]), &json!({"1": "2"})), None);
        q.enqueue("v2", conversion_event("6", &json!([])), None);
        let visitors = q.take();
        let expected = json!({"enrichData": true, "accountId": "a", "projectId": "p", "visitors": visitors_value(&visitors), "source": "php-sdk"});
        assert_eq!(payload(&visitors, "a", "p", "php-sdk", true), expected.to_string().into_bytes());
    }

    #[test]
    fn event_shapes() {
        assert_eq!(
            bucketing_event("1001", "10011").to_value(),
            json!({"eventType": "bucketing", "data": {"experienceId": "1001", "variationId": "10011"}})
        );
        assert_eq!(
            conversion_event("5001", &json!({"1001": "10011", "1005": 10052})).to_value(),
            json!({"eventType": "conversion", "data": {"goalId": "5001", "bucketingData": {"1001": "10011", "1005": 10052}}})
        );
        // An empty stored map (`[]` in PHP) drops the member.
        assert_eq!(conversion_event("5001", &json!([])).to_value(), json!({"eventType": "conversion", "data": {"goalId": "5001"}}));
        assert_eq!(conversion_event("5001", &json!({})).to_value(), json!({"eventType": "conversion", "data": {"goalId": "5001"}}));
        let tx = transaction_event("5001", json!([]), &json!({}));
        assert_eq!(tx.to_value(), json!({"eventType": "conversion", "data": {"goalId": "5001", "goalData": []}}));
    }

    #[test]
    fn member_order_of_transaction() {
        let tx = transaction_event("5001", json!([{"key": "amount", "value": 1.0}]), &json!({"1": "2"}));
        let expected = r#"{"eventType":"conversion","data":{"goalId":"5001","goalData":[{"key":"amount","value":1.0}],"bucketingData":{"1":"2"}}}"#;
        assert_eq!(tx.to_value().to_string(), expected);
        assert_eq!(serde_json::to_string(&tx).unwrap(), expected, "serialised in place: the same bytes");
    }

    #[test]
    fn wire_segments_renames_and_drops() {
        let stored = json!({"country": "DE", "plan": "x", "visitor_type": "new", "source": null,
                            "custom_segments": ["4001"], "campaign": "c"});
        let wire = wire_segments(&stored).unwrap();
        assert_eq!(wire.to_string(), r#"{"campaign":"c","visitorType":"new","country":"DE","customSegments":["4001"]}"#);
        assert_eq!(wire_segments(&json!({"plan": "x", "browser": null})), None);
        assert_eq!(wire_segments(&json!([])), None);
    }

    #[test]
    fn url() {
        assert_eq!(
            track_url("https://[project_id].metrics.convertexperiments.com/v1", "100456", "100123/100456"),
            "https://100456.metrics.convertexperiments.com/v1/track/100123/100456"
        );
        assert_eq!(track_url("http://h/x//", "1", "k"), "http://h/x/track/k");
    }
}
