//! Identity providers an account trusts (OpenID Connect and SAML) and the keys iamd
//! signs its own identity tokens with.
use zeroize::Zeroizing;

use crate::model::{Tag, PARTITION};
use crate::time::Timestamp;

/// OpenID Connect providers per account (IAM's quota).
pub const MAX_OIDC_PROVIDERS: usize = 100;
/// Client ids per OpenID Connect provider.
pub const MAX_OIDC_CLIENT_IDS: usize = 100;
/// Thumbprints per OpenID Connect provider.
pub const MAX_OIDC_THUMBPRINTS: usize = 5;
/// SAML providers per account.
pub const MAX_SAML_PROVIDERS: usize = 100;

/// `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`.
pub fn oidc_provider_arn(account_id: &str, provider: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:oidc-provider/{provider}")
}

/// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
pub fn saml_provider_arn(account_id: &str, name: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:saml-provider/{name}")
}

/// An IAM OpenID Connect provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    pub account_id: String,
    /// The URL without its scheme or trailing `/` (`token.example.com/realms/a`): the
    /// provider's identity in its ARN and in condition keys.
    pub provider: String,
    /// The URL as registered, with its scheme.
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: Timestamp,
    pub tags: Vec<Tag>,
}

impl OidcProvider {
    pub fn arn(&self) -> String {
        oidc_provider_arn(&self.account_id, &self.provider)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOidcProvider {
    pub provider: String,
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub tags: Vec<Tag>,
}

/// An IAM SAML provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProvider {
    pub account_id: String,
    pub name: String,
    /// `SAMLProviderUUID`.
    pub uuid: String,
    /// The IdP metadata document as uploaded.
    pub metadata: String,
    pub created: Timestamp,
    /// The metadata's `validUntil`.
    pub valid_until: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

impl SamlProvider {
    pub fn arn(&self) -> String {
        saml_provider_arn(&self.account_id, &self.name)
    }
}

/// A key iamd signs outbound web identity tokens with. The private key (PKCS#8) is
/// sealed with the master key at rest.
pub struct WebIdentityKey {
    /// `RS256` or `ES384`.
    pub algorithm: String,
    pub kid: String,
    pub pkcs8: Zeroizing<Vec<u8>>,
    pub created: Timestamp,
}

impl std::fmt::Debug for WebIdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebIdentityKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("pkcs8", &"[redacted]")
            .finish()
    }
}
