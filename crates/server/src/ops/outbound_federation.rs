//! IAM's switch for outbound identity federation: EnableOutboundWebIdentityFederation,
//! DisableOutboundWebIdentityFederation, GetOutboundWebIdentityFederationInfo. While
//! it is off, `GetWebIdentityToken` refuses. The issuer is iamd's (one per server:
//! `IAMD_ISSUER_URL`), not one per account as on AWS.
use super::{Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("EnableOutboundWebIdentityFederation", account, enable),
        operation!("DisableOutboundWebIdentityFederation", account, disable),
        operation!("GetOutboundWebIdentityFederationInfo", account, info),
    ]
}

async fn account(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

fn disabled() -> ApiError {
    ApiError::new(
        "FeatureDisabled",
        "Outbound web identity federation is not enabled for this account.",
    )
}

async fn enable(call: &Call, _target: &Target) -> ApiResult<String> {
    if !call
        .store()
        .set_outbound_federation(call.account(), true)
        .await?
    {
        return Err(ApiError::new(
            "FeatureEnabled",
            "Outbound web identity federation is already enabled for this account.",
        ));
    }
    let issuer = call.state.web_identity.issuer.url().to_owned();
    Ok(call.respond(|w| {
        w.text("IssuerIdentifier", &issuer);
    }))
}

async fn disable(call: &Call, _target: &Target) -> ApiResult<String> {
    if !call
        .store()
        .set_outbound_federation(call.account(), false)
        .await?
    {
        return Err(disabled());
    }
    Ok(call.respond_empty())
}

async fn info(call: &Call, _target: &Target) -> ApiResult<String> {
    if call
        .store()
        .outbound_federation(call.account())
        .await?
        .is_none()
    {
        return Err(disabled());
    }
    let issuer = call.state.web_identity.issuer.url().to_owned();
    Ok(call.respond(|w| {
        w.text("IssuerIdentifier", &issuer)
            .bool("JwtVendingEnabled", true);
    }))
}
