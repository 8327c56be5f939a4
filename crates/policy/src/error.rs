//! The error a policy document is rejected with, in AWS's words, with the place in
//! the text it refers to.
use std::fmt;

use crate::ast::Span;

/// The AWS error code a rejection maps to when the server returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `MalformedPolicyDocument`: the document is not a valid policy.
    MalformedPolicyDocument,
    /// `LimitExceeded`: the document is valid but longer than the quota allows.
    LimitExceeded,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            ErrorCode::LimitExceeded => "LimitExceeded",
        }
    }
}

/// Why a policy document was rejected. `message` is AWS's wording (the text the
/// service puts in the error's `Message`); `span` points at the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub code: ErrorCode,
    pub message: String,
    pub span: Span,
}

impl PolicyError {
    /// A `MalformedPolicyDocument` error.
    pub fn malformed(message: impl Into<String>, span: Span) -> Self {
        PolicyError {
            code: ErrorCode::MalformedPolicyDocument,
            message: message.into(),
            span,
        }
    }

    /// A `LimitExceeded` error.
    pub fn limit_exceeded(message: impl Into<String>, span: Span) -> Self {
        PolicyError {
            code: ErrorCode::LimitExceeded,
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.span.start.line, self.span.start.column, self.message
        )
    }
}

impl std::error::Error for PolicyError {}

/// AWS's `MalformedPolicyDocument` messages, in one place so that the parser, the
/// validator and the tests use the same words.
pub mod msg {
    /// Not JSON, or JSON of the wrong shape.
    pub const SYNTAX: &str = "Syntax errors in policy.";
    /// An identity-like policy that names a principal.
    pub const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
    /// A resource-based or trust policy statement without a principal.
    pub const MISSING_PRINCIPAL: &str = "Missing required field Principal";
    pub const MISSING_ACTIONS: &str = "Policy statement must contain actions.";
    pub const MISSING_RESOURCES: &str = "Policy statement must contain resources.";
    pub const MISSING_EFFECT: &str = "Missing required field Effect";
    pub const LEGACY_PARSING: &str = "The policy failed legacy parsing";
    /// A managed policy (or permissions boundary) without `"Version": "2012-10-17"`.
    pub const VERSION_TOO_OLD: &str = "Policy document must be version 2012-10-17 or greater.";
    pub const DUPLICATE_SID: &str = "Statement IDs (SID) in a single policy must be unique.";
    pub const INVALID_SID: &str = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    /// Followed by `: "TYPE":"VALUE"`.
    pub const INVALID_PRINCIPAL: &str = "Invalid principal in policy";
    /// A trust policy statement with an action other than the `sts:` role actions.
    pub const TRUST_ACTIONS_ONLY: &str =
        "AssumeRole policy may only specify STS AssumeRole actions.";
    pub const ACTION_NEEDS_VENDOR: &str =
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    pub const ACTION_ONE_COLON: &str = "Actions/Condition can contain only one colon.";
    pub const RESOURCE_VENDOR: &str =
        "Resource vendor must be fully qualified and cannot contain regexes.";
}
