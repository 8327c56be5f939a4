//! The entities the store keeps, as IAM describes them.
use crate::secret::SecretString;
use crate::time::Timestamp;

/// The ARN partition iamd answers for.
pub const PARTITION: &str = "aws";

/// `arn:aws:iam::ACCOUNT:KIND{path}{name}`; `path` starts and ends with `/`.
pub fn iam_arn(account_id: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:{kind}{path}{name}")
}

/// `arn:aws:iam::ACCOUNT:root`.
pub fn root_arn(account_id: &str) -> String {
    format!("arn:{PARTITION}:iam::{account_id}:root")
}

/// A tag as IAM stores it. Keys are unique per entity, case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// At most this many tags per entity.
pub const MAX_TAGS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub alias: Option<String>,
    pub created: Timestamp,
}

/// What a new account starts with: its id and its root user's first access key.
#[derive(Debug)]
pub struct NewAccount {
    pub account: Account,
    pub root_access_key_id: String,
    pub root_secret_access_key: SecretString,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub account_id: String,
    pub user_id: String,
    pub name: String,
    pub path: String,
    pub created: Timestamp,
    pub permissions_boundary: Option<String>,
    pub password_last_used: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

impl User {
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "user", &self.path, &self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub path: String,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
}

/// `UpdateUser`: each field changes when set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserUpdate {
    pub new_name: Option<String>,
    pub new_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub account_id: String,
    pub group_id: String,
    pub name: String,
    pub path: String,
    pub created: Timestamp,
}

impl Group {
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "group", &self.path, &self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLastUsed {
    pub date: Timestamp,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub account_id: String,
    pub role_id: String,
    pub name: String,
    pub path: String,
    pub created: Timestamp,
    /// The trust policy exactly as given (IAM returns it URL-encoded; the server does that).
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: u32,
    pub permissions_boundary: Option<String>,
    pub last_used: Option<RoleLastUsed>,
    pub service_linked: bool,
    pub tags: Vec<Tag>,
}

impl Role {
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "role", &self.path, &self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRole {
    pub name: String,
    pub path: String,
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: u32,
    pub permissions_boundary: Option<String>,
    pub service_linked: bool,
    pub tags: Vec<Tag>,
}

/// `UpdateRole` / `UpdateRoleDescription`: each field changes when set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub max_session_duration: Option<u32>,
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    pub account_id: String,
    pub policy_id: String,
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub default_version_id: String,
    pub attachment_count: u32,
    pub permissions_boundary_usage_count: u32,
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "policy", &self.path, &self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicy {
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    pub document: String,
    pub tags: Vec<Tag>,
}

/// At most this many versions per managed policy.
pub const MAX_POLICY_VERSIONS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ...
    pub version_id: String,
    pub document: String,
    pub is_default: bool,
    pub created: Timestamp,
}

/// The principals that carry inline and attached policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    User,
    Group,
    Role,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            PrincipalKind::Role => "role",
        }
    }
}

/// A principal named as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrincipalName<'a> {
    pub kind: PrincipalKind,
    pub name: &'a str,
}

/// At most this many managed policies attached to one user, group or role.
pub const MAX_ATTACHED_POLICIES: usize = 10;

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
}

/// An entity a managed policy is attached to (`ListEntitiesForPolicy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntity {
    pub kind: PrincipalKind,
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePolicy {
    pub name: String,
    pub document: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Active" => Some(KeyStatus::Active),
            "Inactive" => Some(KeyStatus::Inactive),
            _ => None,
        }
    }
}

/// At most this many access keys per user.
pub const MAX_ACCESS_KEYS_PER_USER: usize = 2;

/// An access key without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub account_id: String,
    pub access_key_id: String,
    /// The owning user's name; `None` for the account root's keys.
    pub user_name: Option<String>,
    pub status: KeyStatus,
    pub created: Timestamp,
}

/// A new access key with the secret its owner sees once.
#[derive(Debug)]
pub struct NewAccessKey {
    pub key: AccessKey,
    pub secret: SecretString,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessKeyLastUsed {
    pub date: Option<Timestamp>,
    pub service: Option<String>,
    pub region: Option<String>,
}

/// Who an access key authenticates as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    Root,
    User {
        user_id: String,
        name: String,
        path: String,
    },
}

/// Everything authentication needs about an access key, with its secret opened.
#[derive(Debug, Clone)]
pub struct Credential {
    pub account_id: String,
    pub access_key_id: String,
    pub owner: KeyOwner,
    pub status: KeyStatus,
    pub secret: SecretString,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProfile {
    pub account_id: String,
    pub instance_profile_id: String,
    pub name: String,
    pub path: String,
    pub created: Timestamp,
    pub roles: Vec<Role>,
    pub tags: Vec<Tag>,
}

impl InstanceProfile {
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "instance-profile", &self.path, &self.name)
    }
}

/// The entities that carry tags, named as the tagging operations name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagTarget<'a> {
    User(&'a str),
    Role(&'a str),
    /// A customer managed policy, by ARN.
    Policy(&'a str),
    InstanceProfile(&'a str),
}

/// A policy document as authorization reads it, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedDocument {
    /// A stable label of the source, for explanations and cache keys, e.g.
    /// `user/alice/inline/ReadOnly`, `group/dev/inline/x` or a managed policy ARN.
    pub source: String,
    pub document: String,
}

/// A managed policy attached (directly or through a group) or used as a boundary.
/// `document` is the default version's text for customer policies and `None` for AWS
/// managed policies, which the server resolves from its built-in set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedDocument {
    pub arn: String,
    pub document: Option<String>,
}

/// What evaluating a user's or role's identity-based permissions needs, read in one
/// consistent snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrincipalPolicies {
    pub inline: Vec<SourcedDocument>,
    pub managed: Vec<ManagedDocument>,
    pub boundary: Option<ManagedDocument>,
    pub tags: Vec<Tag>,
    /// The account's password policy has `AllowUsersToChangePassword`: every IAM user
    /// of the account may change their own password (users only; never set for roles).
    pub users_may_change_password: bool,
}

