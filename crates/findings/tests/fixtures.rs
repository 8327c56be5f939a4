//! The findings corpus: every `tests/fixtures/*.json` file holds cases, each a policy
//! document, its policy type (and resource type), and the findings expected: finding
//! type, issue code and the path of every location, optionally the details and the
//! span. A case's expected list is complete: a finding not listed fails the case.
//! `negative_for` names codes the case is there to show absent.
//!
//! The policy is taken from the fixture file as written (the text of the `policy`
//! value), so spans and key order are those of the file.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use findings::{catalogue, validate_policy, Finding, Options, PathElement, PolicyType};
use serde_json::Value as Json;

fn path_json(path: &[PathElement]) -> Json {
    Json::Array(
        path.iter()
            .map(|step| match step {
                PathElement::Index(i) => serde_json::json!({ "index": i }),
                PathElement::Key(k) => serde_json::json!({ "key": k }),
                PathElement::Value(v) => serde_json::json!({ "value": v }),
                PathElement::Substring { start, length } => {
                    serde_json::json!({ "substring": { "start": start, "length": length } })
                }
            })
            .collect(),
    )
}

/// What the corpus compares of a finding.
fn summary(f: &Finding) -> Json {
    serde_json::json!({
        "type": f.finding_type.as_str(),
        "code": f.issue_code,
        "paths": f.locations.iter().map(|l| path_json(&l.path)).collect::<Vec<_>>(),
    })
}

fn expected_summary(e: &Json) -> Json {
    let paths = match (e.get("paths"), e.get("path")) {
        (Some(paths), _) => paths.clone(),
        (None, Some(path)) => Json::Array(vec![path.clone()]),
        (None, None) => Json::Array(Vec::new()),
    };
    serde_json::json!({ "type": e["type"], "code": e["code"], "paths": paths })
}

/// The raw text of each case's `policy` value, in file order.
fn policy_texts(text: &str) -> Vec<String> {
    let root = policy::json::parse(text).unwrap_or_else(|e| panic!("fixture is not JSON: {e:?}"));
    let policy::json::Kind::Array(cases) = &root.kind else {
        panic!("a fixture file is an array of cases");
    };
    cases
        .iter()
        .map(|case| {
            let policy::json::Kind::Object(members) = &case.kind else {
                panic!("a case is an object");
            };
            let member = members
                .iter()
                .find(|m| m.key == "policy")
                .unwrap_or_else(|| panic!("a case has a policy"));
            match &member.value.kind {
                // A string holds the document's exact text (for documents that are
                // not JSON, or whose layout matters).
                policy::json::Kind::String(s) => s.to_string(),
                _ => text[member.value.span.start.offset as usize
                    ..member.value.span.end.offset as usize]
                    .to_string(),
            }
        })
        .collect()
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut positive: BTreeMap<String, usize> = BTreeMap::new();
    let mut negative: BTreeMap<String, usize> = BTreeMap::new();
    let mut cases_run = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable fixture");
        let cases: Vec<Json> = serde_json::from_str(&text).expect("fixture JSON");
        let policies = policy_texts(&text);
        assert_eq!(cases.len(), policies.len());
        for (case, document) in cases.iter().zip(policies) {
            cases_run += 1;
            let name = format!(
                "{}: {}",
                file.file_name().unwrap_or_default().to_string_lossy(),
                case["name"].as_str().unwrap_or("?")
            );
            let policy_type =
                PolicyType::from_wire(case["policy_type"].as_str().unwrap_or("IDENTITY_POLICY"))
                    .unwrap_or_else(|| panic!("{name}: unknown policy type"));
            let options = Options {
                policy_type,
                validate_resource_type: case.get("resource_type").and_then(Json::as_str),
            };
            let found = validate_policy(&document, &options);
            let expected: Vec<Json> = case["findings"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: findings must be an array"))
                .clone();
            let mut got: Vec<String> = found.iter().map(|f| summary(f).to_string()).collect();
            let mut want: Vec<String> = expected
                .iter()
                .map(|e| expected_summary(e).to_string())
                .collect();
            got.sort();
            want.sort();
            if got != want {
                failures.push(format!("{name}\n  expected {want:#?}\n  found    {got:#?}"));
                continue;
            }
            for e in &expected {
                let code = e["code"].as_str().unwrap_or_default();
                assert!(
                    catalogue::by_code(code).is_some(),
                    "{name}: {code} is not in the catalogue"
                );
                *positive.entry(code.to_string()).or_default() += 1;
                let Some(f) = found.iter().find(|f| f.issue_code == code) else {
                    continue;
                };
                if let Some(details) = e.get("details").and_then(Json::as_str) {
                    if f.finding_details != details {
                        failures.push(format!(
                            "{name}: {code} details\n  expected {details}\n  found    {}",
                            f.finding_details
                        ));
                    }
                }
                if let Some(span) = e.get("span") {
                    let s = f.locations.first().map(|l| l.span).unwrap_or_default();
                    let got = serde_json::json!({
                        "start": {"line": s.start.line, "column": s.start.column, "offset": s.start.offset},
                        "end": {"line": s.end.line, "column": s.end.column, "offset": s.end.offset},
                    });
                    if &got != span {
                        failures.push(format!(
                            "{name}: {code} span\n  expected {span}\n  found    {got}"
                        ));
                    }
                }
                assert_eq!(
                    f.learn_more_link,
                    catalogue::by_code(code)
                        .map(|c| c.learn_more_link())
                        .unwrap_or_default()
                );
            }
            for code in case
                .get("negative_for")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let code = code.as_str().unwrap_or_default();
                assert!(
                    catalogue::by_code(code).is_some(),
                    "{name}: {code} is not in the catalogue"
                );
                assert!(
                    found.iter().all(|f| f.issue_code != code),
                    "{name}: {code} is found in a case that shows it absent"
                );
                *negative.entry(code.to_string()).or_default() += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases_run >= 60, "the corpus has only {cases_run} cases");
    let uncovered: BTreeSet<&str> = catalogue::ALL
        .iter()
        .map(|c| c.code)
        .filter(|code| !positive.contains_key(*code) || !negative.contains_key(*code))
        .collect();
    assert!(
        uncovered.is_empty(),
        "checks without a positive and a negative case: {uncovered:?}"
    );
}
