//! Checks a policy document against the rules of the place it is used.
use crate::ast::{Policy, Span};
use crate::error::{msg, PolicyError};
use crate::parse;

/// Where a policy document is used; each place has its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Identity,
    Resource,
    Trust,
    PermissionsBoundary,
    Session,
    Scp,
    Rcp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub span: Span,
}

/// The outcome of validating a document: the tree when it parsed, and the findings
/// in the order AWS reports them (the first error is the one AWS answers with).
#[derive(Debug, Clone)]
pub struct Validation {
    pub policy: Option<Policy>,
    pub findings: Vec<Finding>,
}

impl Validation {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
    /// The error AWS answers with, if any.
    pub fn first_error(&self) -> Option<PolicyError> {
        self.findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .map(|f| PolicyError::malformed(f.message.clone(), f.span))
    }
}

pub fn validate_policy(text: &str, kind: PolicyKind) -> Validation {
    let _ = kind;
    match parse::parse_document(text) {
        Err(e) => Validation {
            policy: None,
            findings: vec![Finding {
                severity: Severity::Error,
                code: "SYNTAX",
                message: e.message,
                span: e.span,
            }],
        },
        Ok(doc) => Validation {
            findings: doc
                .legacy_errors
                .into_iter()
                .map(|e| Finding {
                    severity: Severity::Error,
                    code: "LEGACY_PARSING",
                    message: e.message,
                    span: e.span,
                })
                .collect(),
            policy: Some(doc.policy),
        },
    }
}

/// Characters that count toward AWS's policy size quotas: everything but whitespace.
pub fn non_whitespace_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[allow(dead_code)]
const _: &str = msg::SYNTAX;
