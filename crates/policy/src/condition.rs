//! Condition operators: one compiled `operator → key → values` triple of a statement's
//! `Condition` block, and its test against a request context.
//!
//! Semantics, from the IAM User Guide ("Condition operators", "Creating a condition
//! with multiple context keys or values", "Single-valued vs. multivalued context keys",
//! "Policy variables with no value"):
//!
//! - Several values of one key are ORed: the condition holds when the context value
//!   matches any of them. For a negated operator (`StringNotEquals`, `NotIpAddress`,
//!   `ArnNotLike`, `NumericNotEquals`, ...) the context value must match none of them:
//!   `StringNotEquals: [a, b]` means "neither a nor b".
//! - A key missing from the context (or present with no value): a positive operator
//!   does not match; a negated operator matches (there is nothing equal to the
//!   value); `...IfExists` matches. `Null` tests exactly that presence;
//!   `NullIfExists` (which AWS stores but IAM Access Analyzer reports as
//!   `NULL_WITH_IF_EXISTS`) reads as `IfExists` reads on every other operator: true
//!   when the key is missing, otherwise the `Null` test.
//! - `ForAllValues:` holds when every context value matches some policy value, and
//!   also when the key is missing or empty. `ForAnyValue:` holds when at least one
//!   context value matches; a missing or empty key does not, and `IfExists` does not
//!   change that: the set qualifier is resolved first, and `ForAnyValue` over no
//!   values is false (observed on AWS: an `Allow` with
//!   `ForAnyValue:StringEqualsIfExists` on `aws:TagKeys` does not allow
//!   `sqs:ListQueues`, whose request carries no tag keys).
//!   With a negated operator the negation applies per context value
//!   (`ForAnyValue:StringNotEquals` holds when some value equals none of the policy's).
//! - A single-valued operator applied to a key with several values (AWS asks for a set
//!   qualifier there and leaves the outcome unspecified): a positive operator holds when
//!   any context value matches, a negated one when none does — each the plain negation
//!   of the other, so a `Deny` with `StringNotEquals` never lets a value through that
//!   `StringEquals` would have rejected.
//! - Key names are case-insensitive; they are compared lower-cased.
//! - A context value that cannot be read as the operator's type (a non-number for
//!   `Numeric*`, an unparseable date or address, a non-ARN for `Arn*`) matches nothing,
//!   for negated operators too.
//! - A policy variable without a value makes that one policy value null: it equals
//!   nothing, so positive operators skip it and negated operators hold against it.
//!   Variables are read in values of the string, `Bool` and ARN operators, the ones the
//!   "Condition operators" page marks as supporting policy variables; elsewhere `${`
//!   is plain text.

mod binary;
mod date;
mod ip;
mod numeric;

use std::cmp::Ordering;
use std::net::IpAddr;

use crate::arn::{is_arn, ArnPattern};
use crate::ast::{Condition, ConditionOp, SetQualifier};
use crate::request::{Context, ContextValue};
use crate::variables::Template;
use crate::wildcard::Pattern;

use numeric::{Decimal, OwnedDecimal};

/// How a `Numeric*` or `Date*` operator compares the context value with a policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    /// `ordering` is the context value compared with the policy value.
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Comparison::Equal => ordering == Ordering::Equal,
            Comparison::Less => ordering == Ordering::Less,
            Comparison::LessOrEqual => ordering != Ordering::Greater,
            Comparison::Greater => ordering == Ordering::Greater,
            Comparison::GreaterOrEqual => ordering != Ordering::Less,
        }
    }
}

/// A string operator's policy value: fixed at compile time, or built per request from
/// policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StringValue {
    Fixed(Pattern),
    Variable(Template),
}

/// A `Bool` policy value: fixed, or read from a policy variable per request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BoolValue {
    Fixed(bool),
    Variable(Template),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ArnValue {
    Fixed(ArnPattern),
    Variable(Template),
}

