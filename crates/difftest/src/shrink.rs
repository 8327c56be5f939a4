//! Reduces a disagreeing case to a minimal one: drops policies, statements, list
//! items, conditions and context keys one at a time while the two engines still
//! disagree in the same way. The result is what a person investigates and what the
//! known-disagreement patterns are matched against.
use serde_json::Value;

use crate::case::{Case, ContextEntry};

/// Every case one simplification away from `case`, cheapest-to-check first: whole
/// policies before statements before list items.
pub fn simplifications(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut Case)| {
        let mut c = case.clone();
        f(&mut c);
        c
    };
    if case.resource_policy.is_some() {
        out.push(with(&|c| c.resource_policy = None));
    }
    if !case.boundary.is_empty() {
        out.push(with(&|c| c.boundary.clear()));
    }
    if case.session.is_some() {
        out.push(with(&|c| c.session = None));
    }
    for i in 0..case.identity.len() {
        out.push(with(&|c| {
            c.identity.remove(i);
        }));
    }
    levels(&case.scps, &mut out, case, |c| &mut c.scps);
    levels(&case.rcps, &mut out, case, |c| &mut c.rcps);
    for i in 0..case.context.len() {
        out.push(with(&|c| {
            c.context.remove(i);
        }));
        // A set keeps at least one value: AWS leaves a key without values out of the
        // request context, and dropping the key is a simplification of its own.
        if let Some((_, ContextEntry::Set(items))) = case
            .context
            .get(i)
            .filter(|(_, v)| matches!(v, ContextEntry::Set(items) if items.len() > 1))
        {
            for j in 0..items.len() {
                out.push(with(&|c| {
                    if let Some((_, ContextEntry::Set(items))) = c.context.get_mut(i) {
                        items.remove(j);
                    }
                }));
            }
        }
    }
    // Within documents.
    let docs = document_count(case);
    for d in 0..docs {
        let Some(doc) = document(case, d) else {
            continue;
        };
        for reduced in reduce_document(doc) {
            let mut c = case.clone();
            if let Some(slot) = document_mut(&mut c, d) {
                *slot = reduced;
                out.push(c);
            }
        }
    }
    out
}

fn levels(
    levels: &[Vec<Value>],
    out: &mut Vec<Case>,
    case: &Case,
    field: fn(&mut Case) -> &mut Vec<Vec<Value>>,
) {
    for l in 0..levels.len() {
        let mut c = case.clone();
        field(&mut c).remove(l);
        out.push(c);
        let n = levels.get(l).map_or(0, Vec::len);
        if n > 1 {
            for p in 0..n {
                let mut c = case.clone();
                if let Some(level) = field(&mut c).get_mut(l) {
                    level.remove(p);
                }
                out.push(c);
            }
        }
    }
}

fn document_count(case: &Case) -> usize {
    case.all_policies().len()
}

/// The `n`-th document in [`Case::all_policies`] order.
fn document(case: &Case, n: usize) -> Option<&Value> {
    case.all_policies().into_iter().nth(n)
}

fn document_mut(case: &mut Case, n: usize) -> Option<&mut Value> {
    let mut all: Vec<&mut Value> = Vec::new();
    all.extend(case.identity.iter_mut());
    all.extend(case.boundary.iter_mut());
    all.extend(case.session.iter_mut());
    all.extend(case.scps.iter_mut().flatten());
    all.extend(case.rcps.iter_mut().flatten());
    all.extend(case.resource_policy.iter_mut());
    all.into_iter().nth(n)
}

/// One-step reductions of a policy document: a statement less, a list item less, a
/// condition (operator or key) less, a `Sid` less.
fn reduce_document(doc: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(statements) = doc.get("Statement").and_then(Value::as_array) else {
        return out;
    };
    for i in 0..statements.len() {
        if statements.len() > 1 {
            let mut d = doc.clone();
            if let Some(list) = d.get_mut("Statement").and_then(Value::as_array_mut) {
                list.remove(i);
            }
            out.push(d);
        }
        let Some(st) = statements.get(i) else {
            continue;
        };
        for reduced in reduce_statement(st) {
            let mut d = doc.clone();
            if let Some(slot) = d.get_mut("Statement").and_then(|s| s.get_mut(i)) {
                *slot = reduced;
            }
            out.push(d);
        }
    }
    out
}

fn reduce_statement(st: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(obj) = st.as_object() else {
        return out;
    };
    if obj.contains_key("Sid") {
        let mut s = st.clone();
        if let Some(m) = s.as_object_mut() {
            m.remove("Sid");
        }
        out.push(s);
    }
    for field in ["Action", "NotAction", "Resource", "NotResource"] {
        if let Some(list) = obj.get(field) {
            for reduced in shorter_lists(list) {
                let mut s = st.clone();
                s[field] = reduced;
                out.push(s);
            }
        }
    }
    for field in ["Principal", "NotPrincipal"] {
        if let Some(Value::Object(map)) = obj.get(field) {
            for (ptype, list) in map {
                for reduced in shorter_lists(list) {
                    let mut s = st.clone();
                    s[field][ptype] = reduced;
                    out.push(s);
                }
            }
        }
    }
    if let Some(Value::Object(cond)) = obj.get("Condition") {
        let mut s = st.clone();
        if let Some(m) = s.as_object_mut() {
            m.remove("Condition");
        }
        out.push(s);
        for (op, keys) in cond {
            if cond.len() > 1 {
                let mut s = st.clone();
                if let Some(Value::Object(c)) = s.get_mut("Condition") {
                    c.remove(op);
                }
                out.push(s);
            }
            let Some(keys) = keys.as_object() else {
                continue;
            };
            for (key, values) in keys {
                if keys.len() > 1 {
                    let mut s = st.clone();
                    if let Some(Value::Object(k)) = s["Condition"].get_mut(op) {
                        k.remove(key);
                    }
                    out.push(s);
                }
                for reduced in shorter_lists(values) {
                    let mut s = st.clone();
                    s["Condition"][op][key] = reduced;
                    out.push(s);
                }
            }
        }
    }
    out
}

/// A list with one item less (only lists of two or more: an empty list changes what
/// the element means rather than simplifying it).
fn shorter_lists(v: &Value) -> Vec<Value> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    if items.len() < 2 {
        return Vec::new();
    }
    (0..items.len())
        .map(|i| {
            let mut l = items.clone();
            l.remove(i);
            Value::Array(l)
        })
        .collect()
}

/// Greedy minimisation: take the first simplification for which `still_fails` holds,
/// start over from it, stop when none does (or after `budget` checks).
pub fn minimise(case: &Case, mut still_fails: impl FnMut(&Case) -> bool, budget: usize) -> Case {
    let mut current = case.clone();
    let mut checks = 0;
    'outer: loop {
        for candidate in simplifications(&current) {
            if checks >= budget {
                break 'outer;
            }
            checks += 1;
            if still_fails(&candidate) {
                current = candidate;
                continue 'outer;
            }
        }
        break;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::Generator;

    #[test]
    fn minimise_reaches_a_case_where_nothing_can_be_dropped() {
        let mut g = Generator::new(5);
        let case = (0..200)
            .map(|_| g.case())
            .find(|c| c.identity.len() >= 2 && c.resource_policy.is_some())
            .unwrap();
        // A property that holds as long as some identity policy is left.
        let min = minimise(&case, |c| !c.identity.is_empty(), 10_000);
        assert_eq!(min.identity.len(), 1);
        assert!(min.resource_policy.is_none());
        assert!(min.context.is_empty());
        let statements = min.identity[0]["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1);
        assert!(statements[0].get("Condition").is_none());
    }
}