/// `GetAccountSummary` counts for one account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountUsage {
    pub users: u64,
    pub groups: u64,
    pub roles: u64,
    pub policies: u64,
    pub instance_profiles: u64,
    pub policy_versions_in_use: u64,
    pub access_keys_present_for_root: bool,
    pub signing_certificates_present_for_root: bool,
    pub server_certificates: u64,
    pub mfa_devices: u64,
    pub mfa_devices_in_use: u64,
    pub providers: u64,
}

/// A user as `GetAccountAuthorizationDetails` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDetail {
    /// With tags.
    pub user: User,
    pub inline_policies: Vec<InlinePolicy>,
    /// Names of the groups the user is in.
    pub groups: Vec<String>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    pub group: Group,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDetail {
    /// With tags; the trust policy as IAM shows it.
    pub role: Role,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached: Vec<AttachedPolicy>,
    /// The instance profiles the role is in, each with its roles.
    pub instance_profiles: Vec<InstanceProfile>,
}

/// A customer managed policy with every version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDetail {
    pub policy: ManagedPolicy,
    /// Newest first.
    pub versions: Vec<PolicyVersion>,
}

/// Everything `GetAccountAuthorizationDetails` reports about an account, read in one
/// snapshot. Each list is sorted by name (case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthorizationDetails {
    pub users: Vec<UserDetail>,
    pub groups: Vec<GroupDetail>,
    pub roles: Vec<RoleDetail>,
    pub policies: Vec<PolicyDetail>,
    /// AWS managed policies in use in the account: (ARN, attachments, boundary uses).
    pub aws_managed_in_use: Vec<(String, u32, u32)>,
}

/// At most this many MFA devices enabled for one user.
pub const MAX_MFA_DEVICES_PER_USER: usize = 8;

/// A virtual MFA device. Its serial number is its ARN
/// (`arn:aws:iam::ACCT:mfa{path}{name}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaDevice {
    pub account_id: String,
    pub serial_number: String,
    pub name: String,
    pub path: String,
    pub created: Timestamp,
    /// The user the device is enabled for (without tags), and since when.
    pub user: Option<User>,
    pub enable_date: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

/// A new virtual MFA device with its seed (base32), which its owner sees once.
#[derive(Debug)]
pub struct NewVirtualMfaDevice {
    pub device: MfaDevice,
    pub base32_seed: SecretString,
}

/// `ListVirtualMFADevices`' `AssignmentStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MfaAssignment {
    Assigned,
    Unassigned,
    #[default]
    Any,
}

/// What checking one-time codes against a device concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong, stale or already used codes.
    Invalid,
    /// Too many wrong codes lately: refused without looking at them.
    Throttled,
}

/// A user's console password settings, without the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginProfile {
    pub user_name: String,
    pub created: Timestamp,
    pub password_changed: Timestamp,
    pub reset_required: bool,
}

/// A login profile with the password hashes checks need: the current one, and the
/// earlier ones kept for reuse prevention (newest first).
#[derive(Debug, Clone)]
pub struct LoginSecrets {
    pub profile: LoginProfile,
    pub current_hash: SecretString,
    pub previous_hashes: Vec<SecretString>,
}

/// The account password policy. `None` fields are unset, as IAM reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub allow_users_to_change_password: bool,
    pub max_age_days: Option<u32>,
    pub reuse_prevention: Option<u32>,
    pub hard_expiry: Option<bool>,
}

impl Default for PasswordPolicy {
    /// What `UpdateAccountPasswordPolicy` sets for members left out.
    fn default() -> Self {
        PasswordPolicy {
            minimum_length: 6,
            require_symbols: false,
            require_numbers: false,
            require_uppercase: false,
            require_lowercase: false,
            allow_users_to_change_password: false,
            max_age_days: None,
            reuse_prevention: None,
            hard_expiry: None,
        }
    }
}

/// One access key as the credential report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReport {
    pub key: AccessKey,
    pub last_used: AccessKeyLastUsed,
}

/// One user's credentials as the credential report shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCredentials {
    pub user: User,
    pub login_profile: Option<LoginProfile>,
    pub mfa_active: bool,
    /// Oldest first, as the report's `access_key_1`, `access_key_2`.
    pub keys: Vec<KeyReport>,
    /// Signing certificates, oldest first (`cert_1`, `cert_2`).
    pub certificates: Vec<CertificateReport>,
}

/// One signing certificate as the credential report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateReport {
    pub active: bool,
    pub uploaded: Timestamp,
}

/// Everything the credential report needs about an account, read in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInventory {
    pub account: Account,
    pub root_keys: Vec<KeyReport>,
    pub root_certificates: Vec<CertificateReport>,
    /// Sorted by name.
    pub users: Vec<UserCredentials>,
    pub password_policy: Option<PasswordPolicy>,
}

/// A generated credential report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialReport {
    pub generated: Timestamp,
    /// The CSV text.
    pub content: Vec<u8>,
}
