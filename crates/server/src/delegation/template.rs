//! Rendering a delegation policy template: its `@{name}` parameters replaced with the
//! values a delegation request gives, as AWS renders the policy a customer reviews.
//!
//! The template is a JSON policy document; rendering scans it once, keeping its order
//! and dropping insignificant whitespace. A `string` parameter has one value and may
//! appear anywhere inside a string. A `stringList` parameter whose placeholder is a
//! whole string becomes all its values: spliced into the enclosing array, or an array
//! of them where a single value stood. Every placeholder must have a parameter and
//! every parameter must be used, so a request renders exactly what it says.
use std::collections::{HashMap, HashSet};

use store::DelegationParameter;

/// The largest rendered policy, in characters (AWS's limit).
pub const MAX_RENDERED_CHARS: usize = 2048;

/// Why a template could not be rendered (worded for `InvalidInput`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

struct Parameter<'a> {
    values: &'a [String],
    is_list: bool,
}

/// The rendered policy text.
pub fn render(template: &str, parameters: &[DelegationParameter]) -> Result<String, RenderError> {
    let mut by_name: HashMap<&str, Parameter<'_>> = HashMap::new();
    for p in parameters {
        let is_list = match p.kind.as_str() {
            "stringList" => true,
            "string" => false,
            other => {
                return Err(RenderError(format!(
                    "Policy parameter {} has an unknown type {other}.",
                    p.name
                )))
            }
        };
        if !is_list && p.values.len() != 1 {
            return Err(RenderError(format!(
                "Policy parameter {} of type string must have exactly one value.",
                p.name
            )));
        }
        if is_list && p.values.is_empty() {
            return Err(RenderError(format!(
                "Policy parameter {} must have at least one value.",
                p.name
            )));
        }
        let parameter = Parameter {
            values: &p.values,
            is_list,
        };
        if by_name.insert(p.name.as_str(), parameter).is_some() {
            return Err(RenderError(format!(
                "Policy parameter {} is given more than once.",
                p.name
            )));
        }
    }
    let mut used = HashSet::new();
    let out = Renderer {
        text: template,
        parameters: &by_name,
        used: &mut used,
    }
    .run()?;
    if let Some(unused) = by_name.keys().find(|name| !used.contains(**name)) {
        return Err(RenderError(format!(
            "Policy parameter {unused} is not used by the policy template."
        )));
    }
    if out.chars().count() > MAX_RENDERED_CHARS {
        return Err(RenderError(format!(
            "The rendered policy exceeds the maximum of {MAX_RENDERED_CHARS} characters."
        )));
    }
    Ok(out)
}

struct Renderer<'t, 'p> {
    text: &'t str,
    parameters: &'p HashMap<&'p str, Parameter<'p>>,
    used: &'p mut HashSet<String>,
}

impl Renderer<'_, '_> {
    fn run(mut self) -> Result<String, RenderError> {
        let text = self.text;
        let mut out = String::with_capacity(text.len());
        // Open brackets outside strings: whether a string value stands in an array.
        let mut nesting: Vec<char> = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            match c {
                '"' => {
                    let end = string_end(text, start).ok_or_else(|| {
                        RenderError("The policy template is not valid JSON.".into())
                    })?;
                    let literal = text.get(start..end).unwrap_or_default();
                    while chars.peek().is_some_and(|(i, _)| *i < end) {
                        chars.next();
                    }
                    let rest = text.get(end..).unwrap_or_default();
                    let is_key = rest.trim_start().starts_with(':');
                    let in_array = nesting.last() == Some(&'[');
                    self.string(literal, is_key, in_array, &mut out)?;
                }
                '[' | '{' => {
                    nesting.push(c);
                    out.push(c);
                }
                ']' | '}' => {
                    nesting.pop();
                    out.push(c);
                }
                c if c.is_whitespace() => {}
                c => out.push(c),
            }
        }
        Ok(out)
    }

    /// Writes one JSON string literal (with its quotes), its placeholders replaced.
    fn string(
        &mut self,
        literal: &str,
        is_key: bool,
        in_array: bool,
        out: &mut String,
    ) -> Result<(), RenderError> {
        let inner = literal
            .get(1..literal.len().saturating_sub(1))
            .unwrap_or_default();
        if !inner.contains("@{") {
            out.push_str(literal);
            return Ok(());
        }
        // A whole-string placeholder of a list parameter becomes its values.
        if let Some(name) = whole_placeholder(inner) {
            let p = self.parameter(name)?;
            if p.is_list && !is_key {
                let values: Vec<String> = p.values.iter().map(|v| quote(v)).collect();
                let joined = values.join(",");
                // In an array, or standing for one value, the values take its place;
                // several values where one stood become an array of them.
                if in_array || values.len() == 1 {
                    out.push_str(&joined);
                } else {
                    out.push('[');
                    out.push_str(&joined);
                    out.push(']');
                }
                return Ok(());
            }
        }
        let mut rendered = String::with_capacity(inner.len());
        let mut rest = inner;
        while let Some(at) = rest.find("@{") {
            rendered.push_str(rest.get(..at).unwrap_or_default());
            let after = rest.get(at + 2..).unwrap_or_default();
            let close = after.find('}').ok_or_else(|| {
                RenderError("The policy template has an unterminated parameter.".into())
            })?;
            let name = after.get(..close).unwrap_or_default();
            let p = self.parameter(name)?;
            match p.values {
                [one] => rendered.push_str(&escape(one)),
                _ => {
                    return Err(RenderError(format!(
                        "Policy parameter {name} has several values and can only stand for a whole string."
                    )))
                }
            }
            rest = after.get(close + 1..).unwrap_or_default();
        }
        rendered.push_str(rest);
        out.push('"');
        out.push_str(&rendered);
        out.push('"');
        Ok(())
    }

    fn parameter(&mut self, name: &str) -> Result<&Parameter<'_>, RenderError> {
        let p = self.parameters.get(name).ok_or_else(|| {
            RenderError(format!(
                "The policy template requires the parameter {name}, which the request does not give."
            ))
        })?;
        self.used.insert(name.to_owned());
        Ok(p)
    }
}

