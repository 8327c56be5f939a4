//! The findings of IAM Access Analyzer's `ValidatePolicy`: AWS's catalogue of policy
//! checks ("IAM policy validation check reference"), each finding with AWS's issue
//! code, finding type, wording, learn-more link and locations (a path into the JSON
//! and a line/column/offset span).
//!
//! Pure: no I/O, no clock, no global state beyond the embedded service reference.
//! `validate_policy(document, options)` reports every problem of a document at once;
//! a document that is not JSON gives one `JSON_SYNTAX_ERROR`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod catalogue;
mod checks;
mod document;
mod model;
mod report;

pub use model::{Finding, FindingType, Location, Options, PathElement, PolicyType, Position, Span};

use policy::ast::Span as TextSpan;

use crate::report::Report;

/// The resource type of a role's trust policy.
pub const ASSUME_ROLE_POLICY_DOCUMENT: &str = "AWS::IAM::AssumeRolePolicyDocument";

/// What the checks need to know about where the policy is used.
pub(crate) struct Context<'a> {
    pub policy_type: PolicyType,
    pub resource_type: Option<&'a str>,
}

impl Context<'_> {
    /// A role trust policy.
    pub(crate) fn is_trust_policy(&self) -> bool {
        self.policy_type == PolicyType::ResourcePolicy
            && self.resource_type == Some(ASSUME_ROLE_POLICY_DOCUMENT)
    }

    /// Whether statements must name their resources. A trust policy's resource is
    /// its role; an SCP statement without `Resource` applies to every resource.
    pub(crate) fn requires_resource(&self) -> bool {
        match self.policy_type {
            PolicyType::IdentityPolicy | PolicyType::ResourceControlPolicy => true,
            PolicyType::ResourcePolicy => !self.is_trust_policy(),
            PolicyType::ServiceControlPolicy => false,
        }
    }

    /// Whether statements name principals (resource policies and RCPs do).
    pub(crate) fn takes_principal(&self) -> bool {
        matches!(
            self.policy_type,
            PolicyType::ResourcePolicy | PolicyType::ResourceControlPolicy
        )
    }
}

/// Validates a policy document and returns its findings.
pub fn validate_policy(document: &str, options: &Options) -> Vec<Finding> {
    let mut report = Report::new(document);
    let root = match policy::json::parse(document) {
        Ok(root) => root,
        Err(err) => {
            let at = report.position(err.pos);
            // The error names a point; the span covers the character there.
            let mut end = err.pos;
            if let Some(c) = document
                .get(usize::try_from(err.pos.offset).unwrap_or(usize::MAX)..)
                .and_then(|rest| rest.chars().next())
            {
                end.offset = end
                    .offset
                    .saturating_add(u32::try_from(c.len_utf8()).unwrap_or(1));
                end.column = end.column.saturating_add(1);
            }
            report.at(
                catalogue::JSON_SYNTAX_ERROR,
                format!(
                    "Fix the JSON syntax error at index {} line {} column {}.",
                    at.offset, at.line, at.column
                ),
                Vec::new(),
                TextSpan {
                    start: err.pos,
                    end,
                },
            );
            return report.finish();
        }
    };
    let cx = Context {
        policy_type: options.policy_type,
        resource_type: options.validate_resource_type,
    };
    checks::size(document, &root, &cx, &mut report);
    if let Some(doc) = document::read(&root, &cx, &mut report) {
        checks::run(&doc, &cx, &mut report);
    }
    report.finish()
}
