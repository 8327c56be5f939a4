//! Password hashing for login profiles: Argon2id in the PHC string format, with a
//! random salt per password. Hashing is deliberately slow; callers run it off the
//! async runtime's worker threads (`spawn_blocking`).
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{StoreError, StoreResult};
use crate::secret::SecretString;

/// Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
fn hasher() -> StoreResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| StoreError::service_failure(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string (`$argon2id$v=19$m=...`) of `password`.
pub fn hash_password(password: &SecretString) -> StoreResult<SecretString> {
    let mut salt = [0u8; 16];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| StoreError::service_failure("no randomness for a password salt"))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| StoreError::service_failure(format!("password salt: {e}")))?;
    let hash = hasher()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| StoreError::service_failure(format!("password hashing: {e}")))?;
    Ok(SecretString::new(hash.to_string()))
}

/// Whether `password` is the one `hash` was made from. A malformed hash matches nothing.
pub fn verify_password(password: &SecretString, hash: &SecretString) -> bool {
    let Ok(parsed) = PasswordHash::new(hash.expose()) else {
        return false;
    };
    // The parameters come from the hash itself, so older hashes keep verifying.
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let password = SecretString::new("correct horse battery staple".into());
        let first = hash_password(&password).unwrap();
        let second = hash_password(&password).unwrap();
        assert!(first.expose().starts_with("$argon2id$v=19$"));
        assert_ne!(first, second);
        assert!(verify_password(&password, &first));
        assert!(verify_password(&password, &second));
        assert!(!verify_password(
            &SecretString::new("Correct horse battery staple".into()),
            &first
        ));
        assert!(!verify_password(
            &password,
            &SecretString::new("not a hash".into())
        ));
        assert!(!first.expose().contains("correct"));
    }
}
