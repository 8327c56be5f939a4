//! AWS's policy evaluation logic over every policy type.
//!
//! The flow follows the IAM User Guide ("Policy evaluation logic", "How AWS enforcement
//! code logic evaluates requests to allow or deny access", "Cross-account policy
//! evaluation logic", "Permissions boundaries for IAM entities", "Session policies") and
//! the AWS Organizations guide ("SCP evaluation", "Resource control policies"):
//!
//! 1. An explicit `Deny` in any policy that applies ends evaluation: `ExplicitDeny`.
//! 2. RCPs (of the resource's organization): every level must allow.
//! 3. SCPs (of the caller's organization): every level must allow.
//! 4. Within one account, the request is allowed by the identity-based policies together
//!    with the permissions boundary and the session policies, or by the resource-based
//!    policy alone when it names the caller itself (IAM user, role session, federated
//!    user session), or by the resource-based policy together with the boundary and the
//!    session policies when it names the caller's role (or the IAM user behind a
//!    federated session). A resource-based policy that names only the account delegates
//!    to the identity-based policies.
//! 5. Across accounts, the caller's side (identity-based policies, boundary, session
//!    policies) and the resource's side (its resource-based policy) must both allow.
//! 6. The account's root user is allowed within its account unless denied in 1–3; AWS
//!    service principals and anonymous callers are allowed only by a resource-based
//!    policy.
//!
//! SCPs never restrict principals of the management account or service-linked roles;
//! RCPs never restrict service-linked roles nor resources of the management account.
use crate::ast::Effect;
use crate::compile::{CompiledPolicy, CompiledStatement};
use crate::decision::{Decision, MatchedStatement, Outcome, PolicyKind};
use crate::principal::PrincipalMatch;
use crate::request::{PrincipalKind, Request};

/// Every policy that takes part in a request, by the role it plays.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Identity-based policies of the caller (user, its groups, or the role), inline and managed.
    pub identity: Vec<CompiledPolicy>,
    /// The resource-based policy of the resource acted on.
    pub resource: Option<CompiledPolicy>,
    /// The caller's permissions boundary (of the IAM user or the role).
    pub boundary: Option<CompiledPolicy>,
    /// Session policies passed when the session was created. When there are any, a
    /// request must be allowed by at least one of them.
    pub session: Vec<CompiledPolicy>,
    /// SCPs of the caller's account, one list per level from the organization root down
    /// to the account. Every level must allow.
    pub scps: Vec<Vec<CompiledPolicy>>,
    /// RCPs of the resource's account, one list per level. Every level must allow.
    pub rcps: Vec<Vec<CompiledPolicy>>,
}

/// One statement that applies to the request.
#[derive(Debug, Clone, Copy)]
struct Hit<'p> {
    kind: PolicyKind,
    /// SCP/RCP level; 0 for other kinds.
    level: usize,
    effect: Effect,
    principal: PrincipalMatch,
    policy: &'p CompiledPolicy,
    statement: &'p CompiledStatement,
}

impl<'p> Hit<'p> {
    fn to_matched(self) -> MatchedStatement<'p> {
        MatchedStatement {
            kind: self.kind,
            policy_id: &self.policy.id,
            source_type: &self.policy.source_type,
            statement_index: self.statement.index,
            sid: self.statement.sid.as_deref(),
            span: self.statement.span,
        }
    }
}

/// Which policy kinds apply to a request, from who the caller is.
#[derive(Debug, Clone, Copy)]
struct Scope {
    /// The caller is an IAM identity (root, user, role session, federated user).
    iam_identity: bool,
    scps_apply: bool,
    rcps_apply: bool,
    cross_account: bool,
}

