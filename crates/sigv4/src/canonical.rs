//! The canonical request (SigV4 task 1), up to but excluding the payload hash:
//!
//! ```text
//! METHOD \n CANONICAL-URI \n CANONICAL-QUERY \n CANONICAL-HEADERS \n SIGNED-HEADERS \n
//! ```

use crate::authorization::{query_params, AuthKind};
use crate::encode;
use crate::error::AuthError;
use crate::request::{Expectations, PathEncoding, Request};

/// Appends the canonical URI of `path`.
pub(crate) fn push_uri(out: &mut Vec<u8>, path: &str, exp: &Expectations) {
    let raw = if path.is_empty() { "/" } else { path };
    match exp.path_encoding {
        PathEncoding::Double => {
            // The path as sent is already encoded once; encode it again, as the SDKs do.
            if exp.normalize_path {
                encode::encode_into(out, &encode::normalize_path(raw.as_bytes()), true);
            } else {
                encode::encode_into(out, raw.as_bytes(), true);
            }
        }
        PathEncoding::Single => {
            let decoded = encode::decode(raw.as_bytes());
            if exp.normalize_path {
                encode::encode_into(out, &encode::normalize_path(&decoded), true);
            } else {
                encode::encode_into(out, &decoded, true);
            }
        }
    }
}

/// Appends the canonical query string: every parameter (but `X-Amz-Signature` of a
/// presigned request) decoded, re-encoded strictly, and sorted by name then value.
/// `skip_token` leaves `X-Amz-Security-Token` out, for tokens added after signing.
pub(crate) fn push_query(out: &mut Vec<u8>, query: &str, kind: AuthKind, skip_token: bool) {
    let mut pairs: Vec<(String, String)> = query_params(query)
        .filter(|p| !(kind == AuthKind::Presigned && p.raw_key == "X-Amz-Signature"))
        .filter(|p| !(skip_token && p.raw_key == "X-Amz-Security-Token"))
        .map(|p| {
            (
                encode::encode(&encode::decode(p.raw_key.as_bytes()), false),
                encode::encode(&encode::decode(p.raw_value.as_bytes()), false),
            )
        })
        .collect();
    pairs.sort_unstable();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        out.extend_from_slice(v.as_bytes());
    }
}

/// Appends a header value trimmed, with every run of whitespace (folded lines too)
/// turned into one space.
fn push_header_value(out: &mut Vec<u8>, value: &[u8]) {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut pending_space = false;
    let mut started = false;
    for b in value {
        if is_ws(b) {
            pending_space = started;
        } else {
            if pending_space {
                out.push(b' ');
                pending_space = false;
            }
            out.push(*b);
            started = true;
        }
    }
}

/// Appends the canonical headers (`name:value\n` for each signed header, in the order
/// the client listed them) and the signed-headers line.
pub(crate) fn push_headers(
    out: &mut Vec<u8>,
    req: &Request<'_>,
    signed_headers: &str,
) -> Result<(), AuthError> {
    for name in signed_headers.split(';') {
        let lower = name.to_ascii_lowercase();
        out.extend_from_slice(lower.as_bytes());
        out.push(b':');
        let mut found = false;
        for value in req.header_values(name) {
            if found {
                out.push(b',');
            }
            push_header_value(out, value);
            found = true;
        }
        if !found {
            // A header the client signed is not in the request: it cannot verify.
            return Err(AuthError::SignatureDoesNotMatch(None));
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(signed_headers.as_bytes());
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str, exp: &Expectations) -> String {
        let mut out = Vec::new();
        push_uri(&mut out, path, exp);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn double_encodes_paths_for_iam() {
        let exp = Expectations::for_service("iam");
        assert_eq!(uri("/", &exp), "/");
        assert_eq!(uri("", &exp), "/");
        assert_eq!(uri("/a%20b/../c", &exp), "/c");
        assert_eq!(uri("/a%20b", &exp), "/a%2520b");
    }

    #[test]
    fn sorts_and_encodes_queries() {
        let mut out = Vec::new();
        push_query(
            &mut out,
            "b=2&a=x%20y&a=1&c&&X-Amz-Signature=z",
            AuthKind::Presigned,
            false,
        );
        assert_eq!(String::from_utf8(out).unwrap(), "a=1&a=x%20y&b=2&c=");
    }

    #[test]
    fn collapses_header_whitespace() {
        let mut out = Vec::new();
        push_header_value(&mut out, b"  a   b \t c\n  d  ");
        assert_eq!(out, b"a b c d");
    }
}
