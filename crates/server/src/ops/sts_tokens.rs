//! Credentials for the caller itself: `GetSessionToken` (the user or root, possibly
//! MFA-authenticated), `GetFederationToken` (a federated user narrowed by session
//! policies) and `AssumeRoot` (a root session of a member account, narrowed to a task).
use store::{root_arn, ErrorKind};

use super::sts_common::{self, MIN_DURATION_SECONDS};
use super::{Authorization, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::identity::CallerKind;
use crate::operation;
use crate::sts::root_tasks::root_task_policy;
use crate::sts::{issue_session, SessionKind, SessionSpec};

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "GetSessionToken",
            no_resource,
            get_session_token,
            Authorization::InHandler
        ),
        operation!("GetFederationToken", federated_user, get_federation_token),
        operation!("AssumeRoot", root_of_target, assume_root),
    ]
}

/// The longest session a root user's own credentials give (`GetSessionToken`,
/// `GetFederationToken`).
const ROOT_MAX_SECONDS: u32 = 3600;
/// The default session of `GetSessionToken` and `GetFederationToken`.
const DEFAULT_SECONDS: u32 = 43_200;
/// `AssumeRoot` sessions last 15 minutes at most (and by default).
const ROOT_TASK_SECONDS: u32 = 900;

async fn no_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

async fn federated_user(call: &Call) -> ApiResult<Target> {
    let name = call.params.get("Name").unwrap_or_default();
    Ok(Target::arn(format!(
        "arn:aws:sts::{}:federated-user/{name}",
        call.account()
    )))
}

/// `TargetPrincipal` is an account id or a member account's principal ARN; the action
/// is authorized on that account's root.
fn target_account(call: &Call) -> Option<String> {
    let target = call.params.get("TargetPrincipal")?;
    if store::ids::is_account_id(target) {
        return Some(target.to_owned());
    }
    let rest = target.strip_prefix("arn:aws:iam::")?;
    let (account, _) = rest.split_once(':')?;
    store::ids::is_account_id(account).then(|| account.to_owned())
}

async fn root_of_target(call: &Call) -> ApiResult<Target> {
    let account = target_account(call).ok_or_else(|| {
        ApiError::validation("The TargetPrincipal must be an account ID or an account root ARN.")
    })?;
    Ok(Target::arn(root_arn(&account)))
}

/// Only long-term credentials of a user or the root may ask for these sessions.
fn long_term_only(call: &Call) -> ApiResult<()> {
    if call.caller.session.is_some() {
        return Err(ApiError::access_denied(format!(
            "Cannot call {} with session credentials",
            call.action
        )));
    }
    Ok(())
}

/// The caller's own identity as a session's principal.
fn own_identity(call: &Call) -> (SessionKind, String, String, String) {
    match &call.caller.kind {
        CallerKind::User {
            user_id,
            name,
            path,
        } => (
            SessionKind::User,
            user_id.clone(),
            name.clone(),
            path.clone(),
        ),
        _ => (
            SessionKind::Root,
            call.account().to_owned(),
            String::new(),
            "/".to_owned(),
        ),
    }
}

fn check_minimum(duration: u32) -> ApiResult<()> {
    if duration < MIN_DURATION_SECONDS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MIN_DURATION_SECONDS}"
        )));
    }
    Ok(())
}

async fn get_session_token(call: &Call, _target: &Target) -> ApiResult<String> {
    long_term_only(call)?;
    let mut duration = sts_common::duration(call, DEFAULT_SECONDS)?;
    check_minimum(duration)?;
    if call.caller.is_root() {
        // The root's sessions are capped at one hour, as AWS does.
        duration = duration.min(ROOT_MAX_SECONDS);
    }
    let mfa_at = sts_common::mfa_from_request(call).await?;
    let (kind, principal_id, principal_name, principal_path) = own_identity(call);
    let spec = SessionSpec {
        kind,
        account_id: call.account().to_owned(),
        principal_id,
        principal_name,
        principal_path,
        session_name: String::new(),
        duration_seconds: duration,
        policy: None,
        policy_arns: Vec::new(),
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: None,
        mfa_authenticated_at: mfa_at,
        chained: false,
        federated_provider: None,
        extra_context: Vec::new(),
    };
    let credentials = issue_session(&call.state, spec).await?;
    Ok(call.respond(|w| credentials.write_xml(w)))
}

