//! Delegation requests (IAM temporary delegation): `CreateDelegationRequest` by a
//! partner account; `GetDelegationRequest`, `ListDelegationRequests`; and the customer
//! side: `AssociateDelegationRequest`, `UpdateDelegationRequest`,
//! `AcceptDelegationRequest`, `RejectDelegationRequest`, `SendDelegationToken`. The
//! partner trades the released token for credentials with `GetDelegatedAccessToken`
//! (`ops/sts_delegated_access.rs`).
//!
//! Lifecycle: UNASSIGNED → (associate) ASSIGNED → (update) PENDING_APPROVAL →
//! (accept) ACCEPTED → (send token) FINALIZED; ASSIGNED, PENDING_APPROVAL and ACCEPTED
//! may be REJECTED; a request past its expiration time reads as EXPIRED. Each
//! transition is a compare-and-set on the stored state, so two racing transitions
//! never both succeed (the loser gets `ConcurrentModification`).
//!
//! Policy templates: iamd has no partner registry, so a partner registers a template
//! as a managed policy of its own account whose document may hold `@{name}`
//! parameters; `PolicyTemplateArn` is that policy's ARN (an AWS managed policy works
//! too, without parameters). The rendered policy is what the delegated credentials are
//! limited to.
//!
//! Who sees a request: the partner account that created it; any account while it has
//! no owner account; afterwards only the owner account. Everyone else gets
//! `NoSuchEntity`, as for a request that does not exist.
use store::{
    delegation_request_arn, DelegatedIdentity, DelegationParameter, DelegationRequest,
    DelegationState, Timestamp,
};

use super::{input, Call, Found, Operation, Target};
use crate::delegation::permission_check::{self, CheckResult};
use crate::delegation::template::{self, RenderError};
use crate::delegation::{new_exchange_token, new_request_id, token_hash, PENDING_LIFETIME_MS};
use crate::error::{ApiError, ApiResult};
use crate::identity::CallerKind;
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateDelegationRequest", new_request, create),
        operation!("GetDelegationRequest", readable_request, get),
        operation!("ListDelegationRequests", any_request, list),
        operation!("AssociateDelegationRequest", associable_request, associate),
        operation!("UpdateDelegationRequest", owned_request, update),
        operation!("AcceptDelegationRequest", owned_request, accept),
        operation!("RejectDelegationRequest", owned_request, reject),
        operation!("SendDelegationToken", owned_request, send_token),
    ]
}

/// The resource of a request (its owner account's when it has one), with the
/// owner as `iam:DelegationRequestOwner`.
fn request_target(call: &Call, request: DelegationRequest, owner_grant: bool) -> Target {
    let account = request
        .owner_account
        .clone()
        .unwrap_or_else(|| call.account().to_owned());
    let mut keys = Vec::new();
    if let Some(owner) = &request.owner_id {
        keys.push(("iam:DelegationRequestOwner", owner.clone()));
    }
    // AWS gives the owner of a request a default permission to get and update it.
    let grants_caller =
        owner_grant && request.owner_id.as_deref() == Some(call.caller.arn.as_str());
    Target {
        arn: delegation_request_arn(&account, &request.id),
        found: Some(Found::DelegationRequest(Box::new(request))),
        keys,
        grants_caller,
        ..Target::default()
    }
}

fn no_such_request(id: &str) -> ApiError {
    ApiError::new(
        "NoSuchEntity",
        format!("The delegation request with id {id} cannot be found."),
    )
}

/// The request named by `DelegationRequestId` if it exists and the caller's account
/// may see it at all; otherwise a target under the caller's account, which the
/// handler answers with `NoSuchEntity` once authorized.
async fn lookup(
    call: &Call,
    visible: fn(&Call, &DelegationRequest) -> bool,
    owner_grant: bool,
) -> ApiResult<Target> {
    let id = input::required(&call.params, "DelegationRequestId")?;
    match call.store().get_delegation_request(id).await {
        Ok(request) if visible(call, &request) => Ok(request_target(call, request, owner_grant)),
        Ok(_) => Ok(Target::arn(delegation_request_arn(call.account(), id))),
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => {
            Ok(Target::arn(delegation_request_arn(call.account(), id)))
        }
        Err(e) => Err(e.into()),
    }
}

fn readable(call: &Call, r: &DelegationRequest) -> bool {
    r.requestor_account == call.account()
        || r.owner_account
            .as_deref()
            .is_none_or(|a| a == call.account())
}

fn associable(call: &Call, r: &DelegationRequest) -> bool {
    r.owner_account
        .as_deref()
        .is_none_or(|a| a == call.account())
}

