//! Property tests of `CheckNoNewAccess` on small alphabets:
//!
//! - every FAIL witness is allowed by the new policy and not by the existing one, as the
//!   engine evaluates it;
//! - PASS/FAIL agrees with exhaustive enumeration of every request over a universe that
//!   holds a member of every class the generated patterns can tell apart (actions,
//!   resources and values of one condition key, over two or three letters).
use analyzer::{check_no_new_access, AccessCheckPolicyType, CheckResult, Witness};
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTIONS: [&str; 8] = [
    "s3:a", "s3:b", "s3:a*", "s3:*", "s3:?", "*", "s3:*b", "s3:ab",
];
const RESOURCES: [&str; 7] = [
    "arn:aws:s3:::x",
    "arn:aws:s3:::x*",
    "arn:aws:s3:::*y",
    "arn:aws:s3:::?",
    "*",
    "arn:aws:s3:::xy",
    "arn:aws:*:*:*:*",
];
const OPERATORS: [&str; 8] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIfExists",
    "StringNotLikeIfExists",
    "ForAnyValue:StringLike",
    "Null",
];
const VALUES: [&str; 4] = ["a", "b", "a*", "*b"];
const KEY: &str = "test:k";

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.75),
        prop::sample::subsequence(ACTIONS.to_vec(), 1..3),
        prop::bool::weighted(0.15),
        prop::sample::subsequence(RESOURCES.to_vec(), 1..3),
        prop::bool::weighted(0.15),
        prop::option::weighted(
            0.5,
            (
                prop::sample::select(OPERATORS.to_vec()),
                prop::sample::subsequence(VALUES.to_vec(), 1..3),
            ),
        ),
    )
        .prop_map(
            |(allow, actions, not_action, resources, not_resource, condition)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    json!(actions),
                );
                s.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(resources),
                );
                if let Some((op, values)) = condition {
                    let values = if op == "Null" {
                        json!(if values.len() == 1 { "true" } else { "false" })
                    } else {
                        json!(values)
                    };
                    s.insert("Condition".into(), json!({ op: { KEY: values } }));
                }
                Value::Object(s)
            },
        )
}

fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..4)
        .prop_map(|stmts| json!({"Version": "2012-10-17", "Statement": stmts}).to_string())
}

fn words(alphabet: &[char], max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for w in &layer {
            for c in alphabet {
                next.push(format!("{w}{c}"));
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

fn caller() -> Principal {
    Principal {
        kind: PrincipalKind::User,
        arn: "arn:aws:iam::111122223333:user/analyzer-caller".into(),
        account: "111122223333".into(),
        role_arn: None,
        service_linked_role: false,
        in_management_account: false,
    }
}

fn request(action: &str, resource: &str, value: Option<&ContextValue>) -> Request {
    let mut context = Context::new();
    if let Some(v) = value {
        context.insert(KEY, v.clone());
    }
    Request {
        principal: caller(),
        action: action.to_string(),
        resource: Resource {
            arn: resource.to_string(),
            account: Some("111122223333".into()),
        },
        context,
    }
}

fn set(text: &str) -> PolicySet {
    PolicySet {
        identity: vec![CompiledPolicy::from_text(text, "p", "none").unwrap()],
        ..PolicySet::default()
    }
}

/// Every request of the small universe that `new` allows and `existing` does not.
fn brute_force_new_access(new_text: &str, existing_text: &str) -> Option<Request> {
    let (new, existing) = (set(new_text), set(existing_text));
    let mut actions: Vec<String> = words(&['a', 'b', 'x'], 3)
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| format!("s3:{w}"))
        .collect();
    actions.push("ec2:x".into());
    let mut resources: Vec<String> = words(&['x', 'y', 'z'], 3)
        .into_iter()
        .map(|w| format!("arn:aws:s3:::{w}"))
        .collect();
    resources.push("*".into());
    resources.push("arn:aws:sqs:us-east-1:1:q".into());
    // `*` too: `StringEquals` compares it as a literal character.
    let singles = words(&['a', 'b', '*', 'x'], 2);
    let mut values: Vec<Option<ContextValue>> = vec![None];
    values.extend(
        singles
            .iter()
            .map(|v| Some(ContextValue::single(v.clone()))),
    );
    // Two-element sets: the key is documented nowhere, so a request may carry several
    // values of it whatever operators the policies use.
    let letters = words(&['a', 'b', '*'], 2);
    for (i, a) in letters.iter().enumerate() {
        for b in letters.iter().skip(i + 1) {
            values.push(Some(ContextValue::multi([a.clone(), b.clone()])));
        }
    }
    for a in &actions {
        for r in &resources {
            for v in &values {
                let req = request(a, r, v.as_ref());
                if evaluate(&req, &new).is_allowed() && !evaluate(&req, &existing).is_allowed() {
                    return Some(req);
                }
            }
        }
    }
    None
}

fn witness_request(w: &Witness) -> Request {
    let value = w
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(KEY))
        .map(|(_, v)| {
            if v.len() == 1 {
                ContextValue::single(v[0].clone())
            } else {
                ContextValue::multi(v.clone())
            }
        });
    request(&w.action, &w.resource, value.as_ref())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn fail_witnesses_are_new_access(new in policy(), existing in policy()) {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy).unwrap();
        if let Some(w) = &outcome.witness {
            prop_assert_eq!(outcome.result, CheckResult::Fail);
            let req = witness_request(w);
            prop_assert!(evaluate(&req, &set(&new)).is_allowed(), "new does not allow {:?}", w);
            prop_assert!(!evaluate(&req, &set(&existing)).is_allowed(), "existing allows {:?}", w);
        }
    }

    #[test]
    fn agrees_with_exhaustive_enumeration(new in policy(), existing in policy()) {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy).unwrap();
        let brute = brute_force_new_access(&new, &existing);
        prop_assert_eq!(
            outcome.result == CheckResult::Fail,
            brute.is_some(),
            "analyzer {:?}, enumeration {:?}", outcome, brute
        );
        // The small universe is exact for these patterns: no FAIL without a witness.
        if outcome.result == CheckResult::Fail {
            prop_assert!(outcome.witness.is_some(), "{:?}", outcome);
        }
    }
}