fn scope(request: &Request) -> Scope {
    let caller = &request.principal;
    let iam_identity = matches!(
        caller.kind,
        PrincipalKind::Root
            | PrincipalKind::User
            | PrincipalKind::AssumedRole
            | PrincipalKind::FederatedUser
    );
    let resource_account = request
        .resource
        .account
        .as_deref()
        .unwrap_or(caller.account.as_str());
    let same_account = resource_account == caller.account;
    Scope {
        iam_identity,
        scps_apply: iam_identity && !caller.in_management_account && !caller.service_linked_role,
        // RCPs guard the resource: they are skipped for service-linked roles and for
        // resources of the management account (a management-account caller acting in
        // its own account).
        rcps_apply: !(caller.service_linked_role || (caller.in_management_account && same_account)),
        cross_account: iam_identity && !same_account,
    }
}

/// Whether `stmt` applies to `request`; returns how it names the caller.
fn applies(
    stmt: &CompiledStatement,
    request: &Request,
    bounded_identity: bool,
) -> Option<PrincipalMatch> {
    if !stmt.matches_action(&request.action)
        || !stmt.matches_resource(&request.resource.arn, &request.context)
    {
        return None;
    }
    let mut named = stmt.principal_match(&request.principal);
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal
    // that has a permissions boundary policy attached, regardless of the values
    // specified in the NotPrincipal element." (Permissions boundaries for IAM entities)
    if named == PrincipalMatch::None
        && bounded_identity
        && stmt.effect == Effect::Deny
        && stmt.has_not_principal()
    {
        named = PrincipalMatch::Direct;
    }
    if named == PrincipalMatch::None || !stmt.conditions_hold(&request.context) {
        return None;
    }
    Some(named)
}

/// Scans one policy, appending every statement that applies.
fn scan<'p>(
    policy: &'p CompiledPolicy,
    kind: PolicyKind,
    level: usize,
    request: &Request,
    bounded_identity: bool,
    hits: &mut Vec<Hit<'p>>,
) {
    for stmt in policy.candidates(&request.action) {
        if let Some(principal) = applies(stmt, request, bounded_identity) {
            hits.push(Hit {
                kind,
                level,
                effect: stmt.effect,
                principal,
                policy,
                statement: stmt,
            });
        }
    }
}

/// What the applicable statements of each kind say.
struct Tally<'h, 'p> {
    hits: &'h [Hit<'p>],
}

impl<'p> Tally<'_, 'p> {
    fn denies(&self, kind: PolicyKind) -> bool {
        self.hits
            .iter()
            .any(|h| h.kind == kind && h.effect == Effect::Deny)
    }

    fn allows(&self, kind: PolicyKind) -> bool {
        self.hits
            .iter()
            .any(|h| h.kind == kind && h.effect == Effect::Allow)
    }

    /// The strongest way an `Allow` of the resource-based policy names the caller.
    fn resource_grant(&self) -> PrincipalMatch {
        self.hits
            .iter()
            .filter(|h| h.kind == PolicyKind::ResourceBased && h.effect == Effect::Allow)
            .map(|h| h.principal)
            .max()
            .unwrap_or(PrincipalMatch::None)
    }

    /// Whether every one of `levels` levels has an applicable `Allow`.
    fn every_level_allows(&self, kind: PolicyKind, levels: usize) -> bool {
        (0..levels).all(|level| {
            self.hits
                .iter()
                .any(|h| h.kind == kind && h.level == level && h.effect == Effect::Allow)
        })
    }
}

/// The order in which AWS's flow reaches each kind; a denial names the first one.
const KIND_ORDER: [PolicyKind; 6] = [
    PolicyKind::ResourceControl,
    PolicyKind::ServiceControl,
    PolicyKind::ResourceBased,
    PolicyKind::IdentityBased,
    PolicyKind::PermissionsBoundary,
    PolicyKind::Session,
];

