//! The request context AWS builds for authorization: the global condition keys of the
//! caller and the request, and the IAM keys a request's parameters imply.
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use awsquery::Params;
use policy::request::{Context, ContextValue};
use store::{Tag, Timestamp};

use crate::identity::{Caller, CallerKind};

/// Facts of the transport, not of the parameters.
#[derive(Debug, Clone)]
pub struct RequestEnv {
    pub source_ip: IpAddr,
    pub secure_transport: bool,
    pub now: SystemTime,
    pub region: String,
}

/// Builds the context of one request.
///
/// `principal_tags` are the caller's tags; `resource_tags` those of the resource acted
/// on (for `iam:ResourceTag/*` and `aws:ResourceTag/*`).
pub fn build(
    caller: &Caller,
    principal_tags: &[Tag],
    resource_tags: &[Tag],
    env: &RequestEnv,
    params: &Params,
) -> Context {
    let mut c = Context::new();
    let millis = env
        .now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let now = Timestamp::from_millis(millis);
    c.insert("aws:CurrentTime", ContextValue::single(now.iso8601()));
    c.insert(
        "aws:EpochTime",
        ContextValue::single(now.epoch_seconds().to_string()),
    );
    c.insert(
        "aws:SourceIp",
        ContextValue::single(env.source_ip.to_string()),
    );
    c.insert(
        "aws:SecureTransport",
        ContextValue::single(if env.secure_transport {
            "true"
        } else {
            "false"
        }),
    );
    c.insert(
        "aws:RequestedRegion",
        ContextValue::single(env.region.clone()),
    );
    c.insert(
        "aws:PrincipalArn",
        ContextValue::single(caller.principal_arn()),
    );
    c.insert(
        "aws:PrincipalAccount",
        ContextValue::single(caller.account_id.clone()),
    );
    c.insert(
        "aws:PrincipalType",
        ContextValue::single(caller.principal_type()),
    );
    c.insert("aws:userid", ContextValue::single(caller.unique_id()));
    c.insert("aws:PrincipalIsAWSService", ContextValue::single("false"));
    c.insert("aws:ViaAWSService", ContextValue::single("false"));
    if let CallerKind::User { name, .. } = &caller.kind {
        c.insert("aws:username", ContextValue::single(name.clone()));
    }
    // Long-term keys: aws:MultiFactorAuthPresent is absent, as on AWS.
    for tag in principal_tags {
        c.insert(
            &format!("aws:PrincipalTag/{}", tag.key),
            ContextValue::single(tag.value.clone()),
        );
    }
    if let Some(session) = &caller.session {
        crate::sts::context::add_session_keys(&mut c, session, now);
    }
    for tag in resource_tags {
        for prefix in ["iam:ResourceTag/", "aws:ResourceTag/"] {
            c.insert(
                &format!("{prefix}{}", tag.key),
                ContextValue::single(tag.value.clone()),
            );
        }
    }
    add_parameter_keys(&mut c, params);
    c
}

/// Keys implied by parameters common to many IAM operations.
fn add_parameter_keys(c: &mut Context, params: &Params) {
    let tags = params.structure_list("Tags", &["Key", "Value"]);
    if !tags.is_empty() {
        let mut keys = Vec::new();
        for tag in &tags {
            if let (Some(Some(key)), value) = (tag.first(), tag.get(1)) {
                let value = value.copied().flatten().unwrap_or("");
                c.insert(
                    &format!("aws:RequestTag/{key}"),
                    ContextValue::single(value),
                );
                keys.push(key.to_string());
            }
        }
        c.insert("aws:TagKeys", ContextValue::multi(keys));
    }
    let tag_keys = params.list("TagKeys");
    if !tag_keys.is_empty() {
        c.insert("aws:TagKeys", ContextValue::multi(tag_keys));
    }
}

/// Where an IAM action takes `iam:PermissionsBoundary` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoundarySource {
    /// The boundary the request sets (its `PermissionsBoundary` parameter).
    Request,
    /// The boundary the user or role acted on has now.
    Entity,
}

/// The IAM actions the service authorization reference documents with
/// `iam:PermissionsBoundary`, and where each takes its value from. Actions that create
/// an entity or set its boundary name the boundary they set; the others filter on the
/// boundary the entity already has, which is what lets a delegated administrator act
/// only on entities bound by a given policy.
fn boundary_source(operation: &str) -> Option<BoundarySource> {
    match operation {
        "CreateUser"
        | "CreateRole"
        | "PutUserPermissionsBoundary"
        | "PutRolePermissionsBoundary" => Some(BoundarySource::Request),
        "AttachUserPolicy"
        | "DetachUserPolicy"
        | "PutUserPolicy"
        | "DeleteUserPolicy"
        | "DeleteUserPermissionsBoundary"
        | "AttachRolePolicy"
        | "DetachRolePolicy"
        | "PutRolePolicy"
        | "DeleteRolePolicy"
        | "DeleteRolePermissionsBoundary"
        | "DeleteRole"
        | "GetRole"
        | "UpdateRole"
        | "UpdateRoleDescription"
        | "UpdateAssumeRolePolicy" => Some(BoundarySource::Entity),
        _ => None,
    }
}