// Two keys, one compared with the other through a policy variable (`${aws:PrincipalTag/j}`).
const PAIR_OPERATORS: [&str; 7] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringEqualsIfExists",
    "Null",
];
// Keys AWS documents as single-valued, so that the pair is compared value with value.
const PAIR_VALUES: [&str; 5] = [
    "a",
    "A",
    "a*",
    "${aws:PrincipalTag/j}",
    "${aws:PrincipalTag/j}",
];
const PAIR_KEY: &str = "aws:PrincipalTag/k";
const OTHER_KEY: &str = "aws:PrincipalTag/j";

fn pair_request(k: Option<&String>, j: Option<&String>) -> Request {
    let mut req = request("s3:a", "*", None);
    if let Some(k) = k {
        req.context
            .insert(PAIR_KEY, ContextValue::single(k.clone()));
    }
    if let Some(j) = j {
        req.context
            .insert(OTHER_KEY, ContextValue::single(j.clone()));
    }
    req
}

fn pair_statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.7),
        prop::sample::select(PAIR_OPERATORS.to_vec()),
        prop::sample::subsequence(PAIR_VALUES.to_vec(), 1..3),
        prop::option::weighted(
            0.4,
            (
                prop::sample::select(PAIR_OPERATORS.to_vec()),
                prop::sample::subsequence(VALUES.to_vec(), 1..2),
            ),
        ),
    )
        .prop_map(|(allow, op, values, other)| {
            let mut condition = serde_json::Map::new();
            let value_of = |op: &str, values: Vec<&str>| {
                if op == "Null" {
                    json!(if values.len() == 1 { "true" } else { "false" })
                } else {
                    json!(values)
                }
            };
            condition.insert(op.to_string(), json!({ PAIR_KEY: value_of(op, values) }));
            if let Some((op2, values2)) = other {
                let entry = condition
                    .entry(op2.to_string())
                    .or_insert_with(|| json!({}));
                if let Some(map) = entry.as_object_mut() {
                    map.insert(OTHER_KEY.to_string(), value_of(op2, values2));
                }
            }
            json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Action": "s3:a",
                "Resource": "*",
                "Condition": condition,
            })
        })
}

fn pair_policy() -> impl Strategy<Value = String> {
    prop::collection::vec(pair_statement(), 1..4)
        .prop_map(|stmts| json!({"Version": "2012-10-17", "Statement": stmts}).to_string())
}