/// Evaluates `request` against `policies`.
pub fn evaluate<'p>(request: &Request, policies: &'p PolicySet) -> Decision<'p> {
    let scope = scope(request);
    let caller = &request.principal;
    let caller_policies_apply = scope.iam_identity && caller.kind != PrincipalKind::Root;
    let bounded_identity = policies.boundary.is_some()
        && matches!(
            caller.kind,
            PrincipalKind::User | PrincipalKind::AssumedRole
        );

    let mut hits: Vec<Hit<'p>> = Vec::new();
    if scope.rcps_apply {
        for (level, list) in policies.rcps.iter().enumerate() {
            for p in list {
                scan(
                    p,
                    PolicyKind::ResourceControl,
                    level,
                    request,
                    bounded_identity,
                    &mut hits,
                );
            }
        }
    }
    if scope.scps_apply {
        for (level, list) in policies.scps.iter().enumerate() {
            for p in list {
                scan(
                    p,
                    PolicyKind::ServiceControl,
                    level,
                    request,
                    bounded_identity,
                    &mut hits,
                );
            }
        }
    }
    if let Some(p) = &policies.resource {
        scan(
            p,
            PolicyKind::ResourceBased,
            0,
            request,
            bounded_identity,
            &mut hits,
        );
    }
    if caller_policies_apply {
        for p in &policies.identity {
            scan(
                p,
                PolicyKind::IdentityBased,
                0,
                request,
                bounded_identity,
                &mut hits,
            );
        }
        if let Some(p) = &policies.boundary {
            scan(
                p,
                PolicyKind::PermissionsBoundary,
                0,
                request,
                bounded_identity,
                &mut hits,
            );
        }
        for p in &policies.session {
            scan(
                p,
                PolicyKind::Session,
                0,
                request,
                bounded_identity,
                &mut hits,
            );
        }
    }
    let tally = Tally { hits: &hits };

    let boundary_ok = !caller_policies_apply
        || policies.boundary.is_none()
        || tally.allows(PolicyKind::PermissionsBoundary);
    let session_ok =
        !caller_policies_apply || policies.session.is_empty() || tally.allows(PolicyKind::Session);
    let scps_ok = !scope.scps_apply
        || tally.every_level_allows(PolicyKind::ServiceControl, policies.scps.len());
    let rcps_ok = !scope.rcps_apply
        || tally.every_level_allows(PolicyKind::ResourceControl, policies.rcps.len());

    let mut decision = Decision::new(Outcome::ImplicitDeny);
    decision.cross_account = scope.cross_account;
    if caller_policies_apply && policies.boundary.is_some() {
        decision.allowed_by_boundary =
            Some(boundary_ok && !tally.denies(PolicyKind::PermissionsBoundary));
    }
    if scope.scps_apply && !policies.scps.is_empty() {
        decision.allowed_by_organizations =
            Some(scps_ok && !tally.denies(PolicyKind::ServiceControl));
    }

    // 1. Explicit deny anywhere.
    if let Some(kind) = KIND_ORDER.into_iter().find(|k| tally.denies(*k)) {
        decision.outcome = Outcome::ExplicitDeny;
        decision.denied_by = Some(kind);
        decision.matched = hits
            .iter()
            .filter(|h| h.effect == Effect::Deny)
            .map(|h| h.to_matched())
            .collect();
        if scope.cross_account {
            let resource_side_denies = tally.denies(PolicyKind::ResourceBased)
                || tally.denies(PolicyKind::ResourceControl);
            decision.resource_side = Some(if resource_side_denies {
                Outcome::ExplicitDeny
            } else {
                side_outcome(tally.resource_grant() != PrincipalMatch::None && rcps_ok)
            });
            decision.identity_side =
                Some(if resource_side_denies && !identity_side_denies(&tally) {
                    side_outcome(identity_side_allows(
                        &tally,
                        boundary_ok,
                        session_ok,
                        scps_ok,
                    ))
                } else {
                    Outcome::ExplicitDeny
                });
        }
        return decision;
    }
    // 2–3. Organization guardrails.
    if !rcps_ok {
        decision.denied_by = Some(PolicyKind::ResourceControl);
        return decision;
    }
    if !scps_ok {
        decision.denied_by = Some(PolicyKind::ServiceControl);
        return decision;
    }

    let grant = tally.resource_grant();
    let identity_allows = tally.allows(PolicyKind::IdentityBased);
    // Which kinds' Allow statements made the decision.
    let mut deciding: [bool; 6] = [false; 6];
    let allowed = match caller.kind {
        PrincipalKind::Root if !scope.cross_account => true,
        PrincipalKind::Root => {
            deciding[2] = true;
            if grant == PrincipalMatch::None {
                decision.denied_by = Some(PolicyKind::ResourceBased);
            }
            grant != PrincipalMatch::None
        }
        PrincipalKind::User | PrincipalKind::AssumedRole | PrincipalKind::FederatedUser => {
            let identity_path = identity_allows && boundary_ok && session_ok;
            if scope.cross_account {
                let resource_side = grant != PrincipalMatch::None;
                decision.identity_side = Some(side_outcome(identity_path));
                decision.resource_side = Some(side_outcome(resource_side));
                deciding = [true, true, true, true, true, true];
                if !identity_path {
                    decision.denied_by = Some(identity_side_failure(identity_allows, boundary_ok));
                } else if !resource_side {
                    decision.denied_by = Some(PolicyKind::ResourceBased);
                }
                identity_path && resource_side
            } else {
                let direct = grant == PrincipalMatch::Direct;
                let via_parent = grant == PrincipalMatch::Parent && boundary_ok && session_ok;
                if direct || via_parent || identity_path {
                    // Every Allow that took part is reported, as the simulator does;
                    // identity-based ones only when they were enough with the boundary
                    // and session policies.
                    deciding = [true, true, true, identity_path, true, true];
                    true
                } else {
                    let resource_helped = grant >= PrincipalMatch::Parent;
                    decision.denied_by = Some(identity_side_failure(
                        identity_allows || resource_helped,
                        boundary_ok,
                    ));
                    false
                }
            }
        }
        PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::Anonymous => {
            deciding[2] = true;
            if grant == PrincipalMatch::None {
                decision.denied_by = Some(PolicyKind::ResourceBased);
            }
            grant != PrincipalMatch::None
        }
    };
    if allowed {
        // The organization guardrails were part of every allowed path.
        deciding[kind_slot(PolicyKind::ResourceControl)] = true;
        deciding[kind_slot(PolicyKind::ServiceControl)] = true;
        decision.outcome = Outcome::Allowed;
        decision.denied_by = None;
        decision.matched = hits
            .iter()
            .filter(|h| h.effect == Effect::Allow && deciding[kind_slot(h.kind)])
            .filter(|h| h.kind != PolicyKind::ResourceBased || h.principal != PrincipalMatch::None)
            .map(|h| h.to_matched())
            .collect();
    } else if decision.denied_by.is_none() {
        decision.denied_by = Some(PolicyKind::IdentityBased);
    }
    decision
}

