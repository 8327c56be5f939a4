//! Requests signed by the AWS SDK's own signer (`aws-sigv4`) verify, in headers and in
//! presigned query strings, across random methods, paths, queries, headers and bodies;
//! and any change to what was signed makes them fail.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use proptest::prelude::*;
use sigv4::{
    encode, parse_request, verify, AuthError, AuthKind, Expectations, Payload, Request, SigningKey,
    Timestamp,
};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A request as it travels: method, encoded path and query, headers, body.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn headers(&self) -> Vec<(&str, &[u8])> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect()
    }

    fn verify_with(
        &self,
        expect: &Expectations,
        now: SystemTime,
        secret: &str,
    ) -> Result<sigv4::ParsedAuth, AuthError> {
        let headers = self.headers();
        let req = Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
        };
        let parsed = parse_request(&req, expect, Timestamp::from_system_time(now))?;
        let key = SigningKey::derive(secret.as_bytes(), parsed.scope());
        verify(&parsed, &key, Payload::Bytes(&self.body))?;
        Ok(parsed)
    }
}

fn encode_query(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                encode::encode(k.as_bytes(), false),
                encode::encode(v.as_bytes(), false)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs `wire` with the SDK's signer and returns it as sent.
fn sdk_sign(
    mut wire: Wire,
    location: SignatureLocation,
    region: &str,
    service: &str,
    at: SystemTime,
    token: Option<&str>,
) -> Wire {
    let identity: Identity =
        Credentials::new(AKID, SECRET, token.map(str::to_owned), None, "test").into();
    let mut settings = SigningSettings::default();
    settings.signature_location = location;
    if location == SignatureLocation::QueryParams {
        settings.expires_in = Some(Duration::from_secs(900));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(at)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let uri = if wire.query.is_empty() {
        format!("https://iam.amazonaws.com{}", wire.path)
    } else {
        format!("https://iam.amazonaws.com{}?{}", wire.path, wire.query)
    };
    let signable = SignableRequest::new(
        &wire.method,
        uri,
        wire.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(&wire.body),
    )
    .unwrap();
    let (headers, query): (Vec<_>, Vec<(&str, Cow<'static, str>)>) =
        sign(signable, &params).unwrap().into_parts().0.into_parts();
    let added: Vec<(String, String)> = headers
        .iter()
        .map(|h| (h.name().to_owned(), h.value().to_owned()))
        .collect();
    wire.headers.extend(added);
    if !query.is_empty() {
        let extra = encode_query(
            &query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        );
        wire.query = if wire.query.is_empty() {
            extra
        } else {
            format!("{}&{extra}", wire.query)
        };
    }
    wire
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn iam_post(body: &str) -> Wire {
    Wire {
        method: "POST".into(),
        path: "/".into(),
        query: String::new(),
        headers: vec![
            ("host".into(), "iam.amazonaws.com".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            ),
        ],
        body: body.as_bytes().to_vec(),
    }
}

const T0: u64 = 1_700_000_000;

#[test]
fn sdk_signed_iam_post_verifies() {
    let wire = sdk_sign(
        iam_post("Action=GetUser&Version=2010-05-08"),
        SignatureLocation::Headers,
        "us-east-1",
        "iam",
        at(T0),
        None,
    );
    let parsed = wire
        .verify_with(&Expectations::for_service("iam"), at(T0 + 60), SECRET)
        .unwrap();
    assert_eq!(parsed.access_key_id(), AKID);
    assert_eq!(parsed.scope().service(), "iam");
    assert_eq!(parsed.kind(), AuthKind::Header);
    assert_eq!(parsed.security_token(), None);
}

#[test]
fn session_token_is_returned() {
    let wire = sdk_sign(
        iam_post("Action=GetUser"),
        SignatureLocation::Headers,
        "eu-west-3",
        "sts",
        at(T0),
        Some("FwoGZXIvYXdzEXAMPLE"),
    );
    let parsed = wire
        .verify_with(&Expectations::for_service("sts"), at(T0), SECRET)
        .unwrap();
    assert_eq!(parsed.security_token(), Some("FwoGZXIvYXdzEXAMPLE"));
    assert_eq!(parsed.scope().region(), "eu-west-3");
}

#[test]
fn presigned_get_verifies_until_it_expires() {
    let get = Wire {
        method: "GET".into(),
        path: "/".into(),
        query: "Action=ListUsers&Version=2010-05-08".into(),
        headers: vec![("host".into(), "iam.amazonaws.com".into())],
        body: Vec::new(),
    };
    let wire = sdk_sign(
        get,
        SignatureLocation::QueryParams,
        "us-east-1",
        "iam",
        at(T0),
        Some("token/with+chars="),
    );
    let expect = Expectations::for_service("iam");
    let parsed = wire.verify_with(&expect, at(T0 + 899), SECRET).unwrap();
    assert_eq!(parsed.kind(), AuthKind::Presigned);
    assert_eq!(parsed.expires_secs(), Some(900));
    assert_eq!(parsed.security_token(), Some("token/with+chars="));
    assert_eq!(
        wire.verify_with(&expect, at(T0 + 901), SECRET).unwrap_err(),
        AuthError::RequestExpired
    );
}

// --- negative cases -----------------------------------------------------------------

fn signed_post() -> Wire {
    sdk_sign(
        iam_post("Action=CreateUser&UserName=jane&Version=2010-05-08"),
        SignatureLocation::Headers,
        "us-east-1",
        "iam",
        at(T0),
        None,
    )
}

fn code_of(r: Result<sigv4::ParsedAuth, AuthError>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn tampered_body_fails() {
    let mut w = signed_post();
    w.body = b"Action=CreateUser&UserName=mallory&Version=2010-05-08".to_vec();
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(e, AuthError::SignatureDoesNotMatch(None));
    assert_eq!(e.http_status(), 403);
    assert_eq!(e.message(), sigv4::SIGNATURE_MISMATCH_MESSAGE);
}

#[test]
fn tampered_signed_header_fails() {
    let mut w = signed_post();
    for (n, v) in &mut w.headers {
        if n == "content-type" {
            *v = "text/plain".into();
        }
    }
    assert_eq!(
        code_of(w.verify_with(&Expectations::for_service("iam"), at(T0), SECRET)),
        "SignatureDoesNotMatch"
    );
}

#[test]
fn tampered_path_and_query_fail() {
    let mut w = signed_post();
    w.path = "/other".into();
    assert_eq!(
        code_of(w.verify_with(&Expectations::for_service("iam"), at(T0), SECRET)),
        "SignatureDoesNotMatch"
    );
    let mut w = signed_post();
    w.query = "Action=DeleteUser".into();
    assert_eq!(
        code_of(w.verify_with(&Expectations::for_service("iam"), at(T0), SECRET)),
        "SignatureDoesNotMatch"
    );
}

#[test]
fn unsigned_header_may_change() {
    let mut w = signed_post();
    w.headers.push(("user-agent".into(), "anything".into()));
    assert!(w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .is_ok());
}

#[test]
fn wrong_secret_fails() {
    let w = signed_post();
    assert_eq!(
        code_of(w.verify_with(&Expectations::for_service("iam"), at(T0), "wrong")),
        "SignatureDoesNotMatch"
    );
}

#[test]
fn skew_is_fifteen_minutes_either_way() {
    let w = signed_post();
    let expect = Expectations::for_service("iam");
    assert!(w.verify_with(&expect, at(T0 + 900), SECRET).is_ok());
    assert!(w.verify_with(&expect, at(T0 - 900), SECRET).is_ok());
    let late = w.verify_with(&expect, at(T0 + 901), SECRET).unwrap_err();
    assert_eq!(late.code(), "SignatureDoesNotMatch");
    assert_eq!(
        late.message(),
        "Signature expired: 20231114T221320Z is now earlier than 20231114T221321Z (20231114T222821Z - 15 min.)"
    );
    let early = w.verify_with(&expect, at(T0 - 901), SECRET).unwrap_err();
    assert_eq!(
        early.message(),
        "Signature not yet current: 20231114T221320Z is still later than 20231114T221319Z (20231114T215819Z + 15 min.)"
    );
}

#[test]
fn wrong_service_is_refused() {
    let w = sdk_sign(
        iam_post("Action=GetUser"),
        SignatureLocation::Headers,
        "us-east-1",
        "sts",
        at(T0),
        None,
    );
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(e.code(), "SignatureDoesNotMatch");
    assert_eq!(
        e.message(),
        "Credential should be scoped to correct service: 'iam'. "
    );
}

fn with_authorization(value: &str) -> Wire {
    let mut w = signed_post();
    for (n, v) in &mut w.headers {
        if n.eq_ignore_ascii_case("authorization") {
            *v = value.to_owned();
        }
    }
    w
}

#[test]
fn missing_authentication() {
    let w = iam_post("Action=GetUser");
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(e, AuthError::MissingAuthenticationToken);
    assert_eq!(e.http_status(), 403);
    assert_eq!(e.message(), "Request is missing Authentication Token");
}

#[test]
fn incomplete_authorization_headers() {
    let cases = [
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/iam/aws4_request",
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/iam/aws4_request",
        ),
        (
            "Bearer abc",
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/iam/aws4_request, SignedHeaders=host, Signature",
            "'Signature' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/iam/aws4_request, SignedHeaders=host, Signature'.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20231114/iam/aws4_request, SignedHeaders=host, Signature=00",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20231114/iam/aws4_request'",
        ),
    ];
    for (header, message) in cases {
        let e = with_authorization(header)
            .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
            .unwrap_err();
        assert_eq!(e.code(), "IncompleteSignature", "{header}");
        assert_eq!(e.http_status(), 400);
        assert_eq!(e.message(), message, "{header}");
    }
}

#[test]
fn missing_date_is_incomplete() {
    let mut w = signed_post();
    w.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("x-amz-date"));
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(e.code(), "IncompleteSignature");
    assert!(e.message().starts_with("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "), "{}", e.message());
}

#[test]
fn scope_date_must_match_request_date() {
    let w = signed_post();
    let auth = w
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .unwrap()
        .1
        .clone();
    let w = with_authorization(&auth.replace("/20231114/", "/20231115/"));
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231115' != '20231114', from '20231114T221320Z'."
    );
}

#[test]
fn presigned_limits() {
    let mut w = Wire {
        method: "GET".into(),
        path: "/".into(),
        query: "Action=GetUser&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20231114%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00".into(),
        headers: vec![("host".into(), "iam.amazonaws.com".into())],
        body: Vec::new(),
    };
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(e.code(), "IncompleteSignature");
    assert_eq!(
        e.message(),
        "X-Amz-Expires must be less than a week (in seconds) that is 604800"
    );
    w.query = "Action=GetUser&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20231114T221320Z".into();
    let e = w
        .verify_with(&Expectations::for_service("iam"), at(T0), SECRET)
        .unwrap_err();
    assert_eq!(
        e.message(),
        "AWS query-string parameters must include 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
    );
}

// --- random requests ----------------------------------------------------------------

fn token() -> impl Strategy<Value = String> {
    // Printable ASCII and some non-ASCII, including characters that need encoding.
    proptest::string::string_regex("[a-zA-Z0-9 ._~!*'()/+=&:@$,;%-]{0,12}|[é日本ሴ ]{1,4}").unwrap()
}

fn random_wire() -> impl Strategy<Value = Wire> {
    (
        prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")],
        proptest::collection::vec(
            proptest::string::string_regex("[a-zA-Z0-9._~-]{1,8}|\\.|\\.\\.").unwrap(),
            0..4,
        ),
        proptest::collection::vec((token(), token()), 0..5),
        proptest::collection::vec(
            (
                proptest::string::string_regex("x-test-[a-z]{1,6}").unwrap(),
                proptest::string::string_regex("[ -~]{0,20}").unwrap(),
            ),
            0..3,
        ),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(method, segments, query, extra, body)| {
            let path = format!("/{}", segments.join("/"));
            let mut headers = vec![("host".to_owned(), "iam.amazonaws.com".to_owned())];
            let mut seen = std::collections::HashSet::new();
            for (n, v) in extra {
                if seen.insert(n.clone()) {
                    headers.push((n, v));
                }
            }
            Wire {
                method: method.to_owned(),
                path,
                query: encode_query(
                    &query
                        .into_iter()
                        .filter(|(k, _)| !k.is_empty())
                        .collect::<Vec<_>>(),
                ),
                headers,
                body,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_sdk_signed_requests_verify(
        wire in random_wire(),
        presigned in any::<bool>(),
        region in prop_oneof![Just("us-east-1"), Just("eu-central-1"), Just("ap-southeast-2"), Just("cn-north-1")],
        token in proptest::option::of("[A-Za-z0-9/+=]{1,40}"),
        offset in 0u64..86_400 * 365,
    ) {
        let t = at(T0 + offset);
        let location = if presigned { SignatureLocation::QueryParams } else { SignatureLocation::Headers };
        let signed = sdk_sign(wire, location, region, "iam", t, token.as_deref());
        let expect = Expectations::for_service("iam");
        let parsed = signed.verify_with(&expect, t, SECRET);
        prop_assert!(parsed.is_ok(), "{:?}\n{:?}", parsed.err(), signed);
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.security_token(), token.as_deref());
        prop_assert_eq!(parsed.scope().region(), region);

        // Any change to the body breaks it.
        let mut tampered = signed.clone();
        tampered.body.push(b'x');
        prop_assert_eq!(tampered.verify_with(&expect, t, SECRET).unwrap_err().code(), "SignatureDoesNotMatch");
    }
}
