//! SAML IdP metadata (`CreateSAMLProvider`'s `SAMLMetadataDocument`): the IdP's entity
//! id, the certificates it signs with, and how long the metadata is valid.
use roxmltree::Node;

use super::{parse_instant, METADATA_NS};
use crate::b64;
use crate::xml::dsig::DSIG_NS;

/// What iamd keeps of an IdP's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpMetadata {
    /// `entityID`: the `Issuer` of the IdP's responses.
    pub entity_id: String,
    /// DER certificates of signing keys (`KeyDescriptor` with `use="signing"` or no
    /// `use`).
    pub signing_certificates: Vec<Vec<u8>>,
    /// `validUntil`, seconds since the epoch.
    pub valid_until: Option<i64>,
}

/// Reads metadata. The error says what is missing (IAM answers `InvalidInput`).
pub fn parse_metadata(xml: &str) -> Result<IdpMetadata, String> {
    let doc = crate::xml::parse(xml).map_err(|e| format!("not well-formed XML: {e}"))?;
    let entity = doc
        .descendants()
        .find(|n| {
            n.has_tag_name((METADATA_NS, "EntityDescriptor"))
                && n.children()
                    .any(|c| c.has_tag_name((METADATA_NS, "IDPSSODescriptor")))
        })
        .ok_or("no EntityDescriptor with an IDPSSODescriptor")?;
    let entity_id = entity
        .attribute("entityID")
        .filter(|id| !id.is_empty())
        .ok_or("the EntityDescriptor has no entityID")?
        .to_owned();
    let valid_until = match entity.attribute("validUntil") {
        Some(v) => Some(parse_instant(v).ok_or("validUntil is not a dateTime")?),
        None => None,
    };
    let idp = entity
        .children()
        .find(|c| c.has_tag_name((METADATA_NS, "IDPSSODescriptor")))
        .ok_or("no IDPSSODescriptor")?;
    let mut signing_certificates = Vec::new();
    for key in idp
        .children()
        .filter(|c| c.has_tag_name((METADATA_NS, "KeyDescriptor")))
        .filter(|c| matches!(c.attribute("use"), None | Some("signing")))
    {
        for cert in certificates(key) {
            let der = b64::xml_decode(cert).ok_or("an X509Certificate is not base64")?;
            x509_parser::parse_x509_certificate(&der)
                .map_err(|_| "an X509Certificate is not a DER certificate")?;
            signing_certificates.push(der);
        }
    }
    if signing_certificates.is_empty() {
        return Err("no signing certificate in the IDPSSODescriptor".into());
    }
    Ok(IdpMetadata {
        entity_id,
        signing_certificates,
        valid_until,
    })
}

fn certificates<'a>(key: Node<'a, '_>) -> impl Iterator<Item = &'a str> {
    key.descendants()
        .filter(|n| n.has_tag_name((DSIG_NS, "X509Certificate")))
        .filter_map(|n| n.text())
}
