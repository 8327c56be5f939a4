//! Service last accessed: `GenerateServiceLastAccessedDetails`,
//! `GetServiceLastAccessedDetails`, `GetServiceLastAccessedDetailsWithEntities`.
//!
//! A job names a user, group, role or policy. Its report lists every service the
//! entity's policies allow (for a group: its policies, used by its members; for a
//! policy: the policy, used by the users and roles it is attached to, directly or
//! through a group), with when an entity in scope last used it, which one, from which
//! region, and how many did; services never used are listed without those. For the
//! services tracked at action level (`iam`, `sts`, `access-analyzer`) a job of
//! granularity `ACTION_LEVEL` also lists each allowed action. Uses come from what the
//! server records per request (`service_usage`), flushed or still pending. The report
//! is computed when read, so a job is `COMPLETED` at once.
use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use store::{AccessReportJob, AuthorizationDetails, ErrorKind, ServiceUse, StoreError, Timestamp};

use super::{Call, Operation, Target};
use crate::allowed_services::{add_document, Allowed};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("GenerateServiceLastAccessedDetails", entity_arn, generate),
        operation!(
            "GetServiceLastAccessedDetails",
            super::policies::any_resource,
            get_details
        ),
        operation!(
            "GetServiceLastAccessedDetailsWithEntities",
            super::policies::any_resource,
            get_with_entities
        ),
    ]
}

const DEFAULT_MAX_ITEMS: usize = 100;

/// `GenerateServiceLastAccessedDetails` acts on the entity named by `Arn`.
async fn entity_arn(call: &Call) -> ApiResult<Target> {
    let arn = super::input::required(&call.params, "Arn")?;
    Ok(Target::arn(arn.to_owned()))
}

/// A user or role whose activity the report counts.
struct Entity {
    arn: String,
    name: String,
    kind: &'static str,
    id: String,
    path: String,
}

/// What a report is about: who may act, and what they are allowed.
struct Scope {
    entities: Vec<Entity>,
    allowed: Allowed,
}

fn add_managed(details: &AuthorizationDetails, arn: &str, allowed: &mut Allowed) {
    if let Some(policy) = awsdata::managed_policy_by_arn(arn) {
        add_document(policy.default_document(), allowed);
        return;
    }
    if let Some(version) = details
        .policies
        .iter()
        .find(|p| p.policy.arn() == arn)
        .and_then(|p| p.versions.iter().find(|v| v.is_default))
    {
        add_document(&version.document, allowed);
    }
}

fn no_such(arn: &str) -> ApiError {
    StoreError::no_such_entity(format!("The entity {arn} cannot be found.")).into()
}

/// The scope of a report on `arn`, from one snapshot of the account.
fn scope(details: &AuthorizationDetails, arn: &str) -> ApiResult<Scope> {
    let user_entity = |d: &store::UserDetail| Entity {
        arn: d.user.arn(),
        name: d.user.name.clone(),
        kind: "USER",
        id: d.user.user_id.clone(),
        path: d.user.path.clone(),
    };
    let role_entity = |d: &store::RoleDetail| Entity {
        arn: d.role.arn(),
        name: d.role.name.clone(),
        kind: "ROLE",
        id: d.role.role_id.clone(),
        path: d.role.path.clone(),
    };
    let mut allowed = Allowed::new();
    let kind = arn.split(':').nth(5).and_then(|r| r.split('/').next());
    match kind {
        Some("user") => {
            let user = details
                .users
                .iter()
                .find(|d| d.user.arn() == arn)
                .ok_or_else(|| no_such(arn))?;
            for p in &user.inline_policies {
                add_document(&p.document, &mut allowed);
            }
            for p in &user.attached {
                add_managed(details, &p.policy_arn, &mut allowed);
            }
            for group in details
                .groups
                .iter()
                .filter(|g| user.groups.contains(&g.group.name))
            {
                for p in &group.inline_policies {
                    add_document(&p.document, &mut allowed);
                }
                for p in &group.attached {
                    add_managed(details, &p.policy_arn, &mut allowed);
                }
            }
            Ok(Scope {
                entities: vec![user_entity(user)],
                allowed,
            })
        }
        Some("role") => {
            let role = details
                .roles
                .iter()
                .find(|d| d.role.arn() == arn)
                .ok_or_else(|| no_such(arn))?;
            for p in &role.inline_policies {
                add_document(&p.document, &mut allowed);
            }
            for p in &role.attached {
                add_managed(details, &p.policy_arn, &mut allowed);
            }
            Ok(Scope {
                entities: vec![role_entity(role)],
                allowed,
            })
        }
        Some("group") => {
            let group = details
                .groups
                .iter()
                .find(|d| d.group.arn() == arn)
                .ok_or_else(|| no_such(arn))?;
            for p in &group.inline_policies {
                add_document(&p.document, &mut allowed);
            }
            for p in &group.attached {
                add_managed(details, &p.policy_arn, &mut allowed);
            }
            let entities = details
                .users
                .iter()
                .filter(|u| u.groups.contains(&group.group.name))
                .map(user_entity)
                .collect();
            Ok(Scope { entities, allowed })
        }
        Some("policy") => {
            let known = awsdata::managed_policy_by_arn(arn).is_some()
                || details.policies.iter().any(|p| p.policy.arn() == arn);
            if !known {
                return Err(no_such(arn));
            }
            add_managed(details, arn, &mut allowed);
            let attached =
                |list: &[store::AttachedPolicy]| list.iter().any(|p| p.policy_arn == arn);
            let groups: Vec<&str> = details
                .groups
                .iter()
                .filter(|g| attached(&g.attached))
                .map(|g| g.group.name.as_str())
                .collect();
            let mut entities: Vec<Entity> = details
                .users
                .iter()
                .filter(|u| {
                    attached(&u.attached) || u.groups.iter().any(|g| groups.contains(&g.as_str()))
                })
                .map(user_entity)
                .collect();
            entities.extend(
                details
                    .roles
                    .iter()
                    .filter(|r| attached(&r.attached))
                    .map(role_entity),
            );
            Ok(Scope { entities, allowed })
        }
        _ => Err(ApiError::invalid_input(format!(
            "The ARN {arn} is not the ARN of a user, group, role or policy."
        ))),
    }
}

