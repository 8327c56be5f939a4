//! Names what a (minimised) case is made of, so that disagreements group into classes
//! and known classes can be recognised by a pattern rather than by case.
use std::collections::BTreeSet;

use policy::decision::Outcome;
use serde_json::Value;

use crate::case::{CallerKind, Case, ContextEntry};

pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Allowed => "Allowed",
        Outcome::ExplicitDeny => "ExplicitDeny",
        Outcome::ImplicitDeny => "ImplicitDeny",
    }
}

/// Features such as `ours:Allowed`, `oracle:ImplicitDeny`, `caller:RoleSession`,
/// `cross-account`, `kind:boundary`, `identity:Deny`, `op:ForAllValues:StringLike`,
/// `key:aws:tagkeys`, `ctx:aws:tagkeys=[]`, `NotPrincipal`, `version:none`,
/// `variable`, `principal:AWS:root`.
pub fn features(case: &Case, ours: Outcome, oracle: Outcome) -> BTreeSet<String> {
    let mut f = BTreeSet::new();
    f.insert(format!("ours:{}", outcome_name(ours)));
    f.insert(format!("oracle:{}", outcome_name(oracle)));
    f.insert(format!("caller:{:?}", case.caller.kind));
    f.insert(
        if case.cross_account() {
            "cross-account"
        } else {
            "same-account"
        }
        .to_string(),
    );
    f.insert(format!("action:{}", case.action));
    let mut kind = |name: &str, docs: Vec<&Value>| {
        if !docs.is_empty() {
            f.insert(format!("kind:{name}"));
        }
        for d in docs {
            document_features(name, d, case, &mut f);
        }
    };
    kind("identity", case.identity.iter().collect());
    kind("boundary", case.boundary.iter().collect());
    kind("session", case.session.iter().collect());
    kind("scp", case.scps.iter().flatten().collect());
    kind("rcp", case.rcps.iter().flatten().collect());
    kind("resource", case.resource_policy.iter().collect());
    for (key, value) in &case.context {
        let key = key.to_ascii_lowercase();
        match value {
            ContextEntry::Set(items) if items.is_empty() => {
                f.insert(format!("ctx:{key}=[]"));
            }
            ContextEntry::Set(_) => {
                f.insert(format!("ctx:{key}=set"));
            }
            ContextEntry::Single(s) if s.is_empty() => {
                f.insert(format!("ctx:{key}=''"));
            }
            ContextEntry::Single(_) => {
                f.insert(format!("ctx:{key}"));
            }
        }
    }
    f
}

/// The features that say what kind of disagreement a case is, for grouping reports:
/// condition operators, variables, versions, negated elements, unusual context values
/// and the policy kinds and principal shapes involved, but not the incidental names
/// (which action, which key, which account relation).
pub fn class_key(features: &BTreeSet<String>) -> BTreeSet<String> {
    features
        .iter()
        .filter(|f| {
            f.starts_with("ours:")
                || f.starts_with("oracle:")
                || f.starts_with("op:")
                || f.starts_with("kind:")
                || f.starts_with("principal:")
                || f.starts_with("version:")
                || f.starts_with("Not")
                || f.as_str() == "variable"
                || f.starts_with("date:")
                || f.starts_with("ip:")
                || (f.starts_with("ctx:")
                    && (f.ends_with("=[]") || f.ends_with("=''") || f.ends_with("=set")))
        })
        .cloned()
        .collect()
}

