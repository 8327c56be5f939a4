//! Whether a role's trust policy lets a service principal assume it, decided by the
//! engine with the trust policy as the only policy, as AWS decides for EC2 and ECS.
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use store::{Role, Timestamp, WorkloadBinding};

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

/// The keys a service's request to assume a role carries.
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
    context.insert(
        "sts:RoleSessionName",
        ContextValue::single(binding.workload_id.clone()),
    );
    context
}
