//! What some temporary credentials may not call at all, whatever their policies say
//! (AWS STS API reference, `GetSessionToken` and `GetFederationToken`):
//!
//! - `GetSessionToken` credentials call no IAM operation unless the session was
//!   MFA-authenticated, and no STS operation but `AssumeRole` and `GetCallerIdentity`;
//! - `GetFederationToken` credentials call no IAM operation and no STS operation but
//!   `GetCallerIdentity`.
//!
//! IAM refuses such credentials as it refuses an unknown token; STS says why.
use sigv4::AuthError;

use super::claims::SessionKind;
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use crate::pipeline::Service;

pub fn check(caller: &Caller, service: Service, action: &str) -> ApiResult<()> {
    let Some(session) = &caller.session else {
        return Ok(());
    };
    // Root sessions with a task policy come from `AssumeRoot` (GetSessionToken never
    // carries session policies) and are limited by that policy instead.
    let from_get_session_token = matches!(session.kind, SessionKind::User | SessionKind::Root)
        && !session.has_session_policies();
    let federated = session.kind == SessionKind::FederatedUser;
    let (iam_allowed, sts_allowed): (bool, &[&str]) = if from_get_session_token {
        (
            session.mfa_authenticated_at.is_some(),
            &["AssumeRole", "GetCallerIdentity"],
        )
    } else if federated {
        (false, &["GetCallerIdentity"])
    } else {
        return Ok(());
    };
    match service {
        Service::Iam if !iam_allowed => Err(AuthError::InvalidClientTokenId.into()),
        Service::Sts if !sts_allowed.contains(&action) => Err(ApiError::access_denied(format!(
            "Cannot call {action} with session credentials"
        ))),
        _ => Ok(()),
    }
}
