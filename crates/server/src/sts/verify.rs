//! Verifying a request signed with temporary credentials: open the session token,
//! check that it belongs to the key id that signed and has not expired. The signature
//! itself is verified by the caller with the secret the token carries.
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sigv4::AuthError;

use super::claims::SessionClaims;
use super::ring::{OpenError, Purpose};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The longest token accepted; ours are far shorter, so longer ones are not opened.
const MAX_TOKEN_CHARS: usize = 16 * 1024;

/// The claims of `token` when it is one of ours, for `access_key_id`, and current.
/// A token that does not open or names another key is `InvalidClientTokenId`; an
/// expired one is `ExpiredToken`.
pub async fn open_session(
    state: &AppState,
    token: &str,
    access_key_id: &str,
) -> ApiResult<Arc<SessionClaims>> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(AuthError::InvalidClientTokenId.into());
    }
    let sealed = B64
        .decode(token)
        .map_err(|_| ApiError::from(AuthError::InvalidClientTokenId))?;
    let plain = match state
        .sessions
        .ring
        .open(Purpose::SessionToken, &sealed)
        .await
    {
        Ok(plain) => zeroize::Zeroizing::new(plain),
        Err(OpenError::Invalid) => return Err(AuthError::InvalidClientTokenId.into()),
        Err(OpenError::Unavailable) => {
            return Err(ApiError::service_failure(
                "the session key ring could not be read",
            ))
        }
    };
    let claims = SessionClaims::decode(&plain).ok_or(AuthError::InvalidClientTokenId)?;
    if claims.access_key_id != access_key_id {
        return Err(AuthError::InvalidClientTokenId.into());
    }
    if state.sessions.expiry_clock() >= claims.expires {
        return Err(AuthError::ExpiredToken.into());
    }
    Ok(Arc::new(claims))
}
