//! IAM Access Analyzer's custom policy checks, decided rather than sampled:
//! `CheckNoNewAccess`, `CheckAccessNotGranted` and `CheckNoPublicAccess`.
//!
//! Pure: no I/O, no clock. Policies go in as text; a PASS/FAIL comes out with AWS's
//! message, the statements responsible and, on FAIL, a concrete request (a
//! [`Witness`]) that the engine itself allows.
//!
//! # The decision procedure
//!
//! Every check asks whether some request satisfies a predicate built from the
//! policies' decisions: "the new policy allows it and the existing one does not",
//! "the policy allows it and it is one of the listed actions/resources", "the policy
//! allows it, the caller is public and the action is of the resource type's service".
//! A policy allows a request when one of its `Allow` statements applies and none of its
//! `Deny` statements does, and a statement applies when each *dimension* of the request
//! satisfies that statement's part for it:
//!
//! - the action matches `Action`/`NotAction`,
//! - the resource matches `Resource`/`NotResource`,
//! - the caller is named by `Principal`/`NotPrincipal` (resource-based policies),
//! - for each condition key, the statement's conditions on that key hold.
//!
//! So the predicate depends on a request only through, for each dimension, the set of
//! statement parts its value satisfies (plus the check's own predicates, treated as
//! extra columns). The procedure:
//!
//! 1. **Partition each dimension** into the classes of values that satisfy the same
//!    parts, with one representative per class:
//!    - actions and resources: the wildcard patterns as automata (ARN patterns segment by
//!      segment, as the engine matches them); a breadth-first walk of their product over
//!      an alphabet of the characters they name plus one they do not reaches every
//!      combination of patterns some string satisfies, and records the shortest such
//!      string (`glob.rs`). Actions are restricted to `service:name` and resources to
//!      ARNs (plus `*`, the resource of actions without one). Where a real action of the
//!      service reference falls in the same class it replaces the representative;
//!    - callers: `Principal` values compare by equality, so every named caller, a caller
//!      of each named account, of an account nobody names, anonymous, and one unnamed
//!      service and provider cover every class (`principals.rs`). A value without an
//!      account of its own (a unique id) names the caller with that text in every
//!      account tried, and a named role session also stands for a session of each
//!      named role of that name, paths included. An `AWS` value with a wildcard inside
//!      (`arn:aws:iam::*:root`) makes the check fail safe;
//!    - each condition key: absent, plus the classes of its values — string and ARN
//!      patterns by the same automata, numbers and dates by the points and open
//!      intervals their constants cut, addresses by CIDR blocks as integer intervals,
//!      booleans, base-64 values, and a value no typed operator reads (`values.rs`); keys
//!      used with `ForAnyValue`/`ForAllValues` range over every set of those classes.
//! 2. **Compute each representative's column set with the engine's own matchers**
//!    (`matches_action`, `matches_resource`, `principal_match`, `CompiledCondition::matches`).
//! 3. **Fold the dimensions**: the column sets a request can have are the intersections
//!    of one set per dimension; folding dimension by dimension and keeping one path per
//!    distinct set enumerates all of them, and sets that can no longer satisfy the goal
//!    are dropped as soon as they appear (`search.rs`).
//! 4. **Decide and confirm**: a reachable set satisfying the goal is a failing class; the
//!    request made of its path is evaluated by `policy::eval::evaluate` against the
//!    policies and becomes the witness only if the engine agrees.
//!
//! **Soundness and completeness.** Within a dimension, two values in the same class
//! satisfy the same statement parts, so every request has a representative request
//! with the same column set, hence the same decisions. The partition is complete
//! because each automaton walk visits every reachable product state (characters
//! outside the alphabet behave like the fresh one), numeric, date and address classes
//! are intervals whose endpoints and neighbours are tried, and caller classes are
//! finite. The fold enumerates exactly the reachable intersections. Hence FAIL comes
//! with a witness the engine confirmed, and PASS means no request in the domain
//! (actions `service:name`, resources that are ARNs or `*`, and `*` not for an action
//! named exactly whose reference lists a required resource type) satisfies the goal.
//!
//! **Keys compared with keys.** A condition whose value is a whole policy variable
//! (`"aws:ResourceTag/team": "${aws:PrincipalTag/team}"`) ties two keys; tied keys form
//! one dimension whose atoms are every combination of values drawn from the classes of
//! all their conditions together, two values per class plus their case-swapped forms,
//! so equal, equal-but-for-case and different values are all tried. That is exact.
//!
//! **Policy variables elsewhere are relaxed, soundly.** A `Resource` entry with a
//! policy variable, and a condition with a variable inside other text (or under a set
//! operator), answer for a request as a function of their text and the request; they
//! are replaced by free booleans, one per distinct text (so the same entry in both
//! policies answers alike), tried both ways with every class of the other dimensions.
//! That relaxed space contains every real request, so a PASS in it is a PASS. A failing
//! class found only through a relaxed boolean is reported when the engine confirms its
//! request; otherwise the check fails safe. Before searching, `CheckNoNewAccess` also
//! applies a syntactic rule that holds whatever the variables stand for (`subsume.rs`:
//! the new policy's `Allow` statements are all the existing policy's, the existing
//! policy's `Deny` statements all the new policy's).
//!
//! **Where the procedure is not exact, it fails safe**: it answers FAIL (never PASS)
//! with a reason saying why: a relaxed failing class without a confirmed request, a key
//! compared by operators of different types, more than four `Resource` entries with
//! variables, a set operator on `Null` (whose meaning AWS does not document), a
//! numeric constant too large to scale exactly, a multi-valued key compared with
//! another key, or a search bound reached (automaton states, combinations of
//! statements, work). Condition keys are independent of one another (unless tied as above) and of
//! the caller (the engine reads them only from the request context); a key is tried
//! with sets of values (a plain operator on a set holds when some value satisfies it,
//! a negated one when every value does, as the engine reads it) unless AWS documents it
//! as single-valued and no set operator uses it, and a key whose type AWS documents
//! (`aws:SourceIp`, `aws:CurrentTime`, the service reference's keys) only carries values
//! of that type.
//!
//! Evaluation: identity-based policies are evaluated for an IAM user of the resource's
//! account; resource-based policies (trust policies included) for a caller of another
//! account whose own policies allow everything, so the decision is the resource-based
//! policy's alone.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod bits;
mod checks;
mod fxhash;
mod glob;
mod model;
mod principals;
mod search;
mod subsume;
mod values;

