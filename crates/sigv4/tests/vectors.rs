//! AWS's SigV4 test suite (tests/vectors/, see NOTICE): for every case, the
//! header-signed and the presigned request must verify, and the canonical request and
//! string to sign must be the suite's, byte for byte.
//!
//! The suite writes request paths unencoded (`GET /example space/`) and signs them
//! with single encoding, so requests are put in wire form first and verified with
//! [`PathEncoding::Single`]; its `normalize` flag selects path normalization.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sigv4::{
    encode, parse_request, verify, AuthKind, Expectations, PathEncoding, Payload, Request,
    SigningKey, Timestamp,
};

#[derive(Deserialize)]
struct Context {
    credentials: Credentials,
    normalize: bool,
    region: String,
    service: String,
    timestamp: String,
    expiration_in_seconds: i64,
    /// The session token is added to the request after signing.
    #[serde(default)]
    omit_session_token: bool,
}

#[derive(Deserialize)]
struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
}

/// A request in the suite's text form.
struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

fn parse_request_text(text: &str) -> RawRequest {
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h, b),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded continuation line belongs to the previous header.
            let last = headers.last_mut().unwrap();
            last.1.push(b'\n');
            last.1.extend_from_slice(line.as_bytes());
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.as_bytes().to_vec()));
        }
    }
    RawRequest {
        method: method.to_owned(),
        // Put the path on the wire the way a client would: percent-encoded once.
        path: encode::encode(path.as_bytes(), true),
        query: wire_query(query),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// Encodes what a client would encode in a query, keeping existing escapes.
fn wire_query(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if encode::is_unreserved(b) || matches!(b, b'=' | b'&' | b'%') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("context.json").exists())
        .collect();
    dirs.sort();
    dirs
}

fn check(dir: &Path, ctx: &Context, kind: &str) -> Result<(), String> {
    let raw = parse_request_text(&read(dir, &format!("{kind}-signed-request.txt")));
    let headers: Vec<(&str, &[u8])> = raw
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let req = Request {
        method: &raw.method,
        path: &raw.path,
        query: &raw.query,
        headers: &headers,
    };
    let mut expect = Expectations::for_service(&ctx.service);
    expect.path_encoding = PathEncoding::Single;
    expect.normalize_path = ctx.normalize;
    expect.allow_unsigned_query_token = ctx.omit_session_token;
    let now = Timestamp::parse_amz_date(&ctx.timestamp.replace(['-', ':'], "")).unwrap();

    let parsed = parse_request(&req, &expect, now).map_err(|e| format!("parse: {e}"))?;
    assert_eq!(parsed.access_key_id(), ctx.credentials.access_key_id);
    assert_eq!(parsed.scope().region(), ctx.region);
    let want_kind = if kind == "header" {
        AuthKind::Header
    } else {
        AuthKind::Presigned
    };
    assert_eq!(parsed.kind(), want_kind);
    if kind == "query" {
        assert_eq!(parsed.expires_secs(), Some(ctx.expiration_in_seconds));
    }
    let payload = Payload::Bytes(&raw.body);
    let canonical = read(dir, &format!("{kind}-canonical-request.txt"));
    // With a token added after signing, the suite's canonical request is the one without
    // the token, which the verifier tries second; only the verification below applies.
    let token_added_later = ctx.omit_session_token && kind == "query";
    if !token_added_later && parsed.canonical_request(payload) != canonical {
        return Err(format!(
            "canonical request differs:\n--- got\n{}\n--- want\n{canonical}",
            parsed.canonical_request(payload)
        ));
    }
    let sts = read(dir, &format!("{kind}-string-to-sign.txt"));
    if !token_added_later && parsed.string_to_sign(payload) != sts {
        return Err(format!(
            "string to sign differs:\n{}\n{sts}",
            parsed.string_to_sign(payload)
        ));
    }
    let key = SigningKey::derive(ctx.credentials.secret_access_key.as_bytes(), parsed.scope());
    verify(&parsed, &key, payload).map_err(|e| format!("verify: {e}"))?;

    // The same request fails with another secret.
    let wrong = SigningKey::derive(b"not the secret", parsed.scope());
    if verify(&parsed, &wrong, payload).is_ok() {
        return Err("verified with a wrong secret".into());
    }
    // A session token that was sent comes back out, signed or not.
    if let Some(token) = &ctx.credentials.token {
        let sent = raw
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-security-token"))
            || raw.query.contains("X-Amz-Security-Token=");
        if sent {
            assert_eq!(
                parsed.security_token(),
                Some(token.as_str()),
                "{}",
                dir.display()
            );
        }
    }
    Ok(())
}

#[test]
fn aws_sigv4_test_suite() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in cases() {
        let ctx: Context = serde_json::from_str(&read(&dir, "context.json")).unwrap();
        for kind in ["header", "query"] {
            ran += 1;
            if let Err(e) = check(&dir, &ctx, kind) {
                failures.push(format!(
                    "{} ({kind}): {e}",
                    dir.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(ran >= 70, "only {ran} cases found");
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
