//! The two steps of verification: [`parse_request`] checks everything that needs no
//! secret (format, scope, time) and builds the canonical request; [`verify`] finishes
//! it with the payload, derives the string to sign and compares signatures.
//!
//! Between the two the server looks up the access key, which is why they are apart.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::authorization::{self, AuthKind, RawAuth, ALGORITHM};
use crate::canonical;
use crate::error::AuthError;
use crate::key::SigningKey;
use crate::request::{Expectations, Request};
use crate::scope::{Scope, ScopeError};
use crate::time::Timestamp;

/// A request whose signature parameters are well formed, whose scope names the
/// expected service and whose timestamp is acceptable. Not yet verified.
#[derive(Debug, Clone)]
pub struct ParsedAuth {
    kind: AuthKind,
    access_key_id: String,
    /// `AKID/DATE/REGION/SERVICE/aws4_request`, the signing-key cache's key.
    credential: String,
    scope: Scope,
    /// The timestamp exactly as signed (`X-Amz-Date`), for the string to sign.
    amz_date: String,
    signed_at: Timestamp,
    expires_secs: Option<i64>,
    security_token: Option<String>,
    signature: String,
    /// The declared payload hash when the client says the body is unsigned.
    unsigned_payload: bool,
    /// Canonical request up to and including the signed-headers line.
    canonical_prefix: Vec<u8>,
    /// The same without `X-Amz-Security-Token` in the query, when a token added after
    /// signing is acceptable.
    unsigned_token_prefix: Option<Vec<u8>>,
}

