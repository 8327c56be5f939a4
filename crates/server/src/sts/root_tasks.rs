//! The AWS managed policies a root session of `AssumeRoot` is scoped to
//! (`TaskPolicyArn`). AWS publishes them under `arn:aws:iam::aws:policy/root-task/`;
//! these are their permissions as documented (the privileged tasks each allows).
const PREFIX: &str = "arn:aws:iam::aws:policy/root-task/";

const TASKS: &[(&str, &str)] = &[
    (
        "IAMAuditRootUserCredentials",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetAccessKeyLastUsed","iam:GetLoginProfile","iam:GetUser","iam:ListAccessKeys","iam:ListMFADevices","iam:ListSigningCertificates","iam:GetAccountSummary"],"Resource":"*"}]}"#,
    ),
    (
        "IAMCreateRootUserPassword",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateLoginProfile","iam:GetLoginProfile"],"Resource":"*"}]}"#,
    ),
    (
        "IAMDeleteRootUserCredentials",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:DeleteAccessKey","iam:DeleteLoginProfile","iam:DeactivateMFADevice","iam:DeleteSigningCertificate","iam:DeleteVirtualMFADevice","iam:GetAccessKeyLastUsed","iam:GetLoginProfile","iam:GetUser","iam:ListAccessKeys","iam:ListMFADevices","iam:ListSigningCertificates"],"Resource":"*"}]}"#,
    ),
    (
        "S3UnlockBucketPolicy",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:DeleteBucketPolicy","s3:GetBucketPolicy","s3:PutBucketPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "SQSUnlockQueuePolicy",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:GetQueueAttributes","sqs:SetQueueAttributes"],"Resource":"*"}]}"#,
    ),
];

/// The document of a root-task policy by ARN; `None` for any other ARN.
pub fn root_task_policy(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix(PREFIX)?;
    TASKS.iter().find(|(n, _)| *n == name).map(|(_, doc)| *doc)
}

/// Every root-task policy ARN.
pub fn root_task_policy_arns() -> impl Iterator<Item = String> {
    TASKS.iter().map(|(name, _)| format!("{PREFIX}{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_policies_are_valid_identity_policies() {
        for arn in root_task_policy_arns() {
            let doc = root_task_policy(&arn).unwrap();
            policy::compile::CompiledPolicy::from_text(doc, arn.clone(), "aws-managed").unwrap();
        }
        assert!(root_task_policy("arn:aws:iam::aws:policy/AdministratorAccess").is_none());
    }
}
