//! Workload credentials: role credentials for workloads that hold no keys, served the
//! way AWS serves them to EC2 instances (the IMDSv2 endpoint, [`imds`]) and to ECS tasks
//! (the container credential endpoint, [`container`]).
//!
//! An administrator binds a workload to an instance profile or a role
//! (`iamd workload bind`, kept by the store's `WorkloadStore`). An IMDS binding owns a
//! listen address ([`listeners`] opens and closes one listener per binding); a
//! container binding owns a secret token. Either way the credentials are a role session
//! named after the workload's instance or task id, minted by the STS issuing code only
//! when the role's trust policy trusts the endpoint's service principal
//! (`ec2.amazonaws.com`, `ecs-tasks.amazonaws.com`) — [`trust`] — and kept until
//! [`REFRESH_BEFORE`] their expiry ([`cache`]). Bindings may also be declared in the
//! configuration file ([`declared`]); they are served alongside the stored ones.
pub mod cache;
pub mod container;
pub mod declared;
pub mod imds;
pub mod listeners;
pub mod trust;

use std::time::Duration;

use store::{Role, WorkloadBinding, WorkloadKind};

use crate::error::ApiResult;
use crate::metrics::TokenKind;
use crate::state::AppState;
use crate::sts::{Credentials, SessionSpec};

/// How long workload credentials last: six hours, as EC2's and ECS's do.
pub const CREDENTIAL_SECONDS: u32 = 6 * 3600;
/// Cached credentials are replaced this long before they expire (the SDKs refresh
/// theirs in the last minutes, so they always receive credentials with time left).
pub const REFRESH_BEFORE: Duration = Duration::from_secs(3600);

/// The action labels of the workload endpoints in `/metrics` (service `workload`).
pub const ENDPOINT_ACTIONS: &[&str] = &[
    imds::ACTION_TOKEN,
    imds::ACTION_ROLE_NAME,
    imds::ACTION_CREDENTIALS,
    imds::ACTION_INFO,
    imds::ACTION_IDENTITY,
    container::ACTION,
];

/// The service principal a binding's role must trust.
pub fn service_principal(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Imds => "ec2.amazonaws.com",
        WorkloadKind::Container => "ecs-tasks.amazonaws.com",
    }
}

/// Why a workload gets no credentials.
#[derive(Debug)]
pub enum Refusal {
    /// The binding's instance profile or role no longer exists, or the profile has no
    /// role.
    NoRole(String),
    /// The role's trust policy does not trust the service principal.
    NotTrusted { role_arn: String, principal: String },
}

impl Refusal {
    /// The `Code` of the error document, as EC2's metadata service words it.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoRole(_) => "InstanceProfileNotFound",
            Refusal::NotTrusted { .. } => "AssumeRoleUnauthorizedAccess",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::NoRole(detail) => detail.clone(),
            Refusal::NotTrusted {
                role_arn,
                principal,
            } => format!(
                "{principal} cannot assume the role {role_arn}. Please see documentation at https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html#troubleshoot_roles_ec2."
            ),
        }
    }
}

/// Credentials for the binding's workload, or why not.
pub enum Outcome {
    Issued {
        role: Box<Role>,
        credentials: Box<Credentials>,
    },
    Refused(Refusal),
}

