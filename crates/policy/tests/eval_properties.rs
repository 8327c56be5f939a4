//! Monotonicity of evaluation: adding a `Deny` statement never turns a decision into
//! `Allowed`, and removing an `Allow` statement never does either.
use policy::compile::CompiledPolicy;
use policy::eval::{evaluate, PolicySet};
use policy::request::{Context, ContextValue, Principal, PrincipalKind, Request, Resource};
use proptest::prelude::*;

const ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "ec2:Describe*",
    "*",
    "iam:ListUsers",
];
const RESOURCES: [&str; 5] = [
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/home/${aws:username}/*",
    "arn:aws:s3:::other/*",
    "arn:aws:ec2:*:111111111111:instance/*",
];
const CONDITIONS: [&str; 5] = [
    "",
    r#","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    r#","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}"#,
    r#","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["env*"]}}"#,
];
const PRINCIPALS: [&str; 5] = [
    r#""*""#,
    r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
    r#"{"AWS":"111111111111"}"#,
    r#"{"AWS":"arn:aws:iam::111111111111:role/Dev"}"#,
    r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/Dev/s"}"#,
];

/// A statement as indices into the tables above.
#[derive(Debug, Clone)]
struct Stmt {
    allow: bool,
    not_action: bool,
    action: usize,
    resource: usize,
    condition: usize,
    principal: usize,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        0..CONDITIONS.len(),
        0..PRINCIPALS.len(),
    )
        .prop_map(
            |(allow, not_action, action, resource, condition, principal)| Stmt {
                allow,
                not_action,
                action,
                resource,
                condition,
                principal,
            },
        )
}

fn text(stmts: &[Stmt], with_principal: bool) -> String {
    let body: Vec<String> = stmts
        .iter()
        .map(|s| {
            let principal = if with_principal {
                format!(r#""Principal":{},"#, PRINCIPALS[s.principal])
            } else {
                String::new()
            };
            format!(
                r#"{{"Effect":"{}",{}"{}":"{}","Resource":"{}"{}}}"#,
                if s.allow { "Allow" } else { "Deny" },
                principal,
                if s.not_action { "NotAction" } else { "Action" },
                ACTIONS[s.action],
                RESOURCES[s.resource],
                CONDITIONS[s.condition]
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    )
}

/// Policies of every kind, as statement lists.
#[derive(Debug, Clone)]
struct Setup {
    identity: Vec<Vec<Stmt>>,
    resource: Option<Vec<Stmt>>,
    boundary: Option<Vec<Stmt>>,
    session: Vec<Vec<Stmt>>,
    scps: Vec<Vec<Stmt>>,
    rcps: Vec<Vec<Stmt>>,
}

fn stmts() -> impl Strategy<Value = Vec<Stmt>> {
    prop::collection::vec(stmt(), 1..4)
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        prop::collection::vec(stmts(), 0..3),
        prop::option::of(stmts()),
        prop::option::of(stmts()),
        prop::collection::vec(stmts(), 0..2),
        prop::collection::vec(stmts(), 0..2),
        prop::collection::vec(stmts(), 0..2),
    )
        .prop_map(
            |(identity, resource, boundary, session, scps, rcps)| Setup {
                identity,
                resource,
                boundary,
                session,
                scps,
                rcps,
            },
        )
}

fn compile(stmts: &[Stmt], principal: bool, id: &str) -> CompiledPolicy {
    match CompiledPolicy::from_text(&text(stmts, principal), id, "none") {
        Ok(p) => p,
        Err(e) => panic!("generated policy {id} does not compile: {}", e.message),
    }
}

fn build(s: &Setup) -> PolicySet {
    PolicySet {
        identity: s
            .identity
            .iter()
            .map(|p| compile(p, false, "identity"))
            .collect(),
        resource: s.resource.as_ref().map(|p| compile(p, true, "resource")),
        boundary: s.boundary.as_ref().map(|p| compile(p, false, "boundary")),
        session: s
            .session
            .iter()
            .map(|p| compile(p, false, "session"))
            .collect(),
        // One policy per level.
        scps: s
            .scps
            .iter()
            .map(|p| vec![compile(p, false, "scp")])
            .collect(),
        rcps: s
            .rcps
            .iter()
            .map(|p| vec![compile(p, true, "rcp")])
            .collect(),
    }
}

fn request(kind: usize, action: usize, cross: bool, ctx: (bool, bool)) -> Request {
    let (kind, arn, role) = match kind {
        0 => (
            PrincipalKind::User,
            "arn:aws:iam::111111111111:user/alice",
            None,
        ),
        1 => (
            PrincipalKind::AssumedRole,
            "arn:aws:sts::111111111111:assumed-role/Dev/s",
            Some("arn:aws:iam::111111111111:role/Dev".to_string()),
        ),
        _ => (PrincipalKind::Root, "arn:aws:iam::111111111111:root", None),
    };
    let mut context = Context::new();
    context.insert("aws:username", ContextValue::single("alice"));
    if ctx.0 {
        context.insert("aws:PrincipalTag/team", ContextValue::single("blue"));
        context.insert("aws:SourceIp", ContextValue::single("10.1.1.1"));
    }
    if ctx.1 {
        context.insert("aws:RequestedRegion", ContextValue::single("eu-west-1"));
        context.insert("aws:TagKeys", ContextValue::multi(["env", "team"]));
    }
    Request {
        principal: Principal {
            kind,
            arn: arn.into(),
            account: "111111111111".into(),
            role_arn: role,
            service_linked_role: false,
            in_management_account: false,
        },
        action: [
            "s3:GetObject",
            "s3:PutObject",
            "ec2:DescribeInstances",
            "iam:ListUsers",
        ][action]
            .into(),
        resource: Resource {
            arn: "arn:aws:s3:::bucket/home/alice/x".into(),
            account: Some(
                if cross {
                    "222222222222"
                } else {
                    "111111111111"
                }
                .into(),
            ),
        },
        context,
    }
}

fn request_strategy() -> impl Strategy<Value = Request> {
    (0..3usize, 0..4usize, any::<bool>(), any::<(bool, bool)>())
        .prop_map(|(k, a, cross, ctx)| request(k, a, cross, ctx))
}

/// Every place a statement list can be edited: (kind, index within kind).
fn lists_mut(s: &mut Setup) -> Vec<&mut Vec<Stmt>> {
    let mut out: Vec<&mut Vec<Stmt>> = Vec::new();
    out.extend(s.identity.iter_mut());
    out.extend(s.resource.iter_mut());
    out.extend(s.boundary.iter_mut());
    out.extend(s.session.iter_mut());
    out.extend(s.scps.iter_mut());
    out.extend(s.rcps.iter_mut());
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn adding_a_deny_never_allows(s in setup(), req in request_strategy(), extra in stmt(), pick in any::<prop::sample::Index>()) {
        let before = evaluate(&req, &build(&s)).is_allowed();
        let mut after_setup = s.clone();
        let mut lists = lists_mut(&mut after_setup);
        prop_assume!(!lists.is_empty());
        let target = pick.index(lists.len());
        let deny = Stmt { allow: false, ..extra };
        if let Some(list) = lists.get_mut(target) {
            list.push(deny);
        }
        let after = evaluate(&req, &build(&after_setup)).is_allowed();
        prop_assert!(before || !after, "adding a Deny turned a denial into Allowed");
    }

    #[test]
    fn removing_an_allow_never_allows(s in setup(), req in request_strategy(), pick in any::<prop::sample::Index>(), which in any::<prop::sample::Index>()) {
        let before = evaluate(&req, &build(&s)).is_allowed();
        let mut after_setup = s.clone();
        let mut lists = lists_mut(&mut after_setup);
        prop_assume!(!lists.is_empty());
        let target = pick.index(lists.len());
        let Some(list) = lists.get_mut(target) else { return Ok(()) };
        let allows: Vec<usize> = list.iter().enumerate().filter(|(_, s)| s.allow).map(|(i, _)| i).collect();
        prop_assume!(!allows.is_empty() && list.len() > 1);
        list.remove(allows[which.index(allows.len())]);
        let after = evaluate(&req, &build(&after_setup)).is_allowed();
        prop_assert!(before || !after, "removing an Allow turned a denial into Allowed");
    }
}
