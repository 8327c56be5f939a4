//! The AWS managed policies a root session of `AssumeRoot` is scoped to
//! (`TaskPolicyArn`), under `arn:aws:iam::aws:policy/root-task/`. Their documents are
//! AWS's own, from the embedded managed-policy set (`awsdata`).
//!
//! AWS writes them as deny-only policies ("deny every action but these, and these on
//! any resource but the root"): a root session starts from the root's full access and
//! the task policy takes everything else away. [`session_permissions`] builds exactly
//! that for the engine.
use policy::compile::CompiledPolicy;

const PREFIX: &str = "arn:aws:iam::aws:policy/root-task/";

/// The tasks `AssumeRoot` accepts, as AWS lists them.
const TASKS: &[&str] = &[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];

/// What the root user may do in its own account, before a task policy narrows it.
const ROOT_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// AWS's document of a root-task policy by ARN; `None` for any other ARN.
pub fn root_task_policy(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix(PREFIX)?;
    if !TASKS.contains(&name) {
        return None;
    }
    awsdata::managed_policy_by_arn(arn).map(|p| p.default_document())
}

/// Every root-task policy ARN.
pub fn root_task_policy_arns() -> impl Iterator<Item = String> {
    TASKS.iter().map(|name| format!("{PREFIX}{name}"))
}

/// The identity-based policies a root session acts with: the root's full access and its
/// task policies (compiled session policies of the session), whose denies narrow it.
pub fn session_permissions(
    task_policies: Vec<CompiledPolicy>,
) -> Result<Vec<CompiledPolicy>, String> {
    let root = CompiledPolicy::from_text(ROOT_ACCESS, "root", "root")
        .map_err(|e| format!("root access policy: {e}"))?;
    let mut out = Vec::with_capacity(task_policies.len() + 1);
    out.push(root);
    out.extend(task_policies);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_has_aws_document_and_it_compiles() {
        for arn in root_task_policy_arns() {
            let doc = root_task_policy(&arn).unwrap();
            assert!(doc.contains("DenyAllOtherActionsOnAnyResource"), "{arn}");
            CompiledPolicy::from_text(doc, arn.clone(), "aws-managed").unwrap();
        }
        assert_eq!(root_task_policy_arns().count(), 5);
        assert!(root_task_policy("arn:aws:iam::aws:policy/AdministratorAccess").is_none());
        assert!(root_task_policy("arn:aws:iam::aws:policy/root-task/Unknown").is_none());
    }
}
