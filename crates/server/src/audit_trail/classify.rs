//! What kind of event a call is: read-only or not, whether its response is recorded,
//! and what CloudTrail calls the resource an ARN names.

/// `readOnly`: the `Get*`, `List*`, `Simulate*`, `Validate*`, `Check*` and
/// `LookupEvents` calls, and every STS call (STS changes nothing stored; CloudTrail
/// marks its events read-only).
pub fn read_only(event_source: &str, action: &str) -> bool {
    match event_source {
        "sts.amazonaws.com" => true,
        _ => [
            "Get", "List", "Simulate", "Lookup", "Describe", "Validate", "Check",
        ]
        .iter()
        .any(|p| action.starts_with(p)),
    }
}

/// Whether `responseElements` is written for a successful call: calls that change
/// something, and the STS calls that issue credentials (their id and expiry, never the
/// secret or the token). Reads leave it `null`, as CloudTrail does.
pub fn records_response(event_source: &str, action: &str) -> bool {
    match event_source {
        "sts.amazonaws.com" => {
            action.starts_with("AssumeRole")
                || matches!(
                    action,
                    "GetSessionToken" | "GetFederationToken" | "AssumeRoot"
                )
        }
        _ => !read_only(event_source, action),
    }
}

/// The CloudTrail resource type of an IAM or STS ARN (`AWS::IAM::User`); `None` for
/// ARNs that name no single resource (`*`, the account root, a path prefix that a
/// listing was authorized on).
pub fn resource_type(arn: &str) -> Option<&'static str> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, _, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if resource.ends_with('/') || resource.contains('*') {
        return None;
    }
    let kind = resource.split('/').next()?;
    Some(match (service, kind) {
        ("iam", "user") => "AWS::IAM::User",
        ("iam", "role") => "AWS::IAM::Role",
        ("iam", "group") => "AWS::IAM::Group",
        ("iam", "policy") => "AWS::IAM::Policy",
        ("iam", "instance-profile") => "AWS::IAM::InstanceProfile",
        ("iam", "oidc-provider") => "AWS::IAM::OIDCProvider",
        ("iam", "saml-provider") => "AWS::IAM::SAMLProvider",
        ("iam", "mfa") => "AWS::IAM::MFADevice",
        ("iam", "server-certificate") => "AWS::IAM::ServerCertificate",
        ("sts", "assumed-role") => "AWS::STS::AssumedRole",
        ("access-analyzer", "analyzer") => "AWS::AccessAnalyzer::Analyzer",
        ("sts", "federated-user") => "AWS::STS::FederatedUser",
        _ => return None,
    })
}

/// The account of an ARN, when it names one.
pub fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        assert!(read_only("iam.amazonaws.com", "GetUser"));
        assert!(!read_only("iam.amazonaws.com", "CreateUser"));
        assert!(read_only("sts.amazonaws.com", "AssumeRole"));
        assert!(records_response("sts.amazonaws.com", "AssumeRole"));
        assert!(!records_response("sts.amazonaws.com", "GetCallerIdentity"));
        assert!(records_response("iam.amazonaws.com", "CreateAccessKey"));
        assert!(!records_response("iam.amazonaws.com", "ListUsers"));
        assert_eq!(
            resource_type("arn:aws:iam::123456789012:user/a/b"),
            Some("AWS::IAM::User")
        );
        assert_eq!(resource_type("arn:aws:iam::123456789012:root"), None);
        assert_eq!(resource_type("*"), None);
        assert_eq!(resource_type("arn:aws:iam::123456789012:user/"), None);
        assert_eq!(
            arn_account("arn:aws:iam::123456789012:role/r"),
            Some("123456789012")
        );
    }
}