async fn generate(call: &Call, target: &Target) -> ApiResult<String> {
    let granularity = call
        .params
        .get("Granularity")
        .unwrap_or("SERVICE_LEVEL")
        .to_owned();
    let details = call.store().authorization_details(call.account()).await?;
    scope(&details, &target.arn)?;
    let job_id = crate::http::new_request_id();
    call.store()
        .create_access_report_job(AccessReportJob {
            job_id: job_id.clone(),
            account_id: call.account().to_owned(),
            arn: target.arn.clone(),
            granularity,
            created: Timestamp::now(),
        })
        .await?;
    Ok(call.respond(|w| {
        w.text("JobId", &job_id);
    }))
}

async fn job(call: &Call) -> ApiResult<AccessReportJob> {
    let job_id = super::input::required(&call.params, "JobId")?;
    call.store()
        .get_access_report_job(call.account(), job_id)
        .await
        .map_err(|e| match e.kind {
            ErrorKind::NoSuchEntity => {
                ApiError::new("NoSuchEntity", format!("No job found with id {job_id}."))
            }
            _ => e.into(),
        })
}

/// The uses by the scope's entities, flushed and pending.
async fn uses(call: &Call, scope: &Scope) -> ApiResult<Vec<ServiceUse>> {
    let arns: Vec<String> = scope.entities.iter().map(|e| e.arn.clone()).collect();
    let mut uses = call
        .store()
        .service_uses(call.account(), arns.clone())
        .await?;
    uses.extend(call.state.service_usage.pending_for(call.account(), &arns));
    Ok(uses)
}

/// The newest use of `service` (and `action`) and how many entities used it.
fn newest<'a>(
    uses: &'a [ServiceUse],
    service: &str,
    action: Option<&str>,
) -> (Option<&'a ServiceUse>, usize) {
    let matching: Vec<&ServiceUse> = uses
        .iter()
        .filter(|u| u.service == service && u.action.as_deref() == action)
        .collect();
    let mut entities: Vec<&str> = matching.iter().map(|u| u.entity_arn.as_str()).collect();
    entities.sort_unstable();
    entities.dedup();
    (matching.into_iter().max_by_key(|u| u.date), entities.len())
}

fn max_items(call: &Call) -> ApiResult<usize> {
    match call.params.get("MaxItems") {
        None => Ok(DEFAULT_MAX_ITEMS),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| ApiError::invalid_input("MaxItems must be a number.")),
    }
}

/// Pages `items` (sorted by `key`) after `Marker`; the marker is the last key, opaque.
fn page<T>(
    call: &Call,
    items: Vec<T>,
    key: impl Fn(&T) -> String,
) -> ApiResult<(Vec<T>, Option<String>)> {
    let max = max_items(call)?;
    let after = match call.params.get("Marker") {
        Some(m) => Some(
            B64.decode(m)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::invalid_input("Invalid Marker."))?,
        ),
        None => None,
    };
    let mut rest: Vec<T> = items
        .into_iter()
        .filter(|i| after.as_ref().is_none_or(|a| key(i) > *a))
        .collect();
    if rest.len() <= max {
        return Ok((rest, None));
    }
    rest.truncate(max);
    let marker = rest.last().map(|i| B64.encode(key(i)));
    Ok((rest, marker))
}

