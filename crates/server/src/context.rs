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
    if let Some(boundary) = params.get("PermissionsBoundary") {
        c.insert("iam:PermissionsBoundary", ContextValue::single(boundary));
    }
    if let Some(arn) = params.get("PolicyArn") {
        c.insert("iam:PolicyARN", ContextValue::single(arn));
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
        assert_eq!(
            get("iam:PermissionsBoundary"),
            Some(vec!["arn:aws:iam::aws:policy/PowerUserAccess".into()])
        );
    }
}
