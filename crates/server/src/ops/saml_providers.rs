//! IAM SAML providers: CreateSAMLProvider, GetSAMLProvider, ListSAMLProviders,
//! UpdateSAMLProvider, DeleteSAMLProvider and the provider's tags.
//!
//! The metadata document is checked when uploaded (an `EntityDescriptor` with an
//! `IDPSSODescriptor`, an `entityID` and at least one signing certificate), because
//! `AssumeRoleWithSAML` trusts exactly what it says. Assertion encryption
//! (`AssertionEncryptionMode`, private keys) is not supported.
use federation::saml::metadata::parse_metadata;
use store::{saml_provider_arn, Timestamp};

use super::oidc_providers::{list_provider_tags, tag_provider, untag_provider};
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("CreateSAMLProvider", new_provider, create),
        operation!("GetSAMLProvider", named_provider, get),
        operation!("ListSAMLProviders", any_provider, list),
        operation!("UpdateSAMLProvider", named_provider, update),
        operation!("DeleteSAMLProvider", named_provider, delete),
        operation!("TagSAMLProvider", named_provider, tag),
        operation!("UntagSAMLProvider", named_provider, untag),
        operation!("ListSAMLProviderTags", named_provider, list_tags),
    ]
}

const KIND: &str = "saml-provider";

/// How long a provider is valid when its metadata does not say: IAM's default.
const DEFAULT_VALIDITY_MS: i64 = 100 * 365 * 24 * 3600 * 1000;

/// `SAMLProviderNameType`: `[\w._-]+`, 1 to 128 characters.
fn provider_name(call: &Call) -> ApiResult<&str> {
    let name = input::required(&call.params, "Name")?;
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !ok {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+"
        )));
    }
    Ok(name)
}

/// The metadata document, checked, and when the provider stops being valid.
fn metadata(call: &Call) -> ApiResult<(&str, Timestamp)> {
    let document = input::required(&call.params, "SAMLMetadataDocument")?;
    let parsed = parse_metadata(document).map_err(|why| {
        tracing::debug!(why, "SAML metadata refused");
        ApiError::invalid_input("Could not parse metadata")
    })?;
    let valid_until = match parsed.valid_until {
        Some(seconds) => Timestamp(seconds.saturating_mul(1000)),
        None => Timestamp(Timestamp::now().millis() + DEFAULT_VALIDITY_MS),
    };
    Ok((document, valid_until))
}

fn refuse_encryption(call: &Call) -> ApiResult<()> {
    if call.params.get("AssertionEncryptionMode") == Some("Required")
        || call.params.get("AddPrivateKey").is_some()
    {
        return Err(ApiError::invalid_input(
            "Encrypted SAML assertions are not supported.",
        ));
    }
    Ok(())
}

async fn new_provider(call: &Call) -> ApiResult<Target> {
    let name = provider_name(call)?;
    Ok(Target::arn(saml_provider_arn(call.account(), name)))
}

async fn named_provider(call: &Call) -> ApiResult<Target> {
    let arn = input::arn(&call.params, "SAMLProviderArn")?;
    let tags = match call.store().get_saml_provider(call.account(), arn).await {
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

async fn any_provider(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

async fn create(call: &Call, _target: &Target) -> ApiResult<String> {
    let name = provider_name(call)?;
    refuse_encryption(call)?;
    let (document, valid_until) = metadata(call)?;
    let tags = input::tags(&call.params)?;
    let created = call
        .store()
        .create_saml_provider(call.account(), name, document, Some(valid_until), tags)
        .await?;
    Ok(call.respond(|w| {
        w.text("SAMLProviderArn", &created.arn());
        if !created.tags.is_empty() {
            xml::tags(w, &created.tags);
        }
    }))
}

async fn get(call: &Call, target: &Target) -> ApiResult<String> {
    let provider = call
        .store()
        .get_saml_provider(call.account(), &target.arn)
        .await?;
    Ok(call.respond(|w| {
        w.text("SAMLProviderUUID", &provider.uuid);
        w.text("SAMLMetadataDocument", &provider.metadata);
        w.text("CreateDate", &provider.created.iso8601());
        if let Some(until) = provider.valid_until {
            w.text("ValidUntil", &until.iso8601());
        }
        if !provider.tags.is_empty() {
            xml::tags(w, &provider.tags);
        }
        w.text("AssertionEncryptionMode", "Allowed");
    }))
}

async fn list(call: &Call, _target: &Target) -> ApiResult<String> {
    let providers = call.store().list_saml_providers(call.account()).await?;
    Ok(call.respond(|w| {
        w.list("SAMLProviderList", &providers, |w, p| {
            w.text("Arn", &p.arn());
            if let Some(until) = p.valid_until {
                w.text("ValidUntil", &until.iso8601());
            }
            w.text("CreateDate", &p.created.iso8601());
        });
    }))
}

async fn update(call: &Call, target: &Target) -> ApiResult<String> {
    refuse_encryption(call)?;
    // Without a new document the provider stays as it is (IAM's other update members,
    // encryption settings, are not supported).
    let provider = match call.params.get("SAMLMetadataDocument") {
        Some(_) => {
            let (document, valid_until) = metadata(call)?;
            call.store()
                .update_saml_provider(call.account(), &target.arn, document, Some(valid_until))
                .await?
        }
        None => {
            call.store()
                .get_saml_provider(call.account(), &target.arn)
                .await?
        }
    };
    Ok(call.respond(|w| {
        w.text("SAMLProviderArn", &provider.arn());
    }))
}

async fn delete(call: &Call, target: &Target) -> ApiResult<String> {
    call.store()
        .delete_saml_provider(call.account(), &target.arn)
        .await?;
    Ok(call.respond_empty())
}

async fn tag(call: &Call, target: &Target) -> ApiResult<String> {
    tag_provider(call, target, KIND).await
}

async fn untag(call: &Call, target: &Target) -> ApiResult<String> {
    untag_provider(call, target, KIND).await
}

async fn list_tags(call: &Call, target: &Target) -> ApiResult<String> {
    list_provider_tags(call, target, KIND).await
}
