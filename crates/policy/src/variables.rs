//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, ...) in `Resource`
//! and condition values, following "IAM policy elements: Variables and tags" in the IAM
//! User Guide:
//!
//! - A variable is `${key}`; the key is a condition key, matched without regard to case.
//!   It is replaced by the key's value in the request context.
//! - `${key, 'default'}` gives a default used when the key has no value; the default is
//!   case-sensitive text. (A quote inside the default is written `''`.) Spaces around the
//!   key and around the quoted default are ignored.
//! - `${*}`, `${?}` and `${$}` stand for the literal characters `*`, `?` and `$`: they
//!   never act as wildcards. Text substituted for a variable is literal too, so a tag
//!   value containing `*` matches only a `*`.
//! - Only single-valued keys can be variables ("Single-valued vs. multivalued context
//!   keys": "you cannot use a multivalued context key as a policy variable"); a
//!   multivalued key counts as having no value.
//! - "Policy variables with no value": a variable without a value (and without a
//!   default) makes its whole value null. [`Template::resolve`] then answers `None`: in
//!   `Resource` that entry matches no resource; in a condition the value equals nothing
//!   (so `StringEquals` fails and `StringNotEquals` holds).
//! - Variables exist only in policies of version `2012-10-17`; in older ones `${...}` is
//!   plain text.

use crate::arn::ArnPattern;
use crate::request::Context;
use crate::wildcard::{Pattern, PatternText};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Policy text as written (a byte range of the source): in `*Like` operators and
    /// `Resource`, `*` and `?` in it are wildcards.
    Text { start: u32, end: u32 },
    /// `${key}` or `${key, 'default'}`; the key is a byte range of the source, as
    /// written (context keys are looked up without regard to case).
    Variable {
        key_start: u32,
        key_end: u32,
        default: Option<Box<str>>,
    },
    /// `${*}`, `${?}`, `${$}`.
    Escaped(char),
}

/// Why a `${...}` is not a policy variable. The kinds are those IAM Access Analyzer's
/// policy checks name ("Missing brace in variable", "Empty variable", "Unsupported
/// space in variable", "Missing quote in variable").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableError {
    /// `${` without a closing `}`.
    MissingBrace(String),
    /// `${}` or `${ }`.
    Empty,
    /// A space (or another character a key cannot hold) in the name.
    InvalidName(String),
    /// A default value that is not in single quotes, or not closed.
    MissingQuote(String),
}

impl VariableError {
    /// The identifier of the finding the validator reports for it.
    pub fn code(&self) -> &'static str {
        match self {
            VariableError::MissingBrace(_) => "MISSING_BRACE_IN_VARIABLE",
            VariableError::Empty => "EMPTY_VARIABLE",
            VariableError::InvalidName(_) => "UNSUPPORTED_SPACE_IN_VARIABLE",
            VariableError::MissingQuote(_) => "MISSING_QUOTE_IN_VARIABLE",
        }
    }
}

impl std::fmt::Display for VariableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariableError::MissingBrace(text) => {
                write!(f, "policy variable is not closed with '}}': {text}")
            }
            VariableError::Empty => f.write_str("policy variable has an empty name"),
            VariableError::InvalidName(key) => write!(f, "invalid policy variable name: {key}"),
            VariableError::MissingQuote(what) => f.write_str(what),
        }
    }
}

/// A policy string that may contain policy variables: the source text once, and its
/// parts as ranges of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: Box<str>,
    parts: Vec<Part>,
}

impl Template {
    /// Parses `text`. When `variables_enabled` is false, `${...}` is literal text.
    /// Errors describe a malformed variable (unterminated, empty name, badly quoted
    /// default).
    pub fn parse(text: &str, variables_enabled: bool) -> Result<Template, VariableError> {
        if !variables_enabled || !text.contains("${") {
            return Ok(Template::literal(text));
        }
        let mut parts = Vec::new();
        let mut at = 0usize;
        while let Some(found) = text.get(at..).and_then(|rest| rest.find("${")) {
            let open = at + found;
            push_text(&mut parts, at, open);
            let (part, after) = parse_variable(text, open)?;
            parts.push(part);
            at = after;
        }
        push_text(&mut parts, at, text.len());
        Ok(Template {
            source: text.into(),
            parts,
        })
    }

    /// A template of plain text, without variables.
    pub fn literal(text: &str) -> Template {
        let mut parts = Vec::with_capacity(1);
        push_text(&mut parts, 0, text.len());
        Template {
            source: text.into(),
            parts,
        }
    }

