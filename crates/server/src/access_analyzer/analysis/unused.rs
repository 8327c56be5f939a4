//! Unused access of an unused-access analyzer, from the last-used data the server
//! records: roles not used within the tracking period (`UnusedIAMRole`), active access
//! keys and console passwords not used within it (`UnusedIAMUserAccessKey`,
//! `UnusedIAMUserPassword`), and services (for the services tracked at action level,
//! actions) that a user's or a used role's policies allow but that it has not used
//! within it (`UnusedPermission`). Something never used counts as unused.
use std::collections::HashMap;

use serde_json::{json, Value};
use store::{PageRequest, Role, ServiceUse, Timestamp};

use super::Computed;
use crate::access_analyzer::protocol::AaResult;
use crate::access_analyzer::AaCall;
use crate::allowed_services::{self, Allowed};

const DAY_MS: i64 = 86_400_000;
const ROLE: &str = "AWS::IAM::Role";
const USER: &str = "AWS::IAM::User";

fn unused(last: Option<Timestamp>, cutoff: i64) -> bool {
    last.is_none_or(|t| t.millis() < cutoff)
}

fn last_accessed(last: Option<Timestamp>) -> Value {
    match last {
        Some(t) => json!({ "lastAccessed": t.iso8601() }),
        None => json!({}),
    }
}

/// The unused services and actions of one entity, as `findingDetails` items.
pub fn unused_permissions(allowed: &Allowed, uses: &[ServiceUse], cutoff: i64) -> Vec<Value> {
    let mut service_last: HashMap<&str, Timestamp> = HashMap::new();
    let mut action_last: HashMap<(&str, &str), Timestamp> = HashMap::new();
    for u in uses {
        match &u.action {
            None => {
                let e = service_last.entry(u.service.as_str()).or_insert(u.date);
                *e = (*e).max(u.date);
            }
            Some(a) => {
                let e = action_last
                    .entry((u.service.as_str(), a.as_str()))
                    .or_insert(u.date);
                *e = (*e).max(u.date);
            }
        }
    }
    let mut out = Vec::new();
    for (service, actions) in allowed {
        let last = service_last.get(service.as_str()).copied();
        let unused_actions: Vec<Value> = actions
            .iter()
            .filter_map(|a| {
                let last = action_last.get(&(service.as_str(), a.as_str())).copied();
                unused(last, cutoff).then(|| {
                    let mut item = json!({ "action": a });
                    if let Some(t) = last {
                        item["lastAccessed"] = json!(t.iso8601());
                    }
                    item
                })
            })
            .collect();
        if !unused(last, cutoff) && unused_actions.is_empty() {
            continue;
        }
        let mut detail = json!({ "serviceNamespace": service });
        if let Some(t) = last {
            detail["lastAccessed"] = json!(t.iso8601());
        }
        if !unused_actions.is_empty() {
            detail["actions"] = json!(unused_actions);
        }
        out.push(json!({ "unusedPermissionDetails": detail }));
    }
    out
}

async fn uses_of(call: &AaCall, arn: &str) -> AaResult<Vec<ServiceUse>> {
    let arns = vec![arn.to_owned()];
    let mut uses = call
        .state
        .store
        .service_uses(call.account(), arns.clone())
        .await?;
    uses.extend(call.state.service_usage.pending_for(call.account(), &arns));
    Ok(uses)
}

async fn all_roles(call: &AaCall) -> AaResult<Vec<Role>> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        marker: None,
        max_items: 1000,
    };
    loop {
        let roles = call
            .state
            .store
            .list_roles(call.account(), "/", &page)
            .await?;
        out.extend(roles.items);
        match roles.marker {
            Some(marker) => page.marker = Some(marker),
            None => return Ok(out),
        }
    }
}

fn permission_finding(arn: &str, resource_type: &'static str, details: Vec<Value>) -> Computed {
    Computed {
        key: format!("UnusedPermission|{arn}"),
        finding_type: "UnusedPermission",
        resource: arn.to_owned(),
        resource_type,
        details: json!({ "findingDetails": details }),
    }
}

