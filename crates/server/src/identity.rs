//! Who is calling: the identity an access key authenticates as.
use policy::request::{Principal, PrincipalKind};
use store::{iam_arn, root_arn};

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
}

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account_id: String,
    pub access_key_id: String,
    pub kind: CallerKind,
    /// `arn:aws:iam::ACCT:root` or the user's ARN.
    pub arn: String,
}

impl Caller {
    pub fn root(account_id: &str, access_key_id: &str) -> Self {
        Caller {
            account_id: account_id.to_owned(),
            access_key_id: access_key_id.to_owned(),
            kind: CallerKind::Root,
            arn: root_arn(account_id),
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
        }
    }

    pub fn is_root(&self) -> bool {
        matches!(self.kind, CallerKind::Root)
    }

    /// The user's name; `None` for the root.
    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::User { name, .. } => Some(name),
            CallerKind::Root => None,
        }
    }

    /// `aws:userid`: the user's unique id, or the account id for the root.
    pub fn unique_id(&self) -> &str {
        match &self.kind {
            CallerKind::User { user_id, .. } => user_id,
            CallerKind::Root => &self.account_id,
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            CallerKind::User { .. } => "User",
            CallerKind::Root => "Account",
        }
    }

    /// The caller as the policy engine sees it.
    pub fn principal(&self) -> Principal {
        Principal {
            kind: match self.kind {
                CallerKind::Root => PrincipalKind::Root,
                CallerKind::User { .. } => PrincipalKind::User,
            },
            arn: self.arn.clone(),
            account: self.account_id.clone(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        }
    }
}