use std::fmt;

/// The kind of policy a check compares (`policyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessCheckPolicyType {
    IdentityPolicy,
    ResourcePolicy,
}

impl AccessCheckPolicyType {
    /// The wire name: `IDENTITY_POLICY`, `RESOURCE_POLICY`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessCheckPolicyType::IdentityPolicy => "IDENTITY_POLICY",
            AccessCheckPolicyType::ResourcePolicy => "RESOURCE_POLICY",
        }
    }

    /// Reads the wire name.
    pub fn parse(text: &str) -> Option<AccessCheckPolicyType> {
        match text {
            "IDENTITY_POLICY" => Some(AccessCheckPolicyType::IdentityPolicy),
            "RESOURCE_POLICY" => Some(AccessCheckPolicyType::ResourcePolicy),
            _ => None,
        }
    }
}

/// A check's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckResult {
    Pass,
    Fail,
}

impl CheckResult {
    /// The wire name: `PASS`, `FAIL`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Pass => "PASS",
            CheckResult::Fail => "FAIL",
        }
    }
}

/// One reason of a result (`ReasonSummary`): which statement, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonSummary {
    pub description: String,
    pub statement_index: Option<u32>,
    pub statement_id: Option<String>,
}

/// A concrete request that shows a FAIL: an action, a resource, for resource-based
/// policies the caller (an IAM or STS ARN, a service or identity provider name, or
/// `anonymous`), and the context keys the policies read (absent keys are left out).
/// For identity-based policies the caller is an IAM user of the resource's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub action: String,
    pub resource: String,
    pub principal: Option<String>,
    /// The caller's account, for IAM and STS callers of resource-based policies (a
    /// caller named by unique id carries no account in its text).
    pub principal_account: Option<String>,
    /// The role a role session was made from, with its path.
    pub principal_role: Option<String>,
    pub context: Vec<(String, Vec<String>)>,
}

/// The outcome of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub result: CheckResult,
    pub message: String,
    pub reasons: Vec<ReasonSummary>,
    pub witness: Option<Witness>,
}

/// One entry of `CheckAccessNotGranted`'s `access` list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// Why a check could not run. `InvalidPolicy` is a document that does not parse
/// (AWS: `ValidationException`); `InvalidParameter` is a bad argument
/// (AWS: `InvalidParameterException`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    InvalidPolicy(String),
    InvalidParameter(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::InvalidPolicy(m) | CheckError::InvalidParameter(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CheckError {}

impl Witness {
    /// One sentence naming the concrete request, for answers whose shape has no field
    /// for it (the API's `reasons`): `action s3:PutObject on arn:aws:s3:::b/k by
    /// arn:aws:iam::111122223333:root with aws:SourceIp=10.0.0.1`.
    pub fn describe(&self) -> String {
        let mut text = format!("action {} on {}", self.action, self.resource);
        if let Some(principal) = &self.principal {
            text.push_str(" by ");
            text.push_str(principal);
        }
        let mut first = true;
        for (key, values) in &self.context {
            text.push_str(if first { " with " } else { ", " });
            first = false;
            text.push_str(key);
            text.push('=');
            match values.as_slice() {
                [one] => text.push_str(one),
                many => {
                    text.push('[');
                    text.push_str(&many.join(", "));
                    text.push(']');
                }
            }
        }
        text
    }
}

/// `CheckNoNewAccess`: does `new_policy` allow any request `existing_policy` does not?
pub fn check_no_new_access(
    new_policy: &str,
    existing_policy: &str,
    policy_type: AccessCheckPolicyType,
) -> Result<CheckOutcome, CheckError> {
    checks::check_no_new_access(new_policy, existing_policy, policy_type)
}

/// `CheckAccessNotGranted`: can `policy` ever allow one of the listed actions on one of
/// the listed resources? (Only actions: on any resource; only resources: any action.)
pub fn check_access_not_granted(
    policy: &str,
    access: &[Access],
    policy_type: AccessCheckPolicyType,
) -> Result<CheckOutcome, CheckError> {
    checks::check_access_not_granted(policy, access, policy_type)
}

/// `CheckNoPublicAccess`: can the resource-based `policy` allow a public caller
/// (anonymous, or any identity of an account the policy does not name) an action of the
/// resource type's service?
pub fn check_no_public_access(
    policy: &str,
    resource_type: &str,
) -> Result<CheckOutcome, CheckError> {
    checks::check_no_public_access(policy, resource_type)
}

/// The resource types `CheckNoPublicAccess` accepts, as AWS names them.
pub fn public_access_resource_types() -> impl Iterator<Item = &'static str> {
    checks::PUBLIC_ACCESS_RESOURCE_TYPES.iter().map(|(n, _)| *n)
}
