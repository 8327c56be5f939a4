//! Service-specific credentials: CreateServiceSpecificCredential,
//! ListServiceSpecificCredentials, ResetServiceSpecificCredential,
//! UpdateServiceSpecificCredential, DeleteServiceSpecificCredential.
//!
//! CodeCommit and Amazon Keyspaces get a user name (`jane-at-123456789012`) and a
//! password; Bedrock and CloudWatch Logs get an API key (an alias and a secret, which
//! may expire after `CredentialAgeDays`). The password or secret is shown once, when
//! created or reset; iamd keeps only its SHA-256.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use store::{NewServiceCredential, ServiceCredential, Timestamp};

use super::resources::{account_collection, named_user, named_user_or_caller};
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateServiceSpecificCredential", named_user, create),
        operation!("ListServiceSpecificCredentials", listed_users, list),
        operation!(
            "ResetServiceSpecificCredential",
            named_user_or_caller,
            reset
        ),
        operation!(
            "UpdateServiceSpecificCredential",
            named_user_or_caller,
            update
        ),
        operation!(
            "DeleteServiceSpecificCredential",
            named_user_or_caller,
            delete
        ),
    ]
}

/// What a service's credentials are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A user name and a password.
    Password,
    /// An API key: an alias and a secret, with an optional lifetime.
    ApiKey,
}

/// The services that take service-specific credentials, as AWS lists them.
fn kind_of(service: &str) -> Option<Kind> {
    match service {
        "codecommit.amazonaws.com" | "cassandra.amazonaws.com" => Some(Kind::Password),
        "bedrock.amazonaws.com" | "logs.amazonaws.com" => Some(Kind::ApiKey),
        _ => None,
    }
}

fn not_supported(service: &str) -> ApiError {
    ApiError::new(
        "NotSupportedService",
        format!("Service {service} is not supported for service specific credentials."),
    )
}

fn random_secret(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut raw);
    B64.encode(raw)
}

fn sha256_hex(secret: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A new password or key secret for a credential of `kind` (with `alias` for keys).
fn new_secret(kind: Kind, alias: Option<&str>) -> String {
    match (kind, alias) {
        // An API key carries its alias, as Bedrock's keys do: `ABSK` + base64(alias:secret).
        (Kind::ApiKey, Some(alias)) => format!(
            "ABSK{}",
            B64.encode(format!("{alias}:{}", random_secret(30)))
        ),
        _ => random_secret(33),
    }
}

fn user_name<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t str> {
    super::users::existing_user(call, target).map(|u| u.name.as_str())
}

fn credential_id(call: &Call) -> ApiResult<&str> {
    input::required(&call.params, "ServiceSpecificCredentialId")
}

fn write_credential(w: &mut awsquery::XmlWriter, c: &ServiceCredential, secret: Option<&str>) {
    w.element("ServiceSpecificCredential", |w| {
        w.text("CreateDate", &c.created.iso8601());
        if let Some(expires) = c.expires {
            w.text("ExpirationDate", &expires.iso8601());
        }
        w.text("ServiceName", &c.service);
        if let Some(name) = &c.service_user_name {
            w.text("ServiceUserName", name);
            w.opt_text("ServicePassword", secret);
        }
        if let Some(alias) = &c.alias {
            w.text("ServiceCredentialAlias", alias);
            w.opt_text("ServiceCredentialSecret", secret);
        }
        w.text("ServiceSpecificCredentialId", &c.id);
        w.text("UserName", &c.user_name);
        w.text("Status", &c.status);
    });
}

async fn create(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let service = input::required(&call.params, "ServiceName")?;
    let kind = kind_of(service).ok_or_else(|| not_supported(service))?;
    let age_days = match call.params.get("CredentialAgeDays") {
        None => None,
        Some(_) if kind == Kind::Password => {
            return Err(ApiError::validation(
                "CredentialAgeDays is valid only for Bedrock and CloudWatch Logs API keys.",
            ))
        }
        Some(days) => Some(
            days.parse::<i64>()
                .map_err(|_| ApiError::validation("CredentialAgeDays must be a number."))?,
        ),
    };
    let now = Timestamp::now();
    let account = call.account();
    let (service_user_name, alias) = match kind {
        Kind::Password => (Some(format!("{user}-at-{account}")), None),
        // The public part: the user, a version stamp (the creation time) and the account.
        Kind::ApiKey => (
            None,
            Some(format!("{user}+{}-at-{account}", now.epoch_seconds())),
        ),
    };
    let secret = new_secret(kind, alias.as_deref());
    let created = call
        .store()
        .create_service_credential(
            account,
            user,
            NewServiceCredential {
                service: service.to_owned(),
                service_user_name,
                alias,
                secret_sha256: sha256_hex(&secret),
                expires: age_days.map(|d| Timestamp(now.millis() + d * 24 * 3600 * 1000)),
            },
        )
        .await?;
    Ok(call.respond(|w| write_credential(w, &created, Some(&secret))))
}

/// `AllUsers` lists the whole account's; otherwise the user named, or the caller.
async fn listed_users(call: &Call) -> ApiResult<Target> {
    if call.params.get("AllUsers") == Some("true") {
        if call.params.get("UserName").is_some() {
            return Err(ApiError::validation(
                "AllUsers cannot be specified together with UserName.",
            ));
        }
        return account_collection(call, "user").await;
    }
    named_user_or_caller(call).await
}

async fn list(call: &Call, target: &Target) -> ApiResult<String> {
    let user = if call.params.get("AllUsers") == Some("true") {
        None
    } else {
        Some(user_name(call, target)?)
    };
    let service = call.params.get("ServiceName");
    if let Some(service) = service {
        kind_of(service).ok_or_else(|| not_supported(service))?;
    }
    let page = input::page(&call.params)?;
    let credentials = call
        .store()
        .list_service_credentials(call.account(), user, service, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("ServiceSpecificCredentials", &credentials.items, |w, c| {
            w.text("UserName", &c.user_name);
            w.text("Status", &c.status);
            w.opt_text("ServiceUserName", c.service_user_name.as_deref());
            w.opt_text("ServiceCredentialAlias", c.alias.as_deref());
            w.text("CreateDate", &c.created.iso8601());
            if let Some(expires) = c.expires {
                w.text("ExpirationDate", &expires.iso8601());
            }
            w.text("ServiceSpecificCredentialId", &c.id);
            w.text("ServiceName", &c.service);
        });
        xml::truncation(w, &credentials);
    }))
}

async fn reset(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let id = credential_id(call)?;
    // The kind decides the secret's form; the credential must exist to be reset.
    let current = call
        .store()
        .list_service_credentials(call.account(), Some(user), None, &store::PageRequest::all())
        .await?
        .items
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::new("NoSuchEntity", format!("No such credential {id} exists")))?;
    let kind = kind_of(&current.service).unwrap_or(Kind::Password);
    let secret = new_secret(kind, current.alias.as_deref());
    let reset = call
        .store()
        .reset_service_credential(call.account(), user, id, &sha256_hex(&secret))
        .await?;
    Ok(call.respond(|w| write_credential(w, &reset, Some(&secret))))
}

async fn update(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let status = input::required(&call.params, "Status")?;
    if status == "Expired" {
        return Err(ApiError::validation(
            "The status of a service specific credential can be set only to Active or Inactive.",
        ));
    }
    call.store()
        .update_service_credential(call.account(), user, credential_id(call)?, status)
        .await?;
    Ok(call.respond_empty())
}

async fn delete(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    call.store()
        .delete_service_credential(call.account(), user, credential_id(call)?)
        .await?;
    Ok(call.respond_empty())
}
