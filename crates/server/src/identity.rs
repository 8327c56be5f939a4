//! Who is calling: the identity an access key (or a session token) authenticates as.
use std::sync::Arc;

use policy::request::{Principal, PrincipalKind};
use store::{iam_arn, root_arn};

use crate::sts::claims::{SessionClaims, SessionKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account's root user.
    Root,
    /// An IAM user.
    User {
        user_id: String,
        name: String,
        path: String,
    },
    /// A role session (`AssumeRole` and the federation operations).
    AssumedRole {
        role_id: String,
        role_name: String,
        role_path: String,
        session_name: String,
    },
    /// A federated user session (`GetFederationToken`) of an IAM user.
    FederatedUser {
        user_id: String,
        user_name: String,
        user_path: String,
        name: String,
    },
}

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account_id: String,
    pub access_key_id: String,
    pub kind: CallerKind,
    /// `arn:aws:iam::ACCT:root`, the user's ARN, or the session's
    /// (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`, `…:federated-user/NAME`).
    pub arn: String,
    /// The session's facts when the caller signed with temporary credentials.
    pub session: Option<Arc<SessionClaims>>,
}

impl Caller {
    pub fn root(account_id: &str, access_key_id: &str) -> Self {
        Caller {
            account_id: account_id.to_owned(),
            access_key_id: access_key_id.to_owned(),
            kind: CallerKind::Root,
            arn: root_arn(account_id),
            session: None,
        }
    }

    pub fn user(
        account_id: &str,
        access_key_id: &str,
        user_id: &str,
        name: &str,
        path: &str,
    ) -> Self {
        Caller {
            account_id: account_id.to_owned(),
            access_key_id: access_key_id.to_owned(),
            kind: CallerKind::User {
                user_id: user_id.to_owned(),
                name: name.to_owned(),
                path: path.to_owned(),
            },
            arn: iam_arn(account_id, "user", path, name),
            session: None,
        }
    }

    /// The caller a verified session token stands for.
    pub fn from_session(claims: Arc<SessionClaims>) -> Self {
        let account = claims.account_id.as_str();
        let mut caller = match claims.kind {
            SessionKind::Root => Caller::root(account, &claims.access_key_id),
            SessionKind::User => Caller::user(
                account,
                &claims.access_key_id,
                &claims.principal_id,
                &claims.principal_name,
                &claims.principal_path,
            ),
            SessionKind::Role => Caller {
                account_id: account.to_owned(),
                access_key_id: claims.access_key_id.clone(),
                arn: format!(
                    "arn:{}:sts::{account}:assumed-role/{}/{}",
                    store::PARTITION,
                    claims.principal_name,
                    claims.session_name
                ),
                kind: CallerKind::AssumedRole {
                    role_id: claims.principal_id.clone(),
                    role_name: claims.principal_name.clone(),
                    role_path: claims.principal_path.clone(),
                    session_name: claims.session_name.clone(),
                },
                session: None,
            },
            SessionKind::FederatedUser => Caller {
                account_id: account.to_owned(),
                access_key_id: claims.access_key_id.clone(),
                arn: format!(
                    "arn:{}:sts::{account}:federated-user/{}",
                    store::PARTITION,
                    claims.session_name
                ),
                kind: CallerKind::FederatedUser {
                    user_id: claims.principal_id.clone(),
                    user_name: claims.principal_name.clone(),
                    user_path: claims.principal_path.clone(),
                    name: claims.session_name.clone(),
                },
                session: None,
            },
        };
        caller.session = Some(claims);
        caller
    }

    pub fn is_root(&self) -> bool {
        matches!(self.kind, CallerKind::Root)
    }

    /// The user's name; `None` for the root and for sessions of roles and federated
    /// users.
    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::User { name, .. } => Some(name),
            _ => None,
        }
    }

    /// `aws:userid`: the user's unique id, the account id for the root,
    /// `ROLEID:SESSION` for a role session, `ACCOUNT:NAME` for a federated user.
    pub fn unique_id(&self) -> String {
        match &self.kind {
            CallerKind::User { user_id, .. } => user_id.clone(),
            CallerKind::Root => self.account_id.clone(),
            CallerKind::AssumedRole {
                role_id,
                session_name,
                ..
            } => format!("{role_id}:{session_name}"),
            CallerKind::FederatedUser { name, .. } => format!("{}:{name}", self.account_id),
        }
    }

    /// `aws:PrincipalArn`: the caller's ARN, except for a role session, whose
    /// principal is the role (`arn:aws:iam::ACCT:role/PATH/NAME`).
    pub fn principal_arn(&self) -> String {
        match &self.kind {
            CallerKind::AssumedRole {
                role_name,
                role_path,
                ..
            } => iam_arn(&self.account_id, "role", role_path, role_name),
            _ => self.arn.clone(),
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            CallerKind::User { .. } => "User",
            CallerKind::Root => "Account",
            CallerKind::AssumedRole { .. } => "AssumedRole",
            CallerKind::FederatedUser { .. } => "FederatedUser",
        }
    }

    /// The caller as the policy engine sees it.
    pub fn principal(&self) -> Principal {
        Principal {
            kind: match self.kind {
                CallerKind::Root => PrincipalKind::Root,
                CallerKind::User { .. } => PrincipalKind::User,
                CallerKind::AssumedRole { .. } => PrincipalKind::AssumedRole,
                CallerKind::FederatedUser { .. } => PrincipalKind::FederatedUser,
            },
            arn: self.arn.clone(),
            account: self.account_id.clone(),
            role_arn: match &self.kind {
                CallerKind::AssumedRole { .. } => Some(self.principal_arn()),
                CallerKind::FederatedUser {
                    user_name,
                    user_path,
                    ..
                } => Some(iam_arn(&self.account_id, "user", user_path, user_name)),
                _ => None,
            },
            service_linked_role: false,
            in_management_account: false,
        }
    }
}
