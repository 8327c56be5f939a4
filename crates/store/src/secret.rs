//! Secrets in memory and at rest.
//!
//! [`SecretString`] holds a secret (a secret access key, later passwords' inputs and
//! signing keys): it is wiped when dropped and prints as `[redacted]`, so it cannot end
//! up in a log by accident. [`MasterKey`] seals secrets with AES-256-GCM before they
//! reach the database; the sealed form binds the secret to its row (associated data),
//! so a ciphertext copied to another row does not open.
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{StoreError, StoreResult};

/// A secret string: zeroized on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: String) -> Self {
        SecretString(value)
    }

    /// The secret itself. Call sites are the few places that need it: signing-key
    /// derivation, sealing, and the one response that hands a new secret to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The file a generated master key is kept in, inside the data directory.
pub const MASTER_KEY_FILE: &str = "master.key";

/// Format byte of sealed values, so the format can change without guessing.
const SEALED_V1: u8 = 1;

/// The AES-256-GCM key every secret at rest is sealed with.
pub struct MasterKey {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// A key from 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> StoreResult<Self> {
        if bytes.len() != 32 {
            return Err(StoreError::invalid_input(
                "the master key must be 32 bytes (base64 or hex encoded)",
            ));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| StoreError::invalid_input("unusable master key"))?;
        Ok(MasterKey {
            key: LessSafeKey::new(unbound),
            rng: SystemRandom::new(),
        })
    }

    /// A key from its text form: 64 hex digits or base64 of 32 bytes.
    pub fn from_text(text: &str) -> StoreResult<Self> {
        let text = text.trim();
        let bytes = Zeroizing::new(
            if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                decode_hex(text)
            } else {
                B64.decode(text).map_err(|_| {
                    StoreError::invalid_input("the master key is neither hex nor base64")
                })?
            },
        );
        Self::from_bytes(&bytes)
    }

    /// A fresh random key.
    pub fn generate() -> StoreResult<(Self, Zeroizing<Vec<u8>>)> {
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| StoreError::service_failure("no randomness for the master key"))?;
        Ok((Self::from_bytes(&bytes)?, bytes))
    }

    /// The key from `from_env` when given (the `IAMD_MASTER_KEY` value), else from the key
    /// file in `data_dir`, which is created (mode 0600) with a new key when absent.
    pub fn load_or_create(data_dir: &Path, from_env: Option<&str>) -> StoreResult<Self> {
        if let Some(text) = from_env {
            return Self::from_text(text);
        }
        let path = data_dir.join(MASTER_KEY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => {
                check_private(&path)?;
                Self::from_text(&Zeroizing::new(text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (key, bytes) = Self::generate()?;
                write_private(&path, &Zeroizing::new(B64.encode(&*bytes)))?;
                Ok(key)
            }
            Err(e) => Err(StoreError::service_failure(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// Seals `plaintext`, bound to `context` (e.g. the access key id it belongs to).
    /// Output: format byte, 96-bit random nonce, ciphertext and tag.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> StoreResult<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| StoreError::service_failure("no randomness for a nonce"))?;
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut buf,
            )
            .map_err(|_| StoreError::service_failure("sealing failed"))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        buf.zeroize();
        Ok(out)
    }

    /// Opens what [`MasterKey::seal`] produced for the same `context`.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> StoreResult<Zeroizing<Vec<u8>>> {
        let fail =
            || StoreError::service_failure("a sealed secret does not open with the master key");
        let (&format, rest) = sealed.split_first().ok_or_else(fail)?;
        if format != SEALED_V1 || rest.len() < NONCE_LEN + aead::AES_256_GCM.tag_len() {
            return Err(fail());
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| fail())?;
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        let len = self
            .key
            .open_in_place(nonce, Aad::from(context), &mut buf)
            .map_err(|_| fail())?
            .len();
        buf.truncate(len);
        Ok(buf)
    }

    /// Seals a secret string.
    pub fn seal_secret(&self, context: &str, secret: &SecretString) -> StoreResult<Vec<u8>> {
        self.seal(context.as_bytes(), secret.expose().as_bytes())
    }

    /// Opens a sealed secret string.
    pub fn open_secret(&self, context: &str, sealed: &[u8]) -> StoreResult<SecretString> {
        let bytes = self.open(context.as_bytes(), sealed)?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| StoreError::service_failure("a sealed secret is not UTF-8"))?;
        Ok(SecretString::new(text.to_owned()))
    }
}

fn decode_hex(text: &str) -> Vec<u8> {
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            match pair {
                [hi, lo] => digit(*hi) << 4 | digit(*lo),
                _ => 0,
            }
        })
        .collect()
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> StoreResult<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |e: std::io::Error| {
        StoreError::service_failure(format!("cannot create {}: {e}", path.display()))
    };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(fail)?;
    file.write_all(contents.as_bytes()).map_err(fail)?;
    file.write_all(b"\n").map_err(fail)?;
    file.sync_all().map_err(fail)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> StoreResult<()> {
    fs::write(path, format!("{contents}\n"))
        .map_err(|e| StoreError::service_failure(format!("cannot create {}: {e}", path.display())))
}

/// Refuses a key file that others can read: the key protects every secret.
#[cfg(unix)]
fn check_private(path: &Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|e| StoreError::service_failure(format!("cannot stat {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::service_failure(format!(
            "{} is accessible by group or others (mode {:o}); chmod 600 it",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> StoreResult<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_bound_to_context() {
        let (key, _) = MasterKey::generate().unwrap();
        let secret = SecretString::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into());
        let sealed = key.seal_secret("AKIAEXAMPLE", &secret).unwrap();
        assert!(!sealed
            .windows(secret.expose().len())
            .any(|w| w == secret.expose().as_bytes()));
        assert_eq!(key.open_secret("AKIAEXAMPLE", &sealed).unwrap(), secret);
        assert!(key.open_secret("AKIAOTHER", &sealed).is_err());
        let (other, _) = MasterKey::generate().unwrap();
        assert!(other.open_secret("AKIAEXAMPLE", &sealed).is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let secret = SecretString::new("hunter2".into());
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let (key, _) = MasterKey::generate().unwrap();
        assert!(!format!("{key:?}").contains("hunter2"));
    }

    #[test]
    fn key_text_forms() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let from_hex = MasterKey::from_text(hex).unwrap();
        let b64 = B64.encode(decode_hex(hex));
        let from_b64 = MasterKey::from_text(&b64).unwrap();
        let sealed = from_hex.seal(b"ctx", b"data").unwrap();
        assert_eq!(&*from_b64.open(b"ctx", &sealed).unwrap(), b"data");
        assert!(MasterKey::from_text("c2hvcnQ=").is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::load_or_create(dir.path(), None).unwrap();
        let sealed = key.seal(b"c", b"p").unwrap();
        let again = MasterKey::load_or_create(dir.path(), None).unwrap();
        assert_eq!(&*again.open(b"c", &sealed).unwrap(), b"p");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(MASTER_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
