//! `Principal`/`NotPrincipal`: where a policy type needs or refuses one, its shape,
//! wildcards, and IDs where ARNs belong.
use policy::ast::Span as TextSpan;
use policy::json::{Kind, Member};

use crate::catalogue as c;
use crate::document::{string_list, Statement};
use crate::model::PolicyType;
use crate::report::{join, value, Path, Report};
use crate::report::{key, Step};
use crate::Context;

use super::variables;

const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

pub(super) fn check(statement: &Statement, cx: &Context, report: &mut Report) {
    let Some(member) = statement.principal else {
        if cx.takes_principal() {
            report.at(
                c::MISSING_PRINCIPAL,
                "Add a Principal element to the policy statement.".to_string(),
                statement.path.clone(),
                statement.span,
            );
        }
        return;
    };
    let key_path = join(&statement.path, key(&member.key));
    if !cx.takes_principal() {
        if cx.policy_type == PolicyType::ServiceControlPolicy {
            report.at(
                c::SCP_SYNTAX_ERROR_PRINCIPAL,
                "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.".to_string(),
                key_path,
                member.key_span,
            );
        } else {
            report.at(
                c::UNSUPPORTED_PRINCIPAL,
                format!(
                    "The policy type {} does not support the Principal element. Remove the Principal element.",
                    cx.policy_type.as_str()
                ),
                key_path,
                member.key_span,
            );
        }
        return;
    }
    let negated = member.key == "NotPrincipal";
    if negated && cx.is_trust_policy() {
        report.at(
            c::ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL,
            "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.".to_string(),
            key_path.clone(),
            member.key_span,
        );
    } else if negated && statement.is_allow() {
        report.at(
            c::ALLOW_WITH_NOT_PRINCIPAL,
            "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.".to_string(),
            key_path.clone(),
            member.key_span,
        );
    }
    let here = join(&statement.path, value(&member.key));
    match &member.value.kind {
        Kind::String(s) if s == "*" && cx.is_trust_policy() => {
            trust_wildcard(here, member.value.span, report);
        }
        Kind::String(s) if s == "*" => {}
        Kind::String(_) => report.at(
            c::INVALID_PRINCIPAL_FORMAT,
            "The Principal element contents are not valid. Specify a key-value pair in the Principal element.".to_string(),
            here,
            member.value.span,
        ),
        Kind::Object(entries) if entries.is_empty() => report.at(
            c::EMPTY_OBJECT_PRINCIPAL,
            "This statement includes no principals and does not affect the policy. Specify principals.".to_string(),
            here,
            member.value.span,
        ),
        Kind::Object(entries) => {
            for entry in entries {
                principal_entry(entry, &here, cx, report);
            }
        }
        _ => {}
    }
    if cx.policy_type == PolicyType::ResourcePolicy && !cx.is_trust_policy() && !negated {
        service_principals(statement, report);
    }
}

/// The keys that tie a service's access to the resource or account it acts for.
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// A service acting on a resource policy's grant should be scoped to its source (the
/// confused deputy problem).
fn service_principals(statement: &Statement, report: &mut Report) {
    let services = statement.principals("Service");
    let Some(first) = services.first() else {
        return;
    };
    if statement.is_allow() && !SOURCE_KEYS.iter().any(|k| statement.has_condition_key(k)) {
        let locations = services
            .iter()
            .map(|s| report.location(s.path.clone(), s.span))
            .collect();
        report.add(
            c::RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL,
            "Granting access to a service principal without specifying a source is overly permissive. Use aws:SourceArn or aws:SourceAccount condition key and scope access to a specific source to grant fine-grained access.".to_string(),
            locations,
        );
    }
    // Keys about the caller's organization and tags: a service principal has neither,
    // so a statement naming only services never matches a condition on them.
    if statement.principals("AWS").is_empty() && statement.principals("CanonicalUser").is_empty() {
        let unsupported: Vec<_> = statement
            .condition_entries()
            .into_iter()
            .filter(|e| {
                let key = e.key.to_ascii_lowercase();
                key == "aws:principalorgid"
                    || key == "aws:principalorgpaths"
                    || key.starts_with("aws:principaltag/")
            })
            .collect();
        if !unsupported.is_empty() {
            let names: Vec<&str> = unsupported.iter().map(|e| e.key).collect();
            let locations = unsupported
                .iter()
                .map(|e| report.location(e.path.clone(), e.span))
                .collect();
            report.add(
                c::UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
                format!(
                    "The following condition keys are not supported when used with the service principal: {}.",
                    names.join(", ")
                ),
                locations,
            );
        }
    }
    let prefix = first.text.split('.').next().unwrap_or(first.text);
    for entry in statement.condition_entries() {
        if entry.key.eq_ignore_ascii_case("aws:Referer") {
            report.at(
                c::RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL,
                format!("To restrict access to the service principal {prefix} operating on your behalf, we recommend aws:SourceArn or aws:SourceAccount instead of {}.", entry.key),
                entry.path.clone(),
                entry.span,
            );
        }
    }
}

