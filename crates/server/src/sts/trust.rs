//! What `AssumeRole` decides with, kept in memory until the store's auth epoch moves:
//! the roles named by ARN with their compiled trust policies, and for each caller and
//! role the policy set the engine evaluates (the caller's policies with the trust
//! policy as the resource-based one).
//!
//! Every change that can alter the decision (a new trust policy, a role's deletion or
//! `MaxSessionDuration`, the caller's policies) moves the auth epoch, so a decision
//! made from the cache is the one a fresh read would give. A role that is not found is
//! not remembered: creating a role does not move the epoch.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use policy::compile::CompiledPolicy;
use policy::eval::PolicySet;
use store::{ErrorKind, Role, Store};

use crate::authz::Permissions;
use crate::error::{ApiError, ApiResult};

/// Entries kept at most in each map; beyond, the map starts over.
const MAX_ENTRIES: usize = 50_000;

/// A role and its trust policy, compiled.
pub struct TrustedRole {
    pub role: Role,
    pub trust: CompiledPolicy,
}

struct Inner {
    epoch: u64,
    /// By the role ARN as the caller spelled it (only exact matches are kept).
    roles: HashMap<String, Arc<TrustedRole>>,
    /// By (caller's access key id, role ARN): the caller's policies plus the trust
    /// policy. An access key id stands for one principal's permissions (a session's
    /// include its session policies).
    decision_sets: HashMap<(String, String), Arc<PolicySet>>,
}

pub struct TrustCache {
    store: Arc<dyn Store>,
    inner: RwLock<Inner>,
}

impl TrustCache {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let epoch = store.auth_epoch();
        TrustCache {
            store,
            inner: RwLock::new(Inner {
                epoch,
                roles: HashMap::new(),
                decision_sets: HashMap::new(),
            }),
        }
    }

    /// The role `role_arn` names (with its exact ARN), or `None` when there is none.
    /// `(account, name)` is what the ARN names, already parsed by the caller.
    pub async fn role(
        &self,
        role_arn: &str,
        account: &str,
        name: &str,
    ) -> ApiResult<Option<Arc<TrustedRole>>> {
        let epoch = self.store.auth_epoch();
        if let Some(found) = self.read(epoch, |inner| inner.roles.get(role_arn).cloned()) {
            return Ok(Some(found));
        }
        let role = match self.store.get_role(account, name).await {
            Ok(role) if role.arn() == role_arn => role,
            Ok(_) => return Ok(None),
            Err(e) if e.kind == ErrorKind::NoSuchEntity => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let trust = CompiledPolicy::from_text(&role.assume_role_policy, "trust", "resource")
            .map_err(|e| ApiError::service_failure(&format!("stored trust policy: {e}")))?;
        let trusted = Arc::new(TrustedRole { role, trust });
        self.write(epoch, |inner| {
            if inner.roles.len() >= MAX_ENTRIES {
                inner.roles.clear();
            }
            inner.roles.insert(role_arn.to_owned(), trusted.clone());
        });
        Ok(Some(trusted))
    }

    /// The policy set deciding whether the caller holding `access_key_id` (with
    /// `permissions`) may assume `role`.
    pub fn decision_set(
        &self,
        access_key_id: &str,
        permissions: &Permissions,
        role_arn: &str,
        role: &TrustedRole,
    ) -> Arc<PolicySet> {
        let epoch = self.store.auth_epoch();
        let key = (access_key_id.to_owned(), role_arn.to_owned());
        if let Some(set) = self.read(epoch, |inner| inner.decision_sets.get(&key).cloned()) {
            return set;
        }
        let mut set = permissions.policies.clone();
        set.resource = Some(role.trust.clone());
        let set = Arc::new(set);
        self.write(epoch, |inner| {
            if inner.decision_sets.len() >= MAX_ENTRIES {
                inner.decision_sets.clear();
            }
            inner.decision_sets.insert(key, set.clone());
        });
        set
    }

    fn read<T>(&self, epoch: u64, f: impl FnOnce(&Inner) -> Option<T>) -> Option<T> {
        let inner = self.inner.read().ok()?;
        if inner.epoch != epoch {
            return None;
        }
        f(&inner)
    }

    /// Runs `f` on the cache of `epoch`, starting over when the epoch moved on; an
    /// entry made under an older epoch than the cache's is dropped.
    fn write(&self, epoch: u64, f: impl FnOnce(&mut Inner)) {
        if let Ok(mut inner) = self.inner.write() {
            if inner.epoch < epoch {
                inner.roles.clear();
                inner.decision_sets.clear();
                inner.epoch = epoch;
            }
            if inner.epoch == epoch {
                f(&mut inner);
            }
        }
    }
}
