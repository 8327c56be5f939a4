//! The OpenID Connect checks of `AssumeRoleWithWebIdentity`, after the signature: the
//! token's issuer is the provider's, one of its audiences is a registered client id,
//! and it is inside its validity window. What passes becomes an [`Identity`]: the facts
//! the role's trust policy sees as `PROVIDER:sub`, `PROVIDER:aud`, `PROVIDER:amr`.
use crate::jwt::Token;

/// Why a verified token is still refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// `iss` is missing or is not the provider's URL.
    Issuer,
    /// No `aud` value is among the provider's client ids.
    Audience,
    /// `sub` is missing.
    Subject,
    /// `exp` is missing (ID tokens must carry it).
    NoExpiry,
    /// `exp` is not after `now`.
    Expired { now: i64, expires: i64 },
    /// `nbf` (or `iat`) is in the future.
    NotYetValid,
}

/// The identity a token vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `iss`, as the token wrote it.
    pub issuer: String,
    pub subject: String,
    /// The `aud` value that matched a client id.
    pub audience: String,
    /// Authentication methods (`amr`), often absent.
    pub amr: Vec<String>,
    pub expires: i64,
}

/// Seconds a token's `nbf`/`iat` may lie ahead of our clock: issuers' clocks drift.
const CLOCK_SKEW: i64 = 60;

/// Checks the claims of a token whose signature verified with the keys of the
/// provider registered as `provider_url` (`https://host/path`).
pub fn check_claims(
    token: &Token,
    provider_url: &str,
    client_ids: &[String],
    now: i64,
) -> Result<Identity, ClaimError> {
    let issuer = token.string("iss").ok_or(ClaimError::Issuer)?;
    if !same_issuer(issuer, provider_url) {
        return Err(ClaimError::Issuer);
    }
    let expires = token.seconds("exp").ok_or(ClaimError::NoExpiry)?;
    if now >= expires {
        return Err(ClaimError::Expired { now, expires });
    }
    let not_before = token.seconds("nbf");
    if not_before.is_some_and(|nbf| nbf > now + CLOCK_SKEW) {
        return Err(ClaimError::NotYetValid);
    }
    let audience = token
        .strings("aud")
        .into_iter()
        .find(|aud| client_ids.iter().any(|id| id == aud))
        .ok_or(ClaimError::Audience)?;
    let subject = token
        .string("sub")
        .filter(|s| !s.is_empty())
        .ok_or(ClaimError::Subject)?;
    Ok(Identity {
        issuer: issuer.to_owned(),
        subject: subject.to_owned(),
        audience,
        amr: token.strings("amr"),
        expires,
    })
}

/// Issuer URLs compare exactly, except that one trailing `/` is not significant (IAM
/// registers providers without it).
fn same_issuer(a: &str, b: &str) -> bool {
    a.strip_suffix('/').unwrap_or(a) == b.strip_suffix('/').unwrap_or(b)
}

/// The provider identifier IAM derives from an issuer URL: scheme and trailing `/`
/// removed (`https://example.com/id/` → `example.com/id`). `None` for a URL that is not
/// `https://` (or `http://` on a loopback host, which iamd accepts for local issuers).
pub fn provider_id(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://").filter(|r| is_loopback_host(r)))?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return None;
    }
    Some(rest.to_owned())
}

/// Whether the authority of `rest` (what follows `scheme://`) is a loopback host.
pub fn is_loopback_host(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_ids_drop_the_scheme_and_trailing_slash() {
        assert_eq!(
            provider_id("https://token.actions.githubusercontent.com/").as_deref(),
            Some("token.actions.githubusercontent.com")
        );
        assert_eq!(
            provider_id("https://example.com/realms/a").as_deref(),
            Some("example.com/realms/a")
        );
        assert_eq!(
            provider_id("http://127.0.0.1:9000").as_deref(),
            Some("127.0.0.1:9000")
        );
        assert_eq!(
            provider_id("http://[::1]:80/x").as_deref(),
            Some("[::1]:80/x")
        );
        assert_eq!(provider_id("http://example.com"), None);
        assert_eq!(provider_id("ftp://example.com"), None);
        assert_eq!(provider_id("https://"), None);
    }
}
