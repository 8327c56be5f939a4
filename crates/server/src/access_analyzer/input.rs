//! An operation's input: the path labels, the query string and the JSON body, with
//! the model's constraints checked as each member is read.
use serde_json::{Map, Value};

use super::protocol::{AaError, AaResult};

pub struct Input {
    /// Path labels by name (`analyzerName`, `ruleName`, `id`, `resourceArn`), decoded.
    pub labels: Vec<(&'static str, String)>,
    pub query: Vec<(String, String)>,
    pub body: Map<String, Value>,
}

/// `[A-Za-z_][A-Za-z0-9_.-]*`, 1 to 255 characters (`AnalyzerName`); rule names
/// (`Name`) do not start with `_`.
fn is_name(name: &str, first_underscore: bool) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || (first_underscore && c == '_'));
    first_ok
        && name.len() <= 255
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl Input {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_values(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A member from a label, the query string or the body, in that order.
    pub fn string(&self, name: &str) -> AaResult<Option<String>> {
        if let Some(v) = self.label(name).or_else(|| self.query_value(name)) {
            return Ok(Some(v.to_owned()));
        }
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(AaError::field(name, format!("{name} must be a string."))),
        }
    }

    pub fn required(&self, name: &str) -> AaResult<String> {
        self.string(name)?
            .ok_or_else(|| AaError::field(name, format!("{name} is required.")))
    }

    /// A required member that must be one of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> AaResult<String> {
        let value = self.required(name)?;
        if allowed.contains(&value.as_str()) {
            Ok(value)
        } else {
            Err(AaError::field(
                name,
                format!(
                    "Invalid value {value} for {name}; valid values: {}.",
                    allowed.join(", ")
                ),
            ))
        }
    }

    pub fn analyzer_name(&self) -> AaResult<String> {
        let name = self.required("analyzerName")?;
        if !is_name(&name, true) {
            return Err(AaError::field(
                "analyzerName",
                "analyzerName must match [A-Za-z_][A-Za-z0-9_.-]* and be 1 to 255 characters long.",
            ));
        }
        Ok(name)
    }

    pub fn rule_name(&self) -> AaResult<String> {
        rule_name(&self.required("ruleName")?)
    }

    /// `analyzerArn`, checked for the model's pattern.
    pub fn analyzer_arn(&self) -> AaResult<String> {
        let arn = self.required("analyzerArn")?;
        if !is_analyzer_arn(&arn) {
            return Err(AaError::field(
                "analyzerArn",
                format!("{arn} is not a valid analyzer ARN."),
            ));
        }
        Ok(arn)
    }

    pub fn object(&self, name: &str) -> AaResult<Option<&Map<String, Value>>> {
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(_) => Err(AaError::field(name, format!("{name} must be an object."))),
        }
    }

    pub fn string_list(&self, name: &str) -> AaResult<Option<Vec<String>>> {
        match self.body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| AaError::field(name, format!("{name} must hold strings.")))
                })
                .collect::<AaResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(AaError::field(name, format!("{name} must be a list."))),
        }
    }

    /// `maxResults` (query or body): a positive integer, `default` when absent, at
    /// most `limit`.
    pub fn max_results(&self, default: usize, limit: usize) -> AaResult<usize> {
        let bad = || AaError::field("maxResults", "maxResults must be a positive integer.");
        let value = match self.query_value("maxResults") {
            Some(v) => Some(v.parse::<i64>().map_err(|_| bad())?),
            None => match self.body.get("maxResults") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().ok_or_else(bad)?),
            },
        };
        match value {
            None => Ok(default),
            Some(n) if n < 1 => Err(bad()),
            Some(n) => Ok((n as u64).min(limit as u64) as usize),
        }
    }

    pub fn next_token(&self) -> AaResult<Option<String>> {
        self.string("nextToken")
    }
}

pub fn rule_name(name: &str) -> AaResult<String> {
    if !is_name(name, false) {
        return Err(AaError::field(
            "ruleName",
            "ruleName must match [A-Za-z][A-Za-z0-9_.-]* and be 1 to 255 characters long.",
        ));
    }
    Ok(name.to_owned())
}

/// `[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:analyzer/.{1,255}` (the model's `AnalyzerArn`).
pub fn is_analyzer_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[5]
            .strip_prefix("analyzer/")
            .is_some_and(|name| !name.is_empty() && name.chars().count() <= 255)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_model_patterns() {
        assert!(is_name("_x.1-a", true));
        assert!(!is_name("_x", false));
        assert!(!is_name("", true));
        assert!(!is_name("a b", true));
        assert!(is_analyzer_arn(
            "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a"
        ));
        assert!(!is_analyzer_arn(
            "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/"
        ));
        assert!(!is_analyzer_arn("nope"));
    }
}