    /// Whether any part depends on the request (a `${key}` variable). Escapes such as
    /// `${*}` do not count: they are fixed text.
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Variable { .. }))
    }

    /// Whether the template is plain text (no variables and no escapes).
    pub fn is_plain(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text { .. }))
    }

    /// The condition keys the template reads, as written.
    pub fn referenced_keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable {
                key_start, key_end, ..
            } => Some(self.slice(*key_start, *key_end)),
            _ => None,
        })
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        self.source
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The value a variable part stands for: the key's single value, else the default.
    fn value_of<'a>(&'a self, part: &'a Part, ctx: &'a Context) -> Option<&'a str> {
        match part {
            Part::Variable {
                key_start,
                key_end,
                default,
            } => variable_value(ctx, self.slice(*key_start, *key_end), default.as_deref()),
            _ => None,
        }
    }

    /// The text with every variable replaced; `None` when a variable has no value and
    /// no default. Escapes become their characters.
    pub fn resolve(&self, ctx: &Context) -> Option<String> {
        let mut out = String::with_capacity(self.source.len());
        for part in &self.parts {
            match part {
                Part::Text { start, end } => out.push_str(self.slice(*start, *end)),
                Part::Escaped(c) => out.push(*c),
                Part::Variable { .. } => out.push_str(self.value_of(part, ctx)?),
            }
        }
        Some(out)
    }

    /// Resolves into pattern text. With `wildcards`, `*` and `?` of the policy text
    /// are wildcards; substituted values and escapes are always literal.
    pub(crate) fn resolve_text(&self, ctx: &Context, wildcards: bool) -> Option<PatternText> {
        let mut out = PatternText::with_capacity(self.source.len());
        for part in &self.parts {
            match part {
                Part::Text { start, end } if wildcards => out.push_wild(self.slice(*start, *end)),
                Part::Text { start, end } => out.push_literal(self.slice(*start, *end)),
                Part::Escaped(c) => out.push_literal_char(*c),
                Part::Variable { .. } => out.push_literal(self.value_of(part, ctx)?),
            }
        }
        Some(out)
    }

    /// Resolves into a wildcard pattern (the policy text's `*`/`?` are wildcards,
    /// substituted text and escapes are literal).
    pub fn resolve_pattern(&self, ctx: &Context, case_insensitive: bool) -> Option<Pattern> {
        self.resolve_text(ctx, true)
            .map(|t| Pattern::build(t, case_insensitive))
    }

    /// Resolves into a pattern without wildcards (for `StringEquals` and friends).
    pub fn resolve_literal_pattern(
        &self,
        ctx: &Context,
        case_insensitive: bool,
    ) -> Option<Pattern> {
        self.resolve_text(ctx, false)
            .map(|t| Pattern::build(t, case_insensitive))
    }

    /// Resolves into an ARN pattern (`Resource` entries and ARN operators).
    pub fn resolve_arn_pattern(&self, ctx: &Context) -> Option<ArnPattern> {
        self.resolve_text(ctx, true).map(ArnPattern::build)
    }
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn push_text(parts: &mut Vec<Part>, start: usize, end: usize) {
    if start < end {
        parts.push(Part::Text {
            start: offset(start),
            end: offset(end),
        });
    }
}

/// The value a variable stands for: the key's single value, else the default.
fn variable_value<'a>(ctx: &'a Context, key: &str, default: Option<&'a str>) -> Option<&'a str> {
    let single = ctx
        .get(key)
        .filter(|v| !v.multi_valued)
        .and_then(|v| match v.values.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        });
    single.or(default)
}

/// Parses the variable that starts at byte `open` of `text` (at its `${`). Returns the
/// part and the offset just after the closing `}`.
fn parse_variable(text: &str, open: usize) -> Result<(Part, usize), VariableError> {
    let body_start = open + 2;
    let body = text.get(body_start..).unwrap_or_default();
    let end_of_key = body.find([',', '}']).ok_or_else(|| {
        VariableError::MissingBrace(text.get(open..).unwrap_or_default().to_string())
    })?;
    let raw_key = body.get(..end_of_key).unwrap_or_default();
    let key = raw_key.trim();
    if key.is_empty() {
        return Err(VariableError::Empty);
    }
    if key.contains(char::is_whitespace) || (key.contains(['{', '$']) && key != "$") {
        return Err(VariableError::InvalidName(key.to_string()));
    }
    let key_start = body_start + (raw_key.len() - raw_key.trim_start().len());
    let key_end = key_start + key.len();
    let rest_start = body_start + end_of_key;
    let rest = text.get(rest_start..).unwrap_or_default();
    let (default, after) = if let Some(after_comma) = rest.strip_prefix(',') {
        let (default, after_default) = parse_default(after_comma)?;
        let after_default = after_default.trim_start();
        if !after_default.starts_with('}') {
            return Err(VariableError::MissingBrace(
                text.get(open..).unwrap_or_default().to_string(),
            ));
        }
        // Offset of the closing brace, from what is left of the text.
        let close = text.len() - after_default.len();
        (Some(default.into_boxed_str()), close + 1)
    } else {
        (None, rest_start + 1)
    };
    let part = match (key, &default) {
        ("*", None) => Part::Escaped('*'),
        ("?", None) => Part::Escaped('?'),
        ("$", None) => Part::Escaped('$'),
        _ => Part::Variable {
            key_start: offset(key_start),
            key_end: offset(key_end),
            default,
        },
    };
    Ok((part, after))
}

