//! What every request shares: the store and the caches in front of it.
use std::sync::Arc;

use sigv4::SigningKeyCache;
use store::Store;

use crate::authz::PolicyCache;
use crate::config::Config;
use crate::credentials::CredentialCache;
use crate::delegation::notify::Notifier;
use crate::last_used::LastUsed;
use crate::metrics::Metrics;
use crate::service_usage::ServiceUsage;
use crate::sts::Sessions;
use crate::web_identity::WebIdentity;

/// Signing keys kept (one per access key, day, region and service).
const SIGNING_KEYS: usize = 100_000;

pub struct Shared {
    pub store: Arc<dyn Store>,
    pub credentials: CredentialCache,
    pub signing_keys: SigningKeyCache,
    pub policies: PolicyCache,
    pub last_used: LastUsed,
    /// Which user or role used which service (service last accessed).
    pub service_usage: ServiceUsage,
    /// Where each Access Analyzer analyzer's last analysis started.
    pub analyses: crate::access_analyzer::analysis::Marks,
    /// Temporary credentials: the token key ring and session permissions.
    pub sessions: Sessions,
    /// OpenID providers' keys and iamd's own token issuer.
    pub web_identity: WebIdentity,
    /// Delivers delegation requests' notifications (and exchange tokens) to partners.
    pub delegation_notifier: Notifier,
    pub max_body_bytes: usize,
    /// Counters and histograms served at `/metrics`.
    pub metrics: Metrics,
    /// Credentials handed to bound workloads, until they are due for refresh.
    pub workload_credentials: crate::workload::cache::WorkloadCredentialCache,
    /// Workload bindings of the configuration file's `[[workload]]` entries.
    pub declared_workloads: crate::workload::declared::DeclaredBindings,
    /// `Authorization: Bearer` token `/metrics` requires, when set.
    pub metrics_token: Option<store::SecretString>,
    /// The audit trail every call is recorded in; `None` when auditing is off.
    pub audit: Option<Arc<audit::AuditTrail>>,
}

/// Cheap to clone: one `Arc`.
pub type AppState = Arc<Shared>;

pub fn new_state(store: Arc<dyn Store>, config: &Config) -> AppState {
    new_state_with_audit(store, config, None, Default::default())
}

/// The state of a server that records every call in `audit` and serves the
/// `declared_workloads` besides the stored ones.
pub fn new_state_with_audit(
    store: Arc<dyn Store>,
    config: &Config,
    audit: Option<Arc<audit::AuditTrail>>,
    declared_workloads: crate::workload::declared::DeclaredBindings,
) -> AppState {
    Arc::new(Shared {
        audit,
        credentials: CredentialCache::new(store.clone()),
        signing_keys: SigningKeyCache::new(SIGNING_KEYS),
        policies: PolicyCache::new(store.clone()),
        last_used: LastUsed::default(),
        service_usage: ServiceUsage::default(),
        analyses: Default::default(),
        sessions: Sessions::new(store.clone()),
        web_identity: WebIdentity::new(config),
        delegation_notifier: Notifier::from_env(),
        max_body_bytes: config.max_body_bytes,
        metrics: Metrics::new(served_operations()),
        metrics_token: config.metrics_token.clone(),
        workload_credentials: Default::default(),
        declared_workloads,
        store,
    })
}

/// The services and operations the metrics have series for.
fn served_operations() -> Vec<(&'static str, Vec<&'static str>)> {
    let names = |table: &'static std::collections::HashMap<&'static str, crate::ops::Operation>| {
        table.keys().copied().collect::<Vec<_>>()
    };
    vec![
        ("iam", names(crate::ops::iam_operations())),
        (
            "sts",
            names(crate::ops::sts_operations())
                .into_iter()
                .chain(crate::ops::unsigned::NAMES.iter().copied())
                .collect(),
        ),
        (
            crate::access_analyzer::SERVICE,
            crate::access_analyzer::routes::operation_names(),
        ),
        (
            crate::metrics::WORKLOAD_SERVICE,
            crate::workload::ENDPOINT_ACTIONS.to_vec(),
        ),
        (
            crate::cloudtrail::SERVICE,
            crate::cloudtrail::OPERATIONS.to_vec(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_service_has_one_set_of_series() {
        let served = super::served_operations();
        let mut names: Vec<&str> = served.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), served.len(), "a service is registered twice");
    }
}
