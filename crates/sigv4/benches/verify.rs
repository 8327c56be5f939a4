//! Verifying a typical IAM request: a `GetUser` POST signed in headers by the SDK's
//! signer, with the signing key cached as the server caches it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sigv4::{
    parse_request, verify, Expectations, Payload, Request, SigningKey, SigningKeyCache, Timestamp,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn signed_get_user() -> (Vec<(String, String)>, Vec<u8>, SystemTime) {
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let body = b"Action=GetUser&UserName=jane-dev&Version=2010-05-08".to_vec();
    let mut headers = vec![
        ("host".to_owned(), "127.0.0.1:8181".to_owned()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
        ("content-length".to_owned(), body.len().to_string()),
        (
            "user-agent".to_owned(),
            "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 command/iam.get-user".to_owned(),
        ),
    ];
    let identity: Identity =
        Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None, "bench").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("iam")
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        "http://127.0.0.1:8181/",
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(&body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let added: Vec<(String, String)> = instructions
        .headers()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    headers.extend(added);
    (headers, body, at)
}

fn bench(c: &mut Criterion) {
    let (headers, body, at) = signed_get_user();
    let headers: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    let req = Request {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
    };
    let expect = Expectations::for_service("iam");
    let now = Timestamp::from_system_time(at + Duration::from_secs(30));
    let cache = SigningKeyCache::new(10_000);

    // Sanity: the request verifies.
    let parsed = parse_request(&req, &expect, now).unwrap();
    let key = cache.get_or_derive(parsed.credential(), parsed.scope(), SECRET.as_bytes());
    verify(&parsed, &key, Payload::Bytes(&body)).unwrap();

    c.bench_function("parse+verify GetUser POST (cached key)", |b| {
        b.iter(|| {
            let parsed = parse_request(black_box(&req), &expect, now).unwrap();
            let key = cache.get_or_derive(parsed.credential(), parsed.scope(), SECRET.as_bytes());
            verify(&parsed, &key, Payload::Bytes(black_box(&body))).unwrap();
        })
    });
    c.bench_function("parse only", |b| {
        b.iter(|| parse_request(black_box(&req), &expect, now).unwrap())
    });
    c.bench_function("verify only (cached key)", |b| {
        b.iter(|| verify(black_box(&parsed), &key, Payload::Bytes(black_box(&body))).unwrap())
    });
    c.bench_function("derive signing key", |b| {
        b.iter(|| SigningKey::derive(black_box(SECRET.as_bytes()), parsed.scope()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
