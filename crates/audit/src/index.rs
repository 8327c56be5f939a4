//! The in-memory index `LookupEvents` reads, so that a lookup never rescans the files.
//!
//! Each event gets a sequence number in the order it was recorded; per account there is
//! a posting list of sequence numbers for every (lookup attribute, value) and one for
//! all events. A lookup walks one posting list from the newest end (binary search to
//! the page's start), checks the time range, and stops after a page. The index keeps
//! the newest [`DEFAULT_CAPACITY`] events of the last [`LOOKBACK_DAYS`] days (the
//! window CloudTrail's event history covers); older events stay in the files, for
//! `iamd audit tail` and `verify`. It is rebuilt from the files at start-up.
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::record::Record;
use crate::time;

/// Events kept in the index.
pub const DEFAULT_CAPACITY: usize = 200_000;
/// Days of events loaded at start-up.
pub const LOOKBACK_DAYS: i64 = 90;

/// `LookupAttributes[].AttributeKey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupKey {
    EventId,
    EventName,
    ReadOnly,
    Username,
    ResourceType,
    ResourceName,
    EventSource,
    AccessKeyId,
}

impl LookupKey {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "EventId" => LookupKey::EventId,
            "EventName" => LookupKey::EventName,
            "ReadOnly" => LookupKey::ReadOnly,
            "Username" => LookupKey::Username,
            "ResourceType" => LookupKey::ResourceType,
            "ResourceName" => LookupKey::ResourceName,
            "EventSource" => LookupKey::EventSource,
            "AccessKeyId" => LookupKey::AccessKeyId,
            _ => return None,
        })
    }
}

/// One indexed event: what `LookupEvents` answers for it.
#[derive(Debug)]
pub struct Event {
    pub seq: u64,
    pub time_millis: i64,
    pub event_id: String,
    pub event_name: String,
    pub event_source: String,
    pub read_only: bool,
    pub username: Option<String>,
    pub access_key_id: Option<String>,
    /// (ResourceType, ResourceName).
    pub resources: Vec<(String, String)>,
    /// The record as written (`CloudTrailEvent`).
    pub json: Box<str>,
    account: String,
}

impl Event {
    fn from_record(seq: u64, record: &Record, json: Box<str>) -> Option<Self> {
        let account = record.recipient_account_id.clone()?;
        let time_millis = time::parse_iso8601(&record.event_time)?;
        Some(Event {
            seq,
            time_millis,
            event_id: record.event_id.clone(),
            event_name: record.event_name.clone(),
            event_source: record.event_source.clone(),
            read_only: record.read_only,
            username: record.lookup_username(),
            access_key_id: record.user_identity.access_key_id.clone(),
            resources: lookup_resources(record),
            json,
            account,
        })
    }

    /// Every (attribute, value) a lookup can find this event by.
    fn keys(&self) -> Vec<(LookupKey, &str)> {
        let mut keys = vec![
            (LookupKey::EventId, self.event_id.as_str()),
            (LookupKey::EventName, self.event_name.as_str()),
            (LookupKey::EventSource, self.event_source.as_str()),
            (
                LookupKey::ReadOnly,
                if self.read_only { "true" } else { "false" },
            ),
        ];
        if let Some(u) = &self.username {
            keys.push((LookupKey::Username, u));
        }
        if let Some(k) = &self.access_key_id {
            keys.push((LookupKey::AccessKeyId, k));
        }
        for (kind, name) in &self.resources {
            keys.push((LookupKey::ResourceType, kind));
            keys.push((LookupKey::ResourceName, name));
        }
        keys.sort_by(|a, b| (a.0 as u8, a.1).cmp(&(b.0 as u8, b.1)));
        keys.dedup();
        keys
    }
}

