//! The entity `SimulatePrincipalPolicy` and `GetContextKeysForPrincipalPolicy` act on:
//! its policies, named as AWS's simulator names them in `MatchedStatements`
//! (`SourcePolicyType` "IAM Policy" for all identity policies):
//! - inline policies: `user_NAME_POLICY`, `group_NAME_POLICY`, `role_NAME_POLICY`;
//! - managed policies (AWS's and the account's): the policy's name;
//! - the permissions boundary: its policy's name, as "Permissions Boundary Policy".
use policy::request::{Principal, PrincipalKind as CallerKind};
use simulator::request::{PolicyInput, BOUNDARY_POLICY, IAM_POLICY};
use store::{ManagedDocument, PageRequest, PrincipalKind, PrincipalName, PrincipalPolicies};

use crate::error::{ApiError, ApiResult};
use crate::ops::Call;

/// The entity a `PolicySourceArn` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: PrincipalKind,
    pub name: String,
}

/// Reads `arn:aws:iam::ACCOUNT:user/PATH/NAME` (or `group/`, `role/`). Another account's
/// entity cannot be found in this one.
pub fn parse_source_arn(arn: &str, account: &str) -> ApiResult<Source> {
    let invalid = || {
        ApiError::invalid_input(format!(
            "PolicySourceArn {arn} is not the ARN of a user, group or role."
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", _, "iam", "", arn_account, resource] = parts.as_slice() else {
        return Err(invalid());
    };
    let (kind, rest) = resource.split_once('/').ok_or_else(invalid)?;
    let kind = match kind {
        "user" => PrincipalKind::User,
        "group" => PrincipalKind::Group,
        "role" => PrincipalKind::Role,
        _ => return Err(invalid()),
    };
    let name = rest.rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        return Err(invalid());
    }
    let source = Source {
        kind,
        name: name.to_owned(),
    };
    if *arn_account != account {
        return Err(source.not_found());
    }
    Ok(source)
}

impl Source {
    fn not_found(&self) -> ApiError {
        let kind = match self.kind {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            PrincipalKind::Role => "role",
        };
        ApiError::new(
            "NoSuchEntity",
            format!("The {kind} with name {} cannot be found.", self.name),
        )
    }
}

/// What the simulation of an entity starts from.
#[derive(Debug, Clone, Default)]
pub struct EntityPolicies {
    pub identity: Vec<PolicyInput>,
    pub boundary: Option<PolicyInput>,
    /// The caller when the request names none: the user itself, or a session of the
    /// role. `None` for groups.
    pub caller: Option<Principal>,
}

/// Reads every policy of the entity: inline and attached (for users, also their
/// groups'), and its permissions boundary.
pub async fn entity_policies(call: &Call, source: &Source) -> ApiResult<EntityPolicies> {
    let store = call.store();
    let account = call.account();
    match source.kind {
        PrincipalKind::User => {
            let user = store.get_user(account, &source.name).await?;
            let stored = store.user_policies(account, &user.user_id).await?;
            let mut out = from_stored(&stored);
            out.caller = Some(principal(CallerKind::User, user.arn(), account, None));
            Ok(out)
        }
        PrincipalKind::Role => {
            let role = store.get_role(account, &source.name).await?;
            let stored = store.role_policies(account, &role.role_id).await?;
            let mut out = from_stored(&stored);
            let arn = role.arn();
            out.caller = Some(principal(
                CallerKind::AssumedRole,
                arn.clone(),
                account,
                Some(arn),
            ));
            Ok(out)
        }
        PrincipalKind::Group => group_policies(call, &source.name).await,
    }
}

fn principal(kind: CallerKind, arn: String, account: &str, role_arn: Option<String>) -> Principal {
    Principal {
        kind,
        arn,
        account: account.to_owned(),
        role_arn,
        service_linked_role: false,
        in_management_account: false,
    }
}

fn from_stored(stored: &PrincipalPolicies) -> EntityPolicies {
    let mut identity: Vec<PolicyInput> = stored
        .inline
        .iter()
        .map(|doc| PolicyInput::new(inline_id(&doc.source), IAM_POLICY, doc.document.clone()))
        .collect();
    identity.extend(
        stored
            .managed
            .iter()
            .filter_map(|m| managed_input(&m.arn, m.document.as_deref(), IAM_POLICY)),
    );
    let boundary = stored.boundary.as_ref().and_then(|b: &ManagedDocument| {
        managed_input(&b.arn, b.document.as_deref(), BOUNDARY_POLICY)
    });
    EntityPolicies {
        identity,
        boundary,
        caller: None,
    }
}

/// `user/alice/inline/ReadOnly` (the store's label) → `user_alice_ReadOnly`.
fn inline_id(source: &str) -> String {
    match source.split_once("/inline/") {
        Some((owner, name)) => format!("{}_{name}", owner.replacen('/', "_", 1)),
        None => source.to_owned(),
    }
}

/// The policy's name: the last segment of its ARN (`.../policy/job-function/X` → `X`).
fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// A managed policy's default version; AWS managed policies come from the built-in set.
fn managed_input(arn: &str, document: Option<&str>, source_type: &str) -> Option<PolicyInput> {
    let document = match document {
        Some(text) => text.to_owned(),
        None => awsdata::managed_policy_by_arn(arn)?
            .default_document()
            .to_owned(),
    };
    Some(PolicyInput::new(policy_name(arn), source_type, document))
}

/// A group's inline and attached policies. Groups have no boundary.
async fn group_policies(call: &Call, name: &str) -> ApiResult<EntityPolicies> {
    let store = call.store();
    let account = call.account();
    let group = store.get_group(account, name).await?;
    let owner = PrincipalName {
        kind: PrincipalKind::Group,
        name: &group.name,
    };
    let mut out = EntityPolicies::default();
    let mut marker = None;
    loop {
        let page = PageRequest::new(marker, Some(1000));
        let names = store.list_inline_policies(account, owner, &page).await?;
        for policy_name in &names.items {
            let policy = store.get_inline_policy(account, owner, policy_name).await?;
            out.identity.push(PolicyInput::new(
                format!("group_{}_{}", group.name, policy.name),
                IAM_POLICY,
                policy.document,
            ));
        }
        marker = names.marker;
        if marker.is_none() {
            break;
        }
    }
    let mut marker = None;
    loop {
        let page = PageRequest::new(marker, Some(1000));
        let attached = store
            .list_attached_policies(account, owner, "/", &page)
            .await?;
        for policy in &attached.items {
            let document = if policy.policy_arn.starts_with("arn:aws:iam::aws:") {
                None
            } else {
                let meta = store.get_policy(account, &policy.policy_arn).await?;
                let version = store
                    .get_policy_version(account, &policy.policy_arn, &meta.default_version_id)
                    .await?;
                Some(version.document)
            };
            out.identity.extend(managed_input(
                &policy.policy_arn,
                document.as_deref(),
                IAM_POLICY,
            ));
        }
        marker = attached.marker;
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_arns() {
        let s = parse_source_arn(
            "arn:aws:iam::123456789012:user/dev/jane-dev",
            "123456789012",
        )
        .unwrap();
        assert_eq!((s.kind, s.name.as_str()), (PrincipalKind::User, "jane-dev"));
        let s = parse_source_arn("arn:aws:iam::123456789012:role/R", "123456789012").unwrap();
        assert_eq!(s.kind, PrincipalKind::Role);
        let e = parse_source_arn("arn:aws:iam::111111111111:group/G", "123456789012").unwrap_err();
        assert_eq!(e.code(), "NoSuchEntity");
        assert_eq!(e.message(), "The group with name G cannot be found.");
        for bad in [
            "arn:aws:iam::123456789012:policy/P",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:user/",
        ] {
            assert_eq!(
                parse_source_arn(bad, "123456789012").unwrap_err().code(),
                "InvalidInput"
            );
        }
    }

    #[test]
    fn ids_as_aws_names_them() {
        assert_eq!(
            inline_id("user/alice/inline/ReadOnly"),
            "user_alice_ReadOnly"
        );
        assert_eq!(inline_id("group/Developers/inline/x"), "group_Developers_x");
        assert_eq!(
            policy_name("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
            "ViewOnlyAccess"
        );
    }
}