fn side_outcome(allowed: bool) -> Outcome {
    if allowed {
        Outcome::Allowed
    } else {
        Outcome::ImplicitDeny
    }
}

fn identity_side_denies(tally: &Tally<'_, '_>) -> bool {
    [
        PolicyKind::ServiceControl,
        PolicyKind::IdentityBased,
        PolicyKind::PermissionsBoundary,
        PolicyKind::Session,
    ]
    .into_iter()
    .any(|k| tally.denies(k))
}

fn identity_side_allows(
    tally: &Tally<'_, '_>,
    boundary_ok: bool,
    session_ok: bool,
    scps_ok: bool,
) -> bool {
    tally.allows(PolicyKind::IdentityBased) && boundary_ok && session_ok && scps_ok
}

/// The kind AWS names when the caller's own policies do not allow: the identity-based
/// policies first, then the boundary, then the session policies.
fn identity_side_failure(identity_allows: bool, boundary_ok: bool) -> PolicyKind {
    if !identity_allows {
        PolicyKind::IdentityBased
    } else if !boundary_ok {
        PolicyKind::PermissionsBoundary
    } else {
        PolicyKind::Session
    }
}

fn kind_slot(kind: PolicyKind) -> usize {
    match kind {
        PolicyKind::ResourceControl => 0,
        PolicyKind::ServiceControl => 1,
        PolicyKind::ResourceBased => 2,
        PolicyKind::IdentityBased => 3,
        PolicyKind::PermissionsBoundary => 4,
        PolicyKind::Session => 5,
    }
}

