//! The account password policy (UpdateAccountPasswordPolicy, GetAccountPasswordPolicy,
//! DeleteAccountPasswordPolicy, all authorized on `*`) and the rules every new password
//! is checked against ([`check_password`]).
use store::{PasswordPolicy, StoreError};

use super::policies::any_resource;
use super::{Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "UpdateAccountPasswordPolicy",
            any_resource,
            update_account_password_policy
        ),
        operation!(
            "GetAccountPasswordPolicy",
            any_resource,
            get_account_password_policy
        ),
        operation!(
            "DeleteAccountPasswordPolicy",
            any_resource,
            delete_account_password_policy
        ),
    ]
}

/// The characters IAM counts as symbols.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// Without a custom policy, AWS's default applies: at least 8 characters, of at least
/// three of the four kinds (uppercase, lowercase, numbers, symbols).
const DEFAULT_MINIMUM_LENGTH: usize = 8;
const DEFAULT_KINDS_REQUIRED: usize = 3;

fn violation(message: impl Into<String>) -> ApiError {
    ApiError::new("PasswordPolicyViolation", message)
}

/// Checks `password` against the account's policy (AWS's default without one). Every
/// rule broken is named, in the policy's order.
pub fn check_password(policy: Option<&PasswordPolicy>, password: &str) -> ApiResult<()> {
    let length = password.chars().count();
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let number = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| SYMBOLS.contains(c));
    let Some(policy) = policy else {
        let kinds = [upper, lower, number, symbol]
            .iter()
            .filter(|k| **k)
            .count();
        if length < DEFAULT_MINIMUM_LENGTH || kinds < DEFAULT_KINDS_REQUIRED {
            return Err(violation(
                "Password does not conform to the account password policy.",
            ));
        }
        return Ok(());
    };
    let mut broken = Vec::new();
    if length < policy.minimum_length as usize {
        broken.push(format!(
            "Password should have a minimum length of {}",
            policy.minimum_length
        ));
    }
    let kinds = [
        (policy.require_uppercase, upper, "uppercase letter"),
        (policy.require_lowercase, lower, "lowercase letter"),
        (policy.require_numbers, number, "number"),
        (policy.require_symbols, symbol, "symbol"),
    ];
    for (required, present, what) in kinds {
        if required && !present {
            broken.push(format!("Password should have at least one {what}"));
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(violation(broken.join("; ")))
    }
}

/// Refuses a password the policy's reuse prevention remembers.
pub fn reused_password(policy: Option<&PasswordPolicy>) -> ApiError {
    let n = policy.and_then(|p| p.reuse_prevention).unwrap_or(1);
    violation(format!(
        "Password should not be one of your previous {n} passwords."
    ))
}

fn flag(call: &Call, member: &str) -> bool {
    call.params
        .get(member)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// An integer member the model already checked for range; `None` when absent.
fn number(call: &Call, member: &str) -> ApiResult<Option<u32>> {
    match call.params.get(member) {
        None => Ok(None),
        Some(raw) => raw.trim().parse().map(Some).map_err(|_| {
            ApiError::validation(format!(
                "1 validation error detected: Value '{raw}' at '{member}' failed to satisfy constraint: Member must be a number"
            ))
        }),
    }
}

async fn update_account_password_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    // Members left out take their defaults, as in IAM: the call sets the whole policy.
    let defaults = PasswordPolicy::default();
    let policy = PasswordPolicy {
        minimum_length: number(call, "MinimumPasswordLength")?.unwrap_or(defaults.minimum_length),
        require_symbols: flag(call, "RequireSymbols"),
        require_numbers: flag(call, "RequireNumbers"),
        require_uppercase: flag(call, "RequireUppercaseCharacters"),
        require_lowercase: flag(call, "RequireLowercaseCharacters"),
        allow_users_to_change_password: flag(call, "AllowUsersToChangePassword"),
        max_age_days: number(call, "MaxPasswordAge")?.filter(|d| *d > 0),
        reuse_prevention: number(call, "PasswordReusePrevention")?.filter(|n| *n > 0),
        hard_expiry: call
            .params
            .get("HardExpiry")
            .map(|_| flag(call, "HardExpiry")),
    };
    call.store()
        .put_password_policy(call.account(), policy)
        .await?;
    Ok(call.respond_empty())
}

async fn get_account_password_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    let policy = call
        .store()
        .get_password_policy(call.account())
        .await?
        .ok_or_else(|| {
            StoreError::no_such_entity(format!(
                "The Password Policy with domain name {} cannot be found.",
                call.account()
            ))
        })?;
    Ok(call.respond(|w| {
        w.element("PasswordPolicy", |w| {
            w.display("MinimumPasswordLength", policy.minimum_length)
                .bool("RequireSymbols", policy.require_symbols)
                .bool("RequireNumbers", policy.require_numbers)
                .bool("RequireUppercaseCharacters", policy.require_uppercase)
                .bool("RequireLowercaseCharacters", policy.require_lowercase)
                .bool(
                    "AllowUsersToChangePassword",
                    policy.allow_users_to_change_password,
                )
                .bool("ExpirePasswords", policy.max_age_days.is_some());
            if let Some(days) = policy.max_age_days {
                w.display("MaxPasswordAge", days);
            }
            if let Some(n) = policy.reuse_prevention {
                w.display("PasswordReusePrevention", n);
            }
            if let Some(hard) = policy.hard_expiry {
                w.bool("HardExpiry", hard);
            }
        });
    }))
}

async fn delete_account_password_policy(call: &Call, _target: &Target) -> ApiResult<String> {
    call.store().delete_password_policy(call.account()).await?;
    Ok(call.respond_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> PasswordPolicy {
        PasswordPolicy {
            minimum_length: 12,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            ..PasswordPolicy::default()
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        let err = check_password(Some(&strict()), "short").unwrap_err();
        assert_eq!(err.code(), "PasswordPolicyViolation");
        assert_eq!(
            err.message(),
            "Password should have a minimum length of 12; \
             Password should have at least one uppercase letter; \
             Password should have at least one number; \
             Password should have at least one symbol"
        );
        assert!(check_password(Some(&strict()), "Long-enough-1").is_ok());
    }

    #[test]
    fn the_default_policy_needs_eight_characters_of_three_kinds() {
        assert!(check_password(None, "abcdefgh").is_err());
        assert!(check_password(None, "Abcdef1").is_err());
        assert!(check_password(None, "Abcdefg1").is_ok());
        assert!(check_password(None, "abcdefg1!").is_ok());
    }

    #[test]
    fn a_lenient_policy_accepts_what_the_default_refuses() {
        let lenient = PasswordPolicy::default();
        assert!(check_password(Some(&lenient), "abcdef").is_ok());
        assert!(check_password(Some(&lenient), "abcde").is_err());
    }
}
