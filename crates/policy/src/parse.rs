//! Policy text → [`ast::Policy`], with AWS's rejections.
//!
//! The shape rules live here: which elements exist, which JSON types they take, which
//! combinations are exclusive. Everything AWS checks after the shape (required
//! elements per policy kind, action and ARN syntax, sizes) is in [`crate::validate`].
//!
//! AWS answers every shape error with the same "Syntax errors in policy."; the span
//! of our error says which element was at fault.
use std::borrow::Cow;

use crate::ast::{
    ActionBlock, Condition, ConditionOp, ConditionValue, Effect, Operator, Policy, Pos,
    PrincipalBlock, PrincipalSpec, PrincipalType, ResourceBlock, SetQualifier, Span, Spanned,
    Statement, StringList, Version,
};
use crate::error::{msg, PolicyError};
use crate::json::{self, Reader, Scalar};

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
    let mut builder = Builder {
        r: Reader::new(text),
        legacy_errors: Vec::new(),
    };
    let policy = builder.policy()?;
    builder.r.finish().map_err(json_error)?;
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

fn json_error(err: json::JsonError) -> PolicyError {
    syntax_error(Some(err))
}

fn syntax_at(span: Span) -> PolicyError {
    PolicyError::malformed(msg::SYNTAX, span)
}

fn point(pos: Pos) -> Span {
    Span {
        start: pos,
        end: pos,
    }
}

/// Marks the known key numbered `bit` as seen in the object being read. AWS
/// rejects documents whose objects repeat a key rather than silently keeping one of
/// the values.
fn mark_seen(seen: &mut u16, bit: u16, key_span: Span) -> Result<(), PolicyError> {
    let mask = 1u16 << bit;
    if *seen & mask != 0 {
        return Err(syntax_at(key_span));
    }
    *seen |= mask;
    Ok(())
}

/// Walks the document as the policy grammar expects it, building the tree as it
/// goes: no intermediate JSON tree is made.
struct Builder<'a> {
    r: Reader<'a>,
    legacy_errors: Vec<PolicyError>,
}

impl<'a> Builder<'a> {
    fn policy(&mut self) -> Result<Policy, PolicyError> {
        let start = self.enter_object()?;
        let mut version = None;
        let mut id = None;
        let mut statement: Option<(Vec<Statement>, bool)> = None;
        let mut seen = 0u16;
        let mut first = true;
        while let Some((key, key_span)) = self.r.next_member(&mut first).map_err(json_error)? {
            match key.as_ref() {
                "Version" => {
                    mark_seen(&mut seen, 0, key_span)?;
                    version = Some(self.version()?);
                }
                "Id" => {
                    mark_seen(&mut seen, 1, key_span)?;
                    id = Some(self.string()?);
                }
                "Statement" => {
                    mark_seen(&mut seen, 2, key_span)?;
                    statement = Some(self.statements()?);
                }
                _ => return Err(syntax_at(key_span)),
            }
        }
        let span = Span {
            start,
            end: self.r.position(),
        };
        let Some((statements, statement_is_array)) = statement else {
            return Err(syntax_at(span));
        };
        Ok(Policy {
            version,
            id,
            statements,
            statement_is_array,
            span,
        })
    }

    fn enter_object(&mut self) -> Result<Pos, PolicyError> {
        match self.r.peek_byte() {
            Some(b'{') => self.r.enter_object().map_err(json_error),
            _ => Err(self.shape_error()),
        }
    }

    /// The error for a value of the wrong JSON type: the text must still be JSON,
    /// so a broken value reports where JSON breaks, a well-formed one where it starts.
    fn shape_error(&mut self) -> PolicyError {
        let here = self.r.position();
        match self.r.peek_byte() {
            None => json_error(self.r.error_here("unexpected end of input")),
            Some(b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
                syntax_at(point(here))
            }
            Some(_) => json_error(self.r.error_here("expected a JSON value")),
        }
    }

    fn string(&mut self) -> Result<Spanned<String>, PolicyError> {
        match self.r.scalar().map_err(json_error)? {
            Some((Scalar::String(s), span)) => Ok(Spanned::new(s.into_owned(), span)),
            Some((_, span)) => Err(syntax_at(span)),
            None => Err(self.shape_error()),
        }
    }

    fn version(&mut self) -> Result<Spanned<Version>, PolicyError> {
        let s = self.string()?;
        let version = match s.value.as_str() {
            "2012-10-17" => Version::V2012_10_17,
            "2008-10-17" => Version::V2008_10_17,
            _ => return Err(syntax_at(s.span)),
        };
        Ok(Spanned::new(version, s.span))
    }

