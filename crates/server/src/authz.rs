//! Authorization of every call: the caller's identity-based policies and permissions
//! boundary, compiled once per principal and cached until the store's auth epoch moves,
//! evaluated by the policy engine against the request context.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use policy::compile::CompiledPolicy;
use policy::decision::Outcome;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, Request, Resource};
use store::{ManagedDocument, PrincipalPolicies, Store, Tag};

use crate::error::{ApiError, ApiResult};
use crate::identity::{Caller, CallerKind};

/// A principal's compiled permissions and the tags that feed `aws:PrincipalTag/*`.
#[derive(Debug, Default)]
pub struct Permissions {
    pub policies: PolicySet,
    pub tags: Vec<Tag>,
    /// A root session narrowed to a task policy (`AssumeRoot`): the root is then
    /// evaluated on `policies.identity` instead of being allowed outright.
    pub restricts_root: bool,
}

impl Permissions {
    /// These permissions plus an Allow of `action` on `resource_arn`: a grant the
    /// resource gives its caller by itself (a delegation request's owner).
    pub fn with_grant(&self, action: &str, resource_arn: &str) -> ApiResult<Permissions> {
        let document = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource_arn}],
        })
        .to_string();
        let grant = CompiledPolicy::from_text(&document, "resource-grant", "resource")
            .map_err(|e| ApiError::service_failure(&format!("resource grant: {e}")))?;
        let mut policies = self.policies.clone();
        policies.identity.push(grant);
        Ok(Permissions {
            policies,
            tags: self.tags.clone(),
            restricts_root: self.restricts_root,
        })
    }
}

struct Inner {
    epoch: u64,
    by_principal: HashMap<String, Arc<Permissions>>,
}

pub struct PolicyCache {
    store: Arc<dyn Store>,
    inner: RwLock<Inner>,
    /// AWS managed policies never change: compiled once for the process.
    aws_managed: RwLock<HashMap<String, Arc<CompiledPolicy>>>,
    stats: telemetry::CacheStats,
}

/// The most principals kept; beyond, the cache starts over.
const MAX_PRINCIPALS: usize = 100_000;

impl PolicyCache {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let epoch = store.auth_epoch();
        PolicyCache {
            store,
            inner: RwLock::new(Inner {
                epoch,
                by_principal: HashMap::new(),
            }),
            aws_managed: RwLock::new(HashMap::new()),
            stats: telemetry::CacheStats::default(),
        }
    }

    /// Hits and misses of the per-principal cache, for `/metrics`.
    pub fn stats(&self) -> &telemetry::CacheStats {
        &self.stats
    }

    /// The permissions of the identity behind `caller`: the user's (also for its
    /// federated user sessions) or the role's (for role sessions). The root has none:
    /// it is allowed by being root. Session policies are applied on top by
    /// [`crate::sts::permissions::for_caller`].
    pub async fn permissions(&self, caller: &Caller) -> ApiResult<Arc<Permissions>> {
        let (user_id, is_role) = match &caller.kind {
            CallerKind::Root => return Ok(Arc::new(Permissions::default())),
            CallerKind::User { user_id, .. } | CallerKind::FederatedUser { user_id, .. } => {
                (user_id, false)
            }
            CallerKind::AssumedRole { role_id, .. } => (role_id, true),
        };
        let epoch = self.store.auth_epoch();
        if let Ok(inner) = self.inner.read() {
            if inner.epoch == epoch {
                if let Some(p) = inner.by_principal.get(user_id) {
                    self.stats.hit();
                    return Ok(p.clone());
                }
            }
        }
        self.stats.miss();
        let inputs = if is_role {
            self.store.role_policies(&caller.account_id, user_id).await
        } else {
            self.store.user_policies(&caller.account_id, user_id).await
        };
        let permissions = match inputs {
            Ok(inputs) => Arc::new(self.compile(inputs)),
            // The role (or user) behind a session is gone: its sessions keep
            // authenticating but are allowed nothing, as on AWS.
            Err(e) if e.kind == store::ErrorKind::NoSuchEntity && caller.session.is_some() => {
                Arc::new(Permissions::default())
            }
            Err(e) => return Err(e.into()),
        };
        if let Ok(mut inner) = self.inner.write() {
            if inner.epoch < epoch {
                inner.by_principal.clear();
                inner.epoch = epoch;
            }
            if inner.epoch == epoch {
                if inner.by_principal.len() >= MAX_PRINCIPALS {
                    inner.by_principal.clear();
                }
                inner
                    .by_principal
                    .insert(user_id.clone(), permissions.clone());
            }
        }
        Ok(permissions)
    }

    fn compile(&self, inputs: PrincipalPolicies) -> Permissions {
        let mut set = PolicySet::default();
        for doc in &inputs.inline {
            let source_type = if doc.source.starts_with("group/") {
                "group"
            } else {
                "user"
            };
            if let Some(p) = compile_stored(&doc.document, &doc.source, source_type) {
                set.identity.push(p);
            }
        }
        for managed in &inputs.managed {
            if let Some(p) = self.managed(managed) {
                set.identity.push(p);
            }
        }
        if inputs.users_may_change_password {
            if let Some(p) = own_password_change_grant() {
                set.identity.push(p);
            }
        }
        set.boundary = inputs.boundary.as_ref().and_then(|b| self.managed(b));
        Permissions {
            policies: set,
            tags: inputs.tags,
            restricts_root: false,
        }
    }

    fn managed(&self, doc: &ManagedDocument) -> Option<CompiledPolicy> {
        match &doc.document {
            Some(text) => compile_stored(text, &doc.arn, "managed"),
            None => self.aws_managed(&doc.arn).map(|p| (*p).clone()),
        }
    }

    fn aws_managed(&self, arn: &str) -> Option<Arc<CompiledPolicy>> {
        if let Some(p) = self
            .aws_managed
            .read()
            .ok()
            .and_then(|m| m.get(arn).cloned())
        {
            return Some(p);
        }
        let policy = awsdata::managed_policy_by_arn(arn)?;
        let compiled = Arc::new(compile_stored(
            policy.default_document(),
            arn,
            "aws-managed",
        )?);
        if let Ok(mut m) = self.aws_managed.write() {
            m.insert(arn.to_owned(), compiled.clone());
        }
        Some(compiled)
    }
}