/// The IAM actions the reference documents with `iam:PolicyARN`: attaching and
/// detaching managed policies, not every operation that takes a `PolicyArn`.
fn has_policy_arn_key(operation: &str) -> bool {
    matches!(
        operation,
        "AttachUserPolicy"
            | "DetachUserPolicy"
            | "AttachGroupPolicy"
            | "DetachGroupPolicy"
            | "AttachRolePolicy"
            | "DetachRolePolicy"
    )
}

/// Adds the condition keys an IAM operation documents for itself (`iam:PermissionsBoundary`,
/// `iam:PolicyARN`, `iam:AWSServiceName`, the delegation-request keys its parameters
/// give). `operation` is the IAM action name
/// (`AttachUserPolicy`); `current_boundary` is the permissions boundary of the user or
/// role the operation acts on, when it exists and has one.
pub fn add_operation_keys(
    c: &mut Context,
    operation: &str,
    params: &Params,
    current_boundary: Option<&str>,
) {
    let boundary = match boundary_source(operation) {
        Some(BoundarySource::Request) => params.get("PermissionsBoundary"),
        Some(BoundarySource::Entity) => current_boundary,
        None => None,
    };
    if let Some(boundary) = boundary {
        c.insert("iam:PermissionsBoundary", ContextValue::single(boundary));
    }
    if has_policy_arn_key(operation) {
        if let Some(arn) = params.get("PolicyArn") {
            c.insert("iam:PolicyARN", ContextValue::single(arn));
        }
    }
    if operation == "CreateDelegationRequest" {
        let keys = [
            ("iam:DelegationDuration", "SessionDuration"),
            ("iam:NotificationChannel", "NotificationChannel"),
            ("iam:TemplateArn", "Permissions.PolicyTemplateArn"),
        ];
        for (key, member) in keys {
            if let Some(value) = params.get(member) {
                c.insert(key, ContextValue::single(value));
            }
        }
    }
    if operation == "ListDelegationRequests" {
        if let Some(owner) = params.get("OwnerId") {
            c.insert("iam:DelegationRequestOwner", ContextValue::single(owner));
        }
    }
    if operation == "CreateServiceLinkedRole" {
        if let Some(service) = params.get("AWSServiceName") {
            c.insert("iam:AWSServiceName", ContextValue::single(service));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_carries_caller_request_and_tags() {
        let caller = Caller::user("123456789012", "AKIA", "AIDAX", "jane", "/");
        let params = Params::from_pairs([
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "blue"),
            (
                "PermissionsBoundary",
                "arn:aws:iam::aws:policy/PowerUserAccess",
            ),
        ]);
        let env = RequestEnv {
            source_ip: "10.1.2.3".parse().unwrap(),
            secure_transport: false,
            now: UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
            region: "us-east-1".into(),
        };
        let c = build(
            &caller,
            &[Tag::new("dept", "eng")],
            &[Tag::new("owner", "x")],
            &env,
            &params,
        );
        let get = |k: &str| c.get(k).map(|v| v.values.clone());
        assert_eq!(get("aws:username"), Some(vec!["jane".into()]));
        assert_eq!(get("aws:userid"), Some(vec!["AIDAX".into()]));
        assert_eq!(get("aws:PrincipalType"), Some(vec!["User".into()]));
        assert_eq!(get("aws:PrincipalTag/dept"), Some(vec!["eng".into()]));
        assert_eq!(get("iam:ResourceTag/owner"), Some(vec!["x".into()]));
        assert_eq!(get("aws:RequestTag/team"), Some(vec!["blue".into()]));
        assert_eq!(get("aws:TagKeys"), Some(vec!["team".into()]));
        assert_eq!(
            get("aws:CurrentTime"),
            Some(vec!["2023-11-14T22:13:20Z".into()])
        );
        assert_eq!(get("aws:EpochTime"), Some(vec!["1700000000".into()]));
        assert_eq!(get("aws:SourceIp"), Some(vec!["10.1.2.3".into()]));
        assert!(get("aws:MultiFactorAuthPresent").is_none());
        // Operation keys come from add_operation_keys, which knows the operation.
        assert!(get("iam:PermissionsBoundary").is_none());
    }

    fn operation_keys(operation: &str, params: &[(&str, &str)], current: Option<&str>) -> Context {
        let mut c = Context::new();
        let params = Params::from_pairs(params.iter().copied());
        add_operation_keys(&mut c, operation, &params, current);
        c
    }

    fn value(c: &Context, key: &str) -> Option<String> {
        c.get(key).and_then(|v| v.values.first().cloned())
    }

    const BOUNDARY: &str = "arn:aws:iam::123456789012:policy/DeveloperBoundary";
    const OTHER: &str = "arn:aws:iam::123456789012:policy/Other";

    #[test]
    fn boundary_of_the_request_when_setting_one() {
        for op in ["CreateUser", "CreateRole", "PutUserPermissionsBoundary"] {
            let c = operation_keys(op, &[("PermissionsBoundary", BOUNDARY)], Some(OTHER));
            assert_eq!(
                value(&c, "iam:PermissionsBoundary").as_deref(),
                Some(BOUNDARY),
                "{op}"
            );
        }
        let c = operation_keys("CreateUser", &[], None);
        assert!(c.get("iam:PermissionsBoundary").is_none());
    }

    #[test]
    fn boundary_of_the_entity_acted_on_otherwise() {
        let policy = [("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess")];
        for op in [
            "AttachUserPolicy",
            "DetachRolePolicy",
            "PutUserPolicy",
            "DeleteRolePermissionsBoundary",
        ] {
            let c = operation_keys(op, &policy, Some(BOUNDARY));
            assert_eq!(
                value(&c, "iam:PermissionsBoundary").as_deref(),
                Some(BOUNDARY),
                "{op}"
            );
        }
        // No boundary on the entity: the key is absent (…IfExists conditions match).
        let c = operation_keys("AttachUserPolicy", &policy, None);
        assert!(c.get("iam:PermissionsBoundary").is_none());
        // Operations the reference lists without the key never carry it.
        for op in [
            "GetUser",
            "DeleteUser",
            "AttachGroupPolicy",
            "CreatePolicyVersion",
        ] {
            let c = operation_keys(op, &policy, Some(BOUNDARY));
            assert!(c.get("iam:PermissionsBoundary").is_none(), "{op}");
        }
    }

    #[test]
    fn policy_arn_only_for_attach_and_detach() {
        let policy = [("PolicyArn", BOUNDARY)];
        let c = operation_keys("AttachGroupPolicy", &policy, None);
        assert_eq!(value(&c, "iam:PolicyARN").as_deref(), Some(BOUNDARY));
        for op in [
            "GetPolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "ListEntitiesForPolicy",
        ] {
            assert!(
                operation_keys(op, &policy, None)
                    .get("iam:PolicyARN")
                    .is_none(),
                "{op}"
            );
        }
    }

    #[test]
    fn service_name_for_service_linked_roles() {
        let params = [("AWSServiceName", "elasticbeanstalk.amazonaws.com")];
        let c = operation_keys("CreateServiceLinkedRole", &params, None);
        assert_eq!(
            value(&c, "iam:AWSServiceName").as_deref(),
            Some("elasticbeanstalk.amazonaws.com")
        );
        assert!(operation_keys("DeleteServiceLinkedRole", &params, None)
            .get("iam:AWSServiceName")
            .is_none());
    }

    /// The operation lists above are the reference's: an action documents the key
    /// exactly when this module adds it.
    #[test]
    fn operation_keys_follow_the_service_reference() {
        let iam = awsdata::service("iam").expect("the reference has IAM");
        let documents = |action: &awsdata::Action, key: &str| {
            action.condition_keys.contains(&key)
                || action
                    .resource_types
                    .iter()
                    .any(|r| r.condition_keys.contains(&key))
        };
        for action in iam.actions.iter() {
            let name = action.name;
            assert_eq!(
                boundary_source(name).is_some(),
                documents(action, "iam:PermissionsBoundary"),
                "iam:PermissionsBoundary on iam:{name}"
            );
            assert_eq!(
                has_policy_arn_key(name),
                documents(action, "iam:PolicyARN"),
                "iam:PolicyARN on iam:{name}"
            );
            assert_eq!(
                name == "CreateServiceLinkedRole",
                documents(action, "iam:AWSServiceName"),
                "iam:AWSServiceName on iam:{name}"
            );
            for key in [
                "iam:DelegationDuration",
                "iam:NotificationChannel",
                "iam:TemplateArn",
            ] {
                assert_eq!(
                    name == "CreateDelegationRequest",
                    action.condition_keys.contains(&key),
                    "{key} on iam:{name}"
                );
            }
            assert_eq!(
                name == "ListDelegationRequests",
                action
                    .condition_keys
                    .contains(&"iam:DelegationRequestOwner"),
                "iam:DelegationRequestOwner on iam:{name}"
            );
        }
    }
}
