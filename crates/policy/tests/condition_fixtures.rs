//! Runs the condition fixture corpus in `tests/conditions/*.json` (see the README
//! there): each case becomes a one-statement policy that goes through the real parser
//! and the condition compiler, then is tested against its request context.

use std::fs;
use std::path::{Path, PathBuf};

use policy::condition::CompiledCondition;
use policy::parse::parse_policy;
use policy::request::{Context, ContextValue};
use serde_json::{json, Value};

fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conditions");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn context_of(case: &Value) -> Context {
    let mut ctx = Context::new();
    if let Some(entries) = case.get("context").and_then(Value::as_object) {
        for (key, value) in entries {
            let value = match value {
                Value::String(s) => ContextValue::single(s.clone()),
                Value::Array(items) => ContextValue::multi(
                    items
                        .iter()
                        .map(|i| i.as_str().expect("context list items are strings")),
                ),
                other => panic!("context value of {key} must be a string or a list: {other}"),
            };
            ctx.insert(key, value);
        }
    }
    ctx
}

/// Outcome of one case: whether the condition held, or `None` when the policy or the
/// condition was rejected.
fn evaluate(case: &Value) -> Result<Option<bool>, String> {
    let field = |name: &str| case.get(name).ok_or(format!("missing field {name}"));
    let operator = field("operator")?
        .as_str()
        .ok_or("operator is not a string")?;
    let key = field("key")?.as_str().ok_or("key is not a string")?;
    let values = field("values")?.clone();
    let version = case
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or("2012-10-17");
    let document = json!({
        "Version": version,
        "Statement": {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": { operator: { key: values } }
        }
    })
    .to_string();
    let Ok(parsed) = parse_policy(&document) else {
        return Ok(None);
    };
    let conditions = &parsed
        .statements
        .first()
        .ok_or("parsed policy has no statement")?
        .conditions;
    let [condition] = conditions.as_slice() else {
        return Err(format!(
            "expected one condition, parsed {}",
            conditions.len()
        ));
    };
    match CompiledCondition::compile(condition, parsed.variables_enabled()) {
        Ok(compiled) => Ok(Some(compiled.matches(&context_of(case)))),
        Err(_) => Ok(None),
    }
}

#[test]
fn condition_fixture_corpus() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in fixture_files() {
        let text = fs::read_to_string(&file).unwrap();
        let cases: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not a JSON list of cases: {e}", file.display()));
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        for case in &cases {
            count += 1;
            let name = case["name"].as_str().unwrap_or("<unnamed>");
            assert!(
                case.get("why")
                    .and_then(Value::as_str)
                    .is_some_and(|w| !w.is_empty()),
                "{file_name}: case {name:?} must say why"
            );
            let expected = match &case["expect"] {
                Value::Bool(b) => Some(*b),
                Value::String(s) if s == "compile_error" => None,
                other => panic!("{file_name}: {name}: bad expect {other}"),
            };
            match evaluate(case) {
                Ok(got) if got == expected => {}
                Ok(got) => failures.push(format!(
                    "{file_name}: {name}: expected {expected:?}, got {got:?} (why: {})",
                    case["why"]
                )),
                Err(e) => failures.push(format!("{file_name}: {name}: {e}")),
            }
        }
    }
    assert!(count > 0, "no fixture cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} condition fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{count} condition fixtures passed");
}
