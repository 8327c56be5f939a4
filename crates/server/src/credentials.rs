//! Access keys by id, cached in memory so that authenticating a request does no SQL.
//!
//! The cache is valid for one [`store::Store::auth_epoch`]; any change to keys, users or
//! policies moves the epoch and empties it. Unknown keys are remembered briefly, so a
//! flood of bogus keys costs no SQL either, yet a key created by another process (the
//! `iamd account create` command) is found within a second.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use store::{Credential, Store};

use crate::error::ApiResult;

/// Entries kept at most; beyond, the cache starts over (a flood of distinct keys).
const MAX_ENTRIES: usize = 100_000;
/// How long an unknown key stays unknown without asking the store again.
const NEGATIVE_TTL: Duration = Duration::from_secs(1);

enum Entry {
    Known(Arc<Credential>),
    Unknown(Instant),
}

struct Inner {
    epoch: u64,
    entries: HashMap<String, Entry>,
}

pub struct CredentialCache {
    store: Arc<dyn Store>,
    inner: RwLock<Inner>,
    stats: telemetry::CacheStats,
}

impl CredentialCache {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let epoch = store.auth_epoch();
        CredentialCache {
            store,
            inner: RwLock::new(Inner {
                epoch,
                entries: HashMap::new(),
            }),
            stats: telemetry::CacheStats::default(),
        }
    }

    /// Hits and misses, for `/metrics`.
    pub fn stats(&self) -> &telemetry::CacheStats {
        &self.stats
    }

    /// The credential of `access_key_id`, or `None` when no such key exists.
    pub async fn get(&self, access_key_id: &str) -> ApiResult<Option<Arc<Credential>>> {
        let epoch = self.store.auth_epoch();
        if let Ok(inner) = self.inner.read() {
            if inner.epoch == epoch {
                match inner.entries.get(access_key_id) {
                    Some(Entry::Known(c)) => {
                        self.stats.hit();
                        return Ok(Some(c.clone()));
                    }
                    Some(Entry::Unknown(at)) if at.elapsed() < NEGATIVE_TTL => {
                        self.stats.hit();
                        return Ok(None);
                    }
                    _ => {}
                }
            }
        }
        self.stats.miss();
        let found = self.store.credential(access_key_id).await?.map(Arc::new);
        if let Ok(mut inner) = self.inner.write() {
            if inner.epoch < epoch {
                inner.entries.clear();
                inner.epoch = epoch;
            }
            // Tag the entry with the epoch read before the lookup: if the epoch moved
            // meanwhile, the entry is dropped at the next check rather than served stale.
            if inner.epoch == epoch {
                if inner.entries.len() >= MAX_ENTRIES {
                    inner.entries.clear();
                }
                let entry = match &found {
                    Some(c) => Entry::Known(c.clone()),
                    None => Entry::Unknown(Instant::now()),
                };
                inner.entries.insert(access_key_id.to_owned(), entry);
            }
        }
        Ok(found)
    }
}
