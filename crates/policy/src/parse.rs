//! Policy text → [`ast::Policy`], with AWS's rejections.
//!
//! The shape rules live here: which elements exist, which JSON types they take, which
//! combinations are exclusive. Everything AWS checks after the shape (required
//! elements per policy kind, action and ARN syntax, sizes) is in [`crate::validate`].
//!
//! AWS answers every shape error with the same "Syntax errors in policy."; the span
//! of our error says which element was at fault.
use crate::ast::{
    ActionBlock, Condition, ConditionOp, ConditionValue, Effect, Operator, Policy, PrincipalBlock,
    PrincipalSpec, PrincipalType, ResourceBlock, SetQualifier, Span, Spanned, Statement,
    StringList, Version,
};
use crate::error::{msg, PolicyError};
use crate::json::{self, Kind, Member, Value};

/// Parses and shape-checks a policy document.
pub fn parse_policy(text: &str) -> Result<Policy, PolicyError> {
    let parsed = parse_document(text)?;
    match parsed.legacy_errors.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(parsed.policy),
    }
}

/// Like [`parse_policy`] for raw bytes, which must be UTF-8.
pub fn parse_policy_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_policy(text),
        Err(_) => Err(syntax_error(json::parse_bytes(bytes).err())),
    }
}

/// A document that passed the shape rules, with the errors AWS reports later than
/// shape errors ("The policy failed legacy parsing") kept aside so that
/// [`crate::validate`] can order them as AWS does.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub policy: Policy,
    pub legacy_errors: Vec<PolicyError>,
}

/// Parses a document, keeping legacy-parsing errors aside (see [`ParsedDocument`]).
pub fn parse_document(text: &str) -> Result<ParsedDocument, PolicyError> {
    let root = json::parse(text).map_err(|e| syntax_error(Some(e)))?;
    let mut builder = Builder {
        legacy_errors: Vec::new(),
    };
    let policy = builder.policy(&root)?;
    Ok(ParsedDocument {
        policy,
        legacy_errors: builder.legacy_errors,
    })
}

fn syntax_error(err: Option<json::JsonError>) -> PolicyError {
    let pos = err.map(|e| e.pos).unwrap_or_default();
    PolicyError::malformed(
        msg::SYNTAX,
        Span {
            start: pos,
            end: pos,
        },
    )
}

fn syntax_at(span: Span) -> PolicyError {
    PolicyError::malformed(msg::SYNTAX, span)
}

/// The span from the start of a member's key to the end of its value.
fn member_span(m: &Member<'_>) -> Span {
    Span {
        start: m.key_span.start,
        end: m.value.span.end,
    }
}

/// Rejects a repeated key among the members seen so far. AWS rejects documents
/// whose objects repeat a key rather than silently keeping one of the values.
fn check_unique(members: &[Member<'_>]) -> Result<(), PolicyError> {
    // Policy objects have a handful of keys; a quadratic scan beats hashing here.
    for (i, m) in members.iter().enumerate() {
        if members
            .get(..i)
            .is_some_and(|seen| seen.iter().any(|s| s.key == m.key))
        {
            return Err(syntax_at(m.key_span));
        }
    }
    Ok(())
}

fn as_object<'v, 'a>(value: &'v Value<'a>) -> Result<&'v [Member<'a>], PolicyError> {
    match &value.kind {
        Kind::Object(members) => {
            check_unique(members)?;
            Ok(members)
        }
        _ => Err(syntax_at(value.span)),
    }
}

fn as_string(value: &Value<'_>) -> Result<Spanned<String>, PolicyError> {
    match &value.kind {
        Kind::String(s) => Ok(Spanned::new(s.to_string(), value.span)),
        _ => Err(syntax_at(value.span)),
    }
}

/// One string or an array of strings (`Action`, `Resource`, principal values).
fn string_list(value: &Value<'_>) -> Result<StringList, PolicyError> {
    match &value.kind {
        Kind::String(s) => Ok(StringList {
            items: vec![Spanned::new(s.to_string(), value.span)],
            is_array: false,
            span: value.span,
        }),
        Kind::Array(elements) => {
            let items = elements
                .iter()
                .map(as_string)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(StringList {
                items,
                is_array: true,
                span: value.span,
            })
        }
        _ => Err(syntax_at(value.span)),
    }
}

struct Builder {
    legacy_errors: Vec<PolicyError>,
}

