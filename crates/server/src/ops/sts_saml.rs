//! `AssumeRoleWithSAML`: a SAML 2.0 response signed by the IdP of an IAM SAML provider
//! buys a session of a role its `Role` attribute names together with that provider,
//! when the role's trust policy allows the provider under the assertion's condition
//! keys (`saml:aud`, `saml:iss`, `saml:sub`, `saml:sub_type`, `saml:namequalifier`).
//!
//! The response's XML signature is verified with the certificates of the provider's
//! metadata (see `federation::xml::dsig`); an unsigned response is refused.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use federation::saml::metadata::parse_metadata;
use federation::saml::response::{decode, verify_response, SamlError};
use federation::xml::dsig::DsigError;
use store::{ErrorKind, Timestamp};

use super::federated_tags;
use super::federated_trust::{assume, assumed_role_user, not_authorized, FederatedRequest};
use super::unsigned::UnsignedCall;
use crate::error::{ApiError, ApiResult};

const ACTION: &str = "sts:AssumeRoleWithSAML";

fn invalid_token(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidIdentityToken", message)
}

fn saml_error(e: &SamlError) -> ApiError {
    tracing::info!(error = %e, "SAML response refused");
    match e {
        SamlError::Malformed(_) => invalid_token("Invalid SAML response"),
        SamlError::Status(code) => ApiError::new(
            "IDPRejectedClaim",
            format!("The identity provider answered with status {code}"),
        ),
        SamlError::Signature(DsigError::Unsigned) => {
            invalid_token("The SAML response is not signed")
        }
        SamlError::Signature(_) => invalid_token("Response signature invalid"),
        SamlError::Issuer => invalid_token(
            "The Issuer of the SAML response does not match the SAML provider's metadata",
        ),
        SamlError::Audience => invalid_token(
            "The SAML assertion is not addressed to https://signin.aws.amazon.com/saml",
        ),
        SamlError::Expired => {
            ApiError::new("ExpiredTokenException", "The SAML assertion has expired")
        }
        SamlError::NotYetValid => invalid_token("The SAML assertion is not yet valid"),
    }
}

/// `[\w+=,.@-]{2,64}`, as STS checks the `RoleSessionName` attribute.
fn valid_session_name(name: &str) -> bool {
    let len = name.chars().count();
    (2..=64).contains(&len)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// `NameQualifier`: BASE64(SHA1(issuer + account id + "/" + provider name)).
fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let input = format!("{issuer}{account}/{provider_name}");
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, input.as_bytes());
    B64.encode(digest.as_ref())
}

pub async fn assume_role(call: &UnsignedCall) -> ApiResult<String> {
    let p = &call.params;
    let role_arn = p.get("RoleArn").unwrap_or_default();
    let principal_arn = p.get("PrincipalArn").unwrap_or_default();
    let encoded = p.get("SAMLAssertion").unwrap_or_default();

    let account = principal_arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("");
    let provider = match call
        .state
        .store
        .get_saml_provider(account, principal_arn)
        .await
    {
        Ok(provider) => provider,
        Err(e) if e.kind == ErrorKind::NoSuchEntity => {
            return Err(invalid_token("Specified provider doesn't exist"))
        }
        Err(e) => return Err(e.into()),
    };
    let now = Timestamp::now();
    if provider
        .valid_until
        .is_some_and(|until| until.millis() <= now.millis())
    {
        return Err(invalid_token("The SAML provider's metadata has expired"));
    }
    let idp = parse_metadata(&provider.metadata)
        .map_err(|e| ApiError::service_failure(&format!("stored SAML metadata unreadable: {e}")))?;
    let xml = decode(encoded).map_err(|e| saml_error(&e))?;
    let assertion = verify_response(&xml, &idp, now.epoch_seconds()).map_err(|e| saml_error(&e))?;

    // The assertion must grant this very role through this very provider.
    if !assertion
        .roles
        .iter()
        .any(|(role, provider)| role == role_arn && provider == principal_arn)
    {
        return Err(not_authorized(ACTION));
    }
    let session_name = assertion.session_name.clone().unwrap_or_default();
    if !valid_session_name(&session_name) {
        return Err(invalid_token(
            "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        ));
    }
    let qualifier = name_qualifier(&assertion.issuer, account, &provider.name);
    let claims = vec![
        ("saml:aud".to_owned(), vec![assertion.recipient.clone()]),
        ("saml:iss".to_owned(), vec![assertion.issuer.clone()]),
        ("saml:sub".to_owned(), vec![assertion.subject.clone()]),
        (
            "saml:sub_type".to_owned(),
            vec![assertion.subject_type.clone()],
        ),
        ("saml:namequalifier".to_owned(), vec![qualifier.clone()]),
    ];
    let session_tags = federated_tags::from_saml(&assertion.principal_tags, &assertion.attributes)
        .map_err(invalid_token)?;
    let granted = assume(
        call,
        FederatedRequest {
            action: ACTION,
            role_arn,
            session_name: &session_name,
            provider_arn: principal_arn.to_owned(),
            claims,
            source_identity: assertion.source_identity.clone(),
            session_tags,
        },
    )
    .await?;
    Ok(call.respond(|w| {
        granted.credentials.write_xml(w);
        assumed_role_user(w, &granted.role, &session_name);
        if let Some(size) = granted.packed_policy_size {
            w.display("PackedPolicySize", size);
        }
        w.text("Subject", &assertion.subject)
            .text("SubjectType", &assertion.subject_type)
            .text("Issuer", &assertion.issuer)
            .text("Audience", &assertion.recipient)
            .text("NameQualifier", &qualifier);
        if let Some(source) = &assertion.source_identity {
            w.text("SourceIdentity", source);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_qualifier_follows_the_documented_formula() {
        // BASE64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP"))
        let expected = {
            let d = ring::digest::digest(
                &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
                b"https://example.com/saml123456789012/MySAMLIdP",
            );
            B64.encode(d.as_ref())
        };
        assert_eq!(
            name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP"),
            expected
        );
        assert!(valid_session_name("alice@example.com"));
        assert!(!valid_session_name("a"));
        assert!(!valid_session_name("bad name"));
    }
}