fn owned(call: &Call, r: &DelegationRequest) -> bool {
    r.owner_id.is_some() && r.owner_account.as_deref() == Some(call.account())
}

async fn readable_request(call: &Call) -> ApiResult<Target> {
    lookup(call, readable, true).await
}

async fn associable_request(call: &Call) -> ApiResult<Target> {
    lookup(call, associable, false).await
}

/// Update also carries the owner's default permission; accept, reject and send need
/// the caller's own.
async fn owned_request(call: &Call) -> ApiResult<Target> {
    lookup(call, owned, call.action == "UpdateDelegationRequest").await
}

async fn any_request(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

async fn new_request(call: &Call) -> ApiResult<Target> {
    Ok(Target::arn(delegation_request_arn(call.account(), "*")))
}

/// The request the resolver found, or `NoSuchEntity`.
fn found<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t DelegationRequest> {
    match &target.found {
        Some(Found::DelegationRequest(r)) => Ok(r),
        _ => Err(no_such_request(
            call.params.get("DelegationRequestId").unwrap_or_default(),
        )),
    }
}

/// The clock requests expire by (moved with sessions' in tests).
fn now(call: &Call) -> Timestamp {
    call.state.sessions.expiry_clock()
}

/// `PolicyParameter` members of `Permissions.Parameters`.
fn parameters(call: &Call) -> Vec<DelegationParameter> {
    call.params
        .root()
        .child("Permissions")
        .members("Parameters")
        .into_iter()
        .map(|p| DelegationParameter {
            name: p.get("Name").unwrap_or_default().to_owned(),
            values: p.list("Values").into_iter().map(str::to_owned).collect(),
            kind: p.get("Type").unwrap_or("string").to_owned(),
        })
        .collect()
}

/// `NotificationChannel` must name an SNS topic.
fn check_channel(channel: &str) -> ApiResult<()> {
    let parts: Vec<&str> = channel.split(':').collect();
    let ok = matches!(parts.as_slice(), ["arn", _, "sns", region, account, topic]
        if !region.is_empty() && store::ids::is_account_id(account) && !topic.is_empty());
    if !ok {
        return Err(ApiError::invalid_input(format!(
            "The notification channel {channel} is not an SNS topic ARN."
        )));
    }
    Ok(())
}

async fn create(call: &Call, _target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let description = input::required(p, "Description")?;
    let workflow_id = input::required(p, "RequestorWorkflowId")?;
    let channel = input::required(p, "NotificationChannel")?;
    check_channel(channel)?;
    let session_duration: u32 = input::required(p, "SessionDuration")?
        .parse()
        .map_err(|_| ApiError::validation("SessionDuration must be a number."))?;
    let template_arn = p
        .get("Permissions.PolicyTemplateArn")
        .ok_or_else(|| ApiError::invalid_input("Permissions.PolicyTemplateArn is required."))?;
    // Any account id is accepted, as on AWS: whether an account exists is not the
    // partner's to learn (a request for an unknown account simply expires).
    let owner_account = p.get("OwnerAccountId").map(str::to_owned);
    let template =
        crate::sts::permissions::session_policy_document(&call.state, call.account(), template_arn)
            .await?
            .ok_or_else(|| {
                ApiError::invalid_input(format!(
                    "The policy template {template_arn} does not exist."
                ))
            })?;
    let parameters = parameters(call);
    let rendered = template::render(&template, &parameters)
        .map_err(|RenderError(why)| ApiError::invalid_input(why))?;
    policy::compile::CompiledPolicy::from_text(&rendered, "delegation", "session").map_err(
        |e| ApiError::invalid_input(format!("The rendered policy is not a valid policy: {e}")),
    )?;
    let requestor_name = call
        .store()
        .get_account(call.account())
        .await?
        .and_then(|a| a.alias)
        .map(|alias| alias.chars().take(30).collect());
    let now = now(call);
    let request = DelegationRequest {
        id: new_request_id(),
        requestor_account: call.account().to_owned(),
        requestor_name,
        owner_account,
        owner_id: None,
        approver_id: None,
        description: description.to_owned(),
        request_message: p.get("RequestMessage").map(str::to_owned),
        template_arn: template_arn.to_owned(),
        parameters,
        permission_policy: rendered,
        workflow_id: workflow_id.to_owned(),
        redirect_url: p.get("RedirectUrl").map(str::to_owned),
        notification_channel: channel.to_owned(),
        session_duration,
        only_send_by_owner: p.get("OnlySendByOwner") == Some("true"),
        state: DelegationState::Unassigned,
        created: now,
        updated: now,
        expires: Timestamp(now.millis() + PENDING_LIFETIME_MS),
        notes: None,
        rejection_reason: None,
        delegated: None,
        finalized: None,
        token_hash: None,
    };
    let created = call.store().create_delegation_request(request).await?;
    let link = format!(
        "{}/delegation-requests/{}",
        call.state.web_identity.issuer.url().trim_end_matches('/'),
        created.id
    );
    Ok(call.respond(|w| {
        w.text("ConsoleDeepLink", &link);
        w.text("DelegationRequestId", &created.id);
    }))
}

fn write_request(w: &mut awsquery::XmlWriter, r: &DelegationRequest, now: Timestamp) {
    w.text("DelegationRequestId", &r.id);
    w.opt_text("OwnerAccountId", r.owner_account.as_deref());
    w.text("Description", &r.description);
    w.opt_text("RequestMessage", r.request_message.as_deref());
    w.element("Permissions", |w| {
        w.text("PolicyTemplateArn", &r.template_arn);
        w.element("Parameters", |w| {
            for p in &r.parameters {
                w.element("member", |w| {
                    w.text("Name", &p.name);
                    w.element("Values", |w| {
                        for v in &p.values {
                            w.text("member", v);
                        }
                    });
                    w.text("Type", &p.kind);
                });
            }
        });
    });
    w.text("PermissionPolicy", &r.permission_policy);
    w.opt_text("OwnerId", r.owner_id.as_deref());
    w.opt_text("ApproverId", r.approver_id.as_deref());
    w.text("State", r.state_at(now).as_str());
    w.text("ExpirationTime", &r.expires.iso8601());
    w.text("RequestorId", &r.requestor_account);
    w.opt_text("RequestorName", r.requestor_name.as_deref());
    w.text("CreateDate", &r.created.iso8601());
    w.display("SessionDuration", r.session_duration);
    w.opt_text("RedirectUrl", r.redirect_url.as_deref());
    w.opt_text("Notes", r.notes.as_deref());
    w.opt_text("RejectionReason", r.rejection_reason.as_deref());
    w.bool("OnlySendByOwner", r.only_send_by_owner);
    w.text("UpdatedTime", &r.updated.iso8601());
}

async fn get(call: &Call, target: &Target) -> ApiResult<String> {
    let request = found(call, target)?;
    let check = if call.params.get("DelegationPermissionCheck") == Some("true") {
        let permissions = crate::sts::permissions::for_caller(&call.state, &call.caller).await?;
        let context = crate::context::build(
            &call.caller,
            &permissions.tags,
            &[],
            &call.env,
            &awsquery::Params::default(),
        );
        Some(permission_check::check(
            &call.caller,
            &permissions,
            &request.permission_policy,
            &context,
        ))
    } else {
        None
    };
    let now = now(call);
    Ok(call.respond(|w| {
        w.element("DelegationRequest", |w| write_request(w, request, now));
        if let Some(result) = check {
            w.text("PermissionCheckStatus", "COMPLETE");
            w.text("PermissionCheckResult", CheckResult::as_str(result));
        }
    }))
}

async fn list(call: &Call, _target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let owner = call.params.get("OwnerId");
    let requests = call
        .store()
        .list_delegation_requests(call.account(), owner, &page)
        .await?;
    let now = now(call);
    Ok(call.respond(|w| {
        w.element("DelegationRequests", |w| {
            for r in &requests.items {
                w.element("member", |w| write_request(w, r, now));
            }
        });
        if let Some(marker) = &requests.marker {
            w.text("Marker", marker);
        }
        w.bool("isTruncated", requests.is_truncated());
    }))
}

/// A transition the request's current state does not allow. `InvalidInput` where the
/// operation models it; `AcceptDelegationRequest` models only `ConcurrentModification`.
fn wrong_state(call: &Call, request: &DelegationRequest, now: Timestamp) -> ApiError {
    let state = request.state_at(now);
    let message = if state == DelegationState::Expired {
        format!("The delegation request {} has expired.", request.id)
    } else {
        format!(
            "The delegation request {} is in state {} and cannot be changed by {}.",
            request.id,
            state.as_str(),
            call.action
        )
    };
    if call.action == "AcceptDelegationRequest" {
        ApiError::new("ConcurrentModification", message)
    } else {
        ApiError::invalid_input(message)
    }
}

/// Checks that the request is in one of `allowed` states now, and returns it with
/// its stored state (the compare-and-set's expected value).
fn transition(
    call: &Call,
    target: &Target,
    allowed: &[DelegationState],
) -> ApiResult<(DelegationRequest, DelegationState, Timestamp)> {
    let request = found(call, target)?;
    let now = now(call);
    if !allowed.contains(&request.state_at(now)) {
        return Err(wrong_state(call, request, now));
    }
    let mut next = request.clone();
    next.updated = now;
    Ok((next, request.state, now))
}

async fn commit(
    call: &Call,
    next: DelegationRequest,
    expected: DelegationState,
    exchange_token: Option<&str>,
) -> ApiResult<String> {
    call.store()
        .update_delegation_request(next.clone(), expected)
        .await?;
    call.state
        .delegation_notifier
        .state_changed(&next, exchange_token);
    Ok(call.respond_empty())
}

async fn associate(call: &Call, target: &Target) -> ApiResult<String> {
    let (mut next, expected, _) = transition(call, target, &[DelegationState::Unassigned])?;
    next.owner_account = Some(call.account().to_owned());
    next.owner_id = Some(call.caller.arn.clone());
    next.state = DelegationState::Assigned;
    commit(call, next, expected, None).await
}

async fn update(call: &Call, target: &Target) -> ApiResult<String> {
    let (mut next, expected, _) = transition(
        call,
        target,
        &[DelegationState::Assigned, DelegationState::PendingApproval],
    )?;
    if let Some(notes) = call.params.get("Notes") {
        next.notes = Some(notes.to_owned());
    }
    next.state = DelegationState::PendingApproval;
    commit(call, next, expected, None).await
}

/// The identity the delegated credentials will act as: the caller's user, role or root.
fn delegated_identity(call: &Call) -> ApiResult<DelegatedIdentity> {
    let caller = &call.caller;
    Ok(match &caller.kind {
        CallerKind::User {
            user_id,
            name,
            path,
        } => DelegatedIdentity {
            kind: "user".to_owned(),
            id: user_id.clone(),
            name: name.clone(),
            path: path.clone(),
            arn: caller.arn.clone(),
        },
        CallerKind::AssumedRole {
            role_id,
            role_name,
            role_path,
            ..
        } => DelegatedIdentity {
            kind: "role".to_owned(),
            id: role_id.clone(),
            name: role_name.clone(),
            path: role_path.clone(),
            arn: caller.principal_arn(),
        },
        CallerKind::Root => DelegatedIdentity {
            kind: "root".to_owned(),
            id: caller.account_id.clone(),
            name: String::new(),
            path: "/".to_owned(),
            arn: caller.arn.clone(),
        },
        CallerKind::FederatedUser { .. } => {
            return Err(ApiError::access_denied(
                "A federated user session cannot accept a delegation request.",
            ))
        }
    })
}

async fn accept(call: &Call, target: &Target) -> ApiResult<String> {
    let identity = delegated_identity(call)?;
    let (mut next, expected, _) = transition(
        call,
        target,
        &[DelegationState::Assigned, DelegationState::PendingApproval],
    )?;
    next.approver_id = Some(call.caller.arn.clone());
    next.delegated = Some(identity);
    next.state = DelegationState::Accepted;
    commit(call, next, expected, None).await
}

async fn reject(call: &Call, target: &Target) -> ApiResult<String> {
    let (mut next, expected, now) = transition(
        call,
        target,
        &[
            DelegationState::Assigned,
            DelegationState::PendingApproval,
            DelegationState::Accepted,
        ],
    )?;
    next.rejection_reason = call.params.get("Notes").map(str::to_owned);
    next.state = DelegationState::Rejected;
    // Rejected requests stay readable for 7 days.
    next.expires = Timestamp(now.millis() + PENDING_LIFETIME_MS);
    commit(call, next, expected, None).await
}

async fn send_token(call: &Call, target: &Target) -> ApiResult<String> {
    let (mut next, expected, now) = transition(call, target, &[DelegationState::Accepted])?;
    if next.only_send_by_owner && next.owner_id.as_deref() != Some(call.caller.arn.as_str()) {
        return Err(ApiError::access_denied(format!(
            "Only the owner of the delegation request {} can send its token.",
            next.id
        )));
    }
    let token = new_exchange_token();
    next.token_hash = Some(token_hash(&token));
    next.finalized = Some(now);
    // The delegation period starts now and lasts the requested session duration.
    next.expires = Timestamp(now.millis() + i64::from(next.session_duration) * 1000);
    next.state = DelegationState::Finalized;
    commit(call, next, expected, Some(&token)).await
}
