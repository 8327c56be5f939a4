//! The checks that run on a document whose structure has been read, one module per
//! part of a statement.
use policy::json::Value;

use crate::catalogue as c;
use crate::document::Document;
use crate::model::PolicyType;
use crate::report::Report;
use crate::Context;

mod action_keys;
mod actions;
mod arn_formats;
mod attached;
mod conditions;
mod global_keys;
mod grants;
mod principals;
mod rcp;
mod redundancy;
mod regions;
mod resources;
mod sids;
mod suggest;
mod tags;
mod trust;
mod variables;

/// The redundancy checks compare entries pairwise; past this many entries in one
/// element (or statements in one document) they are skipped, so that a hostile
/// document cannot make validation quadratic in its size. Real policies are far
/// below it (IAM's quotas allow a few hundred entries at most).
pub(crate) const MAX_PAIRWISE: usize = 1000;

/// Every per-statement and cross-statement check.
pub(crate) fn run(doc: &Document, cx: &Context, report: &mut Report) {
    sids::check(&doc.statements, cx, report);
    for statement in &doc.statements {
        actions::check(statement, cx, report);
        resources::check(statement, doc.variables_enabled, report);
        principals::check(statement, cx, report);
        conditions::check(statement, doc.variables_enabled, report);
        action_keys::check(statement, report);
        grants::check(statement, cx, report);
        attached::check(statement, cx, report);
        tags::check(statement, report);
        if cx.is_trust_policy() {
            trust::check(statement, report);
        }
        if cx.policy_type == PolicyType::ResourceControlPolicy {
            rcp::check(statement, report);
        }
    }
    redundancy::statements(&doc.statements, report);
}

/// The identity policy quota (managed policies), counted without whitespace.
const IDENTITY_POLICY_QUOTA: usize = 6144;
/// The service control policy quota, counted in characters.
const SCP_QUOTA: usize = 5120;
/// The resource control policy quota, counted in characters as for SCPs.
const RCP_QUOTA: usize = 5120;
/// The default role trust policy quota, counted without whitespace.
const TRUST_POLICY_QUOTA: usize = 2048;
/// The S3 bucket policy quota, in characters.
const BUCKET_POLICY_QUOTA: usize = 20480;

/// Characters of the document, and those that are not whitespace.
fn sizes(text: &str) -> (usize, usize) {
    if text.is_ascii() {
        let blank = text
            .bytes()
            .filter(|b| (*b as char).is_whitespace())
            .count();
        (text.len(), text.len() - blank)
    } else {
        let all = text.chars().count();
        (all, text.chars().filter(|c| !c.is_whitespace()).count())
    }
}

/// The size quotas of the policy types that have one.
pub(crate) fn size(text: &str, root: &Value, cx: &Context, report: &mut Report) {
    let (all, solid) = sizes(text);
    let (check, details) = match cx.policy_type {
        PolicyType::IdentityPolicy if solid > IDENTITY_POLICY_QUOTA => (
            c::POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA,
            format!("The {solid} characters in the identity policy, excluding whitespace, exceed the {IDENTITY_POLICY_QUOTA} character maximum for inline and managed policies. We recommend that you use multiple granular policies."),
        ),
        PolicyType::ServiceControlPolicy if all > SCP_QUOTA => (
            c::POLICY_SIZE_EXCEEDS_SCP_QUOTA,
            format!("The {all} characters in the service control policy (SCP) exceed the {SCP_QUOTA} character maximum for SCPs. We recommend that you use multiple granular policies."),
        ),
        PolicyType::ResourceControlPolicy if all > RCP_QUOTA => (
            c::POLICY_SIZE_EXCEEDS_RCP_QUOTA,
            format!("The {all} characters in the resource control policy (RCP) exceed the {RCP_QUOTA} character maximum for RCPs. We recommend that you use multiple granular policies."),
        ),
        PolicyType::ResourcePolicy if cx.is_trust_policy() && solid > TRUST_POLICY_QUOTA => (
            c::POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA,
            "The characters in the role trust policy, excluding whitespace, exceed the character maximum. We recommend that you request a role trust policy length quota increase using Service Quotas and AWS Support Center. If the quotas have already been increased, then you can ignore this warning.".to_string(),
        ),
        PolicyType::ResourcePolicy
            if cx.resource_type == Some("AWS::S3::Bucket") && all > BUCKET_POLICY_QUOTA =>
        {
            (
                c::POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA,
                format!("The {all} characters in the resource policy exceed the {BUCKET_POLICY_QUOTA} character maximum for resource policies. We recommend that you use multiple granular policies."),
            )
        }
        _ => return,
    };
    report.at(check, details, Vec::new(), root.span);
}
