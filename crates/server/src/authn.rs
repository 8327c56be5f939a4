//! Authentication: SigV4 over the request, with the secret from the credential cache.
use std::time::SystemTime;

use sigv4::{AuthError, Expectations, Payload};
use store::{KeyOwner, KeyStatus};

use crate::error::ApiResult;
use crate::identity::Caller;
use crate::state::AppState;

/// What authentication establishes.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub caller: Caller,
    /// The region of the credential scope (`aws:RequestedRegion`, key last-used data).
    pub region: String,
}

/// Verifies the signature of `request` (whose body is `body`) for `service` (`iam`,
/// `sts`) and says who signed it.
pub async fn authenticate(
    state: &AppState,
    request: &sigv4::Request<'_>,
    body: &[u8],
    service: &str,
) -> ApiResult<Authenticated> {
    let now = sigv4::Timestamp::from_system_time(SystemTime::now());
    let parsed = sigv4::parse_request(request, &Expectations::for_service(service), now)?;
    if let Some(token) = parsed.security_token() {
        // Temporary credentials: the token carries the session's secret and who it is,
        // sealed under the session key ring; no store read.
        let claims = crate::sts::verify::open_session(state, token, parsed.access_key_id()).await?;
        let key = state.signing_keys.get_or_derive(
            parsed.credential(),
            parsed.scope(),
            claims.secret_access_key.expose().as_bytes(),
        );
        sigv4::verify(&parsed, &key, Payload::Bytes(body))?;
        return Ok(Authenticated {
            caller: Caller::from_session(claims),
            region: parsed.scope().region().to_owned(),
        });
    }
    let credential = state
        .credentials
        .get(parsed.access_key_id())
        .await?
        .ok_or(AuthError::InvalidClientTokenId)?;
    // AWS refuses an inactive key exactly as an unknown one.
    if credential.status != KeyStatus::Active {
        return Err(AuthError::InvalidClientTokenId.into());
    }
    let key = state.signing_keys.get_or_derive(
        parsed.credential(),
        parsed.scope(),
        credential.secret.expose().as_bytes(),
    );
    sigv4::verify(&parsed, &key, Payload::Bytes(body))?;
    let caller = match &credential.owner {
        KeyOwner::Root => Caller::root(&credential.account_id, &credential.access_key_id),
        KeyOwner::User {
            user_id,
            name,
            path,
        } => Caller::user(
            &credential.account_id,
            &credential.access_key_id,
            user_id,
            name,
            path,
        ),
    };
    Ok(Authenticated {
        caller,
        region: parsed.scope().region().to_owned(),
    })
}