impl Builder {
    fn policy(&mut self, root: &Value<'_>) -> Result<Policy, PolicyError> {
        let members = as_object(root)?;
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for m in members {
            match m.key.as_ref() {
                "Version" => version = Some(parse_version(&m.value)?),
                "Id" => id = Some(as_string(&m.value)?),
                "Statement" => statement = Some(&m.value),
                _ => return Err(syntax_at(m.key_span)),
            }
        }
        let Some(statement) = statement else {
            return Err(syntax_at(root.span));
        };
        let (statements, statement_is_array) = match &statement.kind {
            Kind::Object(_) => (vec![self.statement(statement, 0)?], false),
            Kind::Array(items) if !items.is_empty() => {
                let statements = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.statement(item, index))
                    .collect::<Result<Vec<_>, _>>()?;
                (statements, true)
            }
            _ => return Err(syntax_at(statement.span)),
        };
        Ok(Policy {
            version,
            id,
            statements,
            statement_is_array,
            span: root.span,
        })
    }

    fn statement(&mut self, value: &Value<'_>, index: usize) -> Result<Statement, PolicyError> {
        let members = as_object(value)?;
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalBlock> = None;
        let mut action: Option<ActionBlock> = None;
        let mut resource: Option<ResourceBlock> = None;
        let mut conditions = Vec::new();
        for m in members {
            match m.key.as_ref() {
                "Sid" => sid = Some(as_string(&m.value)?),
                "Effect" => effect = Some(self.effect(&m.value)?),
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        return Err(syntax_at(m.key_span));
                    }
                    principal = Some(PrincipalBlock {
                        negated: m.key == "NotPrincipal",
                        spec: principal_spec(&m.value)?,
                        span: member_span(m),
                    });
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        return Err(syntax_at(m.key_span));
                    }
                    action = Some(ActionBlock {
                        negated: m.key == "NotAction",
                        list: string_list(&m.value)?,
                    });
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        return Err(syntax_at(m.key_span));
                    }
                    resource = Some(ResourceBlock {
                        negated: m.key == "NotResource",
                        list: string_list(&m.value)?,
                    });
                }
                "Condition" => conditions = condition_block(&m.value)?,
                _ => return Err(syntax_at(m.key_span)),
            }
        }
        let Some(effect) = effect else {
            return Err(syntax_at(value.span));
        };
        Ok(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
            span: value.span,
        })
    }

    /// `Allow` or `Deny`. Any other spelling of those words passes the shape check
    /// but fails AWS's legacy parser, which is reported after shape errors.
    fn effect(&mut self, value: &Value<'_>) -> Result<Spanned<Effect>, PolicyError> {
        let Kind::String(s) = &value.kind else {
            return Err(syntax_at(value.span));
        };
        let effect = match s.as_ref() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other if other.eq_ignore_ascii_case("Allow") => {
                self.legacy(value.span);
                Effect::Allow
            }
            other if other.eq_ignore_ascii_case("Deny") => {
                self.legacy(value.span);
                Effect::Deny
            }
            _ => return Err(syntax_at(value.span)),
        };
        Ok(Spanned::new(effect, value.span))
    }

    fn legacy(&mut self, span: Span) {
        self.legacy_errors
            .push(PolicyError::malformed(msg::LEGACY_PARSING, span));
    }
}

fn parse_version(value: &Value<'_>) -> Result<Spanned<Version>, PolicyError> {
    let version = match &value.kind {
        Kind::String(s) if s == "2012-10-17" => Version::V2012_10_17,
        Kind::String(s) if s == "2008-10-17" => Version::V2008_10_17,
        _ => return Err(syntax_at(value.span)),
    };
    Ok(Spanned::new(version, value.span))
}

fn principal_spec(value: &Value<'_>) -> Result<PrincipalSpec, PolicyError> {
    match &value.kind {
        Kind::String(s) if s == "*" => Ok(PrincipalSpec::Any(value.span)),
        Kind::Object(_) => {
            let members = as_object(value)?;
            let mut entries = Vec::with_capacity(members.len());
            for m in members {
                let kind = match m.key.as_ref() {
                    "AWS" => PrincipalType::Aws,
                    "Service" => PrincipalType::Service,
                    "Federated" => PrincipalType::Federated,
                    "CanonicalUser" => PrincipalType::CanonicalUser,
                    _ => return Err(syntax_at(m.key_span)),
                };
                entries.push((Spanned::new(kind, m.key_span), string_list(&m.value)?));
            }
            Ok(PrincipalSpec::Map(entries))
        }
        _ => Err(syntax_at(value.span)),
    }
}

