//! The syntax rules of single policy values: actions, resource ARNs, principals,
//! date values. Each returns AWS's verdict for one string.
use crate::ast::PrincipalType;
use crate::error::msg;

/// The partitions AWS knows; any other partition in a resource ARN is refused.
const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// `service:Action` with wildcards in the name, or `*`. `None` when valid, else
/// AWS's message. AWS checks only the vendor prefix here; action names that do not
/// exist are accepted (they are reported as warnings elsewhere, if at all).
pub fn action_syntax_error(action: &str) -> Option<String> {
    if action == "*" {
        return None;
    }
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or_default();
    if parts.next().is_none() {
        return Some(msg::ACTION_NEEDS_VENDOR.to_string());
    }
    if parts.next().is_some() {
        return Some(msg::ACTION_ONE_COLON.to_string());
    }
    let vendor_ok = vendor == "*"
        || vendor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if vendor_ok {
        None
    } else {
        Some(format!("Vendor {vendor} is not valid"))
    }
}

/// The actions a trust policy may name.
const TRUST_ACTIONS: [&str; 6] = [
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "TagSession",
    "SetSourceIdentity",
    "SetContext",
];

/// Every other action of STS: a wildcard in a trust policy must not reach them.
const OTHER_STS_ACTIONS: [&str; 9] = [
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetDelegatedAccessToken",
    "GetFederationToken",
    "GetServiceBearerToken",
    "GetSessionToken",
    "GetWebIdentityToken",
];

/// Whether a trust policy may name `action`: one of the role actions of STS, or a
/// wildcard that covers some of them and nothing else.
pub fn is_trust_action(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    if !service.eq_ignore_ascii_case("sts") {
        return false;
    }
    TRUST_ACTIONS.iter().any(|a| glob_matches(name, a))
        && !OTHER_STS_ACTIONS.iter().any(|a| glob_matches(name, a))
}

/// The services whose actions resource control policies can restrict.
const RCP_SERVICES: [&str; 10] = [
    "s3",
    "sts",
    "sqs",
    "secretsmanager",
    "kms",
    "ecr",
    "aoss",
    "cognito-identity",
    "logs",
    "dynamodb",
];

/// Whether an RCP may name `action`: `*` or an action of a service RCPs support.
pub fn is_rcp_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    action
        .split_once(':')
        .is_some_and(|(service, _)| RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service)))
}

