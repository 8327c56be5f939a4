//! The permissions of a session: those of the identity behind it (the role, or the
//! user), narrowed by the session policies it was created with.
//!
//! The identity's policies come from the [`PolicyCache`](crate::authz::PolicyCache),
//! keyed by its unique id: a deleted role's sessions find no policies (every request
//! is implicitly denied) and a role re-created under the same name has another id, so
//! the old sessions stay powerless. Session policies are compiled once per session
//! and kept until the store's auth epoch moves (a managed session policy may change).
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use policy::compile::CompiledPolicy;
use policy::eval::PolicySet;
use store::Store;

use super::claims::{SessionClaims, SessionKind};
use crate::authz::Permissions;
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use crate::state::AppState;

/// Sessions whose narrowed permissions are kept at most; beyond, the cache starts over.
const MAX_SESSIONS: usize = 100_000;

struct Inner {
    epoch: u64,
    by_key_id: HashMap<String, Arc<Permissions>>,
}

pub struct SessionPermissionsCache {
    store: Arc<dyn Store>,
    inner: RwLock<Inner>,
}

impl SessionPermissionsCache {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let epoch = store.auth_epoch();
        SessionPermissionsCache {
            store,
            inner: RwLock::new(Inner {
                epoch,
                by_key_id: HashMap::new(),
            }),
        }
    }

    fn cached(&self, key_id: &str, epoch: u64) -> Option<Arc<Permissions>> {
        let inner = self.inner.read().ok()?;
        (inner.epoch == epoch)
            .then(|| inner.by_key_id.get(key_id).cloned())
            .flatten()
    }

    fn keep(&self, key_id: &str, epoch: u64, permissions: Arc<Permissions>) {
        if let Ok(mut inner) = self.inner.write() {
            if inner.epoch < epoch {
                inner.by_key_id.clear();
                inner.epoch = epoch;
            }
            if inner.epoch == epoch {
                if inner.by_key_id.len() >= MAX_SESSIONS {
                    inner.by_key_id.clear();
                }
                inner.by_key_id.insert(key_id.to_owned(), permissions);
            }
        }
    }
}

/// The permissions `caller` acts with: its identity's, narrowed by its session policies.
pub async fn for_caller(state: &AppState, caller: &Caller) -> ApiResult<Arc<Permissions>> {
    let base = state.policies.permissions(caller).await?;
    let Some(claims) = caller
        .session
        .as_ref()
        .filter(|c| c.has_session_policies() || c.kind == SessionKind::FederatedUser)
    else {
        return Ok(base);
    };
    let cache = &state.sessions.permissions;
    let epoch = cache.store.auth_epoch();
    if let Some(p) = cache.cached(&claims.access_key_id, epoch) {
        return Ok(p);
    }
    let mut policies: PolicySet = base.policies.clone();
    let restricts_root = claims.kind == SessionKind::Root;
    if restricts_root {
        // A root session made for a task (`AssumeRoot`) may do what its task policies
        // leave of the root's access; an inline session policy (a delegated root
        // session) narrows that further, as session policies do.
        let tasks = compile_managed_session_policies(state, claims).await?;
        policies.identity = super::root_tasks::session_permissions(tasks)
            .map_err(|e| ApiError::service_failure(&e))?;
        policies.session = compile_inline_session_policy(claims)?;
    } else {
        let mut session = compile_inline_session_policy(claims)?;
        session.extend(compile_managed_session_policies(state, claims).await?);
        if session.is_empty() {
            // A federated user session made without a session policy has no
            // permissions (GetFederationToken).
            session.push(deny_all()?);
        }
        policies.session = session;
    }
    let narrowed = Arc::new(Permissions {
        policies,
        tags: base.tags.clone(),
        restricts_root,
    });
    cache.keep(&claims.access_key_id, epoch, narrowed.clone());
    Ok(narrowed)
}

/// The inline session policy, compiled (none when the session has none).
fn compile_inline_session_policy(claims: &SessionClaims) -> ApiResult<Vec<CompiledPolicy>> {
    let mut out = Vec::new();
    if let Some(text) = &claims.policy {
        if let Some(p) = compile(text, "session/inline") {
            out.push(p);
        } else {
            // A session policy that no longer compiles must not widen the session:
            // an empty set of session policies would mean "no narrowing".
            out.push(deny_all()?);
        }
    }
    Ok(out)
}

/// The managed session policies named by ARN, compiled. A managed policy that no
/// longer exists grants nothing.
async fn compile_managed_session_policies(
    state: &AppState,
    claims: &SessionClaims,
) -> ApiResult<Vec<CompiledPolicy>> {
    let mut out = Vec::new();
    for arn in &claims.policy_arns {
        match session_policy_document(state, &claims.account_id, arn).await? {
            Some(text) => match compile(&text, arn) {
                Some(p) => out.push(p),
                None => out.push(deny_all()?),
            },
            None => out.push(deny_all()?),
        }
    }
    Ok(out)
}

/// The default version's text of a managed policy passed as a session policy.
pub async fn session_policy_document(
    state: &AppState,
    account_id: &str,
    arn: &str,
) -> ApiResult<Option<String>> {
    if let Some(doc) = super::root_tasks::root_task_policy(arn) {
        return Ok(Some(doc.to_owned()));
    }
    if let Some(p) = awsdata::managed_policy_by_arn(arn) {
        return Ok(Some(p.default_document().to_owned()));
    }
    let policy = match state.store.get_policy(account_id, arn).await {
        Ok(p) => p,
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let version = state
        .store
        .get_policy_version(account_id, arn, &policy.default_version_id)
        .await?;
    Ok(Some(version.document))
}

fn compile(text: &str, id: &str) -> Option<CompiledPolicy> {
    CompiledPolicy::from_text(text, id, "session").ok()
}

/// A session policy that denies everything, used in place of one that cannot be read
/// or compiled, so the session is narrowed to nothing rather than widened.
fn deny_all() -> ApiResult<CompiledPolicy> {
    CompiledPolicy::from_text(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
        "session/unavailable",
        "session",
    )
    .map_err(|e| ApiError::service_failure(&format!("deny-all policy: {e}")))
}
