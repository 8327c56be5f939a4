//! Statements that say what an earlier statement already says.
use policy::json::{Kind, Value};

use crate::catalogue as c;
use crate::document::Statement;
use crate::report::Report;

/// Reports each statement equal to an earlier one, the `Sid` aside.
pub(super) fn statements(statements: &[Statement], report: &mut Report) {
    let shapes: Vec<String> = statements.iter().map(|s| canonical(s.object)).collect();
    for (j, statement) in statements.iter().enumerate() {
        let Some(shape) = shapes.get(j) else { continue };
        let earlier = shapes.iter().take(j).position(|s| s == shape);
        let Some(i) = earlier else { continue };
        let Some(first) = statements.get(i) else {
            continue;
        };
        let locations = vec![
            report.location(first.path.clone(), first.span),
            report.location(statement.path.clone(), statement.span),
        ];
        report.add(
            c::REDUNDANT_STATEMENT,
            "The statements are redundant because they provide identical permissions. Update the policy to remove the redundant statement.".to_string(),
            locations,
        );
    }
}

/// A text that two statements share exactly when they mean the same: members in key
/// order, `Sid` left out, one-element arrays written as their element.
fn canonical(statement: &Value) -> String {
    let mut out = String::new();
    write(statement, true, &mut out);
    out
}

fn write(value: &Value, top: bool, out: &mut String) {
    match &value.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(n),
        Kind::String(s) => {
            out.push('"');
            out.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
            out.push('"');
        }
        Kind::Array(items) if items.len() == 1 => {
            if let Some(item) = items.first() {
                write(item, false, out);
            }
        }
        Kind::Array(items) => {
            let mut parts: Vec<String> = items
                .iter()
                .map(|item| {
                    let mut s = String::new();
                    write(item, false, &mut s);
                    s
                })
                .collect();
            parts.sort();
            out.push('[');
            out.push_str(&parts.join(","));
            out.push(']');
        }
        Kind::Object(members) => {
            let mut parts: Vec<(String, String)> = members
                .iter()
                .filter(|m| !(top && m.key == "Sid"))
                .map(|m| {
                    let mut s = String::new();
                    write(&m.value, false, &mut s);
                    (m.key.to_string(), s)
                })
                .collect();
            parts.sort();
            out.push('{');
            for (k, v) in parts {
                out.push_str(&format!("{k:?}:{v},"));
            }
            out.push('}');
        }
    }
}
