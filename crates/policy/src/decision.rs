//! What evaluation answers: the decision, the statements that made it and, for a
//! denial, which kind of policy denied or failed to allow, so that callers can word
//! AWS's `AccessDenied` messages and the simulator can fill in its result fields.
use std::fmt;

use crate::ast::Span;

/// The three outcomes AWS distinguishes (the simulator's `EvalDecision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Outcome {
    /// The simulator's spelling: `allowed`, `explicitDeny`, `implicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::ExplicitDeny => "explicitDeny",
            Outcome::ImplicitDeny => "implicitDeny",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        match text {
            "allowed" => Some(Outcome::Allowed),
            "explicitDeny" => Some(Outcome::ExplicitDeny),
            "implicitDeny" => Some(Outcome::ImplicitDeny),
            _ => None,
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Outcome::Allowed
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role a policy plays in a request. AWS words its denials by this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    ServiceControl,
    ResourceControl,
    ResourceBased,
    IdentityBased,
    PermissionsBoundary,
    Session,
}

impl PolicyKind {
    /// The kind with its article, as AWS's `AccessDenied` messages name it
    /// ("... with an explicit deny in *a service control policy*").
    pub fn with_article(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "a service control policy",
            PolicyKind::ResourceControl => "a resource control policy",
            PolicyKind::ResourceBased => "a resource-based policy",
            PolicyKind::IdentityBased => "an identity-based policy",
            PolicyKind::PermissionsBoundary => "a permissions boundary",
            PolicyKind::Session => "a session policy",
        }
    }

    /// The kind after "no", as in "... because *no identity-based policy* allows ...".
    pub fn after_no(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "service control policy",
            PolicyKind::ResourceControl => "resource control policy",
            PolicyKind::ResourceBased => "resource-based policy",
            PolicyKind::IdentityBased => "identity-based policy",
            PolicyKind::PermissionsBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
        }
    }

    /// Stable camel-case name used by the fixture corpus and traces.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "scp",
            PolicyKind::ResourceControl => "rcp",
            PolicyKind::ResourceBased => "resource",
            PolicyKind::IdentityBased => "identity",
            PolicyKind::PermissionsBoundary => "boundary",
            PolicyKind::Session => "session",
        }
    }

    pub fn parse(text: &str) -> Option<PolicyKind> {
        [
            PolicyKind::ServiceControl,
            PolicyKind::ResourceControl,
            PolicyKind::ResourceBased,
            PolicyKind::IdentityBased,
            PolicyKind::PermissionsBoundary,
            PolicyKind::Session,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One statement that decided (or helped decide) a request. Borrowed from the
/// [`crate::eval::PolicySet`] the request was evaluated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchedStatement<'p> {
    pub kind: PolicyKind,
    /// The caller's name for the policy (`PolicyInputList.1`, a policy ARN, ...).
    pub policy_id: &'p str,
    /// The simulator's `SourcePolicyType` (`user`, `group`, `aws-managed`, `resource`, `none`, ...).
    pub source_type: &'p str,
    /// 0-based position of the statement in its policy.
    pub statement_index: usize,
    pub sid: Option<&'p str>,
    /// Where the statement's JSON object is in the policy text.
    pub span: Span,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'p> {
    pub outcome: Outcome,
    /// For `ExplicitDeny`: every matching `Deny` statement. For `Allowed`: the `Allow`
    /// statements that granted it (of every kind that had to allow). For `ImplicitDeny`:
    /// empty, as in AWS's simulator.
    pub matched: Vec<MatchedStatement<'p>>,
    /// For a denial: the kind of policy that denied (explicit) or that failed to allow
    /// (implicit). `None` when allowed.
    pub denied_by: Option<PolicyKind>,
    /// `Some(allowed)` when a permissions boundary took part (the simulator's
    /// `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`).
    pub allowed_by_boundary: Option<bool>,
    /// `Some(allowed)` when SCPs took part (`OrganizationsDecisionDetail.AllowedByOrganizations`).
    pub allowed_by_organizations: Option<bool>,
    /// `true` when the request crossed accounts: the caller's account is not the
    /// resource's, so both sides had to allow.
    pub cross_account: bool,
    /// For cross-account requests: the identity side's (caller account) and the
    /// resource side's own decisions (the simulator's `EvalDecisionDetails`).
    pub identity_side: Option<Outcome>,
    pub resource_side: Option<Outcome>,
}

impl<'p> Decision<'p> {
    pub(crate) fn new(outcome: Outcome) -> Self {
        Decision {
            outcome,
            matched: Vec::new(),
            denied_by: None,
            allowed_by_boundary: None,
            allowed_by_organizations: None,
            cross_account: false,
            identity_side: None,
            resource_side: None,
        }
    }

    pub fn is_allowed(&self) -> bool {
        self.outcome.is_allowed()
    }

    /// The tail AWS appends to "User: X is not authorized to perform: A on resource: R":
    /// `with an explicit deny in a service control policy` or
    /// `because no identity-based policy allows the s3:GetObject action`.
    /// `None` when the request is allowed.
    pub fn denial_reason(&self, action: &str) -> Option<String> {
        let kind = self.denied_by?;
        match self.outcome {
            Outcome::Allowed => None,
            Outcome::ExplicitDeny => {
                Some(format!("with an explicit deny in {}", kind.with_article()))
            }
            Outcome::ImplicitDeny => Some(format!(
                "because no {} allows the {} action",
                kind.after_no(),
                action
            )),
        }
    }
}