fn brute_force_pairs(new_text: &str, existing_text: &str) -> bool {
    let (new, existing) = (set(new_text), set(existing_text));
    let mut values: Vec<Option<String>> = vec![None];
    values.extend(
        words(&['a', 'A', 'b', 'B', '*', 'x'], 2)
            .into_iter()
            .map(Some),
    );
    for k in &values {
        for j in &values {
            let req = pair_request(k.as_ref(), j.as_ref());
            if evaluate(&req, &new).is_allowed() && !evaluate(&req, &existing).is_allowed() {
                return true;
            }
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn keys_compared_through_variables_agree_with_enumeration(new in pair_policy(), existing in pair_policy()) {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy).unwrap();
        let brute = brute_force_pairs(&new, &existing);
        prop_assert_eq!(outcome.result == CheckResult::Fail, brute, "analyzer {:?}", outcome);
        if let Some(w) = &outcome.witness {
            let value = |key: &str| {
                w.context
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .and_then(|(_, v)| v.first().cloned())
            };
            let req = pair_request(value(PAIR_KEY).as_ref(), value(OTHER_KEY).as_ref());
            prop_assert!(evaluate(&req, &set(&new)).is_allowed());
            prop_assert!(!evaluate(&req, &set(&existing)).is_allowed());
        }
    }
}

// CheckAccessNotGranted against enumeration: the listed actions and resources are drawn
// from the same small alphabets as the policies' patterns.
const LISTED_ACTIONS: [&str; 5] = ["s3:a", "s3:ab", "s3:b*", "s3:x", "ec2:x"];
const LISTED_RESOURCES: [&str; 4] = [
    "arn:aws:s3:::x",
    "arn:aws:s3:::y*",
    "arn:aws:s3:::xy",
    "arn:aws:sqs:us-east-1:1:q",
];

fn universe() -> (Vec<String>, Vec<String>, Vec<Option<ContextValue>>) {
    let mut actions: Vec<String> = words(&['a', 'b', 'x'], 3)
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| format!("s3:{w}"))
        .collect();
    actions.push("ec2:x".into());
    let mut resources: Vec<String> = words(&['x', 'y', 'z'], 3)
        .into_iter()
        .map(|w| format!("arn:aws:s3:::{w}"))
        .collect();
    resources.push("*".into());
    resources.push("arn:aws:sqs:us-east-1:1:q".into());
    let mut values: Vec<Option<ContextValue>> = vec![None];
    let singles = words(&['a', 'b', '*', 'x'], 2);
    values.extend(
        singles
            .iter()
            .map(|v| Some(ContextValue::single(v.clone()))),
    );
    let letters = words(&['a', 'b', '*'], 2);
    for (i, a) in letters.iter().enumerate() {
        for b in letters.iter().skip(i + 1) {
            values.push(Some(ContextValue::multi([a.clone(), b.clone()])));
        }
    }
    (actions, resources, values)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn access_not_granted_agrees_with_enumeration(
        policy_text in policy(),
        listed_actions in prop::sample::subsequence(LISTED_ACTIONS.to_vec(), 0..3),
        listed_resources in prop::sample::subsequence(LISTED_RESOURCES.to_vec(), 0..3),
    ) {
        prop_assume!(!listed_actions.is_empty() || !listed_resources.is_empty());
        let access = analyzer::Access {
            actions: listed_actions.iter().map(|s| s.to_string()).collect(),
            resources: listed_resources.iter().map(|s| s.to_string()).collect(),
        };
        let outcome = analyzer::check_access_not_granted(
            &policy_text,
            std::slice::from_ref(&access),
            AccessCheckPolicyType::IdentityPolicy,
        ).unwrap();
        let compiled = set(&policy_text);
        let (actions, resources, values) = universe();
        let covered = |a: &str, r: &str| {
            (listed_actions.is_empty()
                || listed_actions.iter().any(|p| policy::wildcard::Pattern::new(p, true).matches(a)))
                && (listed_resources.is_empty()
                    || listed_resources.iter().any(|p| policy::arn::ArnPattern::new(p).matches(r)))
        };
        let mut granted = false;
        'search: for a in &actions {
            for r in &resources {
                if !covered(a, r) {
                    continue;
                }
                for v in &values {
                    if evaluate(&request(a, r, v.as_ref()), &compiled).is_allowed() {
                        granted = true;
                        break 'search;
                    }
                }
            }
        }
        prop_assert_eq!(outcome.result == CheckResult::Fail, granted, "analyzer {:?}", outcome);
        if let Some(w) = &outcome.witness {
            prop_assert!(covered(&w.action, &w.resource), "{:?}", w);
            prop_assert!(evaluate(&witness_request(w), &compiled).is_allowed(), "{:?}", w);
        }
    }
}

