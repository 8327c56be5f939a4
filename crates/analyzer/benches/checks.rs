//! Benchmarks of the checks; figures in BENCHMARKS.md ("Analyzer checks").
//!
//! `cargo bench -p iamd-analyzer --bench checks`
use analyzer::{
    check_access_not_granted, check_no_new_access, check_no_public_access, Access,
    AccessCheckPolicyType,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// A ten-statement identity policy of the usual kinds: service wildcards, ARNs with
/// wildcards, a `NotAction`, a `Deny`, and string, IP, date, bool and tag conditions.
fn ten_statements(extra_action: &str, bucket: &str) -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"]}},
    {{"Sid": "Write", "Effect": "Allow", "Action": ["s3:PutObject", "{extra_action}"],
      "Resource": "arn:aws:s3:::{bucket}/uploads/*",
      "Condition": {{"StringEquals": {{"s3:x-amz-server-side-encryption": "aws:kms"}}}}}},
    {{"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
      "Resource": "arn:aws:logs:*:111122223333:log-group:/app/*:*"}},
    {{"Sid": "Queue", "Effect": "Allow", "Action": "sqs:*",
      "Resource": "arn:aws:sqs:us-east-1:111122223333:app-*"}},
    {{"Sid": "Ec2Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}},
    {{"Sid": "Ec2Tagged", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"],
      "Resource": "arn:aws:ec2:*:111122223333:instance/*",
      "Condition": {{"StringEquals": {{"aws:ResourceTag/team": "${{aws:PrincipalTag/team}}"}}}}}},
    {{"Sid": "Office", "Effect": "Allow", "Action": "dynamodb:Query",
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
      "Condition": {{"IpAddress": {{"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}}}}},
    {{"Sid": "Window", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
      "Condition": {{"DateLessThan": {{"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
                    "Bool": {{"aws:SecureTransport": "true"}}}}}},
    {{"Sid": "NoIam", "Effect": "Deny", "NotAction": ["s3:*", "logs:*", "sqs:*", "ec2:*", "dynamodb:*", "kms:*"],
      "Resource": "*"}},
    {{"Sid": "NoDelete", "Effect": "Deny", "Action": ["s3:DeleteBucket", "sqs:DeleteQueue"], "Resource": "*",
      "Condition": {{"BoolIfExists": {{"aws:MultiFactorAuthPresent": "false"}}}}}}
  ]
}}"#
    )
}

fn benches(c: &mut Criterion) {
    let existing = ten_statements("s3:PutObjectTagging", "app-data");
    let same = existing.clone();
    let wider = ten_statements("s3:PutObjectAcl", "app-*");
    let tagless = existing.replace(
        r#""Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#,
        r#""Condition": {"StringEquals": {"aws:ResourceTag/team": "dev"}}"#,
    );
    let identity = AccessCheckPolicyType::IdentityPolicy;
    c.bench_function("check_no_new_access/10x10 statements, FAIL", |b| {
        b.iter(|| check_no_new_access(black_box(&wider), black_box(&existing), identity))
    });
    // Narrower in two statements, so not settled by the syntactic rule: a full search.
    let narrower = tagless
        .replace(
            r#"["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]"#,
            r#"["s3:GetObject", "s3:ListBucket"]"#,
        )
        .replace("log-group:/app/*:*", "log-group:/app/web/*:*");
    assert_ne!(narrower, tagless);
    c.bench_function(
        "check_no_new_access/10x10 statements, PASS (full search)",
        |b| b.iter(|| check_no_new_access(black_box(&narrower), black_box(&tagless), identity)),
    );
    c.bench_function(
        "check_no_new_access/10x10 statements, identical (syntactic rule)",
        |b| b.iter(|| check_no_new_access(black_box(&same), black_box(&existing), identity)),
    );
    let access = [Access {
        actions: vec!["s3:DeleteBucket".into(), "iam:PassRole".into()],
        resources: Vec::new(),
    }];
    c.bench_function("check_access_not_granted/10 statements", |b| {
        b.iter(|| check_access_not_granted(black_box(&tagless), &access, identity))
    });
    let bucket_policy = r#"{"Version": "2012-10-17", "Statement": [
      {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
      {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["s3:ListBucket", "s3:GetObject"],
       "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
      {"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
    c.bench_function("check_no_public_access/bucket policy, 3 statements", |b| {
        b.iter(|| check_no_public_access(black_box(bucket_policy), "AWS::S3::Bucket"))
    });
}

criterion_group!(checks, benches);
criterion_main!(checks);
