//! Identity federation, the pure parts: everything iamd must check about a token an
//! identity provider issued, and everything it must produce for tokens it issues.
//!
//! - [`jwt`]: compact JWS parsing and signature verification against a JWK set
//!   (RS256/384/512, PS256/384/512, ES256/ES384).
//! - [`oidc`]: the OpenID Connect claim checks of `AssumeRoleWithWebIdentity`
//!   (`iss`, `aud`, `exp`, `nbf`) and the facts a trust policy sees.
//! - [`issuer`]: iamd as an OpenID issuer (`GetWebIdentityToken`): key generation,
//!   signing, the public JWK set.
//! - [`xml`]: exclusive XML canonicalization and enveloped XML signatures.
//! - [`saml`]: IdP metadata and SAML 2.0 responses (`AssumeRoleWithSAML`).
//!
//! Nothing here does I/O or reads the clock: callers pass the time and the keys in.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod issuer;
pub mod jwt;
pub mod oidc;
pub mod saml;
pub mod xml;

mod b64;