/// The policy values of a positive operator, parsed for their type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Values {
    String {
        /// `*Like`: `*` and `?` are wildcards.
        like: bool,
        case_insensitive: bool,
        values: Vec<StringValue>,
    },
    Numeric {
        comparison: Comparison,
        values: Vec<OwnedDecimal>,
    },
    Date {
        comparison: Comparison,
        /// Nanoseconds since the epoch.
        values: Vec<i128>,
    },
    Bool(Vec<BoolValue>),
    Binary(Vec<Vec<u8>>),
    Ip(Vec<ip::IpNet>),
    Arn(Vec<ArnValue>),
}

impl Values {
    /// Whether one context value matches any policy value; `None` when the context value
    /// cannot be read as this operator's type.
    fn any_matches(&self, value: &str, ctx: &Context) -> Option<bool> {
        match self {
            Values::String {
                like,
                case_insensitive,
                values,
            } => Some(values.iter().any(|v| match v {
                StringValue::Fixed(p) => p.matches(value),
                StringValue::Variable(t) => {
                    let resolved = if *like {
                        t.resolve_pattern(ctx, *case_insensitive)
                    } else {
                        t.resolve_literal_pattern(ctx, *case_insensitive)
                    };
                    resolved.is_some_and(|p| p.matches(value))
                }
            })),
            Values::Numeric { comparison, values } => {
                let n = Decimal::parse(value)?;
                Some(
                    values
                        .iter()
                        .any(|v| comparison.holds(n.compare(v.as_decimal()))),
                )
            }
            Values::Date { comparison, values } => {
                let t = date::parse_instant(value)?;
                Some(values.iter().any(|v| comparison.holds(t.cmp(v))))
            }
            Values::Bool(values) => {
                let b = parse_bool(value)?;
                Some(values.iter().any(|v| {
                    match v {
                        BoolValue::Fixed(fixed) => *fixed == b,
                        // A variable whose value is not a boolean equals nothing.
                        BoolValue::Variable(t) => t
                            .resolve(ctx)
                            .and_then(|text| parse_bool(&text))
                            .is_some_and(|resolved| resolved == b),
                    }
                }))
            }
            Values::Binary(values) => {
                let mut any = false;
                for v in values {
                    any |= binary::decodes_to(value, v)?;
                }
                Some(any)
            }
            Values::Ip(nets) => {
                let addr: IpAddr = value.parse().ok()?;
                Some(nets.iter().any(|n| n.contains(addr)))
            }
            Values::Arn(values) => {
                if !is_arn(value) {
                    return None;
                }
                Some(values.iter().any(|v| match v {
                    ArnValue::Fixed(p) => p.matches(value),
                    ArnValue::Variable(t) => {
                        t.resolve_arn_pattern(ctx).is_some_and(|p| p.matches(value))
                    }
                }))
            }
        }
    }

    fn templates(&self) -> impl Iterator<Item = &Template> {
        let (strings, arns, bools): (&[StringValue], &[ArnValue], &[BoolValue]) = match self {
            Values::String { values, .. } => (values, &[], &[]),
            Values::Arn(values) => (&[], values, &[]),
            Values::Bool(values) => (&[], &[], values),
            _ => (&[], &[], &[]),
        };
        strings
            .iter()
            .filter_map(|v| match v {
                StringValue::Variable(t) => Some(t),
                StringValue::Fixed(_) => None,
            })
            .chain(arns.iter().filter_map(|v| match v {
                ArnValue::Variable(t) => Some(t),
                ArnValue::Fixed(_) => None,
            }))
            .chain(bools.iter().filter_map(|v| match v {
                BoolValue::Variable(t) => Some(t),
                BoolValue::Fixed(_) => None,
            }))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    /// Every operator but `Null`.
    Compare { negated: bool, values: Values },
    /// `Null`: each listed boolean is "the key is absent".
    Null(Vec<bool>),
}

/// One compiled condition: operator, key and values, ready to test requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledCondition {
    /// The key as written followed by the key lower-cased (one allocation for both);
    /// `key_len` splits them.
    keys: String,
    key_len: usize,
    qualifier: Option<SetQualifier>,
    if_exists: bool,
    test: Test,
}

