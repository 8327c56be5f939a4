//! SAML responses signed by an independent XML-DSig implementation (see
//! `fixtures/README.md`) verify; any change to what the signature covers does not.
use federation::saml::metadata::parse_metadata;
use federation::saml::response::{verify_response, SamlError};
use federation::xml::dsig::DsigError;

const METADATA: &str = include_str!("fixtures/idp-metadata.xml");
const RESPONSE_SIGNED: &str = include_str!("fixtures/response-signed.xml");
const ASSERTION_SIGNED: &str = include_str!("fixtures/response-assertion-signed.xml");
/// 2026-11-23, after the fixtures' issue instant and long before their expiry.
const NOW: i64 = 1_795_500_000;

#[test]
fn metadata_names_the_idp_and_its_certificate() {
    let idp = parse_metadata(METADATA).unwrap();
    assert_eq!(idp.entity_id, "https://idp.example.com/saml");
    assert_eq!(idp.signing_certificates.len(), 1);
    assert_eq!(idp.valid_until, None);
}

#[test]
fn signed_response_verifies_and_reads() {
    let idp = parse_metadata(METADATA).unwrap();
    let facts = verify_response(RESPONSE_SIGNED, &idp, NOW).unwrap();
    assert_eq!(facts.issuer, "https://idp.example.com/saml");
    assert_eq!(facts.subject, "alice@example.com");
    assert_eq!(facts.subject_type, "persistent");
    assert_eq!(facts.recipient, "https://signin.aws.amazon.com/saml");
    assert_eq!(
        facts.roles,
        vec![(
            "arn:aws:iam::123456789012:role/Web".to_owned(),
            "arn:aws:iam::123456789012:saml-provider/Corp".to_owned()
        )]
    );
    assert_eq!(facts.session_name.as_deref(), Some("alice"));
    assert_eq!(facts.source_identity.as_deref(), Some("alice"));
    assert_eq!(
        facts.principal_tags,
        vec![("team".to_owned(), "blue".to_owned())]
    );
}

#[test]
fn signed_assertion_verifies() {
    let idp = parse_metadata(METADATA).unwrap();
    let facts = verify_response(ASSERTION_SIGNED, &idp, NOW).unwrap();
    assert_eq!(facts.subject, "alice@example.com");
}

#[test]
fn any_change_under_the_signature_is_caught() {
    let idp = parse_metadata(METADATA).unwrap();
    for (from, to) in [
        ("alice@example.com", "admin@example.com"),
        (":role/Web", ":role/Admin"),
        (
            "<saml:AttributeValue>alice</saml:AttributeValue>",
            "<saml:AttributeValue>root</saml:AttributeValue>",
        ),
    ] {
        assert!(RESPONSE_SIGNED.contains(from), "{from}");
        for signed in [RESPONSE_SIGNED, ASSERTION_SIGNED] {
            let changed = signed.replace(from, to);
            if changed == signed {
                continue;
            }
            assert_eq!(
                verify_response(&changed, &idp, NOW),
                Err(SamlError::Signature(DsigError::DigestMismatch)),
                "{from} -> {to}"
            );
        }
    }
    // Whitespace added between elements is content too.
    let spaced = RESPONSE_SIGNED.replacen("<saml:Subject>", "<saml:Subject> ", 1);
    assert!(verify_response(&spaced, &idp, NOW).is_err());
}

#[test]
fn expiry_and_foreign_keys() {
    let idp = parse_metadata(METADATA).unwrap();
    let far_future = NOW + 200 * 365 * 24 * 3600;
    assert_eq!(
        verify_response(RESPONSE_SIGNED, &idp, far_future),
        Err(SamlError::Expired)
    );
    let mut stranger = idp.clone();
    stranger.signing_certificates.clear();
    assert_eq!(
        verify_response(RESPONSE_SIGNED, &stranger, NOW),
        Err(SamlError::Signature(DsigError::BadSignature))
    );
    let mut other_issuer = idp;
    other_issuer.entity_id = "https://elsewhere.example.com".into();
    assert_eq!(
        verify_response(RESPONSE_SIGNED, &other_issuer, NOW),
        Err(SamlError::Issuer)
    );
}

#[test]
fn documents_with_a_dtd_are_refused() {
    let idp = parse_metadata(METADATA).unwrap();
    let with_dtd = format!("<!DOCTYPE r [<!ENTITY x \"y\">]>{RESPONSE_SIGNED}");
    assert!(matches!(
        verify_response(&with_dtd, &idp, NOW),
        Err(SamlError::Malformed(_))
    ));
}
