//! X.509 certificates as IAM takes them (`UploadSigningCertificate`,
//! `UploadServerCertificate`): one PEM `CERTIFICATE` block, parsed and checked for its
//! validity period. What the operations need is kept: the DER (its SHA-256 tells
//! duplicates apart), the body as PEM, the expiry and the subject public key.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use store::Timestamp;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::der::{der, Der};

/// Why a certificate was refused (`MalformedCertificate`, AWS's wording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub der: Vec<u8>,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The subjectPublicKey bits (PKCS #1 `RSAPublicKey` for RSA, the point for EC).
    pub public_key: Vec<u8>,
}

impl Certificate {
    /// The single certificate in `pem`.
    pub fn parse(pem: &str) -> Result<Self, CertificateError> {
        let blocks = pem_blocks(pem, "CERTIFICATE")?;
        match blocks.as_slice() {
            [der] => Self::from_der(der.clone()),
            [] => Err(CertificateError(
                "Unable to parse certificate. Please ensure the certificate is in PEM format."
                    .into(),
            )),
            _ => Err(CertificateError("Expected exactly one certificate.".into())),
        }
    }

    /// Every certificate of a chain, in order.
    pub fn parse_chain(pem: &str) -> Result<Vec<Self>, CertificateError> {
        let blocks = pem_blocks(pem, "CERTIFICATE")?;
        if blocks.is_empty() {
            return Err(CertificateError(
                "Unable to parse certificate chain.".into(),
            ));
        }
        blocks.into_iter().map(Self::from_der).collect()
    }

    fn from_der(der: Vec<u8>) -> Result<Self, CertificateError> {
        let (rest, cert) = X509Certificate::from_der(&der)
            .map_err(|_| CertificateError("Unable to parse certificate.".into()))?;
        if !rest.is_empty() {
            return Err(CertificateError(
                "Unable to parse certificate: trailing data.".into(),
            ));
        }
        let validity = cert.validity();
        let not_before = Timestamp(validity.not_before.timestamp().saturating_mul(1000));
        let not_after = Timestamp(validity.not_after.timestamp().saturating_mul(1000));
        let public_key = cert.public_key().subject_public_key.data.to_vec();
        Ok(Certificate {
            der,
            not_before,
            not_after,
            public_key,
        })
    }

    /// `MalformedCertificate` unless `now` is within the validity period.
    pub fn check_valid_at(&self, now: Timestamp) -> Result<(), CertificateError> {
        if now.millis() > self.not_after.millis() {
            return Err(CertificateError("Certificate is expired.".into()));
        }
        if now.millis() < self.not_before.millis() {
            return Err(CertificateError("Certificate is not yet valid.".into()));
        }
        Ok(())
    }

    /// SHA-256 of the DER, hex: the same certificate has the same one however it was
    /// wrapped in PEM.
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.der);
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The certificate as PEM, 64 characters a line.
    pub fn pem(&self) -> String {
        pem("CERTIFICATE", &self.der)
    }
}

/// Why a private key does not go with a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIssue {
    /// Not an unencrypted PEM private key iamd can read (`MalformedCertificate`).
    Unreadable,
    /// A key, but not the certificate's (`KeyPairMismatch`).
    Mismatch,
}

