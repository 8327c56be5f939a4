//! The signing keys of OpenID providers: discovered from
//! `ISSUER/.well-known/openid-configuration`, fetched from its `jwks_uri`, cached for
//! an hour, and fetched again early when a token names a key id the cached set lacks
//! (the provider rotated its keys), at most once per [`MIN_REFRESH`] per issuer so that
//! tokens with made-up key ids cannot make iamd hammer a provider.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use federation::jwt::JwkSet;
use federation::oidc::is_loopback_host;
use tokio::sync::Mutex;

/// How long a fetched key set is used without asking again.
const TTL: Duration = Duration::from_secs(3600);
/// The shortest time between two fetches for one issuer.
pub const MIN_REFRESH: Duration = Duration::from_secs(1);
/// How long one fetch may take.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The largest discovery document or key set accepted.
const MAX_DOCUMENT_BYTES: usize = 1 << 20;

struct Cached {
    keys: Arc<JwkSet>,
    fetched: Instant,
}

pub struct ProviderKeys {
    /// For issuers on the network: honours the proxy settings of the environment.
    client: Option<reqwest::Client>,
    /// For loopback issuers: never through a proxy.
    local_client: Option<reqwest::Client>,
    cache: Mutex<HashMap<String, Cached>>,
}

impl Default for ProviderKeys {
    fn default() -> Self {
        Self::new()
    }
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(3))
}

impl ProviderKeys {
    pub fn new() -> Self {
        ProviderKeys {
            client: builder().build().ok(),
            local_client: builder().no_proxy().build().ok(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The issuer's keys, from the cache while fresh.
    pub async fn keys(&self, issuer_url: &str) -> Result<Arc<JwkSet>, String> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.get(issuer_url) {
            if cached.fetched.elapsed() < TTL {
                return Ok(cached.keys.clone());
            }
        }
        let keys = Arc::new(self.fetch(issuer_url).await?);
        cache.insert(
            issuer_url.to_owned(),
            Cached {
                keys: keys.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(keys)
    }

    /// Fetches the keys again because a token names a key the cached set lacks.
    /// `Ok(None)` when the set was fetched too recently to ask again.
    pub async fn refresh(&self, issuer_url: &str) -> Result<Option<Arc<JwkSet>>, String> {
        let mut cache = self.cache.lock().await;
        if cache
            .get(issuer_url)
            .is_some_and(|c| c.fetched.elapsed() < MIN_REFRESH)
        {
            return Ok(None);
        }
        let keys = Arc::new(self.fetch(issuer_url).await?);
        cache.insert(
            issuer_url.to_owned(),
            Cached {
                keys: keys.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(Some(keys))
    }

    async fn fetch(&self, issuer_url: &str) -> Result<JwkSet, String> {
        let issuer = issuer_url.strip_suffix('/').unwrap_or(issuer_url);
        let discovery_url = format!("{issuer}/.well-known/openid-configuration");
        let discovery: serde_json::Value = serde_json::from_slice(&self.get(&discovery_url).await?)
            .map_err(|e| format!("{discovery_url}: not JSON: {e}"))?;
        // OpenID Connect Discovery §4.3: the document's issuer is the URL it was
        // fetched under.
        let declared = discovery
            .get("issuer")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        if declared.strip_suffix('/').unwrap_or(declared) != issuer {
            return Err(format!(
                "{discovery_url}: issuer {declared:?} is not {issuer:?}"
            ));
        }
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| format!("{discovery_url}: no jwks_uri"))?;
        let keys = self.get(jwks_uri).await?;
        JwkSet::from_json(&keys).map_err(|e| format!("{jwks_uri}: {e}"))
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let local = url.strip_prefix("http://").is_some_and(is_loopback_host);
        if !local && !url.starts_with("https://") {
            return Err(format!("{url}: only https is allowed"));
        }
        let client = if local {
            self.local_client.as_ref()
        } else {
            self.client.as_ref()
        }
        .ok_or("no HTTP client")?;
        let mut response = client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(format!("{url}: larger than {MAX_DOCUMENT_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