fn write_job_header(w: &mut awsquery::XmlWriter, job: &AccessReportJob) {
    w.text("JobStatus", "COMPLETED");
    w.text("JobCreationDate", &job.created.iso8601());
    w.text("JobCompletionDate", &job.created.iso8601());
}

fn write_marker(w: &mut awsquery::XmlWriter, marker: &Option<String>) {
    w.bool("IsTruncated", marker.is_some());
    if let Some(m) = marker {
        w.text("Marker", m);
    }
}

fn service_name(prefix: &str) -> String {
    awsdata::service(prefix)
        .map(|s| s.name.to_owned())
        .unwrap_or_else(|| prefix.to_owned())
}

async fn get_details(call: &Call, _target: &Target) -> ApiResult<String> {
    let job = job(call).await?;
    let details = call.store().authorization_details(call.account()).await?;
    let scope = scope(&details, &job.arn)?;
    let uses = uses(call, &scope).await?;
    let action_level = job.granularity == "ACTION_LEVEL";
    let services: Vec<(String, Vec<String>)> = scope
        .allowed
        .iter()
        .map(|(s, actions)| (s.clone(), actions.iter().cloned().collect()))
        .collect();
    let (services, marker) = page(call, services, |(s, _)| s.clone())?;
    Ok(call.respond(|w| {
        write_job_header(w, &job);
        w.text("JobType", &job.granularity);
        w.list(
            "ServicesLastAccessed",
            &services,
            |w, (service, actions)| {
                w.text("ServiceName", &service_name(service));
                w.text("ServiceNamespace", service);
                let (last, count) = newest(&uses, service, None);
                if let Some(last) = last {
                    w.text("LastAuthenticated", &last.date.iso8601());
                    w.text("LastAuthenticatedEntity", &last.entity_arn);
                    w.text("LastAuthenticatedRegion", &last.region);
                }
                w.display("TotalAuthenticatedEntities", count);
                if action_level && !actions.is_empty() {
                    w.list("TrackedActionsLastAccessed", actions, |w, action| {
                        w.text("ActionName", action);
                        if let (Some(last), _) = newest(&uses, service, Some(action)) {
                            w.text("LastAccessedEntity", &last.entity_arn);
                            w.text("LastAccessedTime", &last.date.iso8601());
                            w.text("LastAccessedRegion", &last.region);
                        }
                    });
                }
            },
        );
        write_marker(w, &marker);
    }))
}

async fn get_with_entities(call: &Call, _target: &Target) -> ApiResult<String> {
    let job = job(call).await?;
    let namespace = super::input::required(&call.params, "ServiceNamespace")?;
    let details = call.store().authorization_details(call.account()).await?;
    let scope = scope(&details, &job.arn)?;
    let uses = uses(call, &scope).await?;
    let mut last_by_entity: BTreeMap<&str, Timestamp> = BTreeMap::new();
    for u in uses
        .iter()
        .filter(|u| u.service == namespace && u.action.is_none())
    {
        let e = last_by_entity
            .entry(u.entity_arn.as_str())
            .or_insert(u.date);
        *e = (*e).max(u.date);
    }
    // Most recently used first, then never used; by ARN within each.
    let mut entities: Vec<(&Entity, Option<Timestamp>)> = scope
        .entities
        .iter()
        .map(|e| (e, last_by_entity.get(e.arn.as_str()).copied()))
        .collect();
    entities.sort_by(|(a, ta), (b, tb)| tb.cmp(ta).then_with(|| a.arn.cmp(&b.arn)));
    let keyed: Vec<(String, &Entity, Option<Timestamp>)> = entities
        .into_iter()
        .enumerate()
        .map(|(i, (e, t))| (format!("{i:08}"), e, t))
        .collect();
    let (entities, marker) = page(call, keyed, |(k, _, _)| k.clone())?;
    Ok(call.respond(|w| {
        write_job_header(w, &job);
        w.list("EntityDetailsList", &entities, |w, (_, e, last)| {
            w.element("EntityInfo", |w| {
                w.text("Arn", &e.arn);
                w.text("Name", &e.name);
                w.text("Type", e.kind);
                w.text("Id", &e.id);
                w.text("Path", &e.path);
            });
            if let Some(t) = last {
                w.text("LastAuthenticated", &t.iso8601());
            }
        });
        write_marker(w, &marker);
    }))
}