/// Every unused access finding of the caller's account for a tracking period of
/// `age_days`.
pub async fn compute(call: &AaCall, age_days: i64) -> AaResult<Vec<Computed>> {
    let cutoff = Timestamp::now().millis() - age_days * DAY_MS;
    let store = &call.state.store;
    let account = call.account();
    let mut out = Vec::new();
    for role in all_roles(call).await? {
        // Service-linked roles belong to their service; AWS does not report them.
        if role.service_linked {
            continue;
        }
        let arn = role.arn();
        // A role is used when its sessions call: the newest of what IAM recorded and
        // of the service uses of its sessions.
        let uses = uses_of(call, &arn).await?;
        let last = role
            .last_used
            .as_ref()
            .map(|u| u.date)
            .into_iter()
            .chain(uses.iter().map(|u| u.date))
            .max();
        if unused(last, cutoff) {
            out.push(Computed {
                key: format!("UnusedIAMRole|{arn}"),
                finding_type: "UnusedIAMRole",
                resource: arn,
                resource_type: ROLE,
                details: json!({ "findingDetails": [{ "unusedIamRoleDetails": last_accessed(last) }] }),
            });
            continue;
        }
        let allowed = allowed_services::for_role(&**store, account, &role.role_id).await?;
        let details = unused_permissions(&allowed, &uses, cutoff);
        if !details.is_empty() {
            out.push(permission_finding(&arn, ROLE, details));
        }
    }
    let inventory = store.credential_inventory(account).await?;
    for user in &inventory.users {
        let arn = user.user.arn();
        for key in &user.keys {
            let pending = call.state.last_used.pending_date(&key.key.access_key_id);
            let last = key.last_used.date.max(pending);
            if key.key.status != store::KeyStatus::Active || !unused(last, cutoff) {
                continue;
            }
            let mut detail = last_accessed(last);
            detail["accessKeyId"] = json!(key.key.access_key_id);
            out.push(Computed {
                key: format!("UnusedIAMUserAccessKey|{arn}|{}", key.key.access_key_id),
                finding_type: "UnusedIAMUserAccessKey",
                resource: arn.clone(),
                resource_type: USER,
                details: json!({ "findingDetails": [{ "unusedIamUserAccessKeyDetails": detail }] }),
            });
        }
        if user.login_profile.is_some() && unused(user.user.password_last_used, cutoff) {
            out.push(Computed {
                key: format!("UnusedIAMUserPassword|{arn}"),
                finding_type: "UnusedIAMUserPassword",
                resource: arn.clone(),
                resource_type: USER,
                details: json!({ "findingDetails": [{
                    "unusedIamUserPasswordDetails": last_accessed(user.user.password_last_used)
                }] }),
            });
        }
        let allowed = allowed_services::for_user(&**store, account, &user.user.user_id).await?;
        let details = unused_permissions(&allowed, &uses_of(call, &arn).await?, cutoff);
        if !details.is_empty() {
            out.push(permission_finding(&arn, USER, details));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_used_within_the_period_are_not_reported() {
        let mut allowed = Allowed::new();
        allowed.entry("s3".into()).or_default();
        allowed.entry("ec2".into()).or_default();
        allowed
            .entry("iam".into())
            .or_default()
            .extend(["GetUser".to_owned(), "ListUsers".to_owned()]);
        let now = Timestamp::now();
        let use_of = |service: &str, action: Option<&str>, date: Timestamp| ServiceUse {
            account_id: "1".into(),
            entity_arn: "arn".into(),
            service: service.into(),
            action: action.map(str::to_owned),
            date,
            region: "us-east-1".into(),
        };
        let uses = vec![
            use_of("s3", None, now),
            use_of("ec2", None, Timestamp(0)),
            use_of("iam", None, now),
            use_of("iam", Some("GetUser"), now),
        ];
        let details = unused_permissions(&allowed, &uses, now.millis() - DAY_MS);
        let services: Vec<&str> = details
            .iter()
            .map(|d| {
                d["unusedPermissionDetails"]["serviceNamespace"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(services, ["ec2", "iam"]);
        assert_eq!(
            details[1]["unusedPermissionDetails"]["actions"],
            json!([{ "action": "ListUsers" }])
        );
        assert!(details[0]["unusedPermissionDetails"]["lastAccessed"].is_string());
    }
}