impl CompiledCondition {
    /// Compiles a condition. `variables_enabled` is the policy's version rule (policy
    /// variables only in `2012-10-17`). A policy value that does not fit its operator
    /// (a bad CIDR, a non-number, an unparseable date, a malformed policy variable)
    /// equals nothing and is left out; see [`compile_values`].
    pub fn compile(c: &Condition, variables_enabled: bool) -> Result<CompiledCondition, String> {
        let operator = c.operator.value;
        let key = c.key.value.as_str();
        let texts = c.values.iter().map(|v| v.value.as_text());
        let test = if operator.op == ConditionOp::Null {
            Test::Null(texts.filter_map(parse_bool).collect())
        } else {
            let (negated, values) = compile_values(operator.op, texts, variables_enabled);
            Test::Compare { negated, values }
        };
        let mut keys = String::with_capacity(2 * key.len());
        keys.push_str(key);
        keys.push_str(key);
        if let Some(lower) = keys.get_mut(key.len()..) {
            lower.make_ascii_lowercase();
        }
        Ok(CompiledCondition {
            keys,
            key_len: key.len(),
            qualifier: operator.qualifier,
            if_exists: operator.if_exists,
            test,
        })
    }

    /// The condition key as written.
    pub fn key(&self) -> &str {
        self.keys.get(..self.key_len).unwrap_or_default()
    }

    /// The condition key, lower-cased (as the context stores keys).
    pub fn key_lower(&self) -> &str {
        self.keys.get(self.key_len..).unwrap_or_default()
    }

    /// Every context key the condition reads: its own key and the keys of policy
    /// variables in its values, as written. May repeat a key.
    pub fn referenced_keys(&self) -> impl Iterator<Item = &str> {
        let templates = match &self.test {
            Test::Compare { values, .. } => Some(values.templates()),
            Test::Null(_) => None,
        };
        std::iter::once(self.key()).chain(
            templates
                .into_iter()
                .flatten()
                .flat_map(|t| t.referenced_keys()),
        )
    }

    /// Whether the condition holds for the request context.
    pub fn matches(&self, ctx: &Context) -> bool {
        let present: Option<&ContextValue> = ctx
            .get_lower(self.key_lower())
            .filter(|v| !v.values.is_empty());
        let (negated, values) = match &self.test {
            Test::Null(want_absent) => {
                let absent = present.is_none();
                return (absent && self.if_exists) || want_absent.contains(&absent);
            }
            Test::Compare { negated, values } => (*negated, values),
        };
        // The operator applied to one context value.
        let one = |v: &String| match values.any_matches(v, ctx) {
            Some(matched) => matched != negated,
            None => false,
        };
        match (self.qualifier, present) {
            (None, None) => self.if_exists || negated,
            (None, Some(cv)) if negated => cv.values.iter().all(one),
            (None, Some(cv)) => cv.values.iter().any(one),
            (Some(SetQualifier::ForAllValues), None) => true,
            (Some(SetQualifier::ForAllValues), Some(cv)) => cv.values.iter().all(one),
            // `IfExists` does not rescue `ForAnyValue` (see the module comment).
            (Some(SetQualifier::ForAnyValue), None) => false,
            (Some(SetQualifier::ForAnyValue), Some(cv)) => cv.values.iter().any(one),
        }
    }
}

/// Whether every condition holds: the conditions of one statement are ANDed.
pub fn all_match(conds: &[CompiledCondition], ctx: &Context) -> bool {
    conds.iter().all(|c| c.matches(ctx))
}

