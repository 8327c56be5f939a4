//! Benchmarks of the checks; figures in BENCHMARKS.md ("Analyzer checks").
//!
//! `cargo bench -p iamd-analyzer --bench checks`
use analyzer::{
    check_access_not_granted, check_no_new_access, check_no_public_access, Access,
    AccessCheckPolicyType, CheckResult,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

mod workload;

fn benches(c: &mut Criterion) {
    let (wider, existing) = workload::fail_pair();
    let same = existing.clone();
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
    // The cases answer what their names say.
    let result = |new: &str, old: &str| check_no_new_access(new, old, identity).map(|o| o.result);
    assert_eq!(result(&wider, &existing), Ok(CheckResult::Fail));
    assert_eq!(result(&narrower, &tagless), Ok(CheckResult::Pass));
    assert_eq!(result(&same, &existing), Ok(CheckResult::Pass));
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
