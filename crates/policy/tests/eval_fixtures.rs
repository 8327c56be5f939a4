//! Runs every evaluation case in `tests/eval/*.json`.
//!
//! A case is one JSON file:
//! ```json
//! {
//!   "description": "what the case shows",
//!   "why": "the AWS documentation rule it checks",
//!   "request": {
//!     "principal": "arn:aws:iam::111111111111:user/alice",
//!     "action": "s3:GetObject",
//!     "resource": "arn:aws:s3:::bucket/key",
//!     "context": {"aws:SourceIp": "10.0.0.1", "aws:TagKeys": ["a", "b"]}
//!   },
//!   "policies": {"identity": [...], "resource": {...}, "boundary": {...},
//!                "session": [...], "scps": [[...]], "rcps": [[...]]},
//!   "expect": {"decision": "allowed", "matched": [{"policy": "identity.1", "statement": 0}],
//!              "deniedBy": "identity"}
//! }
//! ```
//! - `principal` is an ARN (user, root, `assumed-role` session, `federated-user`), or an
//!   object: `{"arn", "kind", "account", "roleArn", "serviceLinkedRole",
//!   "inManagementAccount"}` where `kind` is one of `root`, `user`, `assumedRole`,
//!   `federatedUser`, `service`, `federated`, `anonymous` (inferred from the ARN when
//!   left out). For a session, `roleArn` defaults to the role ARN without a path.
//! - `resource` is an ARN or `{"arn", "account"}`; the account defaults to the ARN's.
//! - `context` values: a string (single-valued) or a list (multi-valued); numbers and
//!   booleans are taken as their text.
//! - Policy documents are JSON objects or strings. Their ids, for `matched`:
//!   `identity.N`, `resource`, `boundary`, `session.N`, `scp.L.N`, `rcp.L.N` (1-based).
//! - `matched` (optional) lists every statement expected in the decision, by index or
//!   Sid; `deniedBy` (optional) is `scp`, `rcp`, `resource`, `identity`, `boundary` or
//!   `session`.
use std::path::{Path, PathBuf};

use policy::compile::CompiledPolicy;
use policy::decision::{Outcome, PolicyKind};
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use serde_json::{Map, Value};

type CaseResult<T> = Result<T, String>;

fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> CaseResult<&'a Value> {
    obj.get(name)
        .ok_or_else(|| format!("missing field {name:?}"))
}

fn as_str<'a>(v: &'a Value, what: &str) -> CaseResult<&'a str> {
    v.as_str().ok_or_else(|| format!("{what} must be a string"))
}

fn arn_parts(arn: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then_some(parts)
}

fn infer_kind(arn: &str) -> CaseResult<PrincipalKind> {
    let parts =
        arn_parts(arn).ok_or_else(|| format!("cannot infer the principal kind of {arn:?}"))?;
    let resource = parts[5];
    Ok(match (parts[2], resource) {
        ("iam", "root") => PrincipalKind::Root,
        ("iam", r) if r.starts_with("user/") => PrincipalKind::User,
        ("sts", r) if r.starts_with("assumed-role/") => PrincipalKind::AssumedRole,
        ("sts", r) if r.starts_with("federated-user/") => PrincipalKind::FederatedUser,
        _ => return Err(format!("cannot infer the principal kind of {arn:?}")),
    })
}

fn parse_kind(text: &str) -> CaseResult<PrincipalKind> {
    Ok(match text {
        "root" => PrincipalKind::Root,
        "user" => PrincipalKind::User,
        "assumedRole" => PrincipalKind::AssumedRole,
        "federatedUser" => PrincipalKind::FederatedUser,
        "service" => PrincipalKind::Service,
        "federated" => PrincipalKind::Federated,
        "anonymous" => PrincipalKind::Anonymous,
        other => return Err(format!("unknown principal kind {other:?}")),
    })
}

