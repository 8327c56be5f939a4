//! Arbitrary bytes decode to parameters or an error, and validation of whatever
//! decodes answers without panicking.

use awsquery::{validate, Params, Service};
use proptest::prelude::*;

/// Inputs shaped like awsQuery forms, so that decoding usually succeeds and validation
/// walks deep.
fn form() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("UserName".to_owned()),
        Just("Tags.member.1.Key".to_owned()),
        Just("Tags.member.2.Value".to_owned()),
        Just("Tags.member.999999999999.Key".to_owned()),
        Just("ContextEntries.member.1.ContextKeyValues.member.1".to_owned()),
        Just("ContextEntries.member.1.ContextKeyType".to_owned()),
        Just("MaxItems".to_owned()),
        Just("Path".to_owned()),
        Just("PolicyDocument".to_owned()),
        "[A-Za-z.0-9]{0,20}",
    ];
    let value = prop_oneof![
        "[ -~]{0,20}",
        any::<String>(),
        Just("%".to_owned()),
        Just("%FF".to_owned())
    ];
    proptest::collection::vec((name, value), 0..12).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

const OPERATIONS: &[(Service, &str)] = &[
    (Service::Iam, "CreateUser"),
    (Service::Iam, "TagUser"),
    (Service::Iam, "SimulateCustomPolicy"),
    (Service::Iam, "ListUsers"),
    (Service::Iam, "PutUserPolicy"),
    (Service::Sts, "AssumeRole"),
    (Service::Iam, "NoSuchOperation"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(p) = Params::parse(&bytes) {
            for (svc, op) in OPERATIONS {
                let _ = validate(*svc, op, &p);
            }
        }
    }

    #[test]
    fn arbitrary_forms_never_panic(body in form()) {
        if let Ok(p) = Params::parse(body.as_bytes()) {
            let _ = p.members("Tags");
            let _ = p.map("Tags");
            for (svc, op) in OPERATIONS {
                if let Err(e) = validate(*svc, op, &p) {
                    prop_assert!(e.message().contains("validation error"));
                }
            }
        }
    }
}
