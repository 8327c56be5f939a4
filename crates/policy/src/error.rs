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
    pub const INVALID_VERSION: &str = "Invalid Version";
}
