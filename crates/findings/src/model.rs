//! The shapes of a ValidatePolicy answer, as IAM Access Analyzer's API defines them
//! (botocore model `accessanalyzer`, shapes `ValidatePolicyFinding`, `Location`,
//! `PathElement`, `Span`, `Position`).

/// The kind of policy being validated (`policyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    IdentityPolicy,
    ResourcePolicy,
    ServiceControlPolicy,
    ResourceControlPolicy,
}

impl PolicyType {
    /// The wire name, e.g. `IDENTITY_POLICY`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::IdentityPolicy => "IDENTITY_POLICY",
            PolicyType::ResourcePolicy => "RESOURCE_POLICY",
            PolicyType::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            PolicyType::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// Reads a wire name.
    pub fn from_wire(name: &str) -> Option<PolicyType> {
        Some(match name {
            "IDENTITY_POLICY" => PolicyType::IdentityPolicy,
            "RESOURCE_POLICY" => PolicyType::ResourcePolicy,
            "SERVICE_CONTROL_POLICY" => PolicyType::ServiceControlPolicy,
            "RESOURCE_CONTROL_POLICY" => PolicyType::ResourceControlPolicy,
            _ => return None,
        })
    }
}

/// The impact of a finding (`findingType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingType {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

impl FindingType {
    /// The wire name, e.g. `SECURITY_WARNING`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    /// Reads a wire name.
    pub fn from_wire(name: &str) -> Option<FindingType> {
        Some(match name {
            "ERROR" => FindingType::Error,
            "SECURITY_WARNING" => FindingType::SecurityWarning,
            "WARNING" => FindingType::Warning,
            "SUGGESTION" => FindingType::Suggestion,
            _ => return None,
        })
    }

    /// The word AWS's reference puts in the anchor of the check's section
    /// (`#access-analyzer-reference-policy-checks-<this>-<code>`).
    pub(crate) fn anchor_word(self) -> &'static str {
        match self {
            FindingType::Error => "error",
            FindingType::SecurityWarning => "security-warning",
            FindingType::Warning => "general-warning",
            FindingType::Suggestion => "suggestion",
        }
    }
}

/// A position in the policy text. As AWS counts: `line` from 1, `column` from 0, and
/// `offset` from 0, the last two in characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A range of the policy text: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// One step of a path through the policy's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathElement {
    /// An element of an array.
    Index(u32),
    /// An object's key itself (the name of an element, not what it holds).
    Key(String),
    /// The value held under an object's key.
    Value(String),
    /// Part of a string: `start` and `length` in characters of the string's value.
    Substring { start: u32, length: u32 },
}

/// Where a finding points: a path through the JSON and the span of text it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: Vec<PathElement>,
    pub span: Span,
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub finding_type: FindingType,
    /// AWS's issue code, e.g. `PASS_ROLE_WITH_STAR_IN_RESOURCE`.
    pub issue_code: String,
    /// AWS's wording, with the policy's values filled in.
    pub finding_details: String,
    /// The section of AWS's policy check reference about this check.
    pub learn_more_link: String,
    pub locations: Vec<Location>,
}

/// What the document is and where it will be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options<'a> {
    pub policy_type: PolicyType,
    /// `validatePolicyResourceType`, e.g. `AWS::S3::Bucket` or
    /// `AWS::IAM::AssumeRolePolicyDocument`; only meaningful for resource policies.
    pub validate_resource_type: Option<&'a str>,
}

impl<'a> Options<'a> {
    /// Options for a policy type with no resource type.
    pub fn new(policy_type: PolicyType) -> Options<'a> {
        Options {
            policy_type,
            validate_resource_type: None,
        }
    }
}