/// Credentials of `role` for `binding`'s workload: from the cache while they have more
/// than [`REFRESH_BEFORE`] left and the role is the same, else freshly minted. The trust
/// policy is evaluated on every call, so a role that stops trusting the service stops
/// its workloads at their next refresh.
pub async fn credentials(
    state: &AppState,
    binding: &WorkloadBinding,
    role: Role,
) -> ApiResult<Outcome> {
    let principal = service_principal(binding.kind);
    if !trust::trusts(&role, principal, binding) {
        state.workload_credentials.forget(&binding.name);
        state.metrics.workload_refusals.inc();
        tracing::warn!(
            workload = %binding.name,
            role = %role.arn(),
            principal,
            "workload credentials refused: the role does not trust the service principal"
        );
        return Ok(Outcome::Refused(Refusal::NotTrusted {
            role_arn: role.arn(),
            principal: principal.to_owned(),
        }));
    }
    let now = state.sessions.now();
    if let Some(cached) = state
        .workload_credentials
        .get(&binding.name, &role.role_id, now)
    {
        return Ok(Outcome::Issued {
            role: Box::new(role),
            credentials: Box::new(cached),
        });
    }
    let spec = SessionSpec::role(&role, &binding.workload_id, CREDENTIAL_SECONDS);
    let credentials =
        crate::sts::issue::issue_session_for(state, spec, TokenKind::Workload).await?;
    state
        .workload_credentials
        .keep(&binding.name, &role.role_id, credentials.clone());
    tracing::info!(
        workload = %binding.name,
        role = %role.arn(),
        session = %binding.workload_id,
        access_key_id = %credentials.access_key_id,
        "workload credentials issued"
    );
    Ok(Outcome::Issued {
        role: Box::new(role),
        credentials: Box::new(credentials),
    })
}

/// The binding named `name`: a declared one, else a stored one.
pub async fn binding_named(
    state: &AppState,
    name: &str,
) -> store::StoreResult<Option<WorkloadBinding>> {
    if let Some(binding) = state.declared_workloads.named(name) {
        return Ok(Some(binding.clone()));
    }
    state.store.workload_binding(name).await
}

/// The binding whose container token hashes to `token_sha256`: a declared one, else a
/// stored one.
pub async fn binding_by_token(
    state: &AppState,
    token_sha256: &[u8],
) -> store::StoreResult<Option<WorkloadBinding>> {
    if let Some(binding) = state.declared_workloads.by_token(token_sha256) {
        return Ok(Some(binding.clone()));
    }
    state.store.workload_binding_by_token(token_sha256).await
}

/// Every binding: the declared ones, then the stored ones whose name no declared one
/// has (the server refuses to start on such a clash; a later `iamd workload bind` of a
/// declared name loses to the declaration).
pub async fn all_bindings(state: &AppState) -> store::StoreResult<Vec<WorkloadBinding>> {
    let mut all: Vec<WorkloadBinding> = state.declared_workloads.all().cloned().collect();
    for binding in state.store.list_workload_bindings().await? {
        if state.declared_workloads.named(&binding.name).is_none() {
            all.push(binding);
        }
    }
    Ok(all)
}

/// The role a binding names: the instance profile's (IMDS) or the role itself
/// (container). `Refused` when it is gone.
pub async fn bound_role(
    state: &AppState,
    binding: &WorkloadBinding,
) -> ApiResult<Result<(Role, Option<store::InstanceProfile>), Refusal>> {
    match binding.kind {
        WorkloadKind::Imds => {
            let profile = match state
                .store
                .get_instance_profile(&binding.account_id, &binding.target)
                .await
            {
                Ok(profile) => profile,
                Err(e) if e.kind == store::ErrorKind::NoSuchEntity => {
                    return Ok(Err(Refusal::NoRole(format!(
                        "The instance profile {} of workload {} does not exist.",
                        binding.target, binding.name
                    ))))
                }
                Err(e) => return Err(e.into()),
            };
            match profile.roles.first().cloned() {
                Some(role) => Ok(Ok((role, Some(profile)))),
                None => Ok(Err(Refusal::NoRole(format!(
                    "The instance profile {} has no role.",
                    binding.target
                )))),
            }
        }
        WorkloadKind::Container => {
            match state
                .store
                .get_role(&binding.account_id, &binding.target)
                .await
            {
                Ok(role) => Ok(Ok((role, None))),
                Err(e) if e.kind == store::ErrorKind::NoSuchEntity => {
                    Ok(Err(Refusal::NoRole(format!(
                        "The role {} of workload {} does not exist.",
                        binding.target, binding.name
                    ))))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}
