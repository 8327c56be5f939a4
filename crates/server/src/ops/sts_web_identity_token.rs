//! `GetWebIdentityToken` (outbound identity federation): iamd signs a JWT asserting the
//! caller's identity for an external service. `iss` is iamd's issuer URL, whose
//! `/.well-known/openid-configuration` and `/.well-known/jwks.json` the same listener
//! serves; `sub` is the caller's IAM ARN (the role's, for a role session); `aud` the
//! requested audiences. The caller's account must have enabled outbound federation.
//!
//! Authorized in the handler so that the request context carries
//! `sts:IdentityTokenAudience` and `sts:DurationSeconds`.
use federation::issuer::SigningAlgorithm;
use policy::request::ContextValue;
use rand::Rng;
use serde_json::{Map, Value};
use store::Timestamp;

use super::{Authorization, Call, Operation, Target};
use crate::context;
use crate::error::{ApiError, ApiResult};
use crate::operation;
use crate::sts::authorization_message;

pub fn operations() -> Vec<Operation> {
    vec![operation!(
        "GetWebIdentityToken",
        no_resource,
        get_web_identity_token,
        Authorization::InHandler
    )]
}

/// Seconds a token lives when `DurationSeconds` is not given.
const DEFAULT_DURATION: i64 = 300;
/// The namespace of AWS-specific claims.
const CLAIMS_NAMESPACE: &str = "https://sts.amazonaws.com/";

async fn no_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

fn random_jti() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn get_web_identity_token(call: &Call, target: &Target) -> ApiResult<String> {
    let p = &call.params;
    let audiences: Vec<String> = p.list("Audience").into_iter().map(str::to_owned).collect();
    let algorithm_name = p.get("SigningAlgorithm").unwrap_or_default();
    let duration: i64 = match p.get("DurationSeconds") {
        Some(raw) => raw.trim().parse().map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must be a number"
            ))
        })?,
        None => DEFAULT_DURATION,
    };

    // Authorization, with the operation's own condition keys.
    let state = &call.state;
    let permissions = crate::sts::permissions::for_caller(state, &call.caller).await?;
    let mut ctx = context::build(&call.caller, &permissions.tags, &target.tags, &call.env, p);
    ctx.insert(
        "sts:IdentityTokenAudience",
        ContextValue::multi(audiences.iter().cloned()),
    );
    ctx.insert(
        "sts:DurationSeconds",
        ContextValue::single(duration.to_string()),
    );
    ctx.insert(
        "sts:SigningAlgorithm",
        ContextValue::single(algorithm_name.to_owned()),
    );
    authorization_message::authorize(
        state,
        &call.caller,
        &permissions,
        "sts:GetWebIdentityToken",
        &target.arn,
        ctx,
    )
    .await?;

    let algorithm = SigningAlgorithm::from_name(algorithm_name).ok_or_else(|| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{algorithm_name}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"
        ))
    })?;
    if state
        .store
        .outbound_federation(call.account())
        .await?
        .is_none()
    {
        return Err(ApiError::new(
            "OutboundWebIdentityFederationDisabledException",
            "Outbound web identity federation is not enabled for this account.",
        ));
    }
    let now = Timestamp::now();
    let expires = now.epoch_seconds() + duration;
    if let Some(session) = &call.caller.session {
        if expires > session.expires.epoch_seconds() {
            return Err(ApiError::new(
                "SessionDurationEscalationException",
                "The requested token duration would extend the session beyond its expiration time.",
            ));
        }
    }

    let mut aws = Map::new();
    aws.insert("aws_account".into(), call.account().into());
    aws.insert("source_region".into(), call.region.clone().into());
    if !permissions.tags.is_empty() {
        let tags: Map<String, Value> = permissions
            .tags
            .iter()
            .map(|t| (t.key.clone(), Value::from(t.value.clone())))
            .collect();
        aws.insert("principal_tags".into(), Value::Object(tags));
    }
    let request_tags: Map<String, Value> = super::input::tags(p)?
        .into_iter()
        .map(|t| (t.key, Value::from(t.value)))
        .collect();
    if !request_tags.is_empty() {
        aws.insert("request_tags".into(), Value::Object(request_tags));
    }
    let issuer = &state.web_identity.issuer;
    let mut claims = Map::new();
    claims.insert("iss".into(), issuer.url().into());
    claims.insert(
        "aud".into(),
        match audiences.as_slice() {
            [one] => Value::from(one.clone()),
            many => Value::from(many.to_vec()),
        },
    );
    claims.insert("sub".into(), call.caller.principal_arn().into());
    claims.insert("iat".into(), now.epoch_seconds().into());
    claims.insert("exp".into(), expires.into());
    claims.insert("jti".into(), random_jti().into());
    claims.insert(CLAIMS_NAMESPACE.into(), Value::Object(aws));

    let key = issuer.key(&*state.store, algorithm).await?;
    let token = key
        .sign(&claims)
        .map_err(|e| ApiError::service_failure(&e))?;
    Ok(call.respond(|w| {
        w.text("WebIdentityToken", &token).text(
            "Expiration",
            &Timestamp(expires.saturating_mul(1000)).iso8601(),
        );
    }))
}