/// The byte index just past the string literal starting at `start` (a `"`).
fn string_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `name` when the string is exactly `@{name}`.
fn whole_placeholder(inner: &str) -> Option<&str> {
    inner
        .strip_prefix("@{")
        .and_then(|s| s.strip_suffix('}'))
        .filter(|name| !name.contains('}') && !name.contains("@{"))
}

/// A value as the inside of a JSON string.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn quote(value: &str) -> String {
    format!("\"{}\"", escape(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, kind: &str, values: &[&str]) -> DelegationParameter {
        DelegationParameter {
            name: name.to_owned(),
            kind: kind.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    const TEMPLATE: &str = r#"{
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::@{bucketName}/*"
        }, {
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": ["arn:aws:sqs:us-east-1:111122223333:fixed", "@{queueArns}"]
        }, {
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": "@{logGroups}"
        }]
    }"#;

    #[test]
    fn renders_strings_and_lists_in_place() {
        let out = render(
            TEMPLATE,
            &[
                param("bucketName", "string", &["customer-data"]),
                param(
                    "queueArns",
                    "stringList",
                    &["arn:aws:sqs:us-east-1:1:a", "arn:aws:sqs:us-east-1:1:b"],
                ),
                param("logGroups", "stringList", &["g1", "g2"]),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::customer-data/*"},{"Effect":"Allow","Action":"sqs:SendMessage","Resource":["arn:aws:sqs:us-east-1:111122223333:fixed","arn:aws:sqs:us-east-1:1:a","arn:aws:sqs:us-east-1:1:b"]},{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":["g1","g2"]}]}"#
        );
        policy::compile::CompiledPolicy::from_text(&out, "rendered", "session").unwrap();
    }

    #[test]
    fn refuses_missing_unused_and_misused_parameters() {
        let all = [
            param("bucketName", "string", &["b"]),
            param("queueArns", "stringList", &["q"]),
            param("logGroups", "stringList", &["g"]),
        ];
        assert!(render(TEMPLATE, &all).is_ok());
        let missing = render(TEMPLATE, &all[..2]).unwrap_err();
        assert!(missing.0.contains("logGroups"), "{missing:?}");
        let mut extra = all.to_vec();
        extra.push(param("other", "string", &["x"]));
        assert!(render(TEMPLATE, &extra).unwrap_err().0.contains("other"));
        let mut two = all.to_vec();
        two[0] = param("bucketName", "string", &["a", "b"]);
        assert!(render(TEMPLATE, &two).is_err());
        let mut list_inside = all.to_vec();
        list_inside[0] = param("bucketName", "stringList", &["a", "b"]);
        assert!(render(TEMPLATE, &list_inside)
            .unwrap_err()
            .0
            .contains("whole string"));
        let mut bad_kind = all.to_vec();
        bad_kind[0] = param("bucketName", "number", &["1"]);
        assert!(render(TEMPLATE, &bad_kind).is_err());
    }

    #[test]
    fn values_are_escaped_and_size_is_bounded() {
        let t = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::@{b}"}]}"#;
        let out = render(t, &[param("b", "string", &["a\"b"])]).unwrap();
        assert!(out.contains(r#"arn:aws:s3:::a\"b"#));
        let long = "x".repeat(MAX_RENDERED_CHARS);
        assert!(render(t, &[param("b", "string", &[&long])]).is_err());
    }

    #[test]
    fn unterminated_input_is_an_error_not_a_panic() {
        for t in [r#"{"a":"@{x"}"#, r#"{"a":"#, "\"", r#"{"a":"\"}"#] {
            let _ = render(t, &[param("x", "string", &["v"])]);
        }
    }
}
