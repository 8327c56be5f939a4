//! Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole,
//! GetServiceLinkedRoleDeletionStatus.
//!
//! A service-linked role is named `AWSServiceRoleFor<Service>[_<suffix>]`, lives under
//! `/aws-service-role/<service principal>/`, trusts only its service and carries the
//! service's managed policy. IAM deletes one asynchronously and reports a deletion
//! task; iamd deletes at once, so a task of a role that is gone has succeeded.
use rand::Rng;
use store::{iam_arn, ErrorKind, NewRole, PageRequest, PrincipalKind, PrincipalName};

use super::roles::{existing_role, named_role, role_xml, RoleView, ROLE_NAME_MAX};
use super::{input, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

/// Service principals end with this.
const SERVICE_SUFFIX: &str = ".amazonaws.com";
/// Deletion task ids start with this, then `<service>/<role name>/<id>`.
const TASK_PREFIX: &str = "task/aws-service-role/";

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "CreateServiceLinkedRole",
            new_service_linked_role,
            create_service_linked_role
        ),
        operation!(
            "DeleteServiceLinkedRole",
            named_role,
            delete_service_linked_role
        ),
        operation!(
            "GetServiceLinkedRoleDeletionStatus",
            task_role,
            get_deletion_status
        ),
    ]
}

/// Role-name stems IAM uses for services whose stem is not the capitalised service
/// name.
const KNOWN_STEMS: &[(&str, &str)] = &[
    ("access-analyzer", "AccessAnalyzer"),
    ("autoscaling", "AutoScaling"),
    ("cloudtrail", "CloudTrail"),
    (
        "dynamodb.application-autoscaling",
        "ApplicationAutoScaling_DynamoDBTable",
    ),
    (
        "ec2.application-autoscaling",
        "ApplicationAutoScaling_EC2SpotFleetRequest",
    ),
    ("ecs", "ECS"),
    (
        "ecs.application-autoscaling",
        "ApplicationAutoScaling_ECSService",
    ),
    ("eks", "AmazonEKS"),
    ("elasticbeanstalk", "ElasticBeanstalk"),
    ("elasticloadbalancing", "ElasticLoadBalancing"),
    ("elasticmapreduce", "EMRCleanup"),
    ("es", "AmazonElasticsearchService"),
    ("guardduty", "AmazonGuardDuty"),
    ("inspector", "AmazonInspector"),
    ("rds", "RDS"),
    ("securityhub", "SecurityHub"),
    ("spot", "EC2Spot"),
    ("spotfleet", "EC2SpotFleet"),
    ("ssm", "AmazonSSM"),
    ("sso", "SSO"),
    ("trustedadvisor", "TrustedAdvisor"),
];

/// The service part of a role name: a known stem, or the service's words capitalised
/// (`my-service.amazonaws.com` → `MyService`).
fn role_stem(service: &str) -> String {
    let short = service.strip_suffix(SERVICE_SUFFIX).unwrap_or(service);
    if let Some((_, stem)) = KNOWN_STEMS.iter().find(|(s, _)| *s == short) {
        return (*stem).to_owned();
    }
    short
        .split(['-', '.'])
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// `AWSServiceName`, which must be a service principal.
fn service_name(call: &Call) -> ApiResult<&str> {
    let service = input::required_name(&call.params, "AWSServiceName", 128)?;
    if !service.ends_with(SERVICE_SUFFIX) || service.len() == SERVICE_SUFFIX.len() {
        return Err(ApiError::invalid_input(format!(
            "Unrecognized service principal: {service}"
        )));
    }
    Ok(service)
}

/// The name and path of the role for `service`.
fn role_name_and_path(call: &Call, service: &str) -> ApiResult<(String, String)> {
    let suffix = input::optional_name(&call.params, "CustomSuffix", 64)?;
    let mut name = format!("AWSServiceRoleFor{}", role_stem(service));
    if let Some(suffix) = suffix {
        name.push('_');
        name.push_str(suffix);
    }
    if name.chars().count() > ROLE_NAME_MAX {
        return Err(ApiError::invalid_input(format!(
            "The role name {name} is longer than {ROLE_NAME_MAX} characters."
        )));
    }
    Ok((name, format!("/aws-service-role/{service}/")))
}

/// `CreateServiceLinkedRole`: the ARN the new role will have.
async fn new_service_linked_role(call: &Call) -> ApiResult<Target> {
    let service = service_name(call)?;
    let (name, path) = role_name_and_path(call, service)?;
    Ok(Target::arn(iam_arn(call.account(), "role", &path, &name)))
}

/// The trust policy of a service-linked role: its service may assume it.
fn service_trust_policy(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["{service}"]}},"Action":["sts:AssumeRole"]}}]}}"#
    )
}

/// The AWS managed policy IAM attaches to the service's role, when iamd ships it.
fn service_policy_arn(stem: &str) -> Option<String> {
    [
        format!("{stem}ServiceRolePolicy"),
        format!("Amazon{stem}ServiceRolePolicy"),
        format!("AWS{stem}ServiceRolePolicy"),
    ]
    .into_iter()
    .map(|name| format!("arn:aws:iam::aws:policy/aws-service-role/{name}"))
    .find(|arn| awsdata::managed_policy_by_arn(arn).is_some())
}

