//! Delegation requests (IAM temporary delegation): a partner account asks a customer
//! account for temporary, scoped access; the customer associates, reviews and accepts
//! the request and releases an exchange token, which the partner trades for temporary
//! credentials (`sts:GetDelegatedAccessToken`).
use crate::model::PARTITION;
use crate::time::Timestamp;

/// `arn:aws:iam::ACCOUNT:delegation-request/ID` (the service authorization reference's
/// `delegation-request` resource).
pub fn delegation_request_arn(account_id: &str, id: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:delegation-request/{id}")
}

/// Where a request is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegationState {
    /// Created, not yet associated with a customer identity.
    Unassigned,
    /// Associated with an owner in the customer account, awaiting review.
    Assigned,
    /// Sent to an administrator for approval (`UpdateDelegationRequest`).
    PendingApproval,
    /// Approved; the exchange token is not released yet.
    Accepted,
    /// The exchange token was released to the partner; the delegation period runs.
    Finalized,
    Rejected,
    /// Its expiration time passed (derived when read, never stored).
    Expired,
}

impl DelegationState {
    pub fn as_str(self) -> &'static str {
        match self {
            DelegationState::Unassigned => "UNASSIGNED",
            DelegationState::Assigned => "ASSIGNED",
            DelegationState::PendingApproval => "PENDING_APPROVAL",
            DelegationState::Accepted => "ACCEPTED",
            DelegationState::Finalized => "FINALIZED",
            DelegationState::Rejected => "REJECTED",
            DelegationState::Expired => "EXPIRED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "UNASSIGNED" => DelegationState::Unassigned,
            "ASSIGNED" => DelegationState::Assigned,
            "PENDING_APPROVAL" => DelegationState::PendingApproval,
            "ACCEPTED" => DelegationState::Accepted,
            "FINALIZED" => DelegationState::Finalized,
            "REJECTED" => DelegationState::Rejected,
            "EXPIRED" => DelegationState::Expired,
            _ => return None,
        })
    }
}

/// One parameter of the policy template (`PolicyParameter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationParameter {
    pub name: String,
    pub values: Vec<String>,
    /// `string` or `stringList`.
    pub kind: String,
}

/// The customer identity that accepted a request: the delegated credentials act as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegatedIdentity {
    /// `user`, `role` or `root`.
    pub kind: String,
    /// The user's or role's unique id; the account id for the root.
    pub id: String,
    /// The user's or role's name; empty for the root.
    pub name: String,
    pub path: String,
    /// The identity's ARN (`AssumedPrincipal`).
    pub arn: String,
}

/// A delegation request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationRequest {
    pub id: String,
    /// The partner's account (`RequestorId`).
    pub requestor_account: String,
    pub requestor_name: Option<String>,
    /// The customer account: named by the partner at creation, or set on association.
    pub owner_account: Option<String>,
    /// ARN of the identity that associated the request.
    pub owner_id: Option<String>,
    /// ARN of the identity that accepted it.
    pub approver_id: Option<String>,
    pub description: String,
    pub request_message: Option<String>,
    pub template_arn: String,
    pub parameters: Vec<DelegationParameter>,
    /// The rendered policy the delegated credentials are limited to.
    pub permission_policy: String,
    pub workflow_id: String,
    pub redirect_url: Option<String>,
    pub notification_channel: String,
    pub session_duration: u32,
    pub only_send_by_owner: bool,
    /// The stored state; [`DelegationRequest::state_at`] adds expiry.
    pub state: DelegationState,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub expires: Timestamp,
    pub notes: Option<String>,
    pub rejection_reason: Option<String>,
    pub delegated: Option<DelegatedIdentity>,
    /// When the exchange token was released.
    pub finalized: Option<Timestamp>,
    /// SHA-256 (hex) of the exchange token once released; the token itself is never kept.
    pub token_hash: Option<String>,
}

impl DelegationRequest {
    /// The state at `now`: a request past its expiration time is `EXPIRED`.
    pub fn state_at(&self, now: Timestamp) -> DelegationState {
        if now.millis() >= self.expires.millis() {
            DelegationState::Expired
        } else {
            self.state
        }
    }
}

/// Delegation requests a partner account may have open at once.
pub const MAX_OPEN_DELEGATION_REQUESTS: usize = 1000;
