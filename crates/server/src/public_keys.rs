//! RSA public keys as IAM accepts them for `UploadSSHPublicKey`: OpenSSH's
//! `ssh-rsa AAAA…` line, or PEM (`PUBLIC KEY`, i.e. X.509 SubjectPublicKeyInfo, or
//! `RSA PUBLIC KEY`, PKCS #1), of at least 2,048 bits. A key is kept as OpenSSH's wire
//! blob and given back in either encoding; its fingerprint is the MD5 of the blob, as
//! `ssh-keygen -l -E md5` prints it.
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use md5::{Digest, Md5};

use crate::der::{der, Der};

/// The smallest modulus IAM accepts, in bits.
pub const MIN_BITS: usize = 2048;

/// `rsaEncryption` (1.2.840.113549.1.1.1), DER-encoded.
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

const MALFORMED: KeyError = KeyError::Invalid("malformed key");

/// Why a key was refused: AWS's two error codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// `UnrecognizedPublicKeyEncoding`: neither an `ssh-rsa` line nor PEM.
    Unrecognized,
    /// `InvalidPublicKey`: the encoding is known but the key is malformed or too short.
    Invalid(&'static str),
}

/// An RSA public key: modulus and exponent, big-endian without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaPublicKey {
    /// Parses an `ssh-rsa` line or a PEM public key.
    pub fn parse(body: &str) -> Result<Self, KeyError> {
        let body = body.trim();
        let key = if let Some(rest) = body.strip_prefix("ssh-rsa") {
            let encoded = rest
                .split_whitespace()
                .next()
                .ok_or(KeyError::Invalid("the ssh-rsa line has no key"))?;
            let blob = B64
                .decode(encoded)
                .map_err(|_| KeyError::Invalid("the key is not base64"))?;
            Self::from_ssh_blob(&blob)?
        } else if body.starts_with("-----BEGIN PUBLIC KEY-----") {
            Self::from_spki(&pem_body(body, "PUBLIC KEY")?)?
        } else if body.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
            Self::from_pkcs1(&pem_body(body, "RSA PUBLIC KEY")?)?
        } else {
            return Err(KeyError::Unrecognized);
        };
        if key.bits() < MIN_BITS {
            return Err(KeyError::Invalid("the key is shorter than 2048 bits"));
        }
        Ok(key)
    }

    /// From the base64 wire blob stored for a key.
    pub fn from_stored(blob_b64: &str) -> Result<Self, KeyError> {
        let blob = B64
            .decode(blob_b64)
            .map_err(|_| KeyError::Invalid("stored key is not base64"))?;
        Self::from_ssh_blob(&blob)
    }

    fn from_ssh_blob(blob: &[u8]) -> Result<Self, KeyError> {
        let mut reader = SshReader(blob);
        if reader.string()? != b"ssh-rsa" {
            return Err(KeyError::Invalid("the key is not an ssh-rsa key"));
        }
        let e = unsigned(reader.string()?);
        let n = unsigned(reader.string()?);
        if !reader.0.is_empty() {
            return Err(KeyError::Invalid("the key has trailing data"));
        }
        Self::checked(n, e)
    }

    fn from_spki(der: &[u8]) -> Result<Self, KeyError> {
        let spki = Der(der).expect(0x30).ok_or(MALFORMED)?;
        let mut fields = Der(spki);
        let mut algorithm = Der(fields.expect(0x30).ok_or(MALFORMED)?);
        if algorithm.expect(0x06).ok_or(MALFORMED)? != RSA_ENCRYPTION_OID {
            return Err(KeyError::Invalid("the key is not an RSA key"));
        }
        let bits = fields.expect(0x03).ok_or(MALFORMED)?;
        match bits.split_first() {
            Some((0, pkcs1)) => Self::from_pkcs1(pkcs1),
            _ => Err(KeyError::Invalid("malformed key")),
        }
    }

    fn from_pkcs1(der: &[u8]) -> Result<Self, KeyError> {
        let mut fields = Der(Der(der).expect(0x30).ok_or(MALFORMED)?);
        let n = unsigned(fields.expect(0x02).ok_or(MALFORMED)?);
        let e = unsigned(fields.expect(0x02).ok_or(MALFORMED)?);
        Self::checked(n, e)
    }

    fn checked(n: Vec<u8>, e: Vec<u8>) -> Result<Self, KeyError> {
        if n.is_empty() || e.is_empty() {
            return Err(KeyError::Invalid("malformed key"));
        }
        Ok(RsaPublicKey { n, e })
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        match self.n.first() {
            Some(&first) => self.n.len() * 8 - first.leading_zeros() as usize,
            None => 0,
        }
    }

    /// OpenSSH's wire blob: `string "ssh-rsa"`, `mpint e`, `mpint n`.
    pub fn ssh_blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.n.len() + 32);
        ssh_string(&mut out, b"ssh-rsa");
        ssh_string(&mut out, &mpint(&self.e));
        ssh_string(&mut out, &mpint(&self.n));
        out
    }

    /// `ssh-rsa AAAA…`.
    pub fn openssh(&self) -> String {
        format!("ssh-rsa {}", B64.encode(self.ssh_blob()))
    }

    /// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), 64 characters a line.
    pub fn pem(&self) -> String {
        let pkcs1 = der(
            0x30,
            &[der(0x02, &mpint(&self.n)), der(0x02, &mpint(&self.e))].concat(),
        );
        let algorithm = der(
            0x30,
            &[der(0x06, RSA_ENCRYPTION_OID), vec![0x05, 0x00]].concat(),
        );
        let bits = der(0x03, &[&[0u8][..], &pkcs1].concat());
        let spki = der(0x30, &[algorithm, bits].concat());
        let encoded = B64.encode(spki);
        let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
        for chunk in encoded.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str("-----END PUBLIC KEY-----\n");
        out
    }

    /// MD5 of the wire blob, lowercase hex pairs separated by colons.
    pub fn fingerprint(&self) -> String {
        let digest = Md5::digest(self.ssh_blob());
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

/// The DER inside a PEM block with this label.
fn pem_body(text: &str, label: &str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let inner = text
        .strip_prefix(&begin)
        .and_then(|rest| rest.split(&end).next())
        .ok_or(KeyError::Invalid("the PEM block is not terminated"))?;
    let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    B64.decode(compact)
        .map_err(|_| KeyError::Invalid("the PEM block is not base64"))
}

/// Big-endian bytes without leading zeros.
fn unsigned(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default().to_vec()
}

/// A positive integer as SSH and DER write it: a leading zero when the high bit is set.
fn mpint(value: &[u8]) -> Vec<u8> {
    match value.first() {
        Some(&b) if b & 0x80 != 0 => [&[0u8][..], value].concat(),
        _ => value.to_vec(),
    }
}

fn ssh_string(out: &mut Vec<u8>, value: &[u8]) {
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value);
}

