//! Property tests of the condition operators: a negated operator is the exact negation
//! of its positive twin on present, well-typed values; set qualifiers and `IfExists`
//! behave as documented on missing keys, whatever the values.

use policy::condition::CompiledCondition;
use policy::parse::parse_policy;
use policy::request::{Context, ContextValue};
use proptest::prelude::*;
use serde_json::json;

fn compile(operator: &str, key: &str, values: &[String]) -> CompiledCondition {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": { operator: { key: values } }
        }
    })
    .to_string();
    let parsed = parse_policy(&doc).expect("generated policy parses");
    CompiledCondition::compile(&parsed.statements[0].conditions[0], true)
        .expect("generated condition compiles")
}

fn context(key: &str, values: &[String], multi: bool) -> Context {
    let mut ctx = Context::new();
    let value = if multi {
        ContextValue::multi(values.iter().cloned())
    } else {
        ContextValue::single(values[0].clone())
    };
    ctx.insert(key, value);
    ctx
}

const TWINS: &[(&str, &str)] = &[
    ("StringEquals", "StringNotEquals"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
    ("StringLike", "StringNotLike"),
    ("ArnLike", "ArnNotLike"),
    ("ArnEquals", "ArnNotEquals"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn negated_string_operators_are_exact_negations(
        twin in 0..TWINS.len(),
        policy_values in proptest::collection::vec("[aB*?]{0,4}", 1..4),
        context_values in proptest::collection::vec("[abAB]{0,4}", 1..4),
        multi in any::<bool>(),
    ) {
        let (positive, negated) = TWINS[twin];
        // ARN operators need ARN-shaped values on both sides to be well typed.
        let arn = |v: &String| format!("arn:aws:s3:::{v}");
        let (pv, cv): (Vec<String>, Vec<String>) = if positive.starts_with("Arn") {
            (policy_values.iter().map(arn).collect(), context_values.iter().map(arn).collect())
        } else {
            (policy_values, context_values)
        };
        let ctx = context("svc:Key", &cv, multi);
        let p = compile(positive, "svc:Key", &pv).matches(&ctx);
        let n = compile(negated, "svc:Key", &pv).matches(&ctx);
        prop_assert_ne!(p, n);
    }

    #[test]
    fn numeric_not_equals_is_negation(
        policy_values in proptest::collection::vec(-50i32..50, 1..4),
        value in -50i32..50,
    ) {
        let pv: Vec<String> = policy_values.iter().map(i32::to_string).collect();
        let ctx = context("svc:N", &[value.to_string()], false);
        let p = compile("NumericEquals", "svc:N", &pv).matches(&ctx);
        let n = compile("NumericNotEquals", "svc:N", &pv).matches(&ctx);
        prop_assert_ne!(p, n);
        let lt = compile("NumericLessThan", "svc:N", &pv).matches(&ctx);
        prop_assert_eq!(lt, policy_values.iter().any(|v| value < *v));
    }

    #[test]
    fn missing_keys_follow_the_documented_table(
        base in prop::sample::select(vec![
            "StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
            "NumericLessThan", "NumericNotEquals", "DateLessThan", "DateNotEquals",
            "IpAddress", "NotIpAddress", "ArnLike", "ArnNotLike", "Bool",
        ]),
        qualifier in prop::sample::select(vec!["", "ForAllValues:", "ForAnyValue:"]),
        if_exists in any::<bool>(),
    ) {
        let value = match base {
            b if b.starts_with("Numeric") => "1",
            b if b.starts_with("Date") => "2024-01-01",
            b if b.contains("Ip") => "10.0.0.0/8",
            b if b.starts_with("Arn") => "arn:aws:s3:::b",
            "Bool" => "true",
            _ => "x",
        };
        let operator = format!("{qualifier}{base}{}", if if_exists { "IfExists" } else { "" });
        let cond = compile(&operator, "svc:Missing", &[value.to_string()]);
        let negated = base.contains("Not");
        let expected = match qualifier {
            "ForAllValues:" => true,
            // IfExists does not rescue ForAnyValue over a missing key.
            "ForAnyValue:" => false,
            _ => if_exists || negated,
        };
        prop_assert_eq!(cond.matches(&Context::new()), expected, "{}", operator);
    }
}