/// Compiles a document the store holds. Documents are validated before they are
/// stored, so a failure here is a defect: logged, and the policy grants nothing.
fn compile_stored(text: &str, id: &str, source_type: &str) -> Option<CompiledPolicy> {
    match CompiledPolicy::from_text(text, id, source_type) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::error!(policy = id, error = %e, "stored policy does not compile");
            None
        }
    }
}

/// What the account password policy's `AllowUsersToChangePassword` gives every IAM user
/// of the account, as AWS documents it: `iam:ChangePassword` on their own user and
/// `iam:GetAccountPasswordPolicy`. AWS applies it at the account level rather than
/// attaching a policy, so it is evaluated as one more identity-based grant: explicit
/// denies and a permissions boundary still apply.
const OWN_PASSWORD_CHANGE: &str = r#"{"Version":"2012-10-17","Statement":[
{"Sid":"ChangeOwnPassword","Effect":"Allow","Action":"iam:ChangePassword","Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:user/*/${aws:username}"]},
{"Sid":"ViewPasswordPolicy","Effect":"Allow","Action":"iam:GetAccountPasswordPolicy","Resource":"*"}]}"#;

fn own_password_change_grant() -> Option<CompiledPolicy> {
    static GRANT: std::sync::OnceLock<Option<CompiledPolicy>> = std::sync::OnceLock::new();
    GRANT
        .get_or_init(|| {
            compile_stored(
                OWN_PASSWORD_CHANGE,
                "account/AllowUsersToChangePassword",
                "account",
            )
        })
        .clone()
}

/// Decides whether `caller` may perform `action` on `resource_arn`. The root user may do
/// everything in its own account. A refusal is AWS's `AccessDenied`.
pub fn authorize(
    caller: &Caller,
    permissions: &Permissions,
    action: &str,
    resource_arn: &str,
    context: Context,
) -> ApiResult<Outcome> {
    decide(caller, permissions, action, resource_arn, context)
        .map_err(|denial| ApiError::access_denied(denial.sentence))
}

/// A refusal with what it was about, for an encoded authorization failure message.
#[derive(Debug)]
pub struct Denial {
    /// AWS's sentence: "User: ... is not authorized to perform: ... on resource: ...".
    pub sentence: String,
    pub explicit_deny: bool,
    /// The `Deny` statements that matched (their `Sid`, else their policy and position).
    pub matched_statements: Vec<String>,
    pub request: Request,
}

/// [`authorize`], keeping the request of a refusal.
pub fn decide(
    caller: &Caller,
    permissions: &Permissions,
    action: &str,
    resource_arn: &str,
    context: Context,
) -> Result<Outcome, Box<Denial>> {
    if caller.is_root() && !permissions.restricts_root {
        return Ok(Outcome::Allowed);
    }
    let mut principal = caller.principal();
    if permissions.restricts_root {
        // Evaluated like an identity whose only policy is the task policy.
        principal.kind = policy::request::PrincipalKind::User;
    }
    let request = Request {
        principal,
        action: action.to_owned(),
        resource: Resource {
            arn: resource_arn.to_owned(),
            account: Some(caller.account_id.clone()),
        },
        context,
    };
    let decision = evaluate(&request, &permissions.policies);
    if decision.is_allowed() {
        return Ok(decision.outcome);
    }
    let reason = decision
        .denial_reason(action)
        .unwrap_or_else(|| format!("because no identity-based policy allows the {action} action"));
    let matched_statements = decision
        .matched
        .iter()
        .map(|m| match m.sid {
            Some(sid) => sid.to_owned(),
            None => format!("{}#{}", m.policy_id, m.statement_index),
        })
        .collect();
    let explicit_deny = decision.outcome == Outcome::ExplicitDeny;
    Err(Box::new(Denial {
        sentence: format!(
            "User: {} is not authorized to perform: {action} on resource: {resource_arn} {reason}",
            caller.arn
        ),
        explicit_deny,
        matched_statements,
        request,
    }))
}
