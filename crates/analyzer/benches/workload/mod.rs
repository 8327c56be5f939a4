//! The policies the benchmarks and `examples/cost.rs` check.

/// A ten-statement identity policy of the usual kinds: service wildcards, ARNs with
/// wildcards, a `NotAction`, a `Deny`, and string, IP, date, bool and tag conditions.
pub fn ten_statements(extra_action: &str, bucket: &str) -> String {
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

/// The existing policy and a new one that grants more (another action, a wider bucket).
pub fn fail_pair() -> (String, String) {
    (
        ten_statements("s3:PutObjectAcl", "app-*"),
        ten_statements("s3:PutObjectTagging", "app-data"),
    )
}