/// Parses ` 'text'` (leading spaces allowed, `''` is one quote). Returns the text and
/// what follows the closing quote.
fn parse_default(text: &str) -> Result<(String, &str), VariableError> {
    let quoted = text.trim_start().strip_prefix('\'').ok_or_else(|| {
        VariableError::MissingQuote(
            "a policy variable's default value must be in single quotes".to_string(),
        )
    })?;
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
            continue;
        }
        if quoted.get(i + 1..).is_some_and(|r| r.starts_with('\'')) {
            value.push('\'');
            chars.next();
            continue;
        }
        return Ok((value, quoted.get(i + 1..).unwrap_or_default()));
    }
    Err(VariableError::MissingQuote(
        "a policy variable's default value is missing its closing quote".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::ContextValue;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("aws:username", ContextValue::single("alice"));
        c.insert("aws:PrincipalTag/team", ContextValue::single("a*b"));
        c.insert("aws:TagKeys", ContextValue::multi(["x", "y"]));
        c
    }

    #[test]
    fn substitution() {
        let t = Template::parse("home/${aws:UserName}/*", true).unwrap();
        assert!(t.has_variables());
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("home/alice/*"));
        assert_eq!(t.referenced_keys().collect::<Vec<_>>(), ["aws:UserName"]);
    }

    #[test]
    fn disabled_is_literal() {
        let t = Template::parse("${aws:username}", false).unwrap();
        assert!(!t.has_variables());
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("${aws:username}"));
    }

    #[test]
    fn missing_and_default() {
        let t = Template::parse("${aws:userid}", true).unwrap();
        assert_eq!(t.resolve(&ctx()), None);
        let t = Template::parse("${aws:userid, 'anonymous'}", true).unwrap();
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("anonymous"));
        let t = Template::parse("${ aws:userid ,  'it''s' }", true).unwrap();
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("it's"));
        let t = Template::parse("${aws:username, 'x'}", true).unwrap();
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("alice"));
    }

    #[test]
    fn multivalued_key_has_no_value() {
        let t = Template::parse("${aws:TagKeys}", true).unwrap();
        assert_eq!(t.resolve(&ctx()), None);
    }

    #[test]
    fn escapes_are_literal() {
        let t = Template::parse("a${*}b${?}${$}", true).unwrap();
        assert!(!t.has_variables());
        assert_eq!(t.resolve(&ctx()).as_deref(), Some("a*b?$"));
        let p = t.resolve_pattern(&ctx(), false).unwrap();
        assert!(p.matches("a*b?$"));
        assert!(!p.matches("axb?$"));
    }

    #[test]
    fn substituted_text_is_literal_but_template_wildcards_work() {
        let t = Template::parse("${aws:PrincipalTag/team}-*", true).unwrap();
        let p = t.resolve_pattern(&ctx(), false).unwrap();
        assert!(p.matches("a*b-anything"));
        assert!(!p.matches("axxb-anything"));
    }

    #[test]
    fn malformed() {
        let code = |text| Template::parse(text, true).err().map(|e| e.code());
        assert_eq!(code("${aws:username"), Some("MISSING_BRACE_IN_VARIABLE"));
        assert_eq!(code("${}"), Some("EMPTY_VARIABLE"));
        assert_eq!(
            code("${aws: username}"),
            Some("UNSUPPORTED_SPACE_IN_VARIABLE")
        );
        assert_eq!(code("${a, b}"), Some("MISSING_QUOTE_IN_VARIABLE"));
        assert_eq!(code("${a, 'b}"), Some("MISSING_QUOTE_IN_VARIABLE"));
        assert_eq!(code("${a, 'b' x}"), Some("MISSING_BRACE_IN_VARIABLE"));
    }
}
