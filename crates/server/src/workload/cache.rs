//! Workload credentials kept between requests, per binding, so that every SDK refresh
//! does not mint a new session.
use std::collections::HashMap;
use std::sync::Mutex;

use store::Timestamp;

use super::REFRESH_BEFORE;
use crate::sts::Credentials;

struct Kept {
    role_id: String,
    credentials: Credentials,
}

/// Credentials by binding name. The lock guards a map that only workload endpoints
/// touch, a few times an hour per workload: not the request path of IAM or STS.
#[derive(Default)]
pub struct WorkloadCredentialCache {
    kept: Mutex<HashMap<String, Kept>>,
}

impl WorkloadCredentialCache {
    /// The binding's credentials when they are of `role_id` and have more than
    /// [`REFRESH_BEFORE`] left at `now`.
    pub fn get(&self, binding: &str, role_id: &str, now: Timestamp) -> Option<Credentials> {
        let kept = self.kept.lock().ok()?;
        let entry = kept.get(binding)?;
        let margin = i64::try_from(REFRESH_BEFORE.as_millis()).unwrap_or(i64::MAX);
        let fresh = entry.credentials.expiration.millis() - now.millis() > margin;
        (fresh && entry.role_id == role_id).then(|| entry.credentials.clone())
    }

    pub fn keep(&self, binding: &str, role_id: &str, credentials: Credentials) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(
                binding.to_owned(),
                Kept {
                    role_id: role_id.to_owned(),
                    credentials,
                },
            );
        }
    }

    pub fn forget(&self, binding: &str) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.remove(binding);
        }
    }
}