    /// `Statement`: one object or a non-empty array of objects.
    fn statements(&mut self) -> Result<(Vec<Statement>, bool), PolicyError> {
        match self.r.peek_byte() {
            Some(b'{') => Ok((vec![self.statement(0)?], false)),
            Some(b'[') => {
                let start = self.r.enter_array().map_err(json_error)?;
                // Room for as many statements as the rest of the text likely holds
                // (a typical statement is over 128 bytes of JSON), so that the list of
                // these large values is seldom regrown and copied as it fills.
                let mut statements =
                    Vec::with_capacity((self.r.remaining_len() / 128).clamp(1, 64));
                let mut first = true;
                while self.r.next_element(&mut first).map_err(json_error)? {
                    statements.push(self.statement(statements.len())?);
                }
                if statements.is_empty() {
                    return Err(syntax_at(point(start)));
                }
                Ok((statements, true))
            }
            _ => Err(self.shape_error()),
        }
    }

    fn statement(&mut self, index: usize) -> Result<Statement, PolicyError> {
        let start = self.enter_object()?;
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalBlock> = None;
        let mut action: Option<ActionBlock> = None;
        let mut resource: Option<ResourceBlock> = None;
        let mut conditions = Vec::new();
        let mut seen = 0u16;
        let mut first = true;
        while let Some((key, key_span)) = self.r.next_member(&mut first).map_err(json_error)? {
            match key.as_ref() {
                "Sid" => {
                    mark_seen(&mut seen, 0, key_span)?;
                    sid = Some(self.string()?);
                }
                "Effect" => {
                    mark_seen(&mut seen, 1, key_span)?;
                    effect = Some(self.effect()?);
                }
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        return Err(syntax_at(key_span));
                    }
                    let spec = self.principal_spec()?;
                    principal = Some(PrincipalBlock {
                        negated: key == "NotPrincipal",
                        spec,
                        span: Span {
                            start: key_span.start,
                            end: self.r.position(),
                        },
                    });
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        return Err(syntax_at(key_span));
                    }
                    action = Some(ActionBlock {
                        negated: key == "NotAction",
                        list: self.string_list()?,
                    });
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        return Err(syntax_at(key_span));
                    }
                    resource = Some(ResourceBlock {
                        negated: key == "NotResource",
                        list: self.string_list()?,
                    });
                }
                "Condition" => {
                    mark_seen(&mut seen, 2, key_span)?;
                    conditions = self.condition_block()?;
                }
                _ => return Err(syntax_at(key_span)),
            }
        }
        let span = Span {
            start,
            end: self.r.position(),
        };
        let Some(effect) = effect else {
            return Err(syntax_at(span));
        };
        Ok(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
            span,
        })
    }

    /// `Allow` or `Deny`. Any other spelling of those words passes the shape check
    /// but fails AWS's legacy parser, which is reported after shape errors.
    fn effect(&mut self) -> Result<Spanned<Effect>, PolicyError> {
        let (text, span) = match self.r.scalar().map_err(json_error)? {
            Some((Scalar::String(text), span)) => (text, span),
            Some((_, span)) => return Err(syntax_at(span)),
            None => return Err(self.shape_error()),
        };
        let s = Spanned::new(text, span);
        let effect = match s.value.as_ref() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other if other.eq_ignore_ascii_case("Allow") => {
                self.legacy(s.span);
                Effect::Allow
            }
            other if other.eq_ignore_ascii_case("Deny") => {
                self.legacy(s.span);
                Effect::Deny
            }
            _ => return Err(syntax_at(s.span)),
        };
        Ok(Spanned::new(effect, s.span))
    }

    fn legacy(&mut self, span: Span) {
        self.legacy_errors
            .push(PolicyError::malformed(msg::LEGACY_PARSING, span));
    }

    /// One string or an array of strings (`Action`, `Resource`, principal values).
    fn string_list(&mut self) -> Result<StringList, PolicyError> {
        if self.r.peek_byte() != Some(b'[') {
            let s = self.string()?;
            let span = s.span;
            return Ok(StringList {
                items: vec![s],
                is_array: false,
                span,
            });
        }
        let start = self.r.enter_array().map_err(json_error)?;
        let mut items = Vec::new();
        let mut first = true;
        while self.r.next_element(&mut first).map_err(json_error)? {
            items.push(self.string()?);
        }
        Ok(StringList {
            items,
            is_array: true,
            span: Span {
                start,
                end: self.r.position(),
            },
        })
    }

    fn principal_spec(&mut self) -> Result<PrincipalSpec, PolicyError> {
        if self.r.peek_byte() != Some(b'{') {
            let s = self.string()?;
            if s.value != "*" {
                return Err(syntax_at(s.span));
            }
            return Ok(PrincipalSpec::Any(s.span));
        }
        self.enter_object()?;
        let mut entries = Vec::new();
        let mut seen = 0u16;
        let mut first = true;
        while let Some((key, key_span)) = self.r.next_member(&mut first).map_err(json_error)? {
            let kind = match key.as_ref() {
                "AWS" => PrincipalType::Aws,
                "Service" => PrincipalType::Service,
                "Federated" => PrincipalType::Federated,
                "CanonicalUser" => PrincipalType::CanonicalUser,
                _ => return Err(syntax_at(key_span)),
            };
            mark_seen(&mut seen, kind as u16, key_span)?;
            entries.push((Spanned::new(kind, key_span), self.string_list()?));
        }
        Ok(PrincipalSpec::Map(entries))
    }

    /// `Condition`: operator → key → one value or an array of values.
    fn condition_block(&mut self) -> Result<Vec<Condition>, PolicyError> {
        self.enter_object()?;
        let mut conditions: Vec<Condition> = Vec::new();
        // Operators with nothing under them leave no condition behind; remember
        // them apart so that a repeat is still caught.
        let mut empty_operators: Vec<Cow<'a, str>> = Vec::new();
        let mut first_op = true;
        while let Some((op_text, op_span)) =
            self.r.next_member(&mut first_op).map_err(json_error)?
        {
            let repeated = conditions.iter().any(|c| c.operator_text == op_text)
                || empty_operators.contains(&op_text);
            if repeated {
                return Err(syntax_at(op_span));
            }
            let operator = parse_operator(&op_text);
            self.enter_object()?;
            let group_start = conditions.len();
            let mut first_key = true;
            while let Some((key, key_span)) =
                self.r.next_member(&mut first_key).map_err(json_error)?
            {
                // AWS accepts an operator it does not know only when nothing is
                // under it.
                let Some(operator) = operator else {
                    return Err(syntax_at(op_span));
                };
                let repeated = conditions
                    .get(group_start..)
                    .is_some_and(|group| group.iter().any(|c| c.key.value == key));
                if repeated {
                    return Err(syntax_at(key_span));
                }
                let (values, values_is_array) = self.condition_values()?;
                conditions.push(Condition {
                    operator: Spanned::new(operator, op_span),
                    operator_text: op_text.to_string(),
                    key: Spanned::new(key.into_owned(), key_span),
                    values,
                    values_is_array,
                });
            }
            if conditions.len() == group_start {
                empty_operators.push(op_text);
            }
        }
        Ok(conditions)
    }

    fn condition_values(&mut self) -> Result<(Vec<Spanned<ConditionValue>>, bool), PolicyError> {
        if self.r.peek_byte() != Some(b'[') {
            return Ok((vec![self.condition_scalar()?], false));
        }
        self.r.enter_array().map_err(json_error)?;
        let mut values = Vec::new();
        let mut first = true;
        while self.r.next_element(&mut first).map_err(json_error)? {
            values.push(self.condition_scalar()?);
        }
        Ok((values, true))
    }

    fn condition_scalar(&mut self) -> Result<Spanned<ConditionValue>, PolicyError> {
        let (scalar, span) = match self.r.scalar().map_err(json_error)? {
            Some(found) => found,
            None => return Err(self.shape_error()),
        };
        let value = match scalar {
            Scalar::String(s) => ConditionValue::String(s.into_owned()),
            Scalar::Number(n) => ConditionValue::Number(n.to_string()),
            Scalar::Bool(b) => ConditionValue::Bool(b),
            Scalar::Null => return Err(syntax_at(span)),
        };
        Ok(Spanned::new(value, span))
    }
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
/// operator.
///
/// `NullIfExists` is read too: the "Condition operators" page says `IfExists` does not
/// apply to `Null`, but IAM stores such a policy (its `MalformedPolicyDocument` checks
/// know an operator by its name with the set prefix and the `IfExists` suffix taken
/// off, as moto's validator, built from AWS's answers, does); IAM Access Analyzer
/// reports it as `NULL_WITH_IF_EXISTS`, and so does our validator, as a warning.
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
    Some(Operator {
        qualifier,
        op,
        if_exists: true,
    })
}