/// `Condition`: operator → key → one value or an array of values.
fn condition_block(value: &Value<'_>) -> Result<Vec<Condition>, PolicyError> {
    let operators = as_object(value)?;
    let mut conditions = Vec::new();
    for op_member in operators {
        let keys = as_object(&op_member.value)?;
        // AWS accepts an operator it does not know when nothing is under it.
        if keys.is_empty() {
            continue;
        }
        let Some(operator) = parse_operator(&op_member.key) else {
            return Err(syntax_at(op_member.key_span));
        };
        for key_member in keys {
            let (values, values_is_array) = condition_values(&key_member.value)?;
            conditions.push(Condition {
                operator: Spanned::new(operator, op_member.key_span),
                operator_text: op_member.key.to_string(),
                key: Spanned::new(key_member.key.to_string(), key_member.key_span),
                values,
                values_is_array,
            });
        }
    }
    Ok(conditions)
}

fn condition_values(
    value: &Value<'_>,
) -> Result<(Vec<Spanned<ConditionValue>>, bool), PolicyError> {
    match &value.kind {
        Kind::Array(items) => {
            let values = items
                .iter()
                .map(condition_scalar)
                .collect::<Result<Vec<_>, _>>()?;
            Ok((values, true))
        }
        _ => Ok((vec![condition_scalar(value)?], false)),
    }
}

fn condition_scalar(value: &Value<'_>) -> Result<Spanned<ConditionValue>, PolicyError> {
    let v = match &value.kind {
        Kind::String(s) => ConditionValue::String(s.to_string()),
        Kind::Number(n) => ConditionValue::Number((*n).to_string()),
        Kind::Bool(b) => ConditionValue::Bool(*b),
        _ => return Err(syntax_at(value.span)),
    };
    Ok(Spanned::new(v, value.span))
}

/// The operator names of the condition language, exactly as AWS spells them
/// (operator names are case-sensitive).
pub const OPERATOR_NAMES: [(&str, ConditionOp); 27] = [
    ("StringEquals", ConditionOp::StringEquals),
    ("StringNotEquals", ConditionOp::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        ConditionOp::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        ConditionOp::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", ConditionOp::StringLike),
    ("StringNotLike", ConditionOp::StringNotLike),
    ("NumericEquals", ConditionOp::NumericEquals),
    ("NumericNotEquals", ConditionOp::NumericNotEquals),
    ("NumericLessThan", ConditionOp::NumericLessThan),
    ("NumericLessThanEquals", ConditionOp::NumericLessThanEquals),
    ("NumericGreaterThan", ConditionOp::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        ConditionOp::NumericGreaterThanEquals,
    ),
    ("DateEquals", ConditionOp::DateEquals),
    ("DateNotEquals", ConditionOp::DateNotEquals),
    ("DateLessThan", ConditionOp::DateLessThan),
    ("DateLessThanEquals", ConditionOp::DateLessThanEquals),
    ("DateGreaterThan", ConditionOp::DateGreaterThan),
    ("DateGreaterThanEquals", ConditionOp::DateGreaterThanEquals),
    ("Bool", ConditionOp::Bool),
    ("BinaryEquals", ConditionOp::BinaryEquals),
    ("IpAddress", ConditionOp::IpAddress),
    ("NotIpAddress", ConditionOp::NotIpAddress),
    ("ArnEquals", ConditionOp::ArnEquals),
    ("ArnNotEquals", ConditionOp::ArnNotEquals),
    ("ArnLike", ConditionOp::ArnLike),
    ("ArnNotLike", ConditionOp::ArnNotLike),
    ("Null", ConditionOp::Null),
];

/// The name of an operator family as written in policies.
pub fn operator_family_name(op: ConditionOp) -> &'static str {
    OPERATOR_NAMES
        .iter()
        .find(|(_, o)| *o == op)
        .map(|(name, _)| *name)
        .unwrap_or("")
}

/// The full operator text, e.g. `ForAnyValue:StringLikeIfExists`.
pub fn operator_text(op: &Operator) -> String {
    let qualifier = match op.qualifier {
        Some(SetQualifier::ForAllValues) => "ForAllValues:",
        Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
        None => "",
    };
    let suffix = if op.if_exists { "IfExists" } else { "" };
    format!("{qualifier}{}{suffix}", operator_family_name(op.op))
}

/// Reads `[ForAllValues:|ForAnyValue:]Name[IfExists]`; `None` when it is not an
/// operator. `IfExists` does not apply to `Null`.
pub fn parse_operator(text: &str) -> Option<Operator> {
    let (qualifier, rest) = if let Some(rest) = text.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), rest)
    } else if let Some(rest) = text.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), rest)
    } else {
        (None, text)
    };
    let lookup = |name: &str| {
        OPERATOR_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, op)| *op)
    };
    if let Some(op) = lookup(rest) {
        return Some(Operator {
            qualifier,
            op,
            if_exists: false,
        });
    }
    let base = rest.strip_suffix("IfExists")?;
    let op = lookup(base)?;
    if op == ConditionOp::Null {
        return None;
    }
    Some(Operator {
        qualifier,
        op,
        if_exists: true,
    })
}
