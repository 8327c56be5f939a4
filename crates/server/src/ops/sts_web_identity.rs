//! `AssumeRoleWithWebIdentity`: an OpenID Connect ID token, signed by a provider the
//! role's account registered, buys a role session when the role's trust policy allows
//! the provider (`"Principal": {"Federated": PROVIDER_ARN}`) under the token's claims
//! (`HOST/PATH:sub`, `:aud`, `:amr`).
//!
//! Checks, in order: the token is a JWS with an asymmetric algorithm; its `iss` names
//! an IAM provider of the role's account; the signature verifies with the provider's
//! published keys (fetched again once if the token names an unknown key); `iss`,
//! `exp`, `nbf`, and `aud` against the provider's client ids; then the trust policy.
use federation::jwt::{JwtError, Token};
use federation::oidc::{check_claims, provider_id, ClaimError};
use store::{oidc_provider_arn, ErrorKind, Timestamp};

use super::federated_tags;
use super::federated_trust::{assume, assumed_role_user, FederatedRequest};
use super::unsigned::UnsignedCall;
use crate::error::{ApiError, ApiResult};

const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

fn invalid_token(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidIdentityToken", message)
}

fn unreachable_keys(detail: &str) -> ApiError {
    tracing::info!(detail, "identity provider keys unavailable");
    invalid_token(
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    )
}

fn signature_error(e: &JwtError) -> ApiError {
    match e {
        JwtError::Malformed(_) | JwtError::UnsupportedAlgorithm(_) => invalid_token(
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
        ),
        JwtError::NoMatchingKey | JwtError::BadSignature => {
            invalid_token("The web identity token signature could not be verified.")
        }
    }
}

pub async fn assume_role(call: &UnsignedCall) -> ApiResult<String> {
    let p = &call.params;
    let role_arn = p.get("RoleArn").unwrap_or_default();
    let session_name = p.get("RoleSessionName").unwrap_or_default();
    let raw_token = p.get("WebIdentityToken").unwrap_or_default();

    let token = Token::parse(raw_token).map_err(|e| signature_error(&e))?;
    let issuer = token
        .string("iss")
        .ok_or_else(|| invalid_token("The ID Token provided has no issuer (iss)."))?
        .to_owned();
    let provider = provider_id(&issuer).ok_or_else(|| {
        invalid_token(format!(
            "No OpenIDConnect provider found in your account for {issuer}"
        ))
    })?;
    let role_account = role_arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("");
    let provider_arn = oidc_provider_arn(role_account, &provider);
    let registered = match call
        .state
        .store
        .get_oidc_provider(role_account, &provider_arn)
        .await
    {
        Ok(registered) => registered,
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            return Err(invalid_token(format!(
                "No OpenIDConnect provider found in your account for {issuer}"
            )))
        }
        Err(e) => return Err(e.into()),
    };

    // The signature, with the provider's keys as registered (its URL, not the token's
    // say-so), refreshed once when the token names a key the cached set lacks.
    let keys = &call.state.web_identity.provider_keys;
    let set = keys
        .keys(&registered.url)
        .await
        .map_err(|e| unreachable_keys(&e))?;
    match token.verify(&set) {
        Ok(()) => {}
        Err(JwtError::NoMatchingKey) => {
            let fresh = keys
                .refresh(&registered.url)
                .await
                .map_err(|e| unreachable_keys(&e))?;
            match fresh {
                Some(set) => token.verify(&set).map_err(|e| signature_error(&e))?,
                None => return Err(signature_error(&JwtError::NoMatchingKey)),
            }
        }
        Err(e) => return Err(signature_error(&e)),
    }

    let now = Timestamp::now().epoch_seconds();
    let identity = check_claims(&token, &registered.url, &registered.client_ids, now).map_err(
        |e| match e {
            ClaimError::Expired { now, expires } => ApiError::new(
                "ExpiredTokenException",
                format!(
                    "Token expired: current date/time {now} must be before the expiration date/time {expires}"
                ),
            ),
            ClaimError::Audience => invalid_token("Incorrect token audience"),
            ClaimError::Issuer => invalid_token(format!(
                "No OpenIDConnect provider found in your account for {issuer}"
            )),
            ClaimError::Subject => invalid_token("The ID Token provided has no subject (sub)."),
            ClaimError::NoExpiry => {
                invalid_token("The ID Token provided has no expiration time (exp).")
            }
            ClaimError::NotYetValid => invalid_token("The ID Token provided is not yet valid."),
        },
    )?;

    let mut claims = vec![
        (format!("{provider}:sub"), vec![identity.subject.clone()]),
        (format!("{provider}:aud"), vec![identity.audience.clone()]),
    ];
    if !identity.amr.is_empty() {
        claims.push((format!("{provider}:amr"), identity.amr.clone()));
    }
    let session_tags = federated_tags::from_web_identity(&token.claims).map_err(invalid_token)?;
    let granted = assume(
        call,
        FederatedRequest {
            action: ACTION,
            role_arn,
            session_name,
            provider_arn,
            claims,
            source_identity: None,
            session_tags,
        },
    )
    .await?;
    Ok(call.respond(|w| {
        granted.credentials.write_xml(w);
        w.text("SubjectFromWebIdentityToken", &identity.subject);
        assumed_role_user(w, &granted.role, session_name);
        if let Some(size) = granted.packed_policy_size {
            w.display("PackedPolicySize", size);
        }
        w.text("Provider", &identity.issuer);
        w.text("Audience", &identity.audience);
    }))
}