/// Whether a policy value can be read as a value of `op`'s type: a number, a date, an
/// address or CIDR block, `true`/`false`, base-64. Values of string and ARN operators
/// are all readable. An unreadable value equals nothing (see [`compile_values`]).
pub fn value_is_readable(op: ConditionOp, text: &str) -> bool {
    use ConditionOp as Op;
    match op {
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => OwnedDecimal::parse(text).is_some(),
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => date::parse_instant(text).is_some(),
        Op::Bool | Op::Null => parse_bool(text).is_some(),
        Op::BinaryEquals => binary::decode(text).is_some(),
        Op::IpAddress | Op::NotIpAddress => ip::IpNet::parse(text).is_some(),
        Op::StringEquals
        | Op::StringNotEquals
        | Op::StringEqualsIgnoreCase
        | Op::StringNotEqualsIgnoreCase
        | Op::StringLike
        | Op::StringNotLike
        | Op::ArnEquals
        | Op::ArnNotEquals
        | Op::ArnLike
        | Op::ArnNotLike => true,
    }
}

/// The instant a `Date*` operator reads from `text` (ISO 8601 or epoch seconds), in
/// nanoseconds since the epoch; `None` when the text is not a date. Tools that reason
/// about date conditions use the engine's own reading.
pub fn date_instant(text: &str) -> Option<i128> {
    date::parse_instant(text)
}