fn principal(v: &Value) -> CaseResult<Principal> {
    let (arn, obj) = match v {
        Value::String(s) => (s.clone(), None),
        Value::Object(o) => (
            o.get("arn")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            Some(o),
        ),
        _ => return Err("principal must be an ARN or an object".into()),
    };
    let get = |name: &str| obj.and_then(|o| o.get(name));
    let kind = match get("kind") {
        Some(k) => parse_kind(as_str(k, "principal.kind")?)?,
        None => infer_kind(&arn)?,
    };
    let account = match get("account") {
        Some(a) => as_str(a, "principal.account")?.to_string(),
        None => arn_parts(&arn)
            .map(|p| p[4].to_string())
            .unwrap_or_default(),
    };
    let role_arn = match get("roleArn") {
        Some(r) => Some(as_str(r, "principal.roleArn")?.to_string()),
        None if kind == PrincipalKind::AssumedRole => {
            let parts = arn_parts(&arn).ok_or("a session needs an ARN")?;
            let role = parts[5]
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split('/').next())
                .ok_or("bad session ARN")?;
            Some(format!("arn:{}:iam::{}:role/{}", parts[1], parts[4], role))
        }
        None => None,
    };
    let flag = |name: &str| get(name).and_then(Value::as_bool).unwrap_or(false);
    Ok(Principal {
        kind,
        arn,
        account,
        role_arn,
        service_linked_role: flag("serviceLinkedRole"),
        in_management_account: flag("inManagementAccount"),
    })
}

fn resource(v: &Value) -> CaseResult<Resource> {
    let (arn, account) = match v {
        Value::String(s) => (s.clone(), None),
        Value::Object(o) => (
            as_str(field(o, "arn")?, "resource.arn")?.to_string(),
            o.get("account").and_then(Value::as_str).map(str::to_string),
        ),
        _ => return Err("resource must be an ARN or an object".into()),
    };
    let account = account.or_else(|| {
        arn_parts(&arn)
            .map(|p| p[4].to_string())
            .filter(|a| !a.is_empty())
    });
    Ok(Resource { arn, account })
}

fn scalar_text(v: &Value) -> CaseResult<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("context values must be strings, numbers, booleans or lists of them".into()),
    }
}

fn context(v: Option<&Value>) -> CaseResult<Context> {
    let mut ctx = Context::new();
    let Some(v) = v else { return Ok(ctx) };
    let obj = v.as_object().ok_or("context must be an object")?;
    for (k, v) in obj {
        let value = match v {
            Value::Array(items) => ContextValue::multi(
                items
                    .iter()
                    .map(scalar_text)
                    .collect::<CaseResult<Vec<_>>>()?,
            ),
            other => ContextValue::single(scalar_text(other)?),
        };
        ctx.insert(k, value);
    }
    Ok(ctx)
}

fn compile(doc: &Value, id: &str) -> CaseResult<CompiledPolicy> {
    let text = match doc {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).map_err(|e| e.to_string())?,
    };
    CompiledPolicy::from_text(&text, id, "none")
        .map_err(|e| format!("policy {id}: {} at {:?}", e.message, e.span.start))
}

fn list<'a>(v: Option<&'a Value>, what: &str) -> CaseResult<&'a [Value]> {
    match v {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{what} must be a list")),
    }
}

fn policies(v: &Value) -> CaseResult<PolicySet> {
    let obj = v.as_object().ok_or("policies must be an object")?;
    for key in obj.keys() {
        if ![
            "identity", "resource", "boundary", "session", "scps", "rcps",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("unknown policy kind {key:?}"));
        }
    }
    let mut set = PolicySet::default();
    for (i, doc) in list(obj.get("identity"), "identity")?.iter().enumerate() {
        set.identity
            .push(compile(doc, &format!("identity.{}", i + 1))?);
    }
    if let Some(doc) = obj.get("resource") {
        set.resource = Some(compile(doc, "resource")?);
    }
    if let Some(doc) = obj.get("boundary") {
        set.boundary = Some(compile(doc, "boundary")?);
    }
    for (i, doc) in list(obj.get("session"), "session")?.iter().enumerate() {
        set.session
            .push(compile(doc, &format!("session.{}", i + 1))?);
    }
    for (name, target) in [("scps", &mut set.scps), ("rcps", &mut set.rcps)] {
        let prefix = &name[..3];
        for (l, level) in list(obj.get(name), name)?.iter().enumerate() {
            let mut docs = Vec::new();
            for (i, doc) in list(Some(level), name)?.iter().enumerate() {
                docs.push(compile(doc, &format!("{prefix}.{}.{}", l + 1, i + 1))?);
            }
            target.push(docs);
        }
    }
    Ok(set)
}

