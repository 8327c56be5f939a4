//! iamd's own OpenID issuer (`GetWebIdentityToken`): one signing key per algorithm,
//! generated at first use, kept sealed in the store (so every node and every restart
//! signs with the same key and publishes the same key set), and cached here.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use federation::issuer::{jwks_document, SigningAlgorithm, SigningKey};
use store::{Store, Timestamp, WebIdentityKey};
use tokio::sync::RwLock;
use zeroize::Zeroizing;

use crate::error::{ApiError, ApiResult};

pub struct TokenIssuer {
    /// The URL configured (`IAMD_ISSUER_URL`), if any.
    configured: Option<String>,
    /// `http://ADDR` of the address the server bound (known once it listens; the
    /// configured address may be port 0).
    bound: OnceLock<String>,
    /// `http://ADDR` of the configured listen address.
    fallback: String,
    keys: RwLock<HashMap<SigningAlgorithm, Arc<SigningKey>>>,
}

fn trimmed(url: &str) -> String {
    url.strip_suffix('/').unwrap_or(url).to_owned()
}

impl TokenIssuer {
    pub fn new(configured: Option<String>, listen: SocketAddr) -> Self {
        TokenIssuer {
            configured: configured.as_deref().map(trimmed),
            bound: OnceLock::new(),
            fallback: format!("http://{listen}"),
            keys: RwLock::new(HashMap::new()),
        }
    }

    /// Records the address the server listens on, for the default issuer URL.
    pub fn listening_on(&self, addr: SocketAddr) {
        let _ = self.bound.set(format!("http://{addr}"));
    }

    /// The `iss` of iamd's tokens.
    pub fn url(&self) -> &str {
        self.configured
            .as_deref()
            .or(self.bound.get().map(String::as_str))
            .unwrap_or(&self.fallback)
    }

    /// The key that signs tokens of `algorithm`.
    pub async fn key(
        &self,
        store: &dyn Store,
        algorithm: SigningAlgorithm,
    ) -> ApiResult<Arc<SigningKey>> {
        if let Some(key) = self.keys.read().await.get(&algorithm) {
            return Ok(key.clone());
        }
        let mut keys = self.keys.write().await;
        if let Some(key) = keys.get(&algorithm) {
            return Ok(key.clone());
        }
        let stored = match store
            .web_identity_keys()
            .await?
            .into_iter()
            .rev()
            .find(|k| k.algorithm == algorithm.name())
        {
            Some(stored) => stored,
            None => {
                // RSA generation searches for primes: keep it off the executor.
                let fresh = tokio::task::spawn_blocking(move || SigningKey::generate(algorithm))
                    .await
                    .map_err(|e| ApiError::service_failure(&e.to_string()))?
                    .map_err(|e| ApiError::service_failure(&e))?;
                let candidate = WebIdentityKey {
                    algorithm: algorithm.name().to_owned(),
                    kid: fresh.kid().to_owned(),
                    pkcs8: Zeroizing::new(fresh.pkcs8().to_vec()),
                    created: Timestamp::now(),
                };
                store.web_identity_key(algorithm.name(), candidate).await?
            }
        };
        let key = Arc::new(
            SigningKey::from_pkcs8(algorithm, &stored.pkcs8)
                .map_err(|e| ApiError::service_failure(&e))?,
        );
        keys.insert(algorithm, key.clone());
        Ok(key)
    }

    /// The published key set: every key the store holds.
    pub async fn jwks(&self, store: &dyn Store) -> ApiResult<String> {
        let mut keys = Vec::new();
        for stored in store.web_identity_keys().await? {
            let Some(algorithm) = SigningAlgorithm::from_name(&stored.algorithm) else {
                continue;
            };
            match SigningKey::from_pkcs8(algorithm, &stored.pkcs8) {
                Ok(key) => keys.push(key),
                Err(e) => tracing::error!(kid = stored.kid, error = e, "unreadable signing key"),
            }
        }
        Ok(jwks_document(&keys))
    }
}