/// Checks that `private_key_pem` (PKCS #8 RSA or ECDSA P-256/P-384, PKCS #1 RSA, or
/// SEC 1 ECDSA) is
/// the private half of `certificate`'s public key.
pub fn check_private_key(private_key_pem: &str, certificate: &Certificate) -> Result<(), KeyIssue> {
    use ring::signature::{
        EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING,
        ECDSA_P384_SHA384_ASN1_SIGNING,
    };
    let public: Vec<u8> = if let Ok([der]) = pem_blocks(private_key_pem, "PRIVATE KEY").as_deref() {
        if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
            pair.public_key().as_ref().to_vec()
        } else {
            let rng = ring::rand::SystemRandom::new();
            [
                &ECDSA_P256_SHA256_ASN1_SIGNING,
                &ECDSA_P384_SHA384_ASN1_SIGNING,
            ]
            .into_iter()
            .find_map(|alg| EcdsaKeyPair::from_pkcs8(alg, der, &rng).ok())
            .map(|pair| pair.public_key().as_ref().to_vec())
            .ok_or(KeyIssue::Unreadable)?
        }
    } else if let Ok([der]) = pem_blocks(private_key_pem, "EC PRIVATE KEY").as_deref() {
        let pkcs8 = sec1_as_pkcs8(der).ok_or(KeyIssue::Unreadable)?;
        let rng = ring::rand::SystemRandom::new();
        [
            &ECDSA_P256_SHA256_ASN1_SIGNING,
            &ECDSA_P384_SHA384_ASN1_SIGNING,
        ]
        .into_iter()
        .find_map(|alg| EcdsaKeyPair::from_pkcs8(alg, &pkcs8, &rng).ok())
        .map(|pair| pair.public_key().as_ref().to_vec())
        .ok_or(KeyIssue::Unreadable)?
    } else if let Ok([der]) = pem_blocks(private_key_pem, "RSA PRIVATE KEY").as_deref() {
        RsaKeyPair::from_der(der)
            .map_err(|_| KeyIssue::Unreadable)?
            .public_key()
            .as_ref()
            .to_vec()
    } else {
        return Err(KeyIssue::Unreadable);
    };
    if public == certificate.public_key {
        Ok(())
    } else {
        Err(KeyIssue::Mismatch)
    }
}

/// `id-ecPublicKey` (1.2.840.10045.2.1), DER-encoded.
const EC_PUBLIC_KEY_OID: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// An SEC 1 `ECPrivateKey` (OpenSSL's `EC PRIVATE KEY`) wrapped as PKCS #8, the form
/// `ring` reads (it then checks the key and its embedded public key). The curve comes
/// from the key's own `[0]` parameters.
fn sec1_as_pkcs8(sec1: &[u8]) -> Option<Vec<u8>> {
    let mut fields = Der(Der(sec1).expect(0x30)?);
    fields.expect(0x02)?;
    fields.expect(0x04)?;
    let curve = Der(fields.expect(0xa0)?).expect(0x06)?;
    let algorithm = der(
        0x30,
        &[der(0x06, EC_PUBLIC_KEY_OID), der(0x06, curve)].concat(),
    );
    Some(der(
        0x30,
        &[vec![0x02, 0x01, 0x00], algorithm, der(0x04, sec1)].concat(),
    ))
}

/// A PEM block with `label`.
pub fn pem(label: &str, der: &[u8]) -> String {
    let encoded = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER of every block labelled `label`; anything but whitespace outside them is
/// an error.
pub fn pem_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, CertificateError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let malformed = || {
        CertificateError(
            "Unable to parse certificate. Please ensure the certificate is in PEM format.".into(),
        )
    };
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let after = rest.strip_prefix(&begin).ok_or_else(malformed)?;
        let (inner, tail) = after.split_once(&end).ok_or_else(malformed)?;
        let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
        out.push(B64.decode(compact).map_err(|_| malformed())?);
        rest = tail.trim_start();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for text in [
            "",
            "hello",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\nAAAA",
        ] {
            assert!(Certificate::parse(text).is_err(), "{text}");
        }
        assert!(Certificate::parse_chain("").is_err());
    }

    #[test]
    fn pem_wraps_at_64() {
        let text = pem("CERTIFICATE", &[7u8; 100]);
        assert!(text
            .lines()
            .all(|l| l.len() <= 64 || l.starts_with("-----")));
        assert_eq!(
            pem_blocks(&text, "CERTIFICATE").unwrap(),
            vec![vec![7u8; 100]]
        );
    }
}
