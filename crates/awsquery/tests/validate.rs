//! Request validation against the botocore-derived shapes, case by case from
//! tests/fixtures/validate.json, with AWS's `ValidationError` wording.

use awsquery::model::ServiceModel;
use awsquery::{is_operation, validate, Params, Service};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    #[serde(default)]
    service: Option<String>,
    operation: String,
    body: String,
    message: Option<String>,
}

fn service(name: Option<&str>) -> Service {
    match name {
        None | Some("iam") => Service::Iam,
        Some("sts") => Service::Sts,
        Some(other) => panic!("unknown service {other}"),
    }
}

#[test]
fn validation_cases() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("fixtures/validate.json")).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let svc = service(case.service.as_deref());
        assert!(is_operation(svc, &case.operation), "{}", case.operation);
        let params = Params::parse(case.body.as_bytes()).unwrap();
        let got = validate(svc, &case.operation, &params)
            .err()
            .map(|e| e.message());
        if got != case.message {
            failures.push(format!(
                "{} {}\n  got:  {got:?}\n  want: {:?}",
                case.operation, case.body, case.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn validation_error_is_a_400_sender_fault() {
    let params = Params::parse(b"").unwrap();
    let err = validate(Service::Iam, "CreateUser", &params).unwrap_err();
    let q = err.to_query_error();
    assert_eq!((q.code.as_str(), q.http_status), ("ValidationError", 400));
}

#[test]
fn operations_are_known_case_sensitively() {
    assert!(is_operation(Service::Iam, "GetUser"));
    assert!(!is_operation(Service::Iam, "getuser"));
    assert!(!is_operation(Service::Iam, "AssumeRole"));
    assert!(is_operation(Service::Sts, "AssumeRole"));
    assert!(!is_operation(Service::Common, "GetUser"));
    let iam = ServiceModel::of(Service::Iam).unwrap();
    assert!(iam.operations.len() >= 170);
}

#[test]
fn every_pattern_compiles_but_lookarounds() {
    for svc in [Service::Iam, Service::Sts] {
        let model = ServiceModel::of(svc).unwrap();
        for (i, p) in model.patterns.iter().enumerate() {
            let uses_lookaround =
                p.aws.contains("(?!") || p.aws.contains("(?=") || p.aws.contains("(?<");
            assert_eq!(
                model.regex(i).is_some(),
                !uses_lookaround,
                "{:?} {} -> {}",
                svc,
                p.aws,
                p.regex
            );
        }
    }
}