// Resource-based policies: callers named in every way the `Principal` element allows.
fn principal_value() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": "111122223333"}),
        json!({"AWS": "arn:aws:iam::111122223333:root"}),
        json!({"AWS": "arn:aws:iam::111122223333:user/u"}),
        json!({"AWS": "arn:aws:iam::444455556666:role/r"}),
        json!({"AWS": "arn:aws:sts::444455556666:assumed-role/r/s"}),
        json!({"AWS": ["arn:aws:iam::444455556666:role/r", "444455556666"]}),
        json!({"Service": "s3.amazonaws.com"}),
    ])
}

fn resource_statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.15),
        principal_value(),
        prop::sample::subsequence(vec!["s3:a", "s3:b", "s3:*"], 1..3),
    )
        .prop_map(|(allow, not_principal, principal, actions)| {
            json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                (if not_principal && principal != json!("*") { "NotPrincipal" } else { "Principal" }): principal,
                "Action": actions,
                "Resource": "*",
            })
        })
}

fn resource_policy() -> impl Strategy<Value = String> {
    prop::collection::vec(resource_statement(), 1..4)
        .prop_map(|stmts| json!({"Version": "2012-10-17", "Statement": stmts}).to_string())
}

/// Every caller of the small universe: anonymous, two services, and in three accounts
/// the root, two users and sessions of two roles.
fn callers() -> Vec<Principal> {
    let mut out = vec![Principal {
        kind: PrincipalKind::Anonymous,
        arn: String::new(),
        account: String::new(),
        role_arn: None,
        service_linked_role: false,
        in_management_account: false,
    }];
    for service in ["s3.amazonaws.com", "sns.amazonaws.com"] {
        out.push(Principal {
            kind: PrincipalKind::Service,
            arn: service.into(),
            account: String::new(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        });
    }
    for account in ["111122223333", "444455556666", "777788889999"] {
        let mut add = |kind, arn: String, role_arn: Option<String>| {
            out.push(Principal {
                kind,
                arn,
                account: account.into(),
                role_arn,
                service_linked_role: false,
                in_management_account: false,
            })
        };
        add(
            PrincipalKind::Root,
            format!("arn:aws:iam::{account}:root"),
            None,
        );
        for user in ["u", "v"] {
            add(
                PrincipalKind::User,
                format!("arn:aws:iam::{account}:user/{user}"),
                None,
            );
        }
        for (role, session) in [("r", "s"), ("r", "t"), ("q", "s")] {
            add(
                PrincipalKind::AssumedRole,
                format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
                Some(format!("arn:aws:iam::{account}:role/{role}")),
            );
        }
    }
    out
}

fn resource_set(text: &str) -> PolicySet {
    PolicySet {
        identity: vec![CompiledPolicy::from_text(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            "caller",
            "none",
        )
        .unwrap()],
        resource: Some(CompiledPolicy::from_text(text, "p", "none").unwrap()),
        ..PolicySet::default()
    }
}

fn resource_request(principal: &Principal, action: &str) -> Request {
    Request {
        principal: principal.clone(),
        action: action.into(),
        resource: Resource {
            arn: "arn:aws:s3:::bucket".into(),
            account: Some("000000000001".into()),
        },
        context: Context::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn resource_policies_agree_with_enumeration(new in resource_policy(), existing in resource_policy()) {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::ResourcePolicy).unwrap();
        let (n, e) = (resource_set(&new), resource_set(&existing));
        let mut brute = None;
        'search: for p in callers() {
            for a in ["s3:a", "s3:b", "s3:x"] {
                let req = resource_request(&p, a);
                if evaluate(&req, &n).is_allowed() && !evaluate(&req, &e).is_allowed() {
                    brute = Some(req);
                    break 'search;
                }
            }
        }
        prop_assert_eq!(outcome.result == CheckResult::Fail, brute.is_some(), "analyzer {:?}, enumeration {:?}", outcome, brute);
    }

    #[test]
    fn public_access_agrees_with_enumeration(policy_text in resource_policy()) {
        let outcome = analyzer::check_no_public_access(&policy_text, "AWS::S3::Bucket").unwrap();
        let set = resource_set(&policy_text);
        // The public: anonymous callers and every identity of an account no policy names.
        let public = callers().into_iter().filter(|p| {
            p.kind == PrincipalKind::Anonymous || p.account == "777788889999"
        });
        let mut brute = false;
        for p in public {
            for a in ["s3:a", "s3:b", "s3:x"] {
                brute |= evaluate(&resource_request(&p, a), &set).is_allowed();
            }
        }
        prop_assert_eq!(outcome.result == CheckResult::Fail, brute, "analyzer {:?}", outcome);
    }
}

