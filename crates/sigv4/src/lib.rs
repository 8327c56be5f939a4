//! AWS Signature Version 4 verification, written from the specification.
//!
//! Pure: no I/O and no clock; the caller passes the current time. Verification is split
//! in two so the server can look up the secret in between:
//!
//! ```
//! use sigv4::{parse_request, verify, Expectations, Payload, Request, SigningKeyCache, Timestamp};
//!
//! # fn lookup_secret(_akid: &str) -> Option<&'static [u8]> { Some(b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") }
//! let body = b"Action=GetUser&Version=2010-05-08";
//! let headers: &[(&str, &[u8])] = &[
//!     ("host", b"iam.amazonaws.com"),
//!     ("x-amz-date", b"20150830T123600Z"),
//!     ("authorization", b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"),
//! ];
//! let req = Request { method: "POST", path: "/", query: "", headers };
//! let now = Timestamp::parse_amz_date("20150830T123700Z").unwrap();
//! let parsed = parse_request(&req, &Expectations::for_service("iam"), now)?;
//! let secret = lookup_secret(parsed.access_key_id()).ok_or(sigv4::AuthError::InvalidClientTokenId)?;
//! let cache = SigningKeyCache::new(10_000);
//! let key = cache.get_or_derive(parsed.credential(), parsed.scope(), secret);
//! // The signature above is made up, so it does not match.
//! assert_eq!(verify(&parsed, &key, Payload::Bytes(body)).unwrap_err().code(), "SignatureDoesNotMatch");
//! # Ok::<(), sigv4::AuthError>(())
//! ```
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod authorization;
mod canonical;
pub mod encode;
mod error;
mod key;
mod request;
mod scope;
mod time;
mod verifier;

pub use authorization::{AuthKind, ALGORITHM};
pub use error::{AuthError, SIGNATURE_MISMATCH_MESSAGE};
pub use key::{SigningKey, SigningKeyCache};
pub use request::{
    Expectations, PathEncoding, Request, DEFAULT_MAX_SKEW_SECS, MAX_PRESIGNED_EXPIRES_SECS,
};
pub use scope::Scope;
pub use time::Timestamp;
pub use verifier::{parse_request, verify, ParsedAuth, Payload, EMPTY_SHA256};
