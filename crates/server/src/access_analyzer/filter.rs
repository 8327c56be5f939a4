//! Filter criteria (`FilterCriteriaMap`) of archive rules and `ListFindings`: each key
//! names a finding attribute, each criterion tests it with `eq`, `neq`, `contains` or
//! `exists`. Every criterion of a filter must hold (and every operator of a criterion).
use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::protocol::{AaError, AaResult};

/// At most this many values per operator (the API's limit).
const MAX_VALUES: usize = 20;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Criterion {
    pub eq: Option<Vec<String>>,
    pub neq: Option<Vec<String>>,
    pub contains: Option<Vec<String>>,
    pub exists: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub criteria: BTreeMap<String, Criterion>,
}

fn values(key: &str, op: &str, v: &Value) -> AaResult<Option<Vec<String>>> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) if !items.is_empty() && items.len() <= MAX_VALUES => items
            .iter()
            .map(|i| {
                i.as_str().map(str::to_owned).ok_or_else(|| {
                    AaError::field(&format!("filter.{key}.{op}"), "Values must be strings.")
                })
            })
            .collect::<AaResult<Vec<_>>>()
            .map(Some),
        _ => Err(AaError::field(
            &format!("filter.{key}.{op}"),
            format!("{op} takes a list of 1 to {MAX_VALUES} strings."),
        )),
    }
}

impl Filter {
    /// A filter from its JSON (an object of criteria; `null` is the empty filter).
    pub fn parse(value: &Value) -> AaResult<Filter> {
        let map = match value {
            Value::Null => return Ok(Filter::default()),
            Value::Object(map) => map,
            _ => return Err(AaError::field("filter", "filter must be an object.")),
        };
        let mut criteria = BTreeMap::new();
        for (key, c) in map {
            let Value::Object(ops) = c else {
                return Err(AaError::field(
                    &format!("filter.{key}"),
                    "A criterion must be an object.",
                ));
            };
            if let Some(op) = ops
                .keys()
                .find(|k| !matches!(k.as_str(), "eq" | "neq" | "contains" | "exists"))
            {
                return Err(AaError::field(
                    &format!("filter.{key}.{op}"),
                    format!("Unknown filter operator {op}."),
                ));
            }
            let criterion = Criterion {
                eq: values(key, "eq", ops.get("eq").unwrap_or(&Value::Null))?,
                neq: values(key, "neq", ops.get("neq").unwrap_or(&Value::Null))?,
                contains: values(key, "contains", ops.get("contains").unwrap_or(&Value::Null))?,
                exists: match ops.get("exists") {
                    None | Some(Value::Null) => None,
                    Some(Value::Bool(b)) => Some(*b),
                    Some(_) => {
                        return Err(AaError::field(
                            &format!("filter.{key}.exists"),
                            "exists must be a boolean.",
                        ))
                    }
                },
            };
            if criterion == Criterion::default() {
                return Err(AaError::field(
                    &format!("filter.{key}"),
                    "A criterion needs one of eq, neq, contains or exists.",
                ));
            }
            criteria.insert(key.clone(), criterion);
        }
        Ok(Filter { criteria })
    }

    pub fn to_value(&self) -> Value {
        let mut out = serde_json::Map::new();
        for (key, c) in &self.criteria {
            let mut ops = serde_json::Map::new();
            if let Some(v) = &c.eq {
                ops.insert("eq".to_owned(), json!(v));
            }
            if let Some(v) = &c.neq {
                ops.insert("neq".to_owned(), json!(v));
            }
            if let Some(v) = &c.contains {
                ops.insert("contains".to_owned(), json!(v));
            }
            if let Some(b) = c.exists {
                ops.insert("exists".to_owned(), json!(b));
            }
            out.insert(key.clone(), Value::Object(ops));
        }
        Value::Object(out)
    }

    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Whether a finding whose attributes `attribute` gives (all values of one
    /// attribute; none when it is absent) passes every criterion.
    pub fn matches(&self, attribute: impl Fn(&str) -> Vec<String>) -> bool {
        self.criteria.iter().all(|(key, c)| {
            let values = attribute(key);
            c.eq.as_ref()
                .is_none_or(|want| values.iter().any(|v| want.contains(v)))
                && c.neq
                    .as_ref()
                    .is_none_or(|avoid| values.iter().all(|v| !avoid.contains(v)))
                && c.contains.as_ref().is_none_or(|parts| {
                    values
                        .iter()
                        .any(|v| parts.iter().any(|p| v.contains(p.as_str())))
                })
                && c.exists.is_none_or(|present| present != values.is_empty())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(key: &str) -> Vec<String> {
        match key {
            "status" => vec!["ACTIVE".into()],
            "principal.AWS" => vec!["111122223333".into()],
            "action" => vec!["sts:AssumeRole".into(), "sts:TagSession".into()],
            _ => vec![],
        }
    }

    #[test]
    fn criteria_combine_with_and() {
        let f = |v: Value| Filter::parse(&v).unwrap().matches(attrs);
        assert!(f(json!({"status": {"eq": ["ACTIVE", "ARCHIVED"]}})));
        assert!(!f(json!({"status": {"neq": ["ACTIVE"]}})));
        assert!(f(json!({"action": {"contains": ["Tag"]}})));
        assert!(f(json!({"condition.aws:SourceIp": {"exists": false}})));
        assert!(!f(json!({"principal.AWS": {"exists": false}})));
        assert!(!f(
            json!({"status": {"eq": ["ACTIVE"]}, "principal.AWS": {"eq": ["444455556666"]}})
        ));
        assert!(f(json!({})));
    }

    #[test]
    fn malformed_filters_are_refused() {
        for bad in [
            json!([]),
            json!({"status": "ACTIVE"}),
            json!({"status": {}}),
            json!({"status": {"eq": []}}),
            json!({"status": {"like": ["x"]}}),
            json!({"status": {"exists": "yes"}}),
        ] {
            assert!(Filter::parse(&bad).is_err(), "{bad}");
        }
    }
}
