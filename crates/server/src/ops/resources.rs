//! Resolvers shared by operations: how to name, and when it exists read, the resource
//! an operation acts on. The ARNs follow the service authorization reference.
use store::{iam_arn, ErrorKind, User};

use super::input;
use super::{Call, Found, Target};
use crate::error::ApiResult;
use crate::identity::CallerKind;

/// The longest name an operation on an existing user accepts (`existingUserNameType`).
pub const EXISTING_USER_NAME_MAX: usize = 128;

/// An account-wide resource such as `arn:aws:iam::ACCT:user/` for `ListUsers`.
pub async fn account_collection(call: &Call, kind: &str) -> ApiResult<Target> {
    Ok(Target::arn(format!(
        "arn:aws:iam::{}:{kind}/",
        call.account()
    )))
}

/// A target for a user that exists: its ARN (with its path) and its tags.
fn user_target(user: User) -> Target {
    Target {
        arn: user.arn(),
        tags: user.tags.clone(),
        found: Some(Found::User(user)),
        ..Target::default()
    }
}

/// The user named by `UserName` (required). When it does not exist the ARN has the
/// root path, and the handler answers `NoSuchEntity` once authorization passes.
pub async fn named_user(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "UserName", EXISTING_USER_NAME_MAX)?;
    lookup_user(call, name).await
}

/// The user named by `UserName`, or the caller when absent (`GetUser`,
/// `CreateAccessKey`, ...). For the root without `UserName`, the root's ARN.
pub async fn named_user_or_caller(call: &Call) -> ApiResult<Target> {
    if let Some(name) = input::optional_name(&call.params, "UserName", EXISTING_USER_NAME_MAX)? {
        return lookup_user(call, name).await;
    }
    match &call.caller.kind {
        CallerKind::Root => Ok(Target::arn(call.caller.arn.clone())),
        CallerKind::User { name, .. } => lookup_user(call, name).await,
        CallerKind::AssumedRole { .. } | CallerKind::FederatedUser { .. } => {
            Err(crate::error::ApiError::validation(
                "Must specify userName when calling with non-User credentials",
            ))
        }
    }
}

async fn lookup_user(call: &Call, name: &str) -> ApiResult<Target> {
    match call.store().get_user(call.account(), name).await {
        Ok(user) => Ok(user_target(user)),
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), "user", "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `CreateUser`: the ARN the new user will have.
pub async fn new_user(call: &Call) -> ApiResult<Target> {
    let name = input::required_name(&call.params, "UserName", 64)?;
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(call.account(), "user", &path, name)))
}

impl Target {
    /// The user the resolver found, if any.
    pub fn user(&self) -> Option<&User> {
        match &self.found {
            Some(Found::User(u)) => Some(u),
            _ => None,
        }
    }

    /// The permissions boundary of the user or role the resolver found, if it has one
    /// (`iam:PermissionsBoundary` of operations on existing entities).
    pub fn permissions_boundary(&self) -> Option<&str> {
        match &self.found {
            Some(Found::User(u)) => u.permissions_boundary.as_deref(),
            Some(Found::Role(r)) => r.permissions_boundary.as_deref(),
            _ => None,
        }
    }
}
