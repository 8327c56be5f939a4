//! SSH public keys of IAM users (for CodeCommit): the key as an OpenSSH wire blob, its
//! fingerprint, and whether it is active.
use crate::time::Timestamp;

/// SSH public keys per user (IAM's quota).
pub const MAX_SSH_PUBLIC_KEYS_PER_USER: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKey {
    pub user_name: String,
    /// `APKA…`.
    pub key_id: String,
    /// The key in OpenSSH's wire format (`ssh-rsa`, exponent, modulus), base64.
    pub blob: String,
    /// MD5 of the blob, colon-separated hex.
    pub fingerprint: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub uploaded: Timestamp,
}
