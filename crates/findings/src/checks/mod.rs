//! The checks that run on a document whose structure has been read, one module per
//! part of a statement.
use policy::json::Value;

use crate::catalogue as c;
use crate::document::Document;
use crate::model::PolicyType;
use crate::report::Report;
use crate::Context;

mod actions;
mod arn_formats;
mod attached;
mod conditions;
mod global_keys;
mod grants;
mod principals;
mod redundancy;
mod regions;
mod resources;
mod scp;
mod sids;
mod suggest;
mod tags;
mod trust;
mod variables;

/// Every per-statement and cross-statement check.
pub(crate) fn run(doc: &Document, cx: &Context, report: &mut Report) {
    sids::check(&doc.statements, cx, report);
    for statement in &doc.statements {
        actions::check(statement, cx, report);
        resources::check(statement, doc.variables_enabled, report);
        principals::check(statement, cx, report);
        conditions::check(statement, doc.variables_enabled, report);
        grants::check(statement, cx, report);
        attached::check(statement, cx, report);
        tags::check(statement, report);
        if cx.is_trust_policy() {
            trust::check(statement, report);
        }
        if cx.policy_type == PolicyType::ServiceControlPolicy {
            scp::check(statement, report);
        }
    }
    redundancy::statements(&doc.statements, report);
}

/// The identity policy quota (managed policies), counted without whitespace.
const IDENTITY_POLICY_QUOTA: usize = 6144;
/// The service control policy quota, counted in characters.
const SCP_QUOTA: usize = 5120;

/// The size quotas of the policy types that have one.
pub(crate) fn size(text: &str, root: &Value, cx: &Context, report: &mut Report) {
    match cx.policy_type {
        PolicyType::IdentityPolicy => {
            let size = if text.is_ascii() {
                text.bytes()
                    .filter(|b| !(*b as char).is_whitespace())
                    .count()
            } else {
                text.chars().filter(|c| !c.is_whitespace()).count()
            };
            if size > IDENTITY_POLICY_QUOTA {
                report.at(
                    c::POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA,
                    format!("The {size} characters in the identity policy, excluding whitespace, exceed the {IDENTITY_POLICY_QUOTA} character maximum for inline and managed policies. We recommend that you use multiple granular policies."),
                    Vec::new(),
                    root.span,
                );
            }
        }
        PolicyType::ServiceControlPolicy => {
            let size = if text.is_ascii() {
                text.len()
            } else {
                text.chars().count()
            };
            if size > SCP_QUOTA {
                report.at(
                    c::POLICY_SIZE_EXCEEDS_SCP_QUOTA,
                    format!("The {size} characters in the service control policy (SCP) exceed the {SCP_QUOTA} character maximum for SCPs. We recommend that you use multiple granular policies."),
                    Vec::new(),
                    root.span,
                );
            }
        }
        PolicyType::ResourcePolicy | PolicyType::ResourceControlPolicy => {}
    }
}
