//! Finding the signature's parameters in the request: the `Authorization` header or the
//! presigned `X-Amz-*` query parameters. Messages follow AWS's wording.

use crate::encode;
use crate::error::AuthError;
use crate::request::{Request, MAX_PRESIGNED_EXPIRES_SECS};

/// The only algorithm SigV4 (as opposed to SigV4a) defines.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Where the signature came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`
    Header,
    /// `?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Signature=...`
    Presigned,
}

/// The signature parameters, still unchecked except for presence.
#[derive(Debug, Clone)]
pub(crate) struct RawAuth {
    pub kind: AuthKind,
    pub credential: String,
    pub signed_headers: String,
    pub signature: String,
    /// `X-Amz-Date` (query) for presigned requests; header-signed ones read headers.
    pub date: Option<String>,
    /// `X-Amz-Expires` in seconds, presigned only.
    pub expires: Option<i64>,
    /// `X-Amz-Security-Token`.
    pub security_token: Option<String>,
    /// `X-Amz-Content-Sha256` given as a query parameter (presigned only).
    pub content_sha256: Option<String>,
}

/// One decoded query parameter with its raw (as received) form.
pub(crate) struct QueryParam<'a> {
    pub raw_key: &'a str,
    pub raw_value: &'a str,
}

/// Splits a raw query string into parameters; empty pieces (`a=1&&b=2`) are skipped.
pub(crate) fn query_params(query: &str) -> impl Iterator<Item = QueryParam<'_>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => QueryParam {
                raw_key: k,
                raw_value: v,
            },
            None => QueryParam {
                raw_key: p,
                raw_value: "",
            },
        })
}

fn decoded(raw: &str) -> String {
    String::from_utf8_lossy(&encode::decode(raw.as_bytes())).into_owned()
}

/// Finds the signature parameters of `req`.
pub(crate) fn extract(req: &Request<'_>) -> Result<RawAuth, AuthError> {
    let header = req.header_values("authorization").next();
    let presigned = query_params(req.query).any(|p| p.raw_key == "X-Amz-Algorithm");
    match (header, presigned) {
        (Some(_), true) => Err(AuthError::IncompleteSignature(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified".to_owned(),
        )),
        (Some(h), false) => from_header(req, h),
        (None, true) => from_query(req),
        (None, false) => {
            // A presigned request missing its algorithm is incomplete, not anonymous.
            if query_params(req.query)
                .any(|p| p.raw_key == "X-Amz-Signature" || p.raw_key == "X-Amz-Credential")
            {
                from_query(req)
            } else {
                Err(AuthError::MissingAuthenticationToken)
            }
        }
    }
}

fn from_header(req: &Request<'_>, raw: &[u8]) -> Result<RawAuth, AuthError> {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim();
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    if let Some(params) = text
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    {
        for part in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(AuthError::IncompleteSignature(format!(
                    "'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{text}'."
                )));
            };
            match key.trim() {
                "Credential" => credential = Some(value.trim().to_owned()),
                "SignedHeaders" => signed_headers = Some(value.trim().to_owned()),
                "Signature" => signature = Some(value.trim().to_owned()),
                _ => {}
            }
        }
    }
    let has_date = req.header_values("x-amz-date").next().is_some()
        || req.header_values("date").next().is_some();
    let mut missing = String::new();
    for (name, value) in [
        ("Credential", &credential),
        ("Signature", &signature),
        ("SignedHeaders", &signed_headers),
    ] {
        if value.is_none() {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    if !has_date {
        missing.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) if missing.is_empty() => {
            Ok(RawAuth {
                kind: AuthKind::Header,
                credential,
                signed_headers,
                signature,
                date: None,
                expires: None,
                security_token: req.header("x-amz-security-token").map(str::to_owned),
                content_sha256: None,
            })
        }
        _ => Err(AuthError::IncompleteSignature(format!(
            "{missing}Authorization={text}"
        ))),
    }
}

fn from_query(req: &Request<'_>) -> Result<RawAuth, AuthError> {
    let mut algorithm = None;
    let mut credential = None;
    let mut date = None;
    let mut expires = None;
    let mut signed_headers = None;
    let mut signature = None;
    let mut security_token = None;
    let mut content_sha256 = None;
    for p in query_params(req.query) {
        let slot = match p.raw_key {
            "X-Amz-Algorithm" => &mut algorithm,
            "X-Amz-Credential" => &mut credential,
            "X-Amz-Date" => &mut date,
            "X-Amz-Expires" => &mut expires,
            "X-Amz-SignedHeaders" => &mut signed_headers,
            "X-Amz-Signature" => &mut signature,
            "X-Amz-Security-Token" => &mut security_token,
            "X-Amz-Content-Sha256" => &mut content_sha256,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(decoded(p.raw_value));
        }
    }
    let mut missing = Vec::new();
    for (name, value) in [
        ("X-Amz-Algorithm", &algorithm),
        ("X-Amz-Credential", &credential),
        ("X-Amz-Signature", &signature),
        ("X-Amz-Date", &date),
        ("X-Amz-SignedHeaders", &signed_headers),
    ] {
        if value.is_none() {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return Err(AuthError::IncompleteSignature(format!(
            "AWS query-string parameters must include {}. Re-examine the query-string parameters.",
            missing
                .iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if algorithm.as_deref() != Some(ALGORITHM) {
        return Err(AuthError::IncompleteSignature(format!(
            "X-Amz-Algorithm only supports \"{ALGORITHM}\""
        )));
    }
    let expires = match expires {
        None => None,
        Some(text) => {
            let secs = text
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 0)
                .ok_or_else(|| {
                    AuthError::IncompleteSignature(
                        "X-Amz-Expires should be a number of seconds".to_owned(),
                    )
                })?;
            if secs > MAX_PRESIGNED_EXPIRES_SECS {
                return Err(AuthError::IncompleteSignature(format!(
                    "X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGNED_EXPIRES_SECS}"
                )));
            }
            Some(secs)
        }
    };
    Ok(RawAuth {
        kind: AuthKind::Presigned,
        credential: credential.unwrap_or_default(),
        signed_headers: signed_headers.unwrap_or_default(),
        signature: signature.unwrap_or_default(),
        date,
        expires,
        security_token,
        content_sha256,
    })
}
