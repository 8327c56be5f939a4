//! `Principal`/`NotPrincipal`: where a policy type needs or refuses one, its shape,
//! wildcards, and IDs where ARNs belong.
use policy::json::{Kind, Member};

use crate::catalogue as c;
use crate::document::{string_list, Statement};
use crate::model::{PathElement, PolicyType};
use crate::report::{join, value, Report};
use crate::Context;

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
    let key_path = join(&statement.path, PathElement::Key(member.key.to_string()));
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
            trust_wildcard(here, member, report);
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
}

fn trust_wildcard(path: Vec<PathElement>, member: &Member, report: &mut Report) {
    report.at(
        c::ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
        "\"Principal:\" \"*\" is not supported in the principal element of a role trust policy. Replace the wildcard with a valid principal value.".to_string(),
        path,
        member.value.span,
    );
}

fn principal_entry(entry: &Member, base: &[PathElement], cx: &Context, report: &mut Report) {
    let key = entry.key.as_ref();
    if !PRINCIPAL_KEYS.contains(&key) {
        report.at(
            c::INVALID_PRINCIPAL_KEY,
            format!("The principal key {key} is not valid."),
            join(base, PathElement::Key(key.to_string())),
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
                trust_wildcard(item.path.clone(), entry, report);
            }
            continue;
        }
        if text.contains(['*', '?']) {
            report.at(
                c::UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
                format!("Wildcards (*, ?) are not supported with the principal key {key}. Replace the wildcard with a valid principal value."),
                item.path.clone(),
                item.span,
            );
            continue;
        }
        if key == "AWS" && is_unique_id(text, "AROA") {
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