/// The resources a record names, as `(ResourceType, ResourceName)`: each of its
/// `resources[]` by name (the ARN's last path segment) and by ARN, and the access key
/// an access-key operation names.
pub fn lookup_resources(record: &Record) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in &record.resources {
        let name = r.arn.rsplit(['/', ':']).next().unwrap_or(&r.arn).to_owned();
        out.push((r.kind.clone(), name));
        out.push((r.kind.clone(), r.arn.clone()));
    }
    let key_in = |v: Option<&Value>| {
        v.and_then(|v| v.get("accessKeyId"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let request_key = key_in(record.request_parameters.as_ref());
    let response_key = key_in(
        record
            .response_elements
            .as_ref()
            .and_then(|v| v.get("accessKey")),
    );
    for key in request_key.into_iter().chain(response_key) {
        out.push(("AWS::IAM::AccessKey".to_owned(), key));
    }
    out.dedup();
    out
}

/// A page of a lookup.
pub struct Page {
    pub events: Vec<Arc<Event>>,
    /// Where the next page starts (exclusive upper bound on `seq`), when there is one.
    pub next: Option<u64>,
}

/// One lookup: one optional attribute, a time range, a page size and where to start.
pub struct Query<'a> {
    pub account: &'a str,
    pub attribute: Option<(LookupKey, &'a str)>,
    pub start_millis: Option<i64>,
    pub end_millis: Option<i64>,
    pub max: usize,
    /// Only events with a smaller sequence number (from a previous page's `next`).
    pub before: Option<u64>,
}

/// One account's posting lists.
#[derive(Default)]
struct AccountPostings {
    all: VecDeque<u64>,
    by_key: HashMap<LookupKey, HashMap<String, VecDeque<u64>>>,
}

#[derive(Default)]
struct Inner {
    events: VecDeque<Arc<Event>>,
    /// The sequence number of `events[0]`.
    first_seq: u64,
    next_seq: u64,
    accounts: HashMap<String, AccountPostings>,
}

pub struct EventIndex {
    inner: RwLock<Inner>,
    capacity: usize,
}

impl Default for EventIndex {
    fn default() -> Self {
        EventIndex::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventIndex {
    pub fn with_capacity(capacity: usize) -> Self {
        EventIndex {
            inner: RwLock::new(Inner::default()),
            capacity: capacity.max(1),
        }
    }

    /// Adds a record written as `json`. Records without an account are not indexed:
    /// no caller can see them.
    pub fn insert(&self, record: &Record, json: impl Into<Box<str>>) {
        // The event is built before the lock is taken; only its sequence number
        // depends on what the index holds.
        let Some(mut event) = Event::from_record(0, record, json.into()) else {
            return;
        };
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        let seq = inner.next_seq;
        event.seq = seq;
        inner.next_seq += 1;
        if inner.events.is_empty() {
            inner.first_seq = seq;
        }
        let postings = match inner.accounts.get_mut(&event.account) {
            Some(p) => p,
            None => inner.accounts.entry(event.account.clone()).or_default(),
        };
        postings.all.push_back(seq);
        for (key, value) in event.keys() {
            let values = postings.by_key.entry(key).or_default();
            match values.get_mut(value) {
                Some(list) => list.push_back(seq),
                None => {
                    values.insert(value.to_owned(), VecDeque::from([seq]));
                }
            }
        }
        inner.events.push_back(Arc::new(event));
        while inner.events.len() > self.capacity {
            inner.evict_oldest();
        }
    }

    pub fn len(&self) -> usize {
        self.inner.read().map_or(0, |i| i.events.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest matching events first, one page.
    pub fn lookup(&self, q: &Query<'_>) -> Page {
        let empty = Page {
            events: Vec::new(),
            next: None,
        };
        let Ok(inner) = self.inner.read() else {
            return empty;
        };
        let postings = inner.accounts.get(q.account);
        let list = match q.attribute {
            Some((key, value)) => postings
                .and_then(|p| p.by_key.get(&key))
                .and_then(|values| values.get(value)),
            None => postings.map(|p| &p.all),
        };
        let Some(list) = list else {
            return empty;
        };
        let end = match q.before {
            Some(before) => list.partition_point(|&s| s < before),
            None => list.len(),
        };
        let mut events = Vec::new();
        let mut next = None;
        for i in (0..end).rev() {
            let Some(&seq) = list.get(i) else { continue };
            let Some(event) = inner.get(seq) else {
                continue;
            };
            if q.start_millis.is_some_and(|s| event.time_millis < s)
                || q.end_millis.is_some_and(|e| event.time_millis > e)
            {
                continue;
            }
            if events.len() == q.max {
                next = events.last().map(|e: &Arc<Event>| e.seq);
                break;
            }
            events.push(event.clone());
        }
        Page { events, next }
    }
}

impl Inner {
    fn get(&self, seq: u64) -> Option<&Arc<Event>> {
        let offset = seq.checked_sub(self.first_seq)?;
        self.events.get(usize::try_from(offset).ok()?)
    }

    fn evict_oldest(&mut self) {
        let Some(event) = self.events.pop_front() else {
            return;
        };
        self.first_seq = event.seq + 1;
        let Some(postings) = self.accounts.get_mut(&event.account) else {
            return;
        };
        for (key, value) in event.keys() {
            if let Some(values) = postings.by_key.get_mut(&key) {
                if let Some(list) = values.get_mut(value) {
                    if list.front() == Some(&event.seq) {
                        list.pop_front();
                    }
                    if list.is_empty() {
                        values.remove(value);
                    }
                }
            }
        }
        if postings.all.front() == Some(&event.seq) {
            postings.all.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{IdentityType, UserIdentity, EVENT_VERSION};

    fn record(i: usize, account: &str, name: &str) -> Record {
        Record {
            event_version: EVENT_VERSION.into(),
            user_identity: UserIdentity {
                user_name: Some(format!("user{}", i % 2)),
                access_key_id: Some("AKIAEXAMPLE".into()),
                ..UserIdentity::of(IdentityType::IamUser)
            },
            event_time: time::iso8601(1_700_000_000_000 + i as i64 * 1000),
            event_source: "iam.amazonaws.com".into(),
            event_name: name.into(),
            aws_region: "us-east-1".into(),
            source_ip_address: "127.0.0.1".into(),
            user_agent: "t".into(),
            error_code: None,
            error_message: None,
            request_parameters: None,
            response_elements: None,
            request_id: format!("r{i}"),
            event_id: format!("e{i}"),
            read_only: name.starts_with("Get"),
            resources: vec![],
            event_type: "AwsApiCall".into(),
            management_event: true,
            recipient_account_id: Some(account.into()),
            event_category: "Management".into(),
        }
    }

    fn ids(page: &Page) -> Vec<String> {
        page.events.iter().map(|e| e.event_id.clone()).collect()
    }

    #[test]
    fn pages_newest_first_by_attribute_and_account() {
        let index = EventIndex::with_capacity(100);
        for i in 0..10 {
            let name = if i % 3 == 0 { "GetUser" } else { "CreateUser" };
            index.insert(&record(i, "111111111111", name), "{}");
        }
        index.insert(&record(10, "222222222222", "GetUser"), "{}");
        let mut q = Query {
            account: "111111111111",
            attribute: Some((LookupKey::EventName, "GetUser")),
            start_millis: None,
            end_millis: None,
            max: 2,
            before: None,
        };
        let first = index.lookup(&q);
        assert_eq!(ids(&first), ["e9", "e6"]);
        q.before = first.next;
        let second = index.lookup(&q);
        assert_eq!(ids(&second), ["e3", "e0"]);
        assert_eq!(second.next, None);
        q.attribute = Some((LookupKey::ReadOnly, "false"));
        q.max = 50;
        q.before = None;
        q.start_millis = Some(1_700_000_004_000);
        q.end_millis = Some(1_700_000_007_000);
        assert_eq!(ids(&index.lookup(&q)), ["e7", "e5", "e4"]);
        q.account = "222222222222";
        q.attribute = None;
        q.start_millis = None;
        q.end_millis = None;
        assert_eq!(ids(&index.lookup(&q)), ["e10"]);
    }

    #[test]
    fn the_oldest_events_leave_a_full_index() {
        let index = EventIndex::with_capacity(3);
        for i in 0..5 {
            index.insert(&record(i, "111111111111", "GetUser"), "{}");
        }
        assert_eq!(index.len(), 3);
        let q = Query {
            account: "111111111111",
            attribute: Some((LookupKey::Username, "user0")),
            start_millis: None,
            end_millis: None,
            max: 50,
            before: None,
        };
        assert_eq!(ids(&index.lookup(&q)), ["e4", "e2"]);
    }
}
