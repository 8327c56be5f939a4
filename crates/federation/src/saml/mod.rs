//! SAML 2.0 for `AssumeRoleWithSAML`: the IdP's metadata ([`metadata`]) and the
//! responses it signs ([`response`]).
pub mod metadata;
pub mod response;
mod time;

pub use time::parse_instant;

pub const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const METADATA_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
