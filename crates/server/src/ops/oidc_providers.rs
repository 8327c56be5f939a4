//! IAM OpenID Connect providers: CreateOpenIDConnectProvider, GetOpenIDConnectProvider,
//! ListOpenIDConnectProviders, DeleteOpenIDConnectProvider, Add/RemoveClientID…,
//! UpdateOpenIDConnectProviderThumbprint and the provider's tags.
//!
//! A provider URL must be `https://`, as in IAM. iamd also accepts `http://` for a
//! loopback host (`localhost`, `127.0.0.0/8`, `[::1]`): an issuer on the same machine,
//! which tests and local development need. The thumbprint list is optional, as it is in
//! IAM today: iamd verifies a provider's keys by fetching them over TLS with the
//! system's roots, and keeps thumbprints as data.
use federation::oidc::provider_id;
use store::{oidc_provider_arn, NewOidcProvider, MAX_OIDC_CLIENT_IDS, MAX_OIDC_THUMBPRINTS};

use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateOpenIDConnectProvider", new_provider, create),
        operation!("GetOpenIDConnectProvider", named_provider, get),
        operation!("ListOpenIDConnectProviders", any_provider, list),
        operation!("DeleteOpenIDConnectProvider", named_provider, delete),
        operation!(
            "AddClientIDToOpenIDConnectProvider",
            named_provider,
            add_client_id
        ),
        operation!(
            "RemoveClientIDFromOpenIDConnectProvider",
            named_provider,
            remove_client_id
        ),
        operation!(
            "UpdateOpenIDConnectProviderThumbprint",
            named_provider,
            update_thumbprints
        ),
        operation!("TagOpenIDConnectProvider", named_provider, tag),
        operation!("UntagOpenIDConnectProvider", named_provider, untag),
        operation!("ListOpenIDConnectProviderTags", named_provider, list_tags),
    ]
}

const ARN_MEMBER: &str = "OpenIDConnectProviderArn";

/// The provider id (`host/path`) of `Url`, or IAM's refusal.
fn url_provider(url: &str) -> ApiResult<String> {
    provider_id(url).ok_or_else(|| {
        ApiError::invalid_input(format!(
            "Invalid Open ID Connect Provider URL: {url}. The URL must begin with https://"
        ))
    })
}

/// `CreateOpenIDConnectProvider`: the ARN the provider will have.
async fn new_provider(call: &Call) -> ApiResult<Target> {
    let url = input::required(&call.params, "Url")?;
    let provider = url_provider(url)?;
    Ok(Target::arn(oidc_provider_arn(call.account(), &provider)))
}

/// Operations on one provider: its ARN and, when it exists, its tags.
async fn named_provider(call: &Call) -> ApiResult<Target> {
    let arn = input::arn(&call.params, ARN_MEMBER)?;
    let tags = match call.store().get_oidc_provider(call.account(), arn).await {
        Ok(provider) => provider.tags,
        Err(_) => Vec::new(),
    };
    Ok(Target {
        arn: arn.to_owned(),
        tags,
        found: None,
        ..Target::default()
    })
}

/// Listing has no resource (`*`).
async fn any_provider(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

fn thumbprints(call: &Call) -> ApiResult<Vec<String>> {
    let list: Vec<String> = call
        .params
        .list("ThumbprintList")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if list.len() > MAX_OIDC_THUMBPRINTS {
        return Err(ApiError::new(
            "LimitExceeded",
            format!(
                "Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {MAX_OIDC_THUMBPRINTS}"
            ),
        ));
    }
    if let Some(bad) = list
        .iter()
        .find(|t| !t.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(ApiError::invalid_input(format!(
            "Thumbprint {bad} is not a hex-encoded SHA-1 fingerprint."
        )));
    }
    Ok(list)
}

async fn create(call: &Call, _target: &Target) -> ApiResult<String> {
    let url = input::required(&call.params, "Url")?;
    let provider = url_provider(url)?;
    let mut client_ids: Vec<String> = Vec::new();
    for id in call.params.list("ClientIDList") {
        if !client_ids.iter().any(|c| c == id) {
            client_ids.push(id.to_owned());
        }
    }
    if client_ids.len() > MAX_OIDC_CLIENT_IDS {
        return Err(ApiError::new(
            "LimitExceeded",
            format!(
                "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_OIDC_CLIENT_IDS}"
            ),
        ));
    }
    let thumbprints = thumbprints(call)?;
    let tags = input::tags(&call.params)?;
    let created = call
        .store()
        .create_oidc_provider(
            call.account(),
            NewOidcProvider {
                provider,
                url: url.strip_suffix('/').unwrap_or(url).to_owned(),
                client_ids,
                thumbprints,
                tags,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.text("OpenIDConnectProviderArn", &created.arn());
        if !created.tags.is_empty() {
            xml::tags(w, &created.tags);
        }
    }))
}

