//! The typed syntax tree of an IAM policy document.
//!
//! Every node remembers where it came from in the source text ([`Span`]), so that
//! validation findings and simulator results (`StartPosition`/`EndPosition`) can point
//! into the policy. The tree keeps the document's shape (a single string vs. a list,
//! `Statement` as one object vs. an array) so that printing it gives back an equivalent
//! document.

/// A position in the source text. `line` and `column` are 1-based, as AWS reports
/// them; `column` counts characters (Unicode scalar values), `offset` counts bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A range of source text: `start` is the first character, `end` is one past the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// A value with the span of the JSON text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// The policy language version. It decides whether `${...}` is a policy variable
/// (2012-10-17) or literal text (2008-10-17, or no `Version` at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    /// `true` when `Statement` was written as an array, `false` for a single object.
    pub statement_is_array: bool,
    /// The span of the whole top-level object.
    pub span: Span,
}

impl Policy {
    /// Whether `${...}` in this policy is a policy variable.
    pub fn variables_enabled(&self) -> bool {
        matches!(
            self.version.as_ref().map(|v| v.value),
            Some(Version::V2012_10_17)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A list of strings as written in the policy: one string or an array of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringList {
    pub items: Vec<Spanned<String>>,
    /// `true` when written as a JSON array (even of one element).
    pub is_array: bool,
    pub span: Span,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionBlock {
    pub negated: bool,
    pub list: StringList,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlock {
    pub negated: bool,
    pub list: StringList,
}

/// The kinds of principal a `Principal` map can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// What a `Principal`/`NotPrincipal` element names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"Principal": "*"` — everyone, including anonymous callers.
    Any(Span),
    /// `"Principal": {"AWS": [...], "Service": ...}` in the order written.
    Map(Vec<(Spanned<PrincipalType>, StringList)>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub negated: bool,
    pub spec: PrincipalSpec,
    pub span: Span,
}

/// The operator families of the condition language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConditionOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnNotEquals,
    ArnLike,
    ArnNotLike,
    Null,
}

/// `ForAllValues:` / `ForAnyValue:` set qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A full condition operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub op: ConditionOp,
    pub if_exists: bool,
}

/// A condition value as written: JSON strings, numbers and booleans are all accepted
/// by AWS; numbers keep their source text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    String(String),
    Number(String),
    Bool(bool),
}

impl ConditionValue {
    /// The value as AWS compares it: the text of the JSON scalar.
    pub fn as_text(&self) -> &str {
        match self {
            ConditionValue::String(s) | ConditionValue::Number(s) => s,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}

/// One `operator → key → values` triple of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator with the span of its JSON key.
    pub operator: Spanned<Operator>,
    /// The operator's name exactly as written (for printing and messages).
    pub operator_text: String,
    /// The condition key as written (case is kept for printing; matching ignores it).
    pub key: Spanned<String>,
    pub values: Vec<Spanned<ConditionValue>>,
    /// `true` when the values were written as a JSON array.
    pub values_is_array: bool,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the policy's statement list, 0-based.
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    pub principal: Option<PrincipalBlock>,
    pub action: Option<ActionBlock>,
    pub resource: Option<ResourceBlock>,
    /// All condition triples, in source order; grouped by operator in the source.
    pub conditions: Vec<Condition>,
    /// The span of the statement's JSON object.
    pub span: Span,
}
