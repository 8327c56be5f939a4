//! The three output formats of `iamd policy validate`.
use serde_json::{json, Value};

use super::FileReport;
use findings::{Finding, FindingType, PathElement, Position};

/// Where a catalogue finding starts, 1-based as editors count (AWS counts columns
/// from 0).
fn start(finding: &Finding) -> (u32, u32) {
    finding
        .locations
        .first()
        .map(|l| (l.span.start.line, l.span.start.column + 1))
        .unwrap_or((1, 1))
}

/// `FILE:LINE:COL: TYPE: CODE: message`, the engine's findings first.
pub(super) fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for finding in &report.policy {
            out.push_str(&format!("{}:{}\n", report.name, finding.render()));
        }
        for finding in &report.catalogue {
            let (line, column) = start(finding);
            out.push_str(&format!(
                "{}:{line}:{column}: {}: {}: {}\n",
                report.name,
                finding.finding_type.as_str(),
                finding.issue_code,
                finding.finding_details
            ));
        }
    }
    out
}

fn position(p: &Position) -> Value {
    json!({ "line": p.line, "column": p.column, "offset": p.offset })
}

fn path_element(step: &PathElement) -> Value {
    match step {
        PathElement::Index(i) => json!({ "index": i }),
        PathElement::Key(k) => json!({ "key": k }),
        PathElement::Value(v) => json!({ "value": v }),
        PathElement::Substring { start, length } => {
            json!({ "substring": { "start": start, "length": length } })
        }
    }
}

/// A catalogue finding in the shape of `ValidatePolicy`'s answer.
fn analyzer_finding(f: &Finding) -> Value {
    json!({
        "findingType": f.finding_type.as_str(),
        "issueCode": f.issue_code,
        "findingDetails": f.finding_details,
        "learnMoreLink": f.learn_more_link,
        "locations": f.locations.iter().map(|l| json!({
            "path": l.path.iter().map(path_element).collect::<Vec<_>>(),
            "span": { "start": position(&l.span.start), "end": position(&l.span.end) },
        })).collect::<Vec<_>>(),
    })
}

/// `{"files": [{"file", "findings": [ValidatePolicy findings], "policyErrors": [...]}]}`.
pub(super) fn json(reports: &[FileReport]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "file": r.name,
                "findings": r.catalogue.iter().map(analyzer_finding).collect::<Vec<_>>(),
                "policyErrors": r.policy.iter().map(|f| json!({
                    "severity": f.severity.as_str(),
                    "code": f.code,
                    "message": f.message,
                    "line": f.span.start.line,
                    "column": f.span.start.column,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({ "files": files })).unwrap_or_default();
    out.push('\n');
    out
}

/// SARIF's `level` for a finding type: errors fail a scan, suggestions are notes.
fn level(finding_type: FindingType) -> &'static str {
    match finding_type {
        FindingType::Error => "error",
        FindingType::SecurityWarning | FindingType::Warning => "warning",
        FindingType::Suggestion => "note",
    }
}

/// One rule per issue code, in order of first use.
struct Rules {
    rules: Vec<Value>,
    ids: Vec<String>,
}

impl Rules {
    fn index(&mut self, id: &str, level: &str, help_uri: Option<&str>) -> usize {
        if let Some(i) = self.ids.iter().position(|known| known == id) {
            return i;
        }
        let mut rule = json!({
            "id": id,
            "shortDescription": { "text": id.replace('_', " ").to_lowercase() },
            "defaultConfiguration": { "level": level },
        });
        if let (Some(uri), Some(object)) = (help_uri, rule.as_object_mut()) {
            object.insert("helpUri".to_string(), json!(uri));
        }
        self.ids.push(id.to_string());
        self.rules.push(rule);
        self.ids.len() - 1
    }
}

/// A SARIF file location; URIs are the names given, with `/` separators.
fn physical(file: &str, start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.replace('\\', "/") },
            "region": {
                "startLine": start.0,
                "startColumn": start.1,
                "endLine": end.0,
                "endColumn": end.1,
            },
        },
    })
}

/// A SARIF 2.1.0 log with one run of `iamd`.
pub(super) fn sarif(reports: &[FileReport]) -> String {
    let mut rules = Rules {
        rules: Vec::new(),
        ids: Vec::new(),
    };
    let mut results = Vec::new();
    for report in reports {
        let file = if report.name == "-" {
            "stdin"
        } else {
            report.name.as_str()
        };
        for f in &report.catalogue {
            let level = level(f.finding_type);
            let rule_index = rules.index(&f.issue_code, level, Some(&f.learn_more_link));
            let locations: Vec<Value> = f
                .locations
                .iter()
                .map(|l| {
                    physical(
                        file,
                        (l.span.start.line, l.span.start.column + 1),
                        (l.span.end.line, l.span.end.column + 1),
                    )
                })
                .collect();
            results.push(json!({
                "ruleId": f.issue_code,
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": f.finding_details },
                "locations": locations,
            }));
        }
        for f in &report.policy {
            let level = f.severity.as_str();
            let rule_index = rules.index(f.code, level, None);
            let start = (f.span.start.line, f.span.start.column);
            let end = (f.span.end.line.max(start.0), f.span.end.column.max(start.1));
            results.push(json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": level,
                "message": { "text": f.message },
                "locations": [physical(file, start, end)],
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamd",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
                    "rules": rules.rules,
                },
            },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
