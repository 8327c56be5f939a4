//! The digest signing key: an Ed25519 key pair made on first start. The private key is
//! stored only sealed (by the caller's [`Sealer`], the master key in iamd); the public
//! key is written in the clear beside the digests so that `iamd audit verify` needs
//! nothing but the directory. Old public keys are kept, so digests signed before a key
//! change still verify.
use std::collections::HashMap;
use std::path::Path;

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use crate::digest::{hex, sha256, unhex};
use crate::layout::{write_atomically, KEYS_DIR, SEALED_KEY};

/// Seals and opens the private key at rest.
pub trait Sealer {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, String>;
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, String>;
}

/// The key digests are signed with.
pub struct DigestKey {
    pub pair: Ed25519KeyPair,
    /// The first 16 hex digits of the SHA-256 of the public key.
    pub id: String,
}

fn key_id(public: &[u8]) -> String {
    hex(&sha256(public)).chars().take(16).collect()
}

impl DigestKey {
    /// Opens the sealed key in `<dir>/keys/`, or makes, seals and stores a new one.
    pub fn load_or_create(dir: &Path, sealer: &dyn Sealer) -> Result<Self, String> {
        let keys = dir.join(KEYS_DIR);
        std::fs::create_dir_all(&keys)
            .map_err(|e| format!("cannot create {}: {e}", keys.display()))?;
        let sealed_path = keys.join(SEALED_KEY);
        let pkcs8 = match std::fs::read(&sealed_path) {
            Ok(sealed) => sealer.open(&sealed).map_err(|e| {
                format!(
                    "cannot open the audit signing key {}: {e}",
                    sealed_path.display()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let fresh = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                    .map_err(|_| "cannot generate the audit signing key".to_owned())?;
                let sealed = sealer.seal(fresh.as_ref())?;
                write_atomically(&sealed_path, &sealed)
                    .map_err(|e| format!("cannot write {}: {e}", sealed_path.display()))?;
                fresh.as_ref().to_vec()
            }
            Err(e) => return Err(format!("cannot read {}: {e}", sealed_path.display())),
        };
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .map_err(|_| "the audit signing key is malformed".to_owned())?;
        let public = pair.public_key().as_ref();
        let id = key_id(public);
        let public_path = keys.join(format!("{id}.pub"));
        if !public_path.exists() {
            write_atomically(&public_path, format!("{}\n", hex(public)).as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", public_path.display()))?;
        }
        Ok(DigestKey { pair, id })
    }
}

/// The public keys found in `<dir>/keys/`, by key id. A key file whose content does
/// not hash to its name is left out (so it cannot vouch for anything).
pub fn public_keys(dir: &Path) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join(KEYS_DIR)) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".pub")) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Some(key) = unhex(text.trim()) {
            if key_id(&key) == id {
                out.insert(id.to_owned(), key);
            }
        }
    }
    out
}