/// Whether `op`'s values may hold policy variables: the string, ARN and `Bool`
/// operators, those the "Condition operators" page marks as supporting them.
pub fn takes_variables(op: ConditionOp) -> bool {
    use ConditionOp as Op;
    matches!(
        op,
        Op::StringEquals
            | Op::StringNotEquals
            | Op::StringEqualsIgnoreCase
            | Op::StringNotEqualsIgnoreCase
            | Op::StringLike
            | Op::StringNotLike
            | Op::ArnEquals
            | Op::ArnNotEquals
            | Op::ArnLike
            | Op::ArnNotLike
            | Op::Bool
    )
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Compiles the policy values of an operator. A value that cannot be read as the
/// operator's type, or that holds a malformed policy variable, is left out: it equals
/// no context value, so positive operators never match it and negated operators hold
/// against it, as for a policy variable without a value.
///
/// This follows what AWS does with such policies: it stores them. IAM's
/// `MalformedPolicyDocument` checks on condition values are the legacy parser's rules
/// for `Date*` values (see `validate::rules::legacy_date_is_valid`), and nothing for
/// the other types (moto's IAM policy validator, built from AWS's answers, checks
/// exactly that); IAM Access Analyzer's policy check reference reports bad values as
/// general warnings ("Type mismatch IP range", "Type mismatch number", "Type mismatch
/// Boolean", "Type mismatch date") and malformed variables as findings of its own
/// ("Missing brace in variable", ...), not as reasons IAM refuses the document.
fn compile_values<'a>(
    op: ConditionOp,
    texts: impl Iterator<Item = &'a str>,
    variables_enabled: bool,
) -> (bool, Values) {
    use ConditionOp as Op;
    let string = |like, case_insensitive, texts: &mut dyn Iterator<Item = &'a str>| {
        let values = texts
            .filter_map(|t| {
                if !(variables_enabled && t.contains("${")) {
                    // Plain text: compiled straight from the policy's string.
                    return Some(StringValue::Fixed(if like {
                        Pattern::new(t, case_insensitive)
                    } else {
                        Pattern::literal(t, case_insensitive)
                    }));
                }
                let template = Template::parse(t, variables_enabled).ok()?;
                if template.has_variables() {
                    return Some(StringValue::Variable(template));
                }
                // No variables: escapes such as `${*}` are settled now and, like
                // substituted text, never act as wildcards.
                let empty = Context::new();
                let fixed = if like {
                    template.resolve_pattern(&empty, case_insensitive)
                } else {
                    template.resolve_literal_pattern(&empty, case_insensitive)
                };
                Some(match fixed {
                    Some(p) => StringValue::Fixed(p),
                    None => StringValue::Variable(template),
                })
            })
            .collect();
        Values::String {
            like,
            case_insensitive,
            values,
        }
    };
    let numeric = |comparison, texts: &mut dyn Iterator<Item = &'a str>| Values::Numeric {
        comparison,
        values: texts.filter_map(OwnedDecimal::parse).collect(),
    };
    let date = |comparison, texts: &mut dyn Iterator<Item = &'a str>| Values::Date {
        comparison,
        values: texts.filter_map(date::parse_instant).collect(),
    };
    let ip = |texts: &mut dyn Iterator<Item = &'a str>| {
        Values::Ip(texts.filter_map(ip::IpNet::parse).collect())
    };
    let mut texts = texts;
    let t: &mut dyn Iterator<Item = &'a str> = &mut texts;
    match op {
        Op::StringEquals => (false, string(false, false, t)),
        Op::StringNotEquals => (true, string(false, false, t)),
        Op::StringEqualsIgnoreCase => (false, string(false, true, t)),
        Op::StringNotEqualsIgnoreCase => (true, string(false, true, t)),
        Op::StringLike => (false, string(true, false, t)),
        Op::StringNotLike => (true, string(true, false, t)),
        Op::NumericEquals => (false, numeric(Comparison::Equal, t)),
        Op::NumericNotEquals => (true, numeric(Comparison::Equal, t)),
        Op::NumericLessThan => (false, numeric(Comparison::Less, t)),
        Op::NumericLessThanEquals => (false, numeric(Comparison::LessOrEqual, t)),
        Op::NumericGreaterThan => (false, numeric(Comparison::Greater, t)),
        Op::NumericGreaterThanEquals => (false, numeric(Comparison::GreaterOrEqual, t)),
        Op::DateEquals => (false, date(Comparison::Equal, t)),
        Op::DateNotEquals => (true, date(Comparison::Equal, t)),
        Op::DateLessThan => (false, date(Comparison::Less, t)),
        Op::DateLessThanEquals => (false, date(Comparison::LessOrEqual, t)),
        Op::DateGreaterThan => (false, date(Comparison::Greater, t)),
        Op::DateGreaterThanEquals => (false, date(Comparison::GreaterOrEqual, t)),
        Op::Bool => (false, bool_values(t, variables_enabled)),
        Op::BinaryEquals => (
            false,
            Values::Binary(t.filter_map(binary::decode).collect()),
        ),
        Op::IpAddress => (false, ip(t)),
        Op::NotIpAddress => (true, ip(t)),
        Op::ArnEquals | Op::ArnLike => (false, arn_values(t, variables_enabled)),
        Op::ArnNotEquals | Op::ArnNotLike => (true, arn_values(t, variables_enabled)),
        // `Null` is compiled on its own (`Test::Null`); as a comparison it would have
        // no values, and none match.
        Op::Null => (false, Values::Bool(Vec::new())),
    }
}

fn arn_values(texts: &mut dyn Iterator<Item = &str>, variables_enabled: bool) -> Values {
    let values = texts
        .filter_map(|t| {
            if !(variables_enabled && t.contains("${")) {
                return Some(ArnValue::Fixed(ArnPattern::new(t)));
            }
            let template = Template::parse(t, variables_enabled).ok()?;
            if template.has_variables() {
                return Some(ArnValue::Variable(template));
            }
            Some(match template.resolve_arn_pattern(&Context::new()) {
                Some(p) => ArnValue::Fixed(p),
                None => ArnValue::Variable(template),
            })
        })
        .collect();
    Values::Arn(values)
}

fn bool_values(texts: &mut dyn Iterator<Item = &str>, variables_enabled: bool) -> Values {
    let values = texts
        .filter_map(|t| {
            let template = Template::parse(t, variables_enabled).ok()?;
            if template.has_variables() {
                return Some(BoolValue::Variable(template));
            }
            template
                .resolve(&Context::new())
                .and_then(|text| parse_bool(&text))
                .map(BoolValue::Fixed)
        })
        .collect();
    Values::Bool(values)
}
