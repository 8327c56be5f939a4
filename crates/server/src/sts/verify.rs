//! Verifying a request signed with temporary credentials: open the session token,
//! check that it belongs to the key id that signed and has not expired. The signature
//! itself is verified by the caller with the secret the token carries.
//!
//! A token opened once is kept, by its text, in [`OpenedTokens`] for a minute, so a
//! client reusing its credentials costs a hash lookup instead of a base64 decode, an
//! AES-GCM open and a claims decode per request. The claims of a token never change;
//! key id and expiry are still checked on every request.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

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
    let opened = &state.sessions.opened;
    let claims = match opened.get(token) {
        Some(claims) => claims,
        None => {
            let claims = Arc::new(open_token(state, token).await?);
            opened.keep(token, claims.clone());
            claims
        }
    };
    if claims.access_key_id != access_key_id {
        return Err(AuthError::InvalidClientTokenId.into());
    }
    if state.sessions.expiry_clock() >= claims.expires {
        return Err(AuthError::ExpiredToken.into());
    }
    Ok(claims)
}

/// The claims sealed in `token`, when it is one of ours.
async fn open_token(state: &AppState, token: &str) -> ApiResult<SessionClaims> {
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
    Ok(SessionClaims::decode(&plain).ok_or(AuthError::InvalidClientTokenId)?)
}

/// How long an opened token is kept.
const KEEP_OPENED: Duration = Duration::from_secs(60);
/// The most opened tokens kept; beyond, the cache starts over.
const MAX_OPENED: usize = 10_000;

/// When a token was opened, and what it holds.
type Opened = (Instant, Arc<SessionClaims>);

/// Recently opened session tokens, by their text.
#[derive(Default)]
pub struct OpenedTokens {
    inner: RwLock<HashMap<Box<str>, Opened>>,
    stats: telemetry::CacheStats,
}

impl OpenedTokens {
    fn get(&self, token: &str) -> Option<Arc<SessionClaims>> {
        let found = self.lookup(token);
        match found {
            Some(_) => self.stats.hit(),
            None => self.stats.miss(),
        }
        found
    }

    fn lookup(&self, token: &str) -> Option<Arc<SessionClaims>> {
        let inner = self.inner.read().ok()?;
        let (at, claims) = inner.get(token)?;
        (at.elapsed() < KEEP_OPENED).then(|| claims.clone())
    }

    /// Hits and misses, for `/metrics`.
    pub fn stats(&self) -> &telemetry::CacheStats {
        &self.stats
    }

    fn keep(&self, token: &str, claims: Arc<SessionClaims>) {
        if let Ok(mut inner) = self.inner.write() {
            if inner.len() >= MAX_OPENED {
                let now = Instant::now();
                inner.retain(|_, (at, _)| now.duration_since(*at) < KEEP_OPENED);
                if inner.len() >= MAX_OPENED {
                    inner.clear();
                }
            }
            inner.insert(token.into(), (Instant::now(), claims));
        }
    }
}
