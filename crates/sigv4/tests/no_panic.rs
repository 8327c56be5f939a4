//! Whatever arrives, parsing and verification answer with a result and never panic.

use proptest::prelude::*;
use sigv4::{parse_request, verify, Expectations, Payload, Request, SigningKey, Timestamp};

fn run(method: &str, path: &str, query: &str, headers: &[(&str, &[u8])], body: &[u8]) {
    let req = Request {
        method,
        path,
        query,
        headers,
    };
    let now = Timestamp::from_unix(1_440_938_160);
    for expect in [Expectations::for_service("service"), {
        let mut e = Expectations::for_service("service");
        e.path_encoding = sigv4::PathEncoding::Single;
        e.allow_unsigned_payload = true;
        e.allow_unsigned_query_token = true;
        e
    }] {
        if let Ok(parsed) = parse_request(&req, &expect, now) {
            let key = SigningKey::derive(b"secret", parsed.scope());
            let _ = verify(&parsed, &key, Payload::Bytes(body));
            let _ = verify(&parsed, &key, Payload::Sha256Hex("zz"));
        }
    }
}

/// Authorization values built from the pieces a real one has, so that the parser gets
/// far as well as failing early.
fn authorization() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("AWS4-HMAC-SHA256".to_owned()),
        Just(" ".to_owned()),
        Just(",".to_owned()),
        Just("=".to_owned()),
        Just("/".to_owned()),
        Just("Credential=".to_owned()),
        Just("SignedHeaders=".to_owned()),
        Just("Signature=".to_owned()),
        Just("AKID/20150830/us-east-1/service/aws4_request".to_owned()),
        Just("host;x-amz-date".to_owned()),
        Just("20150830".to_owned()),
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_authorization_headers_never_panic(auth in authorization(), date in prop_oneof![Just("20150830T123600Z".to_owned()), any::<String>()]) {
        let headers: Vec<(&str, &[u8])> = vec![
            ("host", b"example.amazonaws.com"),
            ("x-amz-date", date.as_bytes()),
            ("authorization", auth.as_bytes()),
        ];
        run("POST", "/", "", &headers, b"Action=GetUser");
    }

    #[test]
    fn arbitrary_header_bytes_never_panic(
        auth in proptest::collection::vec(any::<u8>(), 0..200),
        other in proptest::collection::vec(any::<u8>(), 0..64),
        name in "[ -~]{0,12}",
    ) {
        let headers: Vec<(&str, &[u8])> = vec![
            ("x-amz-date", b"20150830T123600Z"),
            ("authorization", &auth),
            (name.as_str(), &other),
            ("date", &other),
        ];
        run("GET", "/", "", &headers, b"");
    }

    #[test]
    fn arbitrary_paths_and_queries_never_panic(
        path in any::<String>(),
        query in "([A-Za-z%=&+.-]|X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature|Security-Token)=|AWS4-HMAC-SHA256|%2F|[0-9]){0,40}",
        method in any::<String>(),
    ) {
        let headers: Vec<(&str, &[u8])> = vec![
            ("host", b"example.amazonaws.com"),
            ("authorization", b"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"),
            ("x-amz-date", b"20150830T123600Z"),
        ];
        run(&method, &path, &query, &headers, b"");
        run(&method, &path, &query, &headers[..1], b"");
    }
}