/// `name.amazonaws.com` (or a Region's or a partition's form of it), in lower case.
fn is_service_principal(text: &str) -> bool {
    const SUFFIXES: [&str; 4] = [
        ".amazonaws.com",
        ".amazonaws.com.cn",
        ".c2s.ic.gov",
        ".sc2s.sgov.gov",
    ];
    let name_ok = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    name_ok
        && SUFFIXES.iter().any(|s| {
            text.strip_suffix(s)
                .is_some_and(|name| !name.is_empty() && !name.ends_with('.'))
        })
}

/// `span` is the wildcard itself: the whole value, or one entry of an array.
fn trust_wildcard(path: Path<'_>, span: TextSpan, report: &mut Report) {
    report.at(
        c::ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
        "\"Principal:\" \"*\" is not supported in the principal element of a role trust policy. Replace the wildcard with a valid principal value.".to_string(),
        path,
        span,
    );
}

fn principal_entry(entry: &Member, base: &[Step<'_>], cx: &Context, report: &mut Report) {
    let key = entry.key.as_ref();
    if !PRINCIPAL_KEYS.contains(&key) {
        report.at(
            c::INVALID_PRINCIPAL_KEY,
            format!("The principal key {key} is not valid."),
            join(base, Step::Key(key)),
            entry.key_span,
        );
        return;
    }
    if key == "Federated" && !cx.is_trust_policy() {
        report.at(
            c::FEDERATED_PRINCIPAL_NOT_SUPPORTED,
            "The policy type does not support a federated identity provider in the principal element. Use a supported principal.".to_string(),
            join(base, Step::Key(key)),
            entry.key_span,
        );
        return;
    }
    let Some(values) = string_list(entry, join(base, value(key)), report) else {
        return;
    };
    if values.empty_array {
        report.at(
            c::EMPTY_ARRAY_PRINCIPAL,
            "This statement includes no principals and does not affect the policy. Specify principals.".to_string(),
            values.path.clone(),
            values.span,
        );
    }
    for item in &values.items {
        let text = item.text;
        if text == "*" && key == "AWS" {
            if cx.is_trust_policy() {
                trust_wildcard(item.path.clone(), item.span, report);
            }
            continue;
        }
        // The language has variables in `Resource` and `Condition` only.
        variables::check_unsupported(item, report);
        if text.contains(['*', '?']) {
            report.at(
                c::UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
                format!("Wildcards (*, ?) are not supported with the principal key {key}. Replace the wildcard with a valid principal value."),
                item.path.clone(),
                item.span,
            );
            continue;
        }
        if key == "Service" && !is_service_principal(text) {
            report.at(
                c::INVALID_SERVICE_PRINCIPAL_FORMAT,
                "The service principal does not match the expected format. Use the format service-name.amazonaws.com.".to_string(),
                item.path.clone(),
                item.span,
            );
        } else if key == "AWS" && is_unique_id(text, "AROA") {
            report.at(
                c::INVALID_ROLE_REFERENCE,
                format!("The Principal element includes the IAM role ID {text}. We recommend that you use a role ARN instead."),
                item.path.clone(),
                item.span,
            );
        } else if key == "AWS" && is_unique_id(text, "AIDA") {
            report.at(
                c::INVALID_USER_REFERENCE,
                format!("The Principal element includes the IAM user ID {text}. We recommend that you use a user ARN instead."),
                item.path.clone(),
                item.span,
            );
        }
    }
}

/// An IAM unique id with this prefix: 21 upper-case letters and digits.
fn is_unique_id(text: &str, prefix: &str) -> bool {
    text.len() == 21
        && text.starts_with(prefix)
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
