//! The workloads the speed figures are measured on, shared by the criterion bench
//! (`benches/eval.rs`) and the instruction-count example (`examples/cost.rs`).
//!
//! - the typical user: 10 attached policies of 5 statements each (wildcard actions and
//!   resources, conditions on IP, tags, time, TLS, a policy variable), and one request
//!   that the statement with the policy variable allows;
//! - a policy of about 6 KB: statements with several actions, resources and conditions.
#![allow(dead_code)]

use policy::compile::CompiledPolicy;
use policy::eval::PolicySet;
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};

const SERVICES: [&str; 10] = [
    "s3",
    "ec2",
    "dynamodb",
    "sqs",
    "sns",
    "lambda",
    "kms",
    "logs",
    "cloudwatch",
    "iam",
];

/// Policy `n` of the typical user: five statements on one service and its neighbours.
pub fn typical_policy(n: usize) -> String {
    let svc = SERVICES[n % SERVICES.len()];
    let next = SERVICES[(n + 1) % SERVICES.len()];
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{"Sid": "Read{n}", "Effect": "Allow", "Action": ["{svc}:Get*", "{svc}:List*", "{svc}:Describe*"],
      "Resource": "arn:aws:{svc}:*:111111111111:data-{n}/*",
      "Condition": {{"IpAddress": {{"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}}}}},
    {{"Sid": "Write{n}", "Effect": "Allow", "Action": ["{svc}:Put*", "{svc}:Create*"],
      "Resource": "arn:aws:{svc}:*:111111111111:data-{n}/${{aws:username}}/*",
      "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "team-{n}"}}, "Bool": {{"aws:SecureTransport": "true"}}}}}},
    {{"Sid": "Peek{n}", "Effect": "Allow", "Action": "{next}:Describe*", "Resource": "*",
      "Condition": {{"DateLessThan": {{"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}}}},
    {{"Sid": "NoDelete{n}", "Effect": "Deny", "Action": ["{svc}:Delete*"], "Resource": "*",
      "Condition": {{"BoolIfExists": {{"aws:MultiFactorAuthPresent": "false"}}}}}},
    {{"Sid": "Tagged{n}", "Effect": "Allow", "Action": "{svc}:*",
      "Resource": "arn:aws:{svc}:us-east-1:111111111111:tagged-{n}/*",
      "Condition": {{"StringLike": {{"aws:ResourceTag/project": "proj-*"}}}}}}
  ]
}}"#
    )
}

pub fn typical_set() -> PolicySet {
    let mut set = PolicySet::default();
    for n in 0..10 {
        match CompiledPolicy::from_text(&typical_policy(n), format!("policy-{n}"), "user") {
            Ok(p) => set.identity.push(p),
            Err(e) => panic!("benchmark policy {n} does not compile: {}", e.message),
        }
    }
    set
}

pub fn typical_request() -> Request {
    let mut context = Context::new();
    context.insert("aws:SourceIp", ContextValue::single("10.1.2.3"));
    context.insert("aws:username", ContextValue::single("alice"));
    context.insert("aws:PrincipalTag/team", ContextValue::single("team-0"));
    context.insert("aws:SecureTransport", ContextValue::single("true"));
    context.insert(
        "aws:CurrentTime",
        ContextValue::single("2026-01-01T00:00:00Z"),
    );
    context.insert("aws:MultiFactorAuthPresent", ContextValue::single("true"));
    Request {
        principal: Principal {
            kind: PrincipalKind::User,
            arn: "arn:aws:iam::111111111111:user/alice".into(),
            account: "111111111111".into(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        },
        action: "s3:PutObject".into(),
        resource: Resource {
            arn: "arn:aws:s3:us-east-1:111111111111:data-0/alice/report.csv".into(),
            account: Some("111111111111".into()),
        },
        context,
    }
}

/// A policy of about 6 KB: statements with several actions, resources and conditions.
pub fn policy_6kb() -> String {
    let mut statements = Vec::new();
    let mut n = 0;
    loop {
        let svc = SERVICES[n % SERVICES.len()];
        statements.push(format!(
            r#"{{"Sid":"S{n}","Effect":"{effect}","Action":["{svc}:Get*","{svc}:Put*","{svc}:List*"],"Resource":["arn:aws:{svc}:*:111111111111:res-{n}/*","arn:aws:{svc}:*:111111111111:home/${{aws:username}}/*"],"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":["a{n}","b{n}"]}},"IpAddress":{{"aws:SourceIp":"10.{n}.0.0/16"}}}}}}"#,
            effect = if n % 5 == 4 { "Deny" } else { "Allow" }
        ));
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        );
        if text.len() >= 6000 {
            return text;
        }
        n += 1;
    }
}
