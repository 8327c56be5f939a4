//! Console passwords: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile,
//! DeleteLoginProfile, and ChangePassword (a user changing its own password).
//!
//! Every new password is checked against the account password policy
//! ([`password_policy::check_password`]) and its reuse prevention, then hashed with
//! Argon2id off the async workers. Passwords are never logged, stored or returned.
use store::password::{hash_password, verify_password};
use store::{LoginProfile, LoginSecrets, PasswordPolicy, SecretString, Timestamp};

use super::password_policy::{check_password, reused_password};
use super::resources;
use super::{input, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "CreateLoginProfile",
            resources::named_user_or_caller,
            create_login_profile
        ),
        operation!(
            "GetLoginProfile",
            resources::named_user_or_caller,
            get_login_profile
        ),
        operation!(
            "UpdateLoginProfile",
            resources::named_user,
            update_login_profile
        ),
        operation!(
            "DeleteLoginProfile",
            resources::named_user_or_caller,
            delete_login_profile
        ),
        operation!(
            "ChangePassword",
            resources::named_user_or_caller,
            change_password
        ),
    ]
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The user whose profile it is. The root has no login profile through this API.
fn profile_user<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t str> {
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        return Err(ApiError::new(
            "InvalidUserType",
            "The request was rejected because the type of user for the transaction was incorrect.",
        ));
    }
    super::users::existing_user(call, target).map(|u| u.name.as_str())
}

fn password_param(call: &Call, member: &str) -> ApiResult<SecretString> {
    input::required(&call.params, member).map(|p| SecretString::new(p.to_owned()))
}

/// Runs Argon2 on the blocking pool: it is slow on purpose.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::service_failure(&format!("password hashing task: {e}")))
}

/// Checks a new password against the policy and, for an existing profile, the
/// passwords reuse prevention remembers; returns its hash.
async fn new_password_hash(
    policy: Option<&PasswordPolicy>,
    password: SecretString,
    secrets: Option<LoginSecrets>,
) -> ApiResult<SecretString> {
    check_password(policy, password.expose())?;
    let remembered = policy.and_then(|p| p.reuse_prevention).unwrap_or(0) as usize;
    let earlier: Vec<SecretString> = match (remembered, secrets) {
        (0, _) | (_, None) => Vec::new(),
        (n, Some(s)) => std::iter::once(s.current_hash)
            .chain(s.previous_hashes.into_iter().take(n))
            .collect(),
    };
    let (reused, hash) = blocking(move || {
        let reused = earlier.iter().any(|h| verify_password(&password, h));
        (reused, hash_password(&password))
    })
    .await?;
    if reused {
        return Err(reused_password(policy));
    }
    Ok(hash?)
}

fn login_profile_xml(call: &Call, profile: &LoginProfile) -> String {
    call.respond(|w| {
        w.element("LoginProfile", |w| {
            w.text("UserName", &profile.user_name)
                .text("CreateDate", &profile.created.iso8601())
                .bool("PasswordResetRequired", profile.reset_required);
        });
    })
}

fn flag(call: &Call, member: &str) -> Option<bool> {
    call.params
        .get(member)
        .map(|v| v.eq_ignore_ascii_case("true"))
}

async fn create_login_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let user = profile_user(call, target)?;
    let password = password_param(call, "Password")?;
    let policy = call.store().get_password_policy(call.account()).await?;
    // Remembered hashes outlive a deleted profile, so a new one may not reuse them.
    let hash = new_password_hash(policy.as_ref(), password, None).await?;
    let profile = call
        .store()
        .create_login_profile(
            call.account(),
            user,
            hash,
            flag(call, "PasswordResetRequired").unwrap_or(false),
        )
        .await?;
    Ok(login_profile_xml(call, &profile))
}

async fn get_login_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let user = profile_user(call, target)?;
    let profile = call.store().get_login_profile(call.account(), user).await?;
    Ok(login_profile_xml(call, &profile))
}

async fn update_login_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let user = profile_user(call, target)?;
    let hash = match call.params.get("Password") {
        Some(_) => {
            let password = password_param(call, "Password")?;
            let policy = call.store().get_password_policy(call.account()).await?;
            let secrets = call.store().login_secrets(call.account(), user).await?;
            Some(new_password_hash(policy.as_ref(), password, Some(secrets)).await?)
        }
        None => None,
    };
    call.store()
        .update_login_profile(
            call.account(),
            user,
            hash,
            flag(call, "PasswordResetRequired"),
        )
        .await?;
    Ok(call.respond_empty())
}

async fn delete_login_profile(call: &Call, target: &Target) -> ApiResult<String> {
    let user = profile_user(call, target)?;
    call.store()
        .delete_login_profile(call.account(), user)
        .await?;
    Ok(call.respond_empty())
}

/// Whether the policy's maximum age has passed since the password was set.
fn expired(policy: Option<&PasswordPolicy>, profile: &LoginProfile, now: Timestamp) -> bool {
    policy.and_then(|p| p.max_age_days).is_some_and(|days| {
        now.millis() - profile.password_changed.millis() >= i64::from(days) * DAY_MS
    })
}

async fn change_password(call: &Call, _target: &Target) -> ApiResult<String> {
    if call.caller.is_root() {
        return Err(ApiError::new(
            "InvalidUserType",
            "The request was rejected because the type of user for the transaction was incorrect.",
        ));
    }
    // The caller's own password, whatever `UserName` the resolver saw (the model has none).
    let user = call
        .caller
        .user_name()
        .ok_or_else(|| ApiError::new("InvalidUserType", "Only IAM users can change passwords."))?
        .to_owned();
    let old = password_param(call, "OldPassword")?;
    let new = password_param(call, "NewPassword")?;
    let policy = call.store().get_password_policy(call.account()).await?;
    let secrets = call.store().login_secrets(call.account(), &user).await?;
    let current = secrets.current_hash.clone();
    let old_matches = blocking(move || verify_password(&old, &current)).await?;
    if !old_matches {
        return Err(ApiError::access_denied("The old password is incorrect."));
    }
    let hard_expiry = policy.as_ref().and_then(|p| p.hard_expiry) == Some(true);
    if hard_expiry && expired(policy.as_ref(), &secrets.profile, Timestamp::now()) {
        // HardExpiry: once expired, only an administrator can set a new password.
        return Err(ApiError::new(
            "EntityTemporarilyUnmodifiable",
            "The password has expired and the account password policy requires an administrator to reset it.",
        ));
    }
    let hash = new_password_hash(policy.as_ref(), new, Some(secrets)).await?;
    call.store()
        .update_login_profile(call.account(), &user, Some(hash), Some(false))
        .await?;
    Ok(call.respond_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_expire_after_the_policy_age() {
        let policy = PasswordPolicy {
            max_age_days: Some(90),
            ..PasswordPolicy::default()
        };
        let profile = LoginProfile {
            user_name: "alice".into(),
            created: Timestamp(0),
            password_changed: Timestamp(0),
            reset_required: false,
        };
        assert!(!expired(Some(&policy), &profile, Timestamp(89 * DAY_MS)));
        assert!(expired(Some(&policy), &profile, Timestamp(90 * DAY_MS)));
        assert!(!expired(None, &profile, Timestamp(900 * DAY_MS)));
    }
}
