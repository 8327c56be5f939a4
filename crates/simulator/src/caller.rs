//! Who the simulated caller is: `CallerArn`, the simulated entity, or a user of the
//! resource owner's account.
use policy::request::{Principal, PrincipalKind};

use crate::request::InputError;

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:PARTITION:iam::ACCOUNT:root` → `ACCOUNT`.
pub fn root_arn_account(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, "root"] if is_account_id(account) => Some(account),
        _ => None,
    }
}

/// The caller named by `CallerArn`: an IAM user, a role session, a federated user or the
/// account root. `role_arn` names a session's role when the role has a path.
pub fn caller_principal(arn: &str, role_arn: Option<String>) -> Result<Principal, InputError> {
    let bad = || {
        InputError::new(
            "CallerArn",
            "expected an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME), a role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a federated user ARN (arn:aws:sts::ACCOUNT:federated-user/NAME) or an account root ARN",
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, service, "", account, resource] = parts.as_slice() else {
        return Err(bad());
    };
    if !is_account_id(account) {
        return Err(bad());
    }
    let principal = |kind, role_arn| Principal {
        kind,
        arn: arn.to_string(),
        account: (*account).to_string(),
        role_arn,
        service_linked_role: false,
        in_management_account: false,
    };
    match (*service, resource.split_once('/')) {
        ("iam", None) if *resource == "root" => Ok(principal(PrincipalKind::Root, None)),
        ("iam", Some(("user", name))) if !name.is_empty() => {
            Ok(principal(PrincipalKind::User, None))
        }
        ("sts", Some(("assumed-role", rest))) => {
            let (role, session) = rest.split_once('/').ok_or_else(bad)?;
            if role.is_empty() || session.is_empty() {
                return Err(bad());
            }
            let role_arn =
                role_arn.unwrap_or_else(|| format!("arn:{partition}:iam::{account}:role/{role}"));
            let service_linked = role_arn.contains(":role/aws-service-role/");
            let mut p = principal(PrincipalKind::AssumedRole, Some(role_arn));
            p.service_linked_role = service_linked;
            Ok(p)
        }
        ("sts", Some(("federated-user", name))) if !name.is_empty() => {
            Ok(principal(PrincipalKind::FederatedUser, role_arn))
        }
        _ => Err(bad()),
    }
}

/// The caller when nothing names one: an IAM user of the resource owner's account.
pub fn unnamed_user(owner: Option<&str>) -> Principal {
    let account = owner.unwrap_or("000000000000");
    Principal {
        kind: PrincipalKind::User,
        arn: format!("arn:aws:iam::{account}:user/simulated-caller"),
        account: account.to_string(),
        role_arn: None,
        service_linked_role: false,
        in_management_account: false,
    }
}