async fn get_federation_token(call: &Call, _target: &Target) -> ApiResult<String> {
    long_term_only(call)?;
    let name = call.params.get("Name").unwrap_or_default();
    let mut duration = sts_common::duration(call, DEFAULT_SECONDS)?;
    check_minimum(duration)?;
    if call.caller.is_root() {
        duration = duration.min(ROOT_MAX_SECONDS);
    }
    let policies = sts_common::session_policies(call)?;
    let tags = sts_common::session_tags(call)?;
    let packed = sts_common::packed_policy_size(&policies, &tags)?;
    let (_, principal_id, principal_name, principal_path) = own_identity(call);
    let spec = SessionSpec {
        kind: SessionKind::FederatedUser,
        account_id: call.account().to_owned(),
        principal_id,
        principal_name,
        principal_path,
        session_name: name.to_owned(),
        duration_seconds: duration,
        policy: policies.policy,
        policy_arns: policies.arns,
        tags,
        transitive_tag_keys: Vec::new(),
        source_identity: None,
        mfa_authenticated_at: None,
        chained: false,
        federated_provider: None,
        extra_context: Vec::new(),
    };
    let credentials = issue_session(&call.state, spec).await?;
    let account = call.account().to_owned();
    Ok(call.respond(|w| {
        credentials.write_xml(w);
        w.element("FederatedUser", |w| {
            w.text("FederatedUserId", &format!("{account}:{name}"));
            w.text(
                "Arn",
                &format!("arn:aws:sts::{account}:federated-user/{name}"),
            );
        });
        if let Some(size) = packed {
            w.display("PackedPolicySize", size);
        }
    }))
}

/// `AssumeRoot`. Without AWS Organizations, the first account of this iamd (the one
/// created at first start) acts as the management account: its principals may, when
/// their policies allow `sts:AssumeRoot` on the target's root, obtain a root session of
/// any other account of this iamd, scoped to one of the root-task policies.
async fn assume_root(call: &Call, target: &Target) -> ApiResult<String> {
    long_term_or_role(call)?;
    let account = target_account(call).unwrap_or_default();
    let task_policy = call.params.get("TaskPolicyArn.arn").unwrap_or_default();
    if root_task_policy(task_policy).is_none() {
        return Err(ApiError::validation(format!(
            "The TaskPolicyArn {task_policy} is not one of the policies allowed for root sessions."
        )));
    }
    let duration = sts_common::duration(call, ROOT_TASK_SECONDS)?;
    if duration > ROOT_TASK_SECONDS {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to {ROOT_TASK_SECONDS}"
        )));
    }
    let management = management_account(call).await?;
    if call.account() != management || account == management {
        return Err(ApiError::access_denied(format!(
            "User: {} is not authorized to perform: sts:AssumeRoot on resource: {}",
            call.caller.arn, target.arn
        )));
    }
    match call.store().get_account(&account).await? {
        Some(_) => {}
        None => {
            return Err(ApiError::new(
                ErrorKind::NoSuchEntity.code(),
                format!("The account {account} is not a member of the organization."),
            ))
        }
    }
    let spec = SessionSpec {
        kind: SessionKind::Root,
        account_id: account.clone(),
        principal_id: account.clone(),
        principal_name: String::new(),
        principal_path: "/".to_owned(),
        session_name: String::new(),
        duration_seconds: duration,
        policy: None,
        policy_arns: vec![task_policy.to_owned()],
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: None,
        mfa_authenticated_at: None,
        chained: false,
        federated_provider: None,
        extra_context: Vec::new(),
    };
    let credentials = issue_session(&call.state, spec).await?;
    Ok(call.respond(|w| credentials.write_xml(w)))
}

/// `AssumeRoot` is called by a user or a role session of the management account.
fn long_term_or_role(call: &Call) -> ApiResult<()> {
    match (&call.caller.kind, &call.caller.session) {
        (CallerKind::User { .. } | CallerKind::Root, None) => Ok(()),
        (CallerKind::AssumedRole { .. }, Some(_)) => Ok(()),
        _ => Err(ApiError::access_denied(format!(
            "Cannot call {} with session credentials",
            call.action
        ))),
    }
}

/// The account that stands in for an organization's management account: the oldest.
async fn management_account(call: &Call) -> ApiResult<String> {
    let accounts = call.store().list_accounts().await?;
    accounts
        .iter()
        .min_by_key(|a| (a.created, a.account_id.clone()))
        .map(|a| a.account_id.clone())
        .ok_or_else(|| ApiError::service_failure("no account"))
}