// Policy variables in `Resource` and inside condition text are relaxed: a PASS must
// still be a PASS for every request (soundness), and a witness must be real.
const TEMPLATE_RESOURCES: [&str; 6] = [
    "arn:aws:s3:::${test:u}",
    "arn:aws:s3:::x${test:u}*",
    "arn:aws:s3:::x",
    "arn:aws:s3:::x*",
    "arn:aws:s3:::*y",
    "*",
];
const TEMPLATE_VALUES: [&str; 4] = ["a", "${test:u}", "a${test:u}", "*"];

fn template_statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.7),
        prop::sample::subsequence(vec!["s3:a", "s3:b", "s3:*"], 1..3),
        prop::sample::subsequence(TEMPLATE_RESOURCES.to_vec(), 1..3),
        prop::option::weighted(
            0.4,
            (
                prop::sample::select(vec!["StringEquals", "StringLike", "StringNotEquals"]),
                prop::sample::subsequence(TEMPLATE_VALUES.to_vec(), 1..3),
            ),
        ),
    )
        .prop_map(|(allow, actions, resources, condition)| {
            let mut s = json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Action": actions,
                "Resource": resources,
            });
            if let Some((op, values)) = condition {
                s["Condition"] = json!({ op: { KEY: values } });
            }
            s
        })
}

fn template_policy() -> impl Strategy<Value = String> {
    prop::collection::vec(template_statement(), 1..4)
        .prop_map(|stmts| json!({"Version": "2012-10-17", "Statement": stmts}).to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn relaxed_variables_never_pass_wrongly(new in template_policy(), existing in template_policy()) {
        let outcome = check_no_new_access(&new, &existing, AccessCheckPolicyType::IdentityPolicy).unwrap();
        let (n, e) = (set(&new), set(&existing));
        if let Some(w) = &outcome.witness {
            let mut req = witness_request(w);
            if let Some((_, v)) = w.context.iter().find(|(k, _)| k.eq_ignore_ascii_case("test:u")) {
                req.context.insert("test:u", ContextValue::single(v[0].clone()));
            }
            prop_assert!(evaluate(&req, &n).is_allowed(), "{:?}", w);
            prop_assert!(!evaluate(&req, &e).is_allowed(), "{:?}", w);
        }
        if outcome.result == CheckResult::Pass {
            let mut values: Vec<Option<String>> = vec![None];
            values.extend(words(&['a', 'x', '*'], 2).into_iter().map(Some));
            let resources: Vec<String> = words(&['a', 'x', 'y', '*'], 3)
                .into_iter()
                .map(|w| format!("arn:aws:s3:::{w}"))
                .chain(["*".to_string()])
                .collect();
            for a in ["s3:a", "s3:b", "s3:c"] {
                for r in &resources {
                    for k in &values {
                        for u in &values {
                            let mut req = request(a, r, k.clone().map(ContextValue::single).as_ref());
                            if let Some(u) = u {
                                req.context.insert("test:u", ContextValue::single(u.clone()));
                            }
                            prop_assert!(
                                !evaluate(&req, &n).is_allowed() || evaluate(&req, &e).is_allowed(),
                                "PASS, but {:?}", req
                            );
                        }
                    }
                }
            }
        }
    }
}
