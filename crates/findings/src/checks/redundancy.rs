//! Statements that say what an earlier statement already says.
use policy::json::{Kind, Member, Value};

use crate::catalogue as c;
use crate::document::Statement;
use crate::report::Report;

/// Reports each statement equal to an earlier one, the `Sid` aside.
pub(super) fn statements(statements: &[Statement], report: &mut Report) {
    if statements.len() > super::MAX_PAIRWISE {
        return;
    }
    for (j, statement) in statements.iter().enumerate() {
        let earlier = statements
            .iter()
            .take(j)
            .find(|first| same(first.object, statement.object, true));
        let Some(first) = earlier else { continue };
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

/// Whether two values mean the same in a policy: members in any order (`Sid` aside
/// at the statement's level), arrays as sets, a one-element array as its element.
fn same(a: &Value, b: &Value, top: bool) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Array(x), _) if x.len() == 1 => x.first().is_some_and(|only| same(only, b, false)),
        (_, Kind::Array(y)) if y.len() == 1 => y.first().is_some_and(|only| same(a, only, false)),
        (Kind::Array(x), Kind::Array(y)) => {
            x.iter().all(|e| y.iter().any(|f| same(e, f, false)))
                && y.iter().all(|f| x.iter().any(|e| same(e, f, false)))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            let kept = |m: &&Member| !(top && m.key == "Sid");
            x.iter().filter(kept).count() == y.iter().filter(kept).count()
                && x.iter().filter(kept).all(|m| {
                    y.iter()
                        .filter(kept)
                        .any(|n| n.key == m.key && same(&m.value, &n.value, false))
                })
        }
        (Kind::String(x), Kind::String(y)) => x == y,
        (Kind::Number(x), Kind::Number(y)) => x == y,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Null, Kind::Null) => true,
        _ => false,
    }
}