fn document_features(kind: &str, doc: &Value, case: &Case, f: &mut BTreeSet<String>) {
    match doc.get("Version").and_then(Value::as_str) {
        Some("2012-10-17") => {}
        Some(v) => {
            f.insert(format!("version:{v}"));
        }
        None => {
            f.insert("version:none".to_string());
        }
    }
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for st in statements {
        if let Some(e) = st.get("Effect").and_then(Value::as_str) {
            f.insert(format!("{kind}:{e}"));
        }
        for neg in ["NotAction", "NotResource", "NotPrincipal"] {
            if st.get(neg).is_some() {
                f.insert(neg.to_string());
            }
        }
        let text = st.to_string();
        if text.contains("${") {
            f.insert("variable".to_string());
            let enabled = doc.get("Version").and_then(Value::as_str) == Some("2012-10-17");
            if enabled && unresolved_variable(&text, case) {
                f.insert("variable-unresolved".to_string());
            }
        }
        if let Some(Value::Object(map)) = st.get("NotPrincipal") {
            if st.get("Effect").and_then(Value::as_str) == Some("Deny") {
                let names: Vec<&str> = map.get("AWS").map(strings).unwrap_or_default();
                if let Some(partial) = notprincipal_chain(&names, case) {
                    f.insert(
                        if partial {
                            "notprincipal-partial-chain"
                        } else {
                            "notprincipal-full-chain"
                        }
                        .to_string(),
                    );
                }
            }
        }
        for field in ["Principal", "NotPrincipal"] {
            match st.get(field) {
                Some(Value::String(s)) => {
                    f.insert(format!("principal:{s}"));
                }
                Some(Value::Object(map)) => {
                    for (ptype, list) in map {
                        for p in strings(list) {
                            f.insert(format!("principal:{ptype}:{}", principal_shape(p, case)));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(Value::Object(cond)) = st.get("Condition") {
            for (op, keys) in cond {
                f.insert(format!("op:{op}"));
                if let Some(keys) = keys.as_object() {
                    for (key, values) in keys {
                        f.insert(format!("key:{}", key.to_ascii_lowercase()));
                        if op.contains("Date") && date_formats_differ(case, key, values) {
                            f.insert("date:epoch-vs-iso".to_string());
                        }
                        if op.contains("IpAddress") && ip_families_differ(case, key, values) {
                            f.insert("ip:v4-vs-v6".to_string());
                        }
                        if op.starts_with("ForAnyValue:")
                            && op.ends_with("IfExists")
                            && key_absent_or_empty(case, key)
                        {
                            f.insert("key-absent-foranyvalue-ifexists".to_string());
                        }
                    }
                }
            }
        }
    }
}

fn context_entry<'c>(case: &'c Case, key: &str) -> Option<&'c ContextEntry> {
    case.context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn key_absent_or_empty(case: &Case, key: &str) -> bool {
    match context_entry(case, key) {
        None => true,
        Some(ContextEntry::Set(items)) => items.is_empty(),
        Some(ContextEntry::Single(_)) => false,
    }
}

/// Whether the statement text uses a `${key}` variable (without a default) whose key the
/// request does not carry. `${*}`, `${?}` and `${$}` are escapes, not variables.
fn unresolved_variable(text: &str, case: &Case) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = after[..end].trim();
        rest = &after[end..];
        if matches!(inner, "*" | "?" | "$") || inner.contains(',') {
            continue;
        }
        match context_entry(case, inner) {
            None => return true,
            Some(ContextEntry::Set(_)) => return true,
            Some(ContextEntry::Single(_)) => {}
        }
    }
    false
}

/// For a NotPrincipal list: `None` when it names nothing of the caller's chain,
/// `Some(true)` when it names part of it, `Some(false)` when it names all of it (the
/// caller, its account, and its role for a role session).
fn notprincipal_chain(names: &[&str], case: &Case) -> Option<bool> {
    let caller = &case.caller;
    let account_named = names
        .iter()
        .any(|n| *n == caller.account || *n == format!("arn:aws:iam::{}:root", caller.account));
    let caller_named = names.iter().any(|n| *n == caller.arn);
    let role_named = match &caller.role_arn {
        Some(role) => names.iter().any(|n| n == role),
        None => true,
    };
    let role_relevant = caller
        .role_arn
        .as_ref()
        .is_some_and(|r| names.contains(&r.as_str()));
    if !account_named && !caller_named && !role_relevant {
        return None;
    }
    Some(!(account_named && caller_named && role_named))
}

/// Whether an IP condition tests an address of one family against a range of the other.
fn ip_families_differ(case: &Case, key: &str, values: &Value) -> bool {
    let Some(ContextEntry::Single(request)) = context_entry(case, key) else {
        return false;
    };
    let v6 = |s: &str| s.contains(':');
    strings(values).iter().any(|p| v6(p) != v6(request))
}

/// Whether a date condition compares an epoch-seconds value with an ISO 8601 one
/// (the request's value against any of the policy's).
fn date_formats_differ(case: &Case, key: &str, values: &Value) -> bool {
    let is_epoch = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some((_, entry)) = case
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
    else {
        return false;
    };
    let request: Vec<&str> = match entry {
        ContextEntry::Single(s) => vec![s.as_str()],
        ContextEntry::Set(items) => items.iter().map(String::as_str).collect(),
    };
    let policy = strings(values);
    request
        .iter()
        .any(|r| policy.iter().any(|p| is_epoch(r) != is_epoch(p)))
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// What a principal entry names relative to the caller: `*`, `account`, `root`,
/// `caller`, `caller-role`, `other`.
fn principal_shape(p: &str, case: &Case) -> &'static str {
    if p == "*" {
        return "*";
    }
    if p.ends_with(":root") {
        return if p.contains(&case.caller.account) {
            "caller-root"
        } else {
            "other-root"
        };
    }
    if p.chars().all(|c| c.is_ascii_digit()) {
        return if p == case.caller.account {
            "caller-account"
        } else {
            "other-account"
        };
    }
    if p == case.caller.arn {
        return "caller";
    }
    if case.caller.kind == CallerKind::RoleSession && Some(p) == case.caller.role_arn.as_deref() {
        return "caller-role";
    }
    "other"
}
