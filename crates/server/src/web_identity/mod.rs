//! Web identity federation state shared by requests: the key sets of the OpenID
//! providers iamd trusts (fetched and cached, [`provider_keys`]) and iamd's own issuer
//! of outbound tokens ([`issuer`]).
pub mod issuer;
pub mod provider_keys;
pub mod well_known;

use crate::config::Config;

/// The issuer URL iamd's outbound tokens carry as `iss`; its discovery document and
/// key set are served under it. Default: `http://LISTEN_ADDR`.
pub const ISSUER_URL_ENV: &str = "IAMD_ISSUER_URL";

pub struct WebIdentity {
    pub provider_keys: provider_keys::ProviderKeys,
    pub issuer: issuer::TokenIssuer,
}

impl WebIdentity {
    pub fn new(config: &Config) -> Self {
        let configured = std::env::var(ISSUER_URL_ENV)
            .ok()
            .filter(|u| !u.trim().is_empty());
        WebIdentity {
            provider_keys: provider_keys::ProviderKeys::new(),
            issuer: issuer::TokenIssuer::new(configured, config.listen),
        }
    }
}
