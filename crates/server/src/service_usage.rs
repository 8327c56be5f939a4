//! Which user or role used which service, and for the services tracked at action
//! level which action, kept in memory and written to the store in one batch every few
//! seconds (with the access-key usage), so that serving a request never waits for a
//! write. `GetServiceLastAccessedDetails` reads what was flushed plus what is pending.
use std::collections::HashMap;
use std::sync::Mutex;

use store::{iam_arn, ServiceUse, Store, Timestamp};

use crate::identity::{Caller, CallerKind};

/// The services whose actions are tracked one by one (AWS tracks these at action
/// level; iamd serves them all).
pub const ACTION_LEVEL_SERVICES: &[&str] = &["iam", "sts", "access-analyzer"];

/// (account, entity ARN, service, action) → (when, region).
type Key = (String, String, String, Option<String>);

#[derive(Default)]
pub struct ServiceUsage {
    pending: Mutex<HashMap<Key, (Timestamp, String)>>,
}

/// The IAM entity a caller's activity counts for: the user, or the role of a role
/// session. The root user is not an IAM entity and is not tracked.
pub fn entity_arn(caller: &Caller) -> Option<String> {
    match &caller.kind {
        CallerKind::Root => None,
        CallerKind::User { .. } => Some(caller.arn.clone()),
        CallerKind::AssumedRole { .. } => Some(caller.principal_arn()),
        CallerKind::FederatedUser {
            user_name,
            user_path,
            ..
        } => Some(iam_arn(&caller.account_id, "user", user_path, user_name)),
    }
}

impl ServiceUsage {
    /// Records that `caller` used `service` (and `action` of it, for the services
    /// tracked at action level).
    pub fn record(&self, caller: &Caller, service: &str, action: &str, region: &str) {
        let Some(entity) = entity_arn(caller) else {
            return;
        };
        let now = Timestamp::now();
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        let mut put = |action: Option<String>| {
            pending.insert(
                (
                    caller.account_id.clone(),
                    entity.clone(),
                    service.to_owned(),
                    action,
                ),
                (now, region.to_owned()),
            );
        };
        put(None);
        if ACTION_LEVEL_SERVICES.contains(&service) {
            put(Some(action.to_owned()));
        }
    }

    /// The uses recorded since the last flush for these entities.
    pub fn pending_for(&self, account_id: &str, entity_arns: &[String]) -> Vec<ServiceUse> {
        let Ok(pending) = self.pending.lock() else {
            return Vec::new();
        };
        pending
            .iter()
            .filter(|((account, entity, _, _), _)| {
                account == account_id && entity_arns.contains(entity)
            })
            .map(
                |((account, entity, service, action), (date, region))| ServiceUse {
                    account_id: account.clone(),
                    entity_arn: entity.clone(),
                    service: service.clone(),
                    action: action.clone(),
                    date: *date,
                    region: region.clone(),
                },
            )
            .collect()
    }

    /// Writes what was recorded since the last flush.
    pub async fn flush(&self, store: &dyn Store) {
        let uses: Vec<ServiceUse> = match self.pending.lock() {
            Ok(mut pending) => pending
                .drain()
                .map(
                    |((account_id, entity_arn, service, action), (date, region))| ServiceUse {
                        account_id,
                        entity_arn,
                        service,
                        action,
                        date,
                        region,
                    },
                )
                .collect(),
            Err(_) => return,
        };
        if let Err(e) = store.record_service_uses(uses).await {
            tracing::warn!(error = %e, "could not record service use");
        }
    }
}
