//! When each access key was last used, kept in memory and written to the store in one
//! batch every few seconds, so that serving a request never waits for a write.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use store::{AccessKeyLastUsed, Store, Timestamp};

/// How often recorded uses are written.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct LastUsed {
    pending: Mutex<HashMap<String, AccessKeyLastUsed>>,
}

impl LastUsed {
    pub fn record(&self, access_key_id: &str, service: &str, region: &str) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        // The common case is a key seen since the last flush: no allocation then.
        let entry = match pending.get_mut(access_key_id) {
            Some(entry) => entry,
            None => pending.entry(access_key_id.to_owned()).or_default(),
        };
        entry.date = Some(Timestamp::now());
        if entry.service.as_deref() != Some(service) {
            entry.service = Some(service.to_owned());
        }
        if entry.region.as_deref() != Some(region) {
            entry.region = Some(region.to_owned());
        }
    }

    /// When the key was used since the last flush, if it was.
    pub fn pending_date(&self, access_key_id: &str) -> Option<Timestamp> {
        self.pending
            .lock()
            .ok()
            .and_then(|p| p.get(access_key_id).and_then(|u| u.date))
    }

    /// Writes what was recorded since the last flush.
    pub async fn flush(&self, store: &dyn Store) {
        let uses: Vec<_> = match self.pending.lock() {
            Ok(mut pending) => pending.drain().collect(),
            Err(_) => return,
        };
        if let Err(e) = store.record_access_key_use(uses).await {
            tracing::warn!(error = %e, "could not record access key use");
        }
    }
}