/// A decision with what a person needs to understand it: the context keys the
/// policies read but the request did not carry (the simulator's
/// `MissingContextValues`) and a line per statement that applied.
#[derive(Debug, Clone)]
pub struct Explanation<'p> {
    pub decision: Decision<'p>,
    pub missing_context_keys: Vec<String>,
    pub trace: Vec<String>,
}

/// Evaluates `request` like [`evaluate`] and explains the result. Slower: for tools.
pub fn explain<'p>(request: &Request, policies: &'p PolicySet) -> Explanation<'p> {
    let decision = evaluate(request, policies);
    let scope = scope(request);
    let caller_policies_apply = scope.iam_identity && request.principal.kind != PrincipalKind::Root;
    let bounded_identity = policies.boundary.is_some()
        && matches!(
            request.principal.kind,
            PrincipalKind::User | PrincipalKind::AssumedRole
        );

    let mut considered: Vec<(PolicyKind, &CompiledPolicy)> = Vec::new();
    if scope.rcps_apply {
        considered.extend(
            policies
                .rcps
                .iter()
                .flatten()
                .map(|p| (PolicyKind::ResourceControl, p)),
        );
    }
    if scope.scps_apply {
        considered.extend(
            policies
                .scps
                .iter()
                .flatten()
                .map(|p| (PolicyKind::ServiceControl, p)),
        );
    }
    considered.extend(
        policies
            .resource
            .iter()
            .map(|p| (PolicyKind::ResourceBased, p)),
    );
    if caller_policies_apply {
        considered.extend(
            policies
                .identity
                .iter()
                .map(|p| (PolicyKind::IdentityBased, p)),
        );
        considered.extend(
            policies
                .boundary
                .iter()
                .map(|p| (PolicyKind::PermissionsBoundary, p)),
        );
        considered.extend(policies.session.iter().map(|p| (PolicyKind::Session, p)));
    }

    let mut missing: Vec<String> = Vec::new();
    let mut trace = Vec::new();
    for (kind, policy) in &considered {
        for stmt in policy.candidates(&request.action) {
            if !stmt.matches_action(&request.action) {
                continue;
            }
            let label = statement_label(*kind, policy, stmt);
            if !stmt.matches_resource(&request.resource.arn, &request.context) {
                trace.push(format!("{label}: resource does not match"));
                continue;
            }
            for key in stmt.referenced_keys() {
                if request.context.get(key).is_none()
                    && !missing.iter().any(|k| k.eq_ignore_ascii_case(key))
                {
                    missing.push(key.to_string());
                }
            }
            match applies(stmt, request, bounded_identity) {
                Some(named) => trace.push(format!(
                    "{label}: applies ({} {})",
                    stmt.effect.as_str(),
                    match named {
                        PrincipalMatch::Direct => "for the caller",
                        PrincipalMatch::Parent => "for the caller's role or user",
                        PrincipalMatch::Account => "for the caller's account",
                        PrincipalMatch::None => "for nobody",
                    }
                )),
                None if stmt.principal_match(&request.principal) == PrincipalMatch::None => {
                    trace.push(format!("{label}: principal does not match"))
                }
                None => trace.push(format!("{label}: conditions do not hold")),
            }
        }
    }
    trace.push(match decision.denial_reason(&request.action) {
        Some(reason) => format!("{}: {}", decision.outcome, reason),
        None => format!("{}", decision.outcome),
    });
    Explanation {
        decision,
        missing_context_keys: missing,
        trace,
    }
}

fn statement_label(kind: PolicyKind, policy: &CompiledPolicy, stmt: &CompiledStatement) -> String {
    let sid = stmt
        .sid
        .as_deref()
        .map(|s| format!(" (Sid {s})"))
        .unwrap_or_default();
    format!(
        "{} policy {} statement {}{} at {}:{}",
        kind, policy.id, stmt.index, sid, stmt.span.start.line, stmt.span.start.column
    )
}