fn run_case(path: &Path) -> CaseResult<()> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let root: Value = serde_json::from_str(&text).map_err(|e| format!("bad JSON: {e}"))?;
    let case = root.as_object().ok_or("a case must be an object")?;
    as_str(field(case, "description")?, "description")?;
    as_str(field(case, "why")?, "why")?;
    let req = field(case, "request")?
        .as_object()
        .ok_or("request must be an object")?;
    let request = Request {
        principal: principal(field(req, "principal")?)?,
        action: as_str(field(req, "action")?, "action")?.to_string(),
        resource: resource(field(req, "resource")?)?,
        context: context(req.get("context"))?,
    };
    let set = policies(field(case, "policies")?)?;
    let expect = field(case, "expect")?
        .as_object()
        .ok_or("expect must be an object")?;
    let want = Outcome::parse(as_str(field(expect, "decision")?, "expect.decision")?)
        .ok_or("expect.decision must be allowed, explicitDeny or implicitDeny")?;

    let decision = evaluate(&request, &set);
    let got_matched: Vec<String> = decision
        .matched
        .iter()
        .map(|m| format!("{}#{}", m.policy_id, m.statement_index))
        .collect();
    if decision.outcome != want {
        return Err(format!(
            "decision {} (deniedBy {:?}, matched {:?}), expected {}",
            decision.outcome, decision.denied_by, got_matched, want
        ));
    }
    if let Some(kind) = expect.get("deniedBy") {
        let want_kind =
            PolicyKind::parse(as_str(kind, "expect.deniedBy")?).ok_or("unknown expect.deniedBy")?;
        if decision.denied_by != Some(want_kind) {
            return Err(format!(
                "denied by {:?}, expected {}",
                decision.denied_by.map(PolicyKind::as_str),
                want_kind
            ));
        }
    }
    if let Some(matched) = expect.get("matched") {
        let mut want_matched = Vec::new();
        for m in matched.as_array().ok_or("expect.matched must be a list")? {
            let m = m.as_object().ok_or("expect.matched entries are objects")?;
            let policy_id = as_str(field(m, "policy")?, "matched.policy")?;
            let statement = field(m, "statement")?;
            let index = match statement {
                Value::Number(n) => n.as_u64().ok_or("statement index must be a number")? as usize,
                Value::String(sid) => set_statement_by_sid(&set, policy_id, sid)?,
                _ => return Err("matched.statement is an index or a Sid".into()),
            };
            want_matched.push(format!("{policy_id}#{index}"));
        }
        let mut got_sorted = got_matched.clone();
        got_sorted.sort();
        want_matched.sort();
        if got_sorted != want_matched {
            return Err(format!("matched {got_sorted:?}, expected {want_matched:?}"));
        }
    }
    Ok(())
}

fn all_policies(set: &PolicySet) -> impl Iterator<Item = &CompiledPolicy> {
    set.identity
        .iter()
        .chain(set.resource.iter())
        .chain(set.boundary.iter())
        .chain(set.session.iter())
        .chain(set.scps.iter().flatten())
        .chain(set.rcps.iter().flatten())
}

fn set_statement_by_sid(set: &PolicySet, policy_id: &str, sid: &str) -> CaseResult<usize> {
    let policy = all_policies(set)
        .find(|p| p.id == policy_id)
        .ok_or_else(|| format!("no policy {policy_id:?} in the case"))?;
    policy
        .statements()
        .iter()
        .find(|s| s.sid.as_deref() == Some(sid))
        .map(|s| s.index)
        .ok_or_else(|| format!("no Sid {sid:?} in {policy_id}"))
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn evaluation_fixtures() {
    let files = case_files();
    assert!(
        files.len() >= 100,
        "expected the full corpus, found {} cases",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        if let Err(e) = run_case(path) {
            failures.push(format!(
                "{}: {e}",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} evaluation cases failed:\n{}",
            failures.len(),
            files.len(),
            failures.join("\n")
        );
    }
}