async fn create_service_linked_role(call: &Call, _target: &Target) -> ApiResult<String> {
    let service = service_name(call)?;
    let (name, path) = role_name_and_path(call, service)?;
    let description = match call.params.get("Description") {
        Some(d) => {
            if d.chars().count() > 1000 {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{d}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000"
                )));
            }
            Some(d.to_owned())
        }
        None => None,
    };
    let created = call
        .store()
        .create_role(
            call.account(),
            NewRole {
                name: name.clone(),
                path,
                assume_role_policy: service_trust_policy(service),
                description,
                max_session_duration: 3600,
                permissions_boundary: None,
                service_linked: true,
                tags: Vec::new(),
            },
        )
        .await;
    let role = match created {
        Ok(role) => role,
        Err(e) if e.kind == ErrorKind::EntityAlreadyExists => {
            return Err(ApiError::invalid_input(format!(
                "Service role name {name} has been taken in this account, please try a different suffix."
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(arn) = service_policy_arn(&role_stem(service)) {
        call.store()
            .attach_policy(call.account(), role_principal(&role.name), &arn)
            .await?;
    }
    Ok(call.respond(|w| {
        w.element("Role", |w| role_xml(w, &role, RoleView::Created));
    }))
}

fn role_principal(name: &str) -> PrincipalName<'_> {
    PrincipalName {
        kind: PrincipalKind::Role,
        name,
    }
}

/// A new deletion task id: `task/aws-service-role/<service>/<role>/<uuid>`.
fn deletion_task_id(service: &str, role: &str) -> String {
    let hex = format!("{:032x}", rand::thread_rng().gen::<u128>());
    let (a, rest) = hex.split_at(8);
    let (b, rest) = rest.split_at(4);
    let (c, rest) = rest.split_at(4);
    let (d, e) = rest.split_at(4);
    format!("{TASK_PREFIX}{service}/{role}/{a}-{b}-{c}-{d}-{e}")
}

async fn delete_service_linked_role(call: &Call, target: &Target) -> ApiResult<String> {
    let role = existing_role(call, target)?;
    let service = role
        .path
        .strip_prefix("/aws-service-role/")
        .and_then(|p| p.strip_suffix('/'))
        .filter(|_| role.service_linked);
    let Some(service) = service else {
        return Err(ApiError::invalid_input(format!(
            "Role {} is not a service-linked role.",
            role.name
        )));
    };
    // The service's policies go with the role; the role itself is then free of them.
    let principal = role_principal(&role.name);
    let attached = call
        .store()
        .list_attached_policies(call.account(), principal, "/", &PageRequest::all())
        .await?;
    for policy in &attached.items {
        call.store()
            .detach_policy(call.account(), principal, &policy.policy_arn)
            .await?;
    }
    let inline = call
        .store()
        .list_inline_policies(call.account(), principal, &PageRequest::all())
        .await?;
    for policy_name in &inline.items {
        call.store()
            .delete_inline_policy(call.account(), principal, policy_name)
            .await?;
    }
    call.store().delete_role(call.account(), &role.name).await?;
    let task = deletion_task_id(service, &role.name);
    Ok(call.respond(|w| {
        w.text("DeletionTaskId", &task);
    }))
}

/// A deletion task id split into (service, role name).
fn parse_task_id(task: &str) -> Option<(&str, &str)> {
    let rest = task.strip_prefix(TASK_PREFIX)?;
    let (service_and_role, id) = rest.rsplit_once('/')?;
    let (service, role) = service_and_role.rsplit_once('/')?;
    if service.is_empty() || role.is_empty() || id.is_empty() {
        return None;
    }
    Some((service, role))
}

fn no_such_task(task: &str) -> ApiError {
    ApiError::new(
        "NoSuchEntity",
        format!("Deletion task {task} cannot be found."),
    )
}

/// `GetServiceLinkedRoleDeletionStatus` acts on the role the task deletes.
async fn task_role(call: &Call) -> ApiResult<Target> {
    let task = input::required(&call.params, "DeletionTaskId")?;
    let (service, role) = parse_task_id(task).ok_or_else(|| no_such_task(task))?;
    Ok(Target::arn(iam_arn(
        call.account(),
        "role",
        &format!("/aws-service-role/{service}/"),
        role,
    )))
}

async fn get_deletion_status(call: &Call, _target: &Target) -> ApiResult<String> {
    let task = input::required(&call.params, "DeletionTaskId")?;
    let (_, role) = parse_task_id(task).ok_or_else(|| no_such_task(task))?;
    match call.store().get_role(call.account(), role).await {
        // Deletion is immediate: a task whose role still exists was never issued.
        Ok(_) => Err(no_such_task(task)),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => Ok(call.respond(|w| {
            w.text("Status", "SUCCEEDED");
        })),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_iam() {
        assert_eq!(role_stem("autoscaling.amazonaws.com"), "AutoScaling");
        assert_eq!(role_stem("my-service.amazonaws.com"), "MyService");
        let task = deletion_task_id("ecs.amazonaws.com", "AWSServiceRoleForECS");
        assert_eq!(
            parse_task_id(&task),
            Some(("ecs.amazonaws.com", "AWSServiceRoleForECS"))
        );
        assert_eq!(parse_task_id("task/other"), None);
    }
}
