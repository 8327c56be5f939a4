//! Identifiers in AWS's formats.
//!
//! Unique ids are a four-letter prefix that names the entity type followed by 17
//! characters of the base32 alphabet (`A-Z2-7`), e.g. `AIDAJQABLZS4A3QDU576Q`.
//! Access key ids are `AKIA` + 16 such characters; secret access keys are 40
//! characters of the base64 alphabet.
use rand::Rng;

use crate::secret::SecretString;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The unique-id prefixes IAM uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdPrefix {
    User,
    Group,
    Role,
    Policy,
    InstanceProfile,
    AccessKey,
    TemporaryAccessKey,
    ServerCertificate,
    SshPublicKey,
    ServiceCredential,
}

impl IdPrefix {
    pub fn as_str(self) -> &'static str {
        match self {
            IdPrefix::User => "AIDA",
            IdPrefix::Group => "AGPA",
            IdPrefix::Role => "AROA",
            IdPrefix::Policy => "ANPA",
            IdPrefix::InstanceProfile => "AIPA",
            IdPrefix::AccessKey => "AKIA",
            IdPrefix::TemporaryAccessKey => "ASIA",
            IdPrefix::ServerCertificate => "ASCA",
            IdPrefix::SshPublicKey => "APKA",
            IdPrefix::ServiceCredential => "ACCA",
        }
    }
}

fn random_chars(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| {
            let i = rng.gen_range(0..alphabet.len());
            alphabet.get(i).copied().map(char::from).unwrap_or('A')
        })
        .collect()
}

/// A new unique id such as `AIDA…` (21 characters).
pub fn unique_id(prefix: IdPrefix) -> String {
    format!("{}{}", prefix.as_str(), random_chars(BASE32, 17))
}

/// A new long-term access key id (`AKIA` + 16 characters).
pub fn access_key_id() -> String {
    format!(
        "{}{}",
        IdPrefix::AccessKey.as_str(),
        random_chars(BASE32, 16)
    )
}

/// A new secret access key (40 characters).
pub fn secret_access_key() -> SecretString {
    SecretString::new(random_chars(BASE64, 40))
}

/// A new 12-digit account id.
pub fn account_id() -> String {
    random_chars(b"0123456789", 12)
}

/// Whether `s` looks like an account id (12 ASCII digits).
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        let id = unique_id(IdPrefix::User);
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        assert!(id[4..].bytes().all(|b| BASE32.contains(&b)));
        let key = access_key_id();
        assert_eq!(key.len(), 20);
        assert!(key.starts_with("AKIA"));
        assert_eq!(secret_access_key().expose().len(), 40);
        assert!(is_account_id(&account_id()));
        assert!(!is_account_id("12345678901a"));
    }
}
