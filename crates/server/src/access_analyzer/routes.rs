//! The route table: HTTP method and path template (the model's `requestUri`) → the
//! operation, with the path's labels decoded.
use std::sync::OnceLock;

use super::protocol::{percent_decode, AaError, AaResult};
use super::{analyzers, archive_rules, findings, policy_checks, AaOperation};

pub struct Route {
    pub method: &'static str,
    /// `/analyzer/{analyzerName}/archive-rule/{ruleName}`.
    pub template: &'static str,
    pub operation: AaOperation,
}

fn table() -> &'static [Route] {
    static TABLE: OnceLock<Vec<Route>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut routes = Vec::new();
        routes.extend(analyzers::routes());
        routes.extend(archive_rules::routes());
        routes.extend(findings::routes());
        routes.extend(policy_checks::routes());
        routes
    })
}

/// The names of the operations served (the metrics have a series for each).
pub fn operation_names() -> Vec<&'static str> {
    table().iter().map(|route| route.operation.name).collect()
}

/// Matches `path` against `template`; the labels when it matches.
fn matches(template: &str, path: &str) -> AaResult<Option<Vec<(&'static str, String)>>> {
    let mut labels = Vec::new();
    let mut t = template.trim_start_matches('/').split('/');
    let mut p = path.trim_start_matches('/').split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Ok(Some(labels)),
            (Some(ts), Some(ps)) => {
                if let Some(name) = ts.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                    if ps.is_empty() {
                        return Ok(None);
                    }
                    labels.push((label_name(name), percent_decode(ps, false)?));
                } else if ts != ps {
                    return Ok(None);
                }
            }
            _ => return Ok(None),
        }
    }
}

/// Label names with a static lifetime (the templates' own).
fn label_name(name: &str) -> &'static str {
    match name {
        "analyzerName" => "analyzerName",
        "ruleName" => "ruleName",
        "id" => "id",
        "resourceArn" => "resourceArn",
        _ => "label",
    }
}

/// The operation serving `method` on `path`, and the path's labels. Literal routes
/// are tried before templated ones of the same shape (`/analyzer/findings/statistics`
/// before `/analyzer/{analyzerName}/...`).
pub fn find(
    method: &str,
    path: &str,
) -> AaResult<(&'static AaOperation, Vec<(&'static str, String)>)> {
    let mut fallback = None;
    for route in table() {
        if route.method != method {
            continue;
        }
        if let Some(labels) = matches(route.template, path)? {
            if labels.is_empty() {
                return Ok((&route.operation, labels));
            }
            if fallback.is_none() {
                fallback = Some((&route.operation, labels));
            }
        }
    }
    fallback.ok_or_else(|| {
        AaError::validation(
            "unknownOperation",
            format!("No operation matches {method} {path}."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_resolve_by_method_and_path() {
        let (op, labels) = find("GET", "/analyzer/a1/archive-rule/r%2E1").unwrap();
        assert_eq!(op.name, "GetArchiveRule");
        assert_eq!(
            labels,
            vec![
                ("analyzerName", "a1".to_owned()),
                ("ruleName", "r.1".to_owned())
            ]
        );
        assert_eq!(
            find("POST", "/analyzer/findings/statistics")
                .unwrap()
                .0
                .name,
            "GetFindingsStatistics"
        );
        assert_eq!(find("PUT", "/analyzer").unwrap().0.name, "CreateAnalyzer");
        assert_eq!(find("GET", "/analyzer").unwrap().0.name, "ListAnalyzers");
        assert!(find("GET", "/nothing/here").is_err());
        let (op, labels) = find(
            "GET",
            "/tags/arn%3Aaws%3Aaccess-analyzer%3Aus-east-1%3A1%3Aanalyzer%2Fa",
        )
        .unwrap();
        assert_eq!(op.name, "ListTagsForResource");
        assert_eq!(
            labels[0].1,
            "arn:aws:access-analyzer:us-east-1:1:analyzer/a"
        );
    }
}
