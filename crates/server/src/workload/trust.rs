//! Whether a role's trust policy lets a service principal assume it, decided by the
//! engine with the trust policy as the only policy, as AWS decides for EC2 and ECS.
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use store::{Role, Timestamp, WorkloadBinding, WorkloadKind};

/// Whether `role` trusts `service` (`ec2.amazonaws.com`) to call `sts:AssumeRole` for
/// `binding`'s workload. A trust policy that does not compile trusts no one.
pub fn trusts(role: &Role, service: &str, binding: &WorkloadBinding) -> bool {
    let Ok(trust) = CompiledPolicy::from_text(&role.assume_role_policy, role.arn(), "Resource")
    else {
        return false;
    };
    let request = Request {
        principal: Principal {
            kind: PrincipalKind::Service,
            arn: service.to_owned(),
            account: String::new(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        },
        action: "sts:AssumeRole".to_owned(),
        resource: Resource {
            arn: role.arn(),
            account: Some(role.account_id.clone()),
        },
        context: context(service, binding),
    };
    let policies = PolicySet {
        resource: Some(trust),
        ..PolicySet::default()
    };
    evaluate(&request, &policies).is_allowed()
}

/// The keys a service's request to assume a role carries. ECS also names the task
/// (`aws:SourceArn`), so the confused-deputy conditions AWS documents for task roles
/// (`ArnLike aws:SourceArn arn:aws:ecs:REGION:ACCOUNT:*`) hold; iamd's tasks are in a
/// cluster named `iamd`.
fn context(service: &str, binding: &WorkloadBinding) -> Context {
    let now = Timestamp::now();
    let mut context = Context::new();
    context.insert("aws:CurrentTime", ContextValue::single(now.iso8601()));
    context.insert(
        "aws:EpochTime",
        ContextValue::single(now.epoch_seconds().to_string()),
    );
    context.insert("aws:PrincipalServiceName", ContextValue::single(service));
    context.insert("aws:PrincipalIsAWSService", ContextValue::single("true"));
    context.insert(
        "aws:SourceAccount",
        ContextValue::single(binding.account_id.clone()),
    );
    if binding.kind == WorkloadKind::Container {
        context.insert(
            "aws:SourceArn",
            ContextValue::single(format!(
                "arn:aws:ecs:{}:{}:task/iamd/{}",
                crate::ops::unsigned::DEFAULT_REGION,
                binding.account_id,
                binding.workload_id
            )),
        );
    }
    context.insert(
        "sts:RoleSessionName",
        ContextValue::single(binding.workload_id.clone()),
    );
    context
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(trust: &str) -> Role {
        Role {
            account_id: "123456789012".into(),
            role_id: "AROAEXAMPLE".into(),
            name: "r".into(),
            path: "/".into(),
            created: Timestamp(0),
            assume_role_policy: trust.into(),
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            last_used: None,
            service_linked: false,
            tags: Vec::new(),
        }
    }

    fn binding(kind: WorkloadKind) -> WorkloadBinding {
        WorkloadBinding {
            name: "w".into(),
            kind,
            account_id: "123456789012".into(),
            target: "t".into(),
            listen: None,
            workload_id: "i-0123456789abcdef0".into(),
            created: Timestamp(0),
        }
    }

    const EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    const ECS_GUARDED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole",
        "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"},
                     "StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
    const ANY_AWS_PRINCIPAL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn only_the_named_service_principal_is_trusted() {
        let imds = binding(WorkloadKind::Imds);
        let task = binding(WorkloadKind::Container);
        assert!(trusts(&role(EC2), "ec2.amazonaws.com", &imds));
        assert!(!trusts(&role(EC2), "ecs-tasks.amazonaws.com", &task));
        assert!(trusts(&role(ECS_GUARDED), "ecs-tasks.amazonaws.com", &task));
        assert!(!trusts(&role(ECS_GUARDED), "ec2.amazonaws.com", &imds));
        // An account principal is not a service.
        assert!(!trusts(
            &role(ANY_AWS_PRINCIPAL),
            "ec2.amazonaws.com",
            &imds
        ));
        assert!(!trusts(&role("not json"), "ec2.amazonaws.com", &imds));
    }
}
