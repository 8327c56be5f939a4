//! The benchmark's policy, shared by `benches/validate.rs` and `examples/cost.rs`.

/// About 6 KB of policy: statements over S3, DynamoDB, SQS, IAM and EC2, with
/// resource ARNs, wildcards, policy variables and conditions of several families.
pub fn six_kb_policy() -> String {
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
