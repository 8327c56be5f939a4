//! `validate_policy` on a 6 KB identity policy: the size of the managed policy quota,
//! with the actions, ARNs and conditions a real policy of that size holds.
use criterion::{criterion_group, criterion_main, Criterion};
use findings::{validate_policy, Options, PolicyType};

/// About 6 KB of policy: statements over S3, DynamoDB, SQS, IAM and EC2, with
/// resource ARNs, wildcards, policy variables and conditions of several families.
fn six_kb_policy() -> String {
    let mut statements = Vec::new();
    for i in 0..12 {
        statements.push(format!(
            r#"{{
      "Sid": "Data{i}",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:List*", "dynamodb:GetItem", "dynamodb:Query"],
      "Resource": [
        "arn:aws:s3:::team-bucket-{i}/home/${{aws:username}}/*",
        "arn:aws:dynamodb:us-east-1:111122223333:table/orders-{i}"
      ],
      "Condition": {{
        "StringEquals": {{"aws:PrincipalTag/team": "data-{i}"}},
        "IpAddress": {{"aws:SourceIp": ["203.0.113.0/24"]}},
        "Bool": {{"aws:SecureTransport": "true"}}
      }}
    }}"#
        ));
    }
    statements.push(
        r#"{
      "Sid": "PassAppRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::111122223333:role/app-*",
      "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    }"#
        .to_string(),
    );
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {}\n  ]\n}}\n",
        statements.join(",\n    ")
    )
}

fn bench(c: &mut Criterion) {
    let policy = six_kb_policy();
    let options = Options::new(PolicyType::IdentityPolicy);
    // Load the embedded service reference before timing.
    let findings = validate_policy(&policy, &options);
    assert!(
        findings.is_empty(),
        "the benchmark policy is clean: {findings:?}"
    );
    let mut group = c.benchmark_group("findings");
    group.bench_function(
        format!("validate_policy/identity_{}_bytes", policy.len()),
        |b| b.iter(|| validate_policy(std::hint::black_box(&policy), &options)),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
