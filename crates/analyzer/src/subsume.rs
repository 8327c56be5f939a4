//! A syntactic sufficient condition for "no new access", which holds whatever the
//! policy variables stand for: every `Allow` statement of the new policy is also one of
//! the existing policy's, and every `Deny` statement of the existing policy is also one
//! of the new policy's. Then a request the new policy allows is granted by a statement
//! the existing policy has too, and none of the existing policy's denials applies to it
//! (each is a denial of the new policy as well). The search decides the other cases;
//! this settles the ones it would have to fail safe on (policy variables), such as a
//! policy compared with itself or with a copy that only removed `Allow` statements or
//! added `Deny` statements.
use policy::ast::{Condition, Policy, PrincipalSpec, Statement};

/// A statement as text that ignores positions, `Sid` and the order of list items.
fn statement_key(stmt: &Statement, variables: bool) -> String {
    let mut parts: Vec<String> = vec![
        format!("variables={variables}"),
        format!("effect={}", stmt.effect.value.as_str()),
    ];
    if let Some(a) = &stmt.action {
        let mut items: Vec<String> = a
            .list
            .items
            .iter()
            .map(|i| i.value.to_ascii_lowercase())
            .collect();
        items.sort();
        items.dedup();
        parts.push(format!("action negated={} {:?}", a.negated, items));
    }
    if let Some(r) = &stmt.resource {
        let mut items: Vec<String> = r.list.items.iter().map(|i| i.value.clone()).collect();
        items.sort();
        items.dedup();
        parts.push(format!("resource negated={} {:?}", r.negated, items));
    }
    if let Some(p) = &stmt.principal {
        let spec = match &p.spec {
            PrincipalSpec::Any(_) => "*".to_string(),
            PrincipalSpec::Map(entries) => {
                let mut items: Vec<String> = entries
                    .iter()
                    .flat_map(|(ty, list)| {
                        list.items
                            .iter()
                            .map(move |i| format!("{}={}", ty.value.as_str(), i.value))
                    })
                    .collect();
                items.sort();
                items.dedup();
                format!("{items:?}")
            }
        };
        parts.push(format!("principal negated={} {spec}", p.negated));
    }
    let mut conditions: Vec<String> = stmt.conditions.iter().map(condition_key).collect();
    conditions.sort();
    conditions.dedup();
    parts.push(format!("conditions {conditions:?}"));
    parts.join("\n")
}

fn condition_key(c: &Condition) -> String {
    let mut values: Vec<&str> = c.values.iter().map(|v| v.value.as_text()).collect();
    values.sort_unstable();
    values.dedup();
    format!(
        "{}|{}|{values:?}",
        c.operator_text,
        c.key.value.to_ascii_lowercase()
    )
}

/// Whether `new` can grant nothing `existing` does not, by the syntactic rule above.
pub(crate) fn subsumed(new: &Policy, existing: &Policy) -> bool {
    let keys = |p: &Policy, effect: policy::ast::Effect| -> Vec<String> {
        p.statements
            .iter()
            .filter(|s| s.effect.value == effect)
            .map(|s| statement_key(s, p.variables_enabled()))
            .collect()
    };
    use policy::ast::Effect::{Allow, Deny};
    let (new_allow, old_allow) = (keys(new, Allow), keys(existing, Allow));
    let (new_deny, old_deny) = (keys(new, Deny), keys(existing, Deny));
    new_allow.iter().all(|k| old_allow.contains(k)) && old_deny.iter().all(|k| new_deny.contains(k))
}
