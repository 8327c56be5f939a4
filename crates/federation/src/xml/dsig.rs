//! Enveloped XML signatures (XML-DSig 1.0) as SAML uses them, verified strictly:
//!
//! - the `Signature` is a direct child of the element it signs, and its single
//!   `Reference` names that element's `ID` (so a valid signature elsewhere in the
//!   document can never vouch for the element the caller reads: signature wrapping);
//! - the transforms are exactly enveloped-signature then exclusive canonicalization;
//!   `SignedInfo` is canonicalized exclusively too (no comments);
//! - digests SHA-256/384/512; signatures RSA PKCS#1 v1.5 with SHA-256/384/512 (2048
//!   bits at least) or ECDSA P-256/P-384 with SHA-256/384; SHA-1 is refused;
//! - the key comes from the trusted certificates the caller passes (the IdP's
//!   metadata), never from the `KeyInfo` the document carries.
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use roxmltree::Node;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::c14n::canonicalize;
use crate::b64;

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Why a signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DsigError {
    /// The element carries no `Signature` child.
    Unsigned,
    /// The signature's structure is not one this verifier accepts (the message says
    /// which part).
    Unsupported(String),
    /// The reference does not name the signed element.
    WrongReference,
    /// The element's content does not match the signed digest.
    DigestMismatch,
    /// No trusted certificate verifies the signature.
    BadSignature,
}

impl std::fmt::Display for DsigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DsigError::Unsigned => f.write_str("the element is not signed"),
            DsigError::Unsupported(what) => write!(f, "unsupported signature: {what}"),
            DsigError::WrongReference => {
                f.write_str("the signature does not reference the signed element")
            }
            DsigError::DigestMismatch => f.write_str("digest mismatch"),
            DsigError::BadSignature => f.write_str("the signature value does not verify"),
        }
    }
}

impl std::error::Error for DsigError {}

/// The `Signature` element that is a direct child of `element`, if any.
pub fn signature_of<'a, 'i>(element: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    element
        .children()
        .find(|c| c.is_element() && c.has_tag_name((DSIG_NS, "Signature")))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Result<Node<'a, 'i>, DsigError> {
    let mut found = node
        .children()
        .filter(|c| c.is_element() && c.has_tag_name((DSIG_NS, name)));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        _ => Err(DsigError::Unsupported(format!(
            "exactly one {name} expected"
        ))),
    }
}

fn algorithm<'a>(node: Node<'a, '_>) -> &'a str {
    node.attribute("Algorithm").unwrap_or("")
}

/// The `PrefixList` of an `InclusiveNamespaces` child of a transform or of the
/// canonicalization method.
fn inclusive_prefixes(method: Node<'_, '_>) -> Vec<String> {
    method
        .children()
        .find(|c| c.is_element() && c.has_tag_name((EXC_C14N, "InclusiveNamespaces")))
        .and_then(|n| n.attribute("PrefixList"))
        .map(|list| list.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Verifies the enveloped signature of `element` (whose identifier attribute is `ID`)
/// with one of `certificates` (DER).
pub fn verify_enveloped(element: Node<'_, '_>, certificates: &[Vec<u8>]) -> Result<(), DsigError> {
    let sig = signature_of(element).ok_or(DsigError::Unsigned)?;
    let signed_info = child(sig, "SignedInfo")?;
    let c14n_method = child(signed_info, "CanonicalizationMethod")?;
    if algorithm(c14n_method) != EXC_C14N {
        return Err(DsigError::Unsupported(format!(
            "canonicalization {}",
            algorithm(c14n_method)
        )));
    }
    let method = algorithm(child(signed_info, "SignatureMethod")?);
    let reference = child(signed_info, "Reference")?;

    // The reference must name this element, by an ID that nothing else in the
    // document also carries.
    let id = element.attribute("ID").ok_or(DsigError::WrongReference)?;
    if reference.attribute("URI") != Some(&format!("#{id}")) {
        return Err(DsigError::WrongReference);
    }
    let holders = element
        .document()
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.attributes()
                    .any(|a| matches!(a.name(), "ID" | "Id" | "AssertionID") && a.value() == id)
        })
        .count();
    if holders != 1 {
        return Err(DsigError::WrongReference);
    }

    let transforms: Vec<Node<'_, '_>> = child(reference, "Transforms")?
        .children()
        .filter(|c| c.is_element())
        .collect();
    let (Some(first), Some(second), None) =
        (transforms.first(), transforms.get(1), transforms.get(2))
    else {
        return Err(DsigError::Unsupported(
            "transforms must be enveloped-signature and exclusive c14n".into(),
        ));
    };
    if algorithm(*first) != ENVELOPED || algorithm(*second) != EXC_C14N {
        return Err(DsigError::Unsupported(
            "transforms must be enveloped-signature and exclusive c14n".into(),
        ));
    }
    let digest_method = algorithm(child(reference, "DigestMethod")?);
    let digest_algorithm: &ring::digest::Algorithm = match digest_method {
        "http://www.w3.org/2001/04/xmlenc#sha256" => &ring::digest::SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => &ring::digest::SHA384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => &ring::digest::SHA512,
        other => return Err(DsigError::Unsupported(format!("digest {other}"))),
    };
    let expected = child(reference, "DigestValue")?
        .text()
        .and_then(b64::xml_decode)
        .ok_or_else(|| DsigError::Unsupported("DigestValue".into()))?;
    let content = canonicalize(element, Some(sig.id()), &inclusive_prefixes(*second));
    let actual = ring::digest::digest(digest_algorithm, content.as_bytes());
    if actual.as_ref() != expected.as_slice() {
        return Err(DsigError::DigestMismatch);
    }

    let value = child(sig, "SignatureValue")?
        .text()
        .and_then(b64::xml_decode)
        .ok_or_else(|| DsigError::Unsupported("SignatureValue".into()))?;
    let signed = canonicalize(signed_info, None, &inclusive_prefixes(c14n_method));
    let (rsa, ec): (
        Option<&'static signature::RsaParameters>,
        Option<&'static signature::EcdsaVerificationAlgorithm>,
    ) = match method {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => {
            (Some(&signature::RSA_PKCS1_2048_8192_SHA256), None)
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => {
            (Some(&signature::RSA_PKCS1_2048_8192_SHA384), None)
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => {
            (Some(&signature::RSA_PKCS1_2048_8192_SHA512), None)
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => {
            (None, Some(&signature::ECDSA_P256_SHA256_FIXED))
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => {
            (None, Some(&signature::ECDSA_P384_SHA384_FIXED))
        }
        other => return Err(DsigError::Unsupported(format!("signature method {other}"))),
    };
    for der in certificates {
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            continue;
        };
        let spki = cert.public_key();
        let key_bits = spki.subject_public_key.data.as_ref();
        let oid = spki.algorithm.algorithm.to_id_string();
        let verifier: &dyn VerificationAlgorithm = match (rsa, ec, oid.as_str()) {
            (Some(params), _, "1.2.840.113549.1.1.1") => params,
            (_, Some(params), "1.2.840.10045.2.1") => params,
            _ => continue,
        };
        if UnparsedPublicKey::new(verifier, key_bits)
            .verify(signed.as_bytes(), &value)
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(DsigError::BadSignature)
}
