//! `Sid`: empty, unsupported characters, repeated.
use crate::catalogue as c;
use crate::document::Statement;
use crate::model::PolicyType;
use crate::report::Report;
use crate::Context;

pub(super) fn check(statements: &[Statement], cx: &Context, report: &mut Report) {
    // IAM and AWS Organizations store only alphanumeric, unique statement ids;
    // services' resource policies accept any text and repeats.
    let strict = cx.policy_type != PolicyType::ResourcePolicy || cx.is_trust_policy();
    let mut seen: Vec<&str> = Vec::new();
    for sid in statements.iter().filter_map(|s| s.sid.as_ref()) {
        if sid.text.is_empty() {
            report.at(
                c::EMPTY_SID_VALUE,
                "Add a value to the empty string in the Sid element.".to_string(),
                sid.path.clone(),
                sid.span,
            );
            continue;
        }
        if strict && !sid.text.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            report.at(
                c::UNSUPPORTED_SID,
                "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]".to_string(),
                sid.path.clone(),
                sid.span,
            );
        }
        if seen.contains(&sid.text) {
            let (check, details) = if strict {
                (
                    c::UNIQUE_SIDS_REQUIRED,
                    "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
                )
            } else {
                (
                    c::UNIQUE_SIDS_RECOMMENDED,
                    "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
                )
            };
            report.at(check, details.to_string(), sid.path.clone(), sid.span);
        } else {
            seen.push(sid.text);
        }
    }
}
