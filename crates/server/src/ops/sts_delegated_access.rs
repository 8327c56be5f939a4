//! `GetDelegatedAccessToken`: the partner account of a finalized delegation request
//! trades the exchange token it was sent for temporary credentials in the customer
//! account. The credentials act as the identity that accepted the request (its user,
//! role or root), narrowed to the request's rendered policy (a session policy), and
//! expire when the delegation period ends; the token can be traded again until then.
use store::{DelegatedIdentity, DelegationRequest, DelegationState};

use super::{Call, Operation, Target};
use crate::delegation::token_hash;
use crate::error::{ApiError, ApiResult};
use crate::operation;
use crate::sts::{issue_session, SessionKind, SessionSpec};

pub fn operations() -> Vec<Operation> {
    vec![operation!(
        "GetDelegatedAccessToken",
        no_resource,
        get_delegated_access_token
    )]
}

/// The action has no resource type in the service authorization reference.
async fn no_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

fn invalid_token() -> ApiError {
    ApiError::access_denied("The trade-in token is not valid.")
}

/// The finalized request the token was released for, if the caller's account is its
/// partner. A token of another account's request is as good as no token.
async fn request_of(call: &Call, token: &str) -> ApiResult<DelegationRequest> {
    let request = call
        .store()
        .delegation_request_by_token(&token_hash(token))
        .await?
        .ok_or_else(invalid_token)?;
    if request.requestor_account != call.account() {
        return Err(invalid_token());
    }
    Ok(request)
}

fn spec_for(
    request: &DelegationRequest,
    identity: &DelegatedIdentity,
    account: &str,
    seconds: u32,
) -> ApiResult<SessionSpec> {
    let kind = match identity.kind.as_str() {
        "user" => SessionKind::User,
        "role" => SessionKind::Role,
        "root" => SessionKind::Root,
        _ => return Err(ApiError::service_failure("unknown delegated identity kind")),
    };
    // A role session is named after the request, so the customer's logs show which
    // delegation acted.
    let session_name = if kind == SessionKind::Role {
        request.id.clone()
    } else {
        String::new()
    };
    Ok(SessionSpec {
        kind,
        account_id: account.to_owned(),
        principal_id: identity.id.clone(),
        principal_name: identity.name.clone(),
        principal_path: identity.path.clone(),
        session_name,
        duration_seconds: seconds,
        policy: Some(request.permission_policy.clone()),
        policy_arns: Vec::new(),
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: None,
        mfa_authenticated_at: None,
        chained: false,
        federated_provider: None,
        extra_context: Vec::new(),
    })
}

async fn get_delegated_access_token(call: &Call, _target: &Target) -> ApiResult<String> {
    let token = call.params.get("TradeInToken").unwrap_or_default();
    let request = request_of(call, token).await?;
    let now = call.state.sessions.expiry_clock();
    match request.state_at(now) {
        DelegationState::Finalized => {}
        DelegationState::Expired => {
            return Err(ApiError::new(
                "ExpiredTradeInTokenException",
                "The trade-in token has expired.",
            ))
        }
        _ => return Err(invalid_token()),
    }
    let (Some(identity), Some(account)) = (&request.delegated, &request.owner_account) else {
        return Err(invalid_token());
    };
    let remaining_ms = request.expires.millis() - now.millis();
    let seconds = u32::try_from(remaining_ms / 1000).unwrap_or(0).max(1);
    let spec = spec_for(&request, identity, account, seconds)?;
    let credentials = issue_session(&call.state, spec).await?;
    Ok(call.respond(|w| {
        credentials.write_xml(w);
        w.text("AssumedPrincipal", &identity.arn);
    }))
}
