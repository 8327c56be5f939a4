//! Properties of `validate_policy` over generated documents: no input makes it panic,
//! every location lies inside the document with its start before its end, line and
//! column agree with the offset, and every finding is a check of the catalogue with
//! its own finding type and learn-more link.
use findings::{catalogue, validate_policy, Options, PolicyType, Position};
use proptest::collection::vec;
use proptest::prelude::*;

const TYPES: [(PolicyType, Option<&str>); 6] = [
    (PolicyType::IdentityPolicy, None),
    (PolicyType::ResourcePolicy, None),
    (
        PolicyType::ResourcePolicy,
        Some("AWS::IAM::AssumeRolePolicyDocument"),
    ),
    (PolicyType::ResourcePolicy, Some("AWS::S3::Bucket")),
    (PolicyType::ServiceControlPolicy, None),
    (PolicyType::ResourceControlPolicy, None),
];

/// Strings of the kinds policies hold, and some that they should not.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just("s3:GetObject".to_string()),
        Just("iam:PassRole".to_string()),
        Just("arn:aws:s3:::bucket/*".to_string()),
        Just("arn:aws:iam::111122223333:role/r".to_string()),
        Just("arn:aws:sqs:us-east-1:111122223333:q".to_string()),
        Just("${aws:username}".to_string()),
        Just("10.0.0.1/8".to_string()),
        "[a-zA-Z0-9:*?/${}._ -]{0,16}",
        "\\PC{0,6}",
    ]
}

/// A JSON value rendered as text, built from policy-like pieces.
fn json(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        text().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just("true".to_string()),
        Just("17".to_string()),
        Just("null".to_string()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let key = prop_oneof![
        Just("Version"),
        Just("Statement"),
        Just("Sid"),
        Just("Effect"),
        Just("Action"),
        Just("NotAction"),
        Just("Resource"),
        Just("NotResource"),
        Just("Principal"),
        Just("NotPrincipal"),
        Just("Condition"),
        Just("AWS"),
        Just("Service"),
        Just("Federated"),
        Just("StringEquals"),
        Just("ForAllValues:StringLike"),
        Just("NumericLessThan"),
        Just("IpAddress"),
        Just("NullIfExists"),
        Just("aws:SourceIp"),
        Just("aws:ResourceTag/team"),
        Just("aws:TagKeys"),
        Just("Allow"),
        Just("Deny"),
    ];
    prop_oneof![
        leaf,
        vec(json(depth - 1), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
        vec((key, json(depth - 1)), 0..5).prop_map(|members| {
            let body: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect();
            format!("{{\n  {}\n}}", body.join(",\n  "))
        }),
    ]
    .boxed()
}

/// Documents with the policy's shape, with anything in its elements.
fn document() -> impl Strategy<Value = String> {
    let statement = vec(
        (
            prop_oneof![
                Just("Sid"),
                Just("Effect"),
                Just("Action"),
                Just("NotAction"),
                Just("Resource"),
                Just("NotResource"),
                Just("Principal"),
                Just("NotPrincipal"),
                Just("Condition"),
            ],
            json(3),
        ),
        0..6,
    )
    .prop_map(|members| {
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", body.join(", "))
    });
    (
        prop_oneof![Just("\"2012-10-17\""), Just("\"2008-10-17\""), Just("5")],
        vec(statement, 0..4),
    )
        .prop_map(|(version, statements)| {
            format!(
                "{{\"Version\": {version},\n \"Statement\": [\n  {}\n ]}}",
                statements.join(",\n  ")
            )
        })
}

/// The position of a character offset, as AWS counts: line from 1, column from 0.
fn position_at(text: &str, offset: u32) -> Position {
    let mut line = 1;
    let mut column = 0;
    for c in text.chars().take(offset as usize) {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
    }
    Position {
        line,
        column,
        offset,
    }
}

fn check(text: &str) {
    let chars = text.chars().count() as u32;
    for (policy_type, resource_type) in TYPES {
        let options = Options {
            policy_type,
            validate_resource_type: resource_type,
        };
        for finding in validate_policy(text, &options) {
            let check = catalogue::by_code(&finding.issue_code)
                .unwrap_or_else(|| panic!("{} is not in the catalogue", finding.issue_code));
            assert_eq!(finding.finding_type, check.finding_type);
            assert_eq!(finding.learn_more_link, check.learn_more_link());
            assert!(!finding.finding_details.is_empty());
            assert!(!finding.locations.is_empty(), "{}", finding.issue_code);
            for location in &finding.locations {
                let span = location.span;
                assert!(span.start.offset <= span.end.offset, "{finding:?}");
                assert!(span.end.offset <= chars, "{finding:?}");
                assert_eq!(
                    span.start,
                    position_at(text, span.start.offset),
                    "{finding:?}"
                );
                assert_eq!(span.end, position_at(text, span.end.offset), "{finding:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn policy_shaped_documents(text in document()) {
        check(&text);
    }

    #[test]
    fn arbitrary_json(text in json(4)) {
        check(&text);
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,64}") {
        check(&text);
    }
}