/// Case-insensitive match of `pattern` (`*` any run, `?` one character) against `text`.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                backtrack = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match backtrack {
                Some((bp, bt)) => {
                    pi = bp + 1;
                    ti = bt + 1;
                    backtrack = Some((bp, bt + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// AWS's verdict on one `Resource`/`NotResource` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceCheck {
    Ok,
    /// Refused with "The policy failed legacy parsing".
    Legacy,
    /// Refused with this message.
    Invalid(String),
    /// Accepted by AWS but cannot match anything AWS names this way.
    Suspicious(String),
}

/// The resource paths IAM resource ARNs may have.
const IAM_RESOURCE_PREFIXES: [&str; 13] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// Checks `arn:partition:service:region:account:resource` (or `*`).
pub fn resource_check(resource: &str) -> ResourceCheck {
    if resource == "*" {
        return ResourceCheck::Ok;
    }
    let Some((prefix, after_prefix)) = resource.split_once(':') else {
        return ResourceCheck::Invalid(format!(
            "Resource {resource} must be in ARN format or \"*\"."
        ));
    };
    let (partition, after_partition) = match after_prefix.split_once(':') {
        Some((p, rest)) => (p, Some(rest)),
        None => (after_prefix, None),
    };
    if !PARTITIONS.contains(&partition) {
        return ResourceCheck::Invalid(partition_message(partition, after_partition));
    }
    let Some(after_partition) = after_partition else {
        return ResourceCheck::Invalid(msg::RESOURCE_VENDOR.to_string());
    };
    let colons = resource.bytes().filter(|&b| b == b':').count();
    let mut fields = after_partition.splitn(4, ':');
    let service = fields.next().unwrap_or_default();
    let region = fields.next();
    let _account = fields.next();
    let path = fields.next();
    // The legacy parser refuses an empty service and `::` in an ARN that does not
    // have all six fields.
    if service.is_empty() || (resource.contains("::") && colons < 5) {
        return ResourceCheck::Legacy;
    }
    let region = region.unwrap_or_default();
    if service == "iam" && !region.is_empty() {
        return ResourceCheck::Invalid(format!(
            "IAM resource {resource} cannot contain region information."
        ));
    }
    if service == "s3" && !region.is_empty() {
        return ResourceCheck::Invalid(format!(
            "Resource {resource} can not contain region information."
        ));
    }
    if service == "iam" {
        if let Some(path) = path {
            let known = path == "*"
                || path == "root"
                || IAM_RESOURCE_PREFIXES.iter().any(|p| path.starts_with(p));
            if !known {
                return ResourceCheck::Invalid(format!(
                    "IAM resource path must either be \"*\" or start with {}.",
                    IAM_RESOURCE_PREFIXES.join(", ")
                ));
            }
        }
    }
    if prefix != "arn" {
        return ResourceCheck::Suspicious(format!(
            "Resource {resource} does not start with \"arn:\" and matches no AWS resource"
        ));
    }
    ResourceCheck::Ok
}

/// AWS rewrites the ARN in its message with `*` for missing fields.
fn partition_message(partition: &str, rest: Option<&str>) -> String {
    let rest = rest.unwrap_or_default();
    let parts: Vec<&str> = rest.split(':').collect();
    let field = |i: usize| -> String {
        match parts.get(i) {
            Some(p) if !p.is_empty() || parts.len() > 1 => (*p).to_string(),
            _ => "*".to_string(),
        }
    };
    let tail = if parts.len() > 3 {
        parts.get(3..).map(|p| p.join(":")).unwrap_or_default()
    } else {
        "*".to_string()
    };
    format!(
        "Partition \"{partition}\" is not valid for resource \"arn:{partition}:{}:{}:{}:{tail}\".",
        field(0),
        field(1),
        field(2),
    )
}

/// Whether a value of a `Date*` condition passes AWS's legacy parser: an ISO 8601
/// date-time, or a non-negative epoch time in seconds.
pub fn legacy_date_is_valid(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if !lower.contains('t') && !lower.contains('-') {
        return lower.parse::<i64>().is_ok_and(|n| n >= 0);
    }
    let (date, time) = lower.split_once('t').unwrap_or((&lower, ""));
    iso_date_is_valid(date) && iso_time_is_valid(time)
}

fn in_range(field: &str, min: i64, max: i64) -> bool {
    !field.is_empty()
        && field.bytes().all(|b| b.is_ascii_digit())
        && field.parse::<i64>().is_ok_and(|n| (min..=max).contains(&n))
}

fn iso_date_is_valid(date: &str) -> bool {
    let (negative, unsigned) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let parts: Vec<&str> = unsigned.split('-').collect();
    if parts.len() > 3 {
        return false;
    }
    let year_ok = parts.first().is_some_and(|y| {
        let (min, max) = if negative {
            (0, 292_275_054)
        } else {
            (0, 292_278_993)
        };
        in_range(y, min, max)
    });
    year_ok
        && parts.get(1).is_none_or(|m| in_range(m, 1, 12))
        && parts.get(2).is_none_or(|d| in_range(d, 1, 31))
}

fn iso_time_is_valid(time: &str) -> bool {
    if time.is_empty() {
        return true;
    }
    // Split off the zone: `z`, `+hh[:mm]` or `-hh[:mm]`.
    let (clock, zone) = match time.find(['z', '+', '-']) {
        Some(i) => (
            time.get(..i).unwrap_or_default(),
            time.get(i..).unwrap_or_default(),
        ),
        None => (time, ""),
    };
    let zone_ok = match zone.as_bytes().first() {
        None => true,
        Some(b'z') => zone.len() == 1,
        Some(_) => {
            let offset = zone.get(1..).unwrap_or_default();
            let (h, m) = offset.split_once(':').unwrap_or((offset, "00"));
            h.len() == 2 && m.len() == 2 && in_range(h, 0, 23) && in_range(m, 0, 59)
        }
    };
    let fields: Vec<&str> = clock.split(':').collect();
    if fields.len() > 3 || !zone_ok {
        return false;
    }
    let hours_ok = fields
        .first()
        .is_none_or(|h| h.is_empty() || in_range(h, 0, 23));
    let minutes_ok = fields.get(1).is_none_or(|m| in_range(m, 0, 59));
    let seconds_ok = fields.get(2).is_none_or(|s| {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
        in_range(whole, 0, 59) && in_range(fraction, 0, 999_999_999)
    });
    hours_ok && minutes_ok && seconds_ok
}

/// Whether a principal value has a form AWS accepts for its type. Whether the
/// named principal exists is the store's question, not the syntax's.
pub fn principal_value_is_valid(kind: PrincipalType, value: &str) -> bool {
    let plain = !value.is_empty() && !value.chars().any(char::is_whitespace);
    match kind {
        PrincipalType::Aws => {
            value == "*" || is_account_id(value) || is_unique_id(value) || is_principal_arn(value)
        }
        PrincipalType::Service => plain && !value.contains(['*', '?']),
        PrincipalType::Federated => {
            if value.starts_with("arn:") {
                arn_parts(value).is_some_and(|(_, service, region, account, path)| {
                    service == "iam"
                        && region.is_empty()
                        && is_account_id(account)
                        && (path.starts_with("saml-provider/")
                            || path.starts_with("oidc-provider/"))
                        && !value.contains(['*', '?'])
                })
            } else {
                plain && !value.contains(['*', '?'])
            }
        }
        PrincipalType::CanonicalUser => {
            value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// IAM unique ids (`AIDA...` users, `AROA...` roles) that AWS shows in place of
/// principals that were deleted.
fn is_unique_id(s: &str) -> bool {
    (s.starts_with("AIDA") || s.starts_with("AROA"))
        && s.len() >= 16
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `arn:partition:service:region:account:path`, split.
fn arn_parts(s: &str) -> Option<(&str, &str, &str, &str, &str)> {
    let mut f = s.splitn(6, ':');
    if f.next()? != "arn" {
        return None;
    }
    let partition = f.next()?;
    if !PARTITIONS.contains(&partition) {
        return None;
    }
    Some((partition, f.next()?, f.next()?, f.next()?, f.next()?))
}

/// The ARN of an account root, IAM user or role, role session or federated user.
/// Principal ARNs take no wildcards.
fn is_principal_arn(s: &str) -> bool {
    if s.contains(['*', '?']) {
        return false;
    }
    let Some((_, service, region, account, path)) = arn_parts(s) else {
        return false;
    };
    if !region.is_empty() || !is_account_id(account) {
        return false;
    }
    match service {
        "iam" => {
            path == "root"
                || path.strip_prefix("user/").is_some_and(|r| !r.is_empty())
                || path.strip_prefix("role/").is_some_and(|r| !r.is_empty())
        }
        "sts" => {
            path.strip_prefix("assumed-role/")
                .is_some_and(|r| r.split('/').count() >= 2 && !r.ends_with('/'))
                || path
                    .strip_prefix("federated-user/")
                    .is_some_and(|r| !r.is_empty())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_aws_actions() {
        assert!(glob_matches("AssumeRole*", "assumerolewithsaml"));
        assert!(!glob_matches("AssumeRole*", "AssumeRoot"));
        assert!(glob_matches("*", "GetCallerIdentity"));
        assert!(glob_matches("?etContext", "SetContext"));
        assert!(!glob_matches("Set", "SetContext"));
    }

    #[test]
    fn trust_actions() {
        assert!(is_trust_action("sts:AssumeRole"));
        assert!(is_trust_action("STS:assumerole*"));
        assert!(is_trust_action("sts:Set*"));
        assert!(!is_trust_action("sts:*"));
        assert!(!is_trust_action("*"));
        assert!(!is_trust_action("sts:GetCallerIdentity"));
        assert!(!is_trust_action("iam:AssumeRole"));
    }

    #[test]
    fn dates_in_the_legacy_parser() {
        for ok in [
            "2017-07-01T00:00:00Z",
            "2016-12-13T21:20:37.593194+00:00",
            "2016-12-13t2:00:00.593194+23",
            "-292275054",
            "01T",
            "1500000000",
            "2020-01-01T00:00:00-05:00",
        ] {
            assert!(legacy_date_is_valid(ok), "{ok}");
        }
        for bad in [
            "sdfdsf",
            "234-13",
            "2016-12-13t2:00:00.593194+1",
            "2016-12-13t2:00:00.1999999999+10:59",
            "9223372036854775808",
        ] {
            assert!(!legacy_date_is_valid(bad), "{bad}");
        }
    }
}
