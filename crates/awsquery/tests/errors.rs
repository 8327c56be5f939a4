//! The error table: codes from botocore's IAM and STS models and the shared ones.

use awsquery::errors::{all, lookup};
use awsquery::{Fault, QueryError, IAM_NAMESPACE};

#[test]
fn model_errors_have_awss_statuses() {
    let cases = [
        ("NoSuchEntity", 404, Fault::Sender),
        ("EntityAlreadyExists", 409, Fault::Sender),
        ("LimitExceeded", 409, Fault::Sender),
        ("DeleteConflict", 409, Fault::Sender),
        ("MalformedPolicyDocument", 400, Fault::Sender),
        ("InvalidInput", 400, Fault::Sender),
        ("ServiceFailure", 500, Fault::Receiver),
        ("UnmodifiableEntity", 400, Fault::Sender),
        ("ConcurrentModification", 409, Fault::Sender),
        ("ReportInProgress", 404, Fault::Sender),
        ("PolicyEvaluation", 500, Fault::Receiver),
        ("PackedPolicyTooLarge", 400, Fault::Sender),
        ("RegionDisabledException", 403, Fault::Sender),
        ("IDPRejectedClaim", 403, Fault::Sender),
        ("ExpiredTokenException", 400, Fault::Sender),
    ];
    for (code, status, fault) in cases {
        let e = lookup(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!((e.http_status, e.fault), (status, fault), "{code}");
    }
}

#[test]
fn common_errors_have_awss_statuses() {
    let cases = [
        ("AccessDenied", 403),
        ("InvalidAction", 400),
        ("ValidationError", 400),
        ("MissingAction", 400),
        ("InvalidClientTokenId", 403),
        ("SignatureDoesNotMatch", 403),
        ("IncompleteSignature", 400),
        ("MissingAuthenticationToken", 403),
        ("ExpiredToken", 403),
        ("RequestExpired", 400),
        ("Throttling", 400),
        ("InternalFailure", 500),
        ("OptInRequired", 403),
        ("ServiceUnavailable", 503),
    ];
    for (code, status) in cases {
        let e = lookup(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(e.http_status, status, "{code}");
        assert_eq!(e.fault == Fault::Receiver, status >= 500, "{code}");
    }
}

#[test]
fn table_is_consistent() {
    let mut codes: Vec<&str> = all().map(|e| e.code).collect();
    let n = codes.len();
    assert!(n > 50, "{n}");
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n, "a code appears twice");
    for e in all() {
        assert_eq!(
            e.fault == Fault::Receiver,
            e.http_status >= 500,
            "{}",
            e.code
        );
    }
}

#[test]
fn unknown_codes_are_sender_400() {
    assert!(lookup("NoSuchThing").is_none());
    let e = QueryError::new("NoSuchThing", "m");
    assert_eq!((e.http_status, e.fault), (400, Fault::Sender));
}

#[test]
fn query_error_renders_error_response() {
    let e = QueryError::new("NoSuchEntity", "The user with name jane cannot be found.");
    assert_eq!(e.http_status, 404);
    assert_eq!(
        e.to_xml(IAM_NAMESPACE, "req-1"),
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name jane cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
    );
}