async fn get(call: &Call, target: &Target) -> ApiResult<String> {
    let provider = call
        .store()
        .get_oidc_provider(call.account(), &target.arn)
        .await?;
    Ok(call.respond(|w| {
        // IAM answers the URL without its scheme.
        w.text("Url", &provider.provider);
        w.text_list("ClientIDList", &provider.client_ids);
        w.text_list("ThumbprintList", &provider.thumbprints);
        w.text("CreateDate", &provider.created.iso8601());
        xml::tags(w, &provider.tags);
    }))
}

async fn list(call: &Call, _target: &Target) -> ApiResult<String> {
    let providers = call.store().list_oidc_providers(call.account()).await?;
    Ok(call.respond(|w| {
        w.list("OpenIDConnectProviderList", &providers, |w, p| {
            w.text("Arn", &p.arn());
        });
    }))
}

async fn delete(call: &Call, target: &Target) -> ApiResult<String> {
    call.store()
        .delete_oidc_provider(call.account(), &target.arn)
        .await?;
    Ok(call.respond_empty())
}

async fn add_client_id(call: &Call, target: &Target) -> ApiResult<String> {
    let client_id = input::required(&call.params, "ClientID")?;
    call.store()
        .add_oidc_client_id(call.account(), &target.arn, client_id)
        .await?;
    Ok(call.respond_empty())
}

async fn remove_client_id(call: &Call, target: &Target) -> ApiResult<String> {
    let client_id = input::required(&call.params, "ClientID")?;
    call.store()
        .remove_oidc_client_id(call.account(), &target.arn, client_id)
        .await?;
    Ok(call.respond_empty())
}

async fn update_thumbprints(call: &Call, target: &Target) -> ApiResult<String> {
    let list = thumbprints(call)?;
    call.store()
        .set_oidc_thumbprints(call.account(), &target.arn, list)
        .await?;
    Ok(call.respond_empty())
}

/// Tag operations shared with SAML providers: the store finds either kind by ARN, and
/// an ARN of the other kind is not found.
pub async fn tag_provider(call: &Call, target: &Target, kind: &str) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    if tags.is_empty() {
        input::required(&call.params, "Tags")?;
    }
    require_kind(&target.arn, kind, call)?;
    call.store()
        .tag_provider(call.account(), &target.arn, tags)
        .await?;
    Ok(call.respond_empty())
}

pub async fn untag_provider(call: &Call, target: &Target, kind: &str) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    require_kind(&target.arn, kind, call)?;
    call.store()
        .untag_provider(call.account(), &target.arn, keys)
        .await?;
    Ok(call.respond_empty())
}

pub async fn list_provider_tags(call: &Call, target: &Target, kind: &str) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    require_kind(&target.arn, kind, call)?;
    let tags = call
        .store()
        .list_provider_tags(call.account(), &target.arn, &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}

/// Refuses an ARN of the other provider kind the way a missing provider is refused.
fn require_kind(arn: &str, kind: &str, call: &Call) -> ApiResult<()> {
    let prefix = format!("arn:aws:iam::{}:{kind}/", call.account());
    if arn.starts_with(&prefix) {
        return Ok(());
    }
    let message = if kind == "oidc-provider" {
        format!("OpenIDConnect Provider not found for arn {arn}")
    } else {
        format!("Manifest not found for arn {arn}")
    };
    Err(ApiError::new("NoSuchEntity", message))
}

async fn tag(call: &Call, target: &Target) -> ApiResult<String> {
    tag_provider(call, target, "oidc-provider").await
}

async fn untag(call: &Call, target: &Target) -> ApiResult<String> {
    untag_provider(call, target, "oidc-provider").await
}

async fn list_tags(call: &Call, target: &Target) -> ApiResult<String> {
    list_provider_tags(call, target, "oidc-provider").await
}
