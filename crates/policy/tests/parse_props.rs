//! Properties of the parser and printer: no input makes them panic, and printing a
//! policy then parsing it gives the same policy back.
use policy::ast::{
    ActionBlock, Condition, ConditionValue, Effect, Operator, Policy, PrincipalBlock,
    PrincipalSpec, PrincipalType, ResourceBlock, SetQualifier, Span, Spanned, Statement,
    StringList, Version,
};
use policy::parse::{operator_text, parse_policy, parse_policy_bytes, OPERATOR_NAMES};
use policy::print::{print_policy, same_modulo_spans};
use policy::validate::{validate_policy, validate_policy_bytes, PolicyKind};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::PermissionsBoundary,
    PolicyKind::Session,
    PolicyKind::Scp,
    PolicyKind::Rcp,
];

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

/// Any text, weighted towards what policies contain (quotes, escapes, control
/// characters, non-ASCII).
fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9:*?/${}._ -]{0,12}", "\\PC{0,8}", any::<String>(),]
}

fn string_list() -> impl Strategy<Value = StringList> {
    prop_oneof![
        text().prop_map(|s| StringList {
            items: vec![spanned(s)],
            is_array: false,
            span: Span::default(),
        }),
        vec(text(), 0..4).prop_map(|items| StringList {
            items: items.into_iter().map(spanned).collect(),
            is_array: true,
            span: Span::default(),
        }),
    ]
}

fn principal() -> impl Strategy<Value = PrincipalBlock> {
    let types = [
        PrincipalType::Aws,
        PrincipalType::Service,
        PrincipalType::Federated,
        PrincipalType::CanonicalUser,
    ];
    let map = proptest::sample::subsequence(types.to_vec(), 0..=4)
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            (Just(kinds), vec(string_list(), n))
        })
        .prop_map(|(kinds, lists)| {
            PrincipalSpec::Map(kinds.into_iter().map(spanned).zip(lists).collect())
        });
    let spec = prop_oneof![Just(PrincipalSpec::Any(Span::default())), map];
    (any::<bool>(), spec).prop_map(|(negated, spec)| PrincipalBlock {
        negated,
        spec,
        span: Span::default(),
    })
}

fn value() -> impl Strategy<Value = ConditionValue> {
    prop_oneof![
        text().prop_map(ConditionValue::String),
        any::<i64>().prop_map(|n| ConditionValue::Number(n.to_string())),
        "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
            .prop_map(ConditionValue::Number),
        any::<bool>().prop_map(ConditionValue::Bool),
    ]
}

fn operator() -> impl Strategy<Value = Operator> {
    let qualifier = prop_oneof![
        Just(None),
        Just(Some(SetQualifier::ForAllValues)),
        Just(Some(SetQualifier::ForAnyValue)),
    ];
    (0..OPERATOR_NAMES.len(), qualifier, any::<bool>()).prop_map(|(i, qualifier, if_exists)| {
        Operator {
            qualifier,
            op: OPERATOR_NAMES[i].1,
            if_exists,
        }
    })
}

/// Conditions as the parser produces them: distinct operators, each with distinct
/// keys, triples of one operator adjacent.
fn conditions() -> impl Strategy<Value = Vec<Condition>> {
    vec(
        (
            operator(),
            proptest::collection::btree_set(text(), 1..3),
            vec((vec(value(), 0..3), any::<bool>()), 3),
        ),
        0..4,
    )
    .prop_map(|groups| {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (op, keys, values) in groups {
            let op_text = operator_text(&op);
            if seen.contains(&op_text) {
                continue;
            }
            seen.push(op_text.clone());
            for (key, (vals, as_array)) in keys.into_iter().zip(values) {
                let single = vals.len() == 1 && !as_array;
                out.push(Condition {
                    operator: spanned(op),
                    operator_text: op_text.clone(),
                    key: spanned(key),
                    values: vals.into_iter().map(spanned).collect(),
                    values_is_array: !single,
                });
            }
        }
        out
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        option::of(text()),
        any::<bool>(),
        option::of(principal()),
        option::of((any::<bool>(), string_list())),
        option::of((any::<bool>(), string_list())),
        conditions(),
    )
        .prop_map(
            |(sid, allow, principal, action, resource, conditions)| Statement {
                index: 0,
                sid: sid.map(spanned),
                effect: spanned(if allow { Effect::Allow } else { Effect::Deny }),
                principal,
                action: action.map(|(negated, list)| ActionBlock { negated, list }),
                resource: resource.map(|(negated, list)| ResourceBlock { negated, list }),
                conditions,
                span: Span::default(),
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    let version = prop_oneof![
        Just(None),
        Just(Some(Version::V2012_10_17)),
        Just(Some(Version::V2008_10_17)),
    ];
    (
        version,
        option::of(text()),
        vec(statement(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(version, id, mut statements, as_array)| {
            let statement_is_array = as_array || statements.len() > 1;
            for (i, st) in statements.iter_mut().enumerate() {
                st.index = i;
            }
            Policy {
                version: version.map(spanned),
                id: id.map(spanned),
                statements,
                statement_is_array,
                span: Span::default(),
            }
        })
}

const SAMPLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "A1",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
    "Action": ["s3:GetObject", "s3:List*"],
    "Resource": "arn:aws:s3:::b/${aws:username}/*",
    "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 1, true]}}
  }]
}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_the_identity(p in policy()) {
        let printed = print_policy(&p);
        let reparsed = parse_policy(&printed)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert!(same_modulo_spans(&p, &reparsed), "{}", printed);
        // And printing is stable.
        prop_assert_eq!(print_policy(&reparsed), printed);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse_policy(&s);
        for kind in KINDS {
            let _ = validate_policy(&s, kind);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in vec(any::<u8>(), 0..256)) {
        let _ = parse_policy_bytes(&b);
        let _ = validate_policy_bytes(&b, PolicyKind::Resource);
    }

    /// Damage a real policy at one place: whatever comes out, no panic, and an
    /// error points inside the text.
    #[test]
    fn damaged_policies_never_panic(at in 0..SAMPLE.len(), cut in 0..8usize, insert in "\\PC{0,3}|[\\[\\]{}\",:\\\\]") {
        let mut text = String::new();
        let at = (0..=at).rev().find(|&i| SAMPLE.is_char_boundary(i)).unwrap_or(0);
        let end = (at + cut..=SAMPLE.len()).find(|&i| SAMPLE.is_char_boundary(i)).unwrap_or(SAMPLE.len());
        text.push_str(&SAMPLE[..at]);
        text.push_str(&insert);
        text.push_str(&SAMPLE[end..]);
        if let Err(e) = parse_policy(&text) {
            prop_assert!(e.span.start.offset as usize <= text.len());
            prop_assert!(e.span.start.line >= 1 && e.span.start.column >= 1);
        }
        for kind in KINDS {
            let _ = validate_policy(&text, kind);
        }
    }
}