/// Reads SSH wire strings.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self) -> Result<&'a [u8], KeyError> {
        let malformed = KeyError::Invalid("malformed ssh-rsa key");
        let (len, rest) = self.0.split_first_chunk::<4>().ok_or(malformed.clone())?;
        let len = u32::from_be_bytes(*len) as usize;
        let value = rest.get(..len).ok_or(malformed.clone())?;
        self.0 = rest.get(len..).ok_or(malformed)?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2048-bit modulus (any odd number with the top bit set will do for encoding).
    fn key(bits: usize) -> RsaPublicKey {
        let mut n = vec![0xc5u8; bits / 8];
        if let Some(last) = n.last_mut() {
            *last |= 1;
        }
        RsaPublicKey {
            n,
            e: vec![0x01, 0x00, 0x01],
        }
    }

    #[test]
    fn openssh_and_pem_round_trip_to_the_same_key() {
        let k = key(2048);
        assert_eq!(k.bits(), 2048);
        let from_ssh = RsaPublicKey::parse(&format!("{} jane@example", k.openssh())).unwrap();
        assert_eq!(from_ssh, k);
        let from_pem = RsaPublicKey::parse(&k.pem()).unwrap();
        assert_eq!(from_pem, k);
        assert_eq!(from_pem.fingerprint(), k.fingerprint());
        assert_eq!(k.fingerprint().len(), 47);
        let stored = B64.encode(k.ssh_blob());
        assert_eq!(RsaPublicKey::from_stored(&stored).unwrap(), k);
    }

    #[test]
    fn refusals_say_which_kind() {
        assert_eq!(
            RsaPublicKey::parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample"),
            Err(KeyError::Unrecognized)
        );
        assert_eq!(RsaPublicKey::parse("hello"), Err(KeyError::Unrecognized));
        assert!(matches!(
            RsaPublicKey::parse(&key(1024).openssh()),
            Err(KeyError::Invalid(_))
        ));
        assert!(matches!(
            RsaPublicKey::parse("ssh-rsa !!!"),
            Err(KeyError::Invalid(_))
        ));
        let truncated = &key(2048).openssh()[..100];
        assert!(matches!(
            RsaPublicKey::parse(truncated),
            Err(KeyError::Invalid(_))
        ));
        assert!(matches!(
            RsaPublicKey::parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(KeyError::Invalid(_))
        ));
    }
}
