//! The parts of the policy language that service control policies leave out.
use crate::catalogue as c;
use crate::document::Statement;
use crate::report::key;
use crate::report::{join, Report};

pub(super) fn check(statement: &Statement, report: &mut Report) {
    if let Some(action) = &statement.action {
        for item in &action.items {
            // Only a trailing `*` is allowed: `s3:Get*`, `*`.
            let body = item.text.strip_suffix('*').unwrap_or(item.text);
            if body.contains(['*', '?']) {
                report.at(
                    c::SCP_SYNTAX_ERROR_ACTION_WILDCARD,
                    format!("SCP actions can include wildcards (*) only at the end of a string. Update {}.", item.text),
                    item.path.clone(),
                    item.span,
                );
            }
        }
        if action.negated && statement.is_allow() {
            report.at(
                c::SCP_SYNTAX_ERROR_ALLOW_NOTACTION,
                "SCPs do not support NotAction with effect Allow. Update the element NotAction or the effect.".to_string(),
                action.path.clone(),
                action.span,
            );
        }
    }
    if let Some(resource) = &statement.resource {
        if resource.negated {
            report.at(
                c::SCP_SYNTAX_ERROR_NOTRESOURCE,
                "SCPs do not support the NotResource element. Update the policy to use Resource instead.".to_string(),
                resource.path.clone(),
                resource.span,
            );
        } else if statement.is_allow() {
            for item in resource.items.iter().filter(|item| item.text != "*") {
                report.at(
                    c::SCP_SYNTAX_ERROR_ALLOW_RESOURCE,
                    "SCPs do not support Resource with effect Allow. Update the element Resource or the effect.".to_string(),
                    item.path.clone(),
                    item.span,
                );
            }
        }
    }
    if let (Some(condition), true) = (statement.condition, statement.is_allow()) {
        report.at(
            c::SCP_SYNTAX_ERROR_ALLOW_CONDITION,
            "SCPs do not support the Condition element with effect Allow. Update the element Condition or the effect.".to_string(),
            join(&statement.path, key("Condition")),
            condition.key_span,
        );
    }
}