/// The request body, or what stands for it in the canonical request.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The body bytes; they are hashed.
    Bytes(&'a [u8]),
    /// The body's SHA-256, lower-case hex, when the caller has already hashed it.
    Sha256Hex(&'a str),
}

/// SHA-256 of the empty string, the payload hash of a request without a body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

impl ParsedAuth {
    /// Header or presigned.
    pub fn kind(&self) -> AuthKind {
        self.kind
    }

    /// The access key id from the credential.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `AKID/DATE/REGION/SERVICE/aws4_request`: key for [`crate::SigningKeyCache`].
    pub fn credential(&self) -> &str {
        &self.credential
    }

    /// The credential scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// When the request was signed.
    pub fn signed_at(&self) -> Timestamp {
        self.signed_at
    }

    /// `X-Amz-Expires` of a presigned request.
    pub fn expires_secs(&self) -> Option<i64> {
        self.expires_secs
    }

    /// `X-Amz-Security-Token`, present for temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// The canonical request for `payload`, as AWS shows it when a signature does not
    /// match (useful in logs; it holds no secret).
    pub fn canonical_request(&self, payload: Payload<'_>) -> String {
        let mut out = self.canonical_prefix.clone();
        out.extend_from_slice(self.payload_hash(payload).as_bytes());
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The string to sign for `payload`.
    pub fn string_to_sign(&self, payload: Payload<'_>) -> String {
        let digest = Sha256::digest(self.canonical_request(payload).as_bytes());
        format!(
            "{ALGORITHM}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            hex(&digest)
        )
    }

    fn payload_hash(&self, payload: Payload<'_>) -> String {
        if self.unsigned_payload {
            return UNSIGNED_PAYLOAD.to_owned();
        }
        match payload {
            Payload::Bytes(body) => hex(&Sha256::digest(body)),
            Payload::Sha256Hex(h) => h.to_ascii_lowercase(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn mismatch(message: String) -> AuthError {
    AuthError::SignatureDoesNotMatch(Some(message))
}

/// Checks the signature parameters of `req` against `expect` at time `now`, and
/// prepares the canonical request. The server then looks up the secret of
/// [`ParsedAuth::access_key_id`] and calls [`verify`].
pub fn parse_request(
    req: &Request<'_>,
    expect: &Expectations,
    now: Timestamp,
) -> Result<ParsedAuth, AuthError> {
    let raw = authorization::extract(req)?;
    let (access_key_id, scope) = parse_credential(&raw.credential, expect)?;
    let (amz_date, signed_at) = request_time(req, &raw)?;
    if Some(scope.date()) != amz_date.get(..8) {
        return Err(mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{}'.",
            scope.date(),
            amz_date.get(..8).unwrap_or(""),
            amz_date
        )));
    }
    check_time(&raw, signed_at, now, expect)?;

    let unsigned_payload = expect.allow_unsigned_payload
        && match raw.kind {
            AuthKind::Header => req.header("x-amz-content-sha256") == Some(UNSIGNED_PAYLOAD),
            AuthKind::Presigned => raw.content_sha256.as_deref() == Some(UNSIGNED_PAYLOAD),
        };

    let prefix = canonical_prefix(req, expect, &raw, false)?;
    let unsigned_token_prefix = if expect.allow_unsigned_query_token
        && raw.kind == AuthKind::Presigned
        && raw.security_token.is_some()
    {
        Some(canonical_prefix(req, expect, &raw, true)?)
    } else {
        None
    };

    Ok(ParsedAuth {
        kind: raw.kind,
        access_key_id,
        credential: raw.credential,
        scope,
        amz_date,
        signed_at,
        expires_secs: raw.expires,
        security_token: raw.security_token,
        signature: raw.signature,
        unsigned_payload,
        canonical_prefix: prefix,
        unsigned_token_prefix,
    })
}

fn canonical_prefix(
    req: &Request<'_>,
    expect: &Expectations,
    raw: &RawAuth,
    skip_token: bool,
) -> Result<Vec<u8>, AuthError> {
    let mut prefix = Vec::with_capacity(256);
    prefix.extend_from_slice(req.method.as_bytes());
    prefix.push(b'\n');
    canonical::push_uri(&mut prefix, req.path, expect);
    prefix.push(b'\n');
    canonical::push_query(&mut prefix, req.query, raw.kind, skip_token);
    prefix.push(b'\n');
    canonical::push_headers(&mut prefix, req, &raw.signed_headers)?;
    Ok(prefix)
}

fn parse_credential(credential: &str, expect: &Expectations) -> Result<(String, Scope), AuthError> {
    let malformed = || {
        AuthError::IncompleteSignature(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        ))
    };
    let (akid, scope_text) = credential.split_once('/').ok_or_else(malformed)?;
    let scope = match Scope::parse_checked(scope_text) {
        Ok(s) => s,
        Err(ScopeError::Malformed) => return Err(malformed()),
        Err(ScopeError::Terminator(t)) => {
            return Err(mismatch(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{t}'. "
            )))
        }
        Err(ScopeError::Region) => {
            return Err(mismatch(
                "Credential should be scoped to a valid region. ".to_owned(),
            ))
        }
        Err(ScopeError::Date) => {
            return Err(mismatch(
                "Credential should be scoped to a valid date. ".to_owned(),
            ))
        }
    };
    if scope.service() != expect.service {
        return Err(mismatch(format!(
            "Credential should be scoped to correct service: '{}'. ",
            expect.service
        )));
    }
    Ok((akid.to_owned(), scope))
}

/// The signing time as written (for the string to sign) and as an instant.
fn request_time(req: &Request<'_>, raw: &RawAuth) -> Result<(String, Timestamp), AuthError> {
    let bad_format = |got: &str| {
        AuthError::IncompleteSignature(format!(
            "Date must be in ISO-8601 'basic format'. Got '{got}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    };
    let text = match raw.kind {
        AuthKind::Presigned => raw.date.clone().unwrap_or_default(),
        AuthKind::Header => match req.header_values("x-amz-date").next() {
            Some(v) => String::from_utf8_lossy(v).trim().to_owned(),
            None => {
                // AWS falls back to the HTTP `Date` header; the string to sign then
                // carries it in the basic ISO 8601 form.
                let date = req.header("date").unwrap_or("");
                let t = Timestamp::parse_http_date(date).ok_or_else(|| bad_format(date))?;
                return Ok((t.amz_date(), t));
            }
        },
    };
    let t = Timestamp::parse_amz_date(&text).ok_or_else(|| bad_format(&text))?;
    Ok((text, t))
}

fn check_time(
    raw: &RawAuth,
    signed_at: Timestamp,
    now: Timestamp,
    expect: &Expectations,
) -> Result<(), AuthError> {
    let skew = expect.max_skew_secs;
    let minutes = skew / 60;
    if signed_at > now.plus(skew) {
        return Err(mismatch(format!(
            "Signature not yet current: {} is still later than {} ({} + {minutes} min.)",
            signed_at.amz_date(),
            now.plus(skew).amz_date(),
            now.amz_date()
        )));
    }
    match (raw.kind, raw.expires) {
        (AuthKind::Presigned, Some(expires)) => {
            if now > signed_at.plus(expires) {
                return Err(AuthError::RequestExpired);
            }
        }
        _ => {
            if signed_at < now.plus(-skew) {
                return Err(mismatch(format!(
                    "Signature expired: {} is now earlier than {} ({} - {minutes} min.)",
                    signed_at.amz_date(),
                    now.plus(-skew).amz_date(),
                    now.amz_date()
                )));
            }
        }
    }
    Ok(())
}

/// Verifies the signature of a parsed request with the signing key for its scope
/// (from [`crate::SigningKeyCache`] or [`SigningKey::derive`]). Constant-time in the
/// signature.
pub fn verify(
    parsed: &ParsedAuth,
    key: &SigningKey,
    payload: Payload<'_>,
) -> Result<(), AuthError> {
    let payload_hash = parsed.payload_hash(payload);
    if signature_matches(parsed, key, &parsed.canonical_prefix, &payload_hash) {
        return Ok(());
    }
    match &parsed.unsigned_token_prefix {
        Some(prefix) if signature_matches(parsed, key, prefix, &payload_hash) => Ok(()),
        _ => Err(AuthError::SignatureDoesNotMatch(None)),
    }
}

fn signature_matches(
    parsed: &ParsedAuth,
    key: &SigningKey,
    prefix: &[u8],
    payload_hash: &str,
) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(prefix);
    hasher.update(payload_hash.as_bytes());
    let canonical_hash = hex(&hasher.finalize());

    let Some(mut mac) = key.mac() else {
        return false;
    };
    use hmac::Mac;
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(parsed.amz_date.as_bytes());
    mac.update(b"\n");
    mac.update(parsed.scope.as_str().as_bytes());
    mac.update(b"\n");
    mac.update(canonical_hash.as_bytes());
    let expected = hex(&mac.finalize().into_bytes());

    // Lengths are public (64 hex digits); only the contents are compared in constant time.
    bool::from(expected.as_bytes().ct_eq(parsed.signature.as_bytes()))
}
