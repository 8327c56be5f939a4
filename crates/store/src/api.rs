//! The store's interface, one trait per IAM family, gathered by [`Store`].
//!
//! Callers hold an `Arc<dyn Store>` and bring the family traits into scope with
//! `use store::api::*`. Inputs are already validated for shape (names, paths, lengths,
//! policy grammar) by the API layer; the store enforces what needs the data: existence,
//! uniqueness, quotas and delete conflicts, with AWS's error kinds and messages.
//!
//! Account ids scope every call: an entity of another account is never found.
use async_trait::async_trait;

use crate::access_analyzer::*;
use crate::delegation::*;
use crate::error::StoreResult;
use crate::federation::*;
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::secret::SecretString;
use crate::server_certificates::*;
use crate::service_credentials::*;
use crate::signing_certificates::*;
use crate::ssh_keys::*;
use crate::time::Timestamp;

/// Accounts, their aliases and summary counts.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account with `account_id` (random when `None`) and a first access key
    /// for its root user (`root_key` when given, else generated).
    async fn create_account(
        &self,
        account_id: Option<String>,
        root_key: Option<(String, SecretString)>,
    ) -> StoreResult<NewAccount>;
    async fn get_account(&self, account_id: &str) -> StoreResult<Option<Account>>;
    async fn list_accounts(&self) -> StoreResult<Vec<Account>>;
    /// `CreateAccountAlias`: aliases are unique across all accounts.
    async fn create_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()>;
    async fn delete_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()>;
    async fn account_usage(&self, account_id: &str) -> StoreResult<AccountUsage>;
    /// `GetAccountAuthorizationDetails`: users, groups, roles and customer managed
    /// policies with their policies, memberships and versions, in one snapshot.
    async fn authorization_details(&self, account_id: &str) -> StoreResult<AuthorizationDetails>;
}

/// Long-term access keys of users and of account roots. `user_name: None` means the
/// account root.
#[async_trait]
pub trait AccessKeyStore: Send + Sync {
    /// Looks a key up for authentication, secret opened. `None` when unknown.
    async fn credential(&self, access_key_id: &str) -> StoreResult<Option<Credential>>;
    async fn create_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> StoreResult<NewAccessKey>;
    async fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<AccessKey>>;
    async fn update_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
        status: KeyStatus,
    ) -> StoreResult<()>;
    async fn delete_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> StoreResult<()>;
    /// `GetAccessKeyLastUsed`: the key (in any account; the caller checks) and its use.
    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<(AccessKey, AccessKeyLastUsed)>>;
    /// Records key use in one write for many keys (callers batch, so serving a request
    /// never waits for this).
    async fn record_access_key_use(
        &self,
        uses: Vec<(String, AccessKeyLastUsed)>,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, account_id: &str, user: NewUser) -> StoreResult<User>;
    /// `NoSuchEntity` when absent. Includes tags.
    async fn get_user(&self, account_id: &str, name: &str) -> StoreResult<User>;
    async fn get_user_by_id(&self, account_id: &str, user_id: &str) -> StoreResult<Option<User>>;
    /// Sorted by name (case-insensitively); tags are not included, as in `ListUsers`.
    async fn list_users(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<User>>;
    async fn update_user(
        &self,
        account_id: &str,
        name: &str,
        update: UserUpdate,
    ) -> StoreResult<User>;
    /// Refuses with `DeleteConflict` while the user has access keys, inline or attached
    /// policies or group memberships, as IAM does.
    async fn delete_user(&self, account_id: &str, name: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait GroupStore: Send + Sync {
    async fn create_group(&self, account_id: &str, name: &str, path: &str) -> StoreResult<Group>;
    async fn get_group(&self, account_id: &str, name: &str) -> StoreResult<Group>;
    async fn list_groups(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>>;
    async fn update_group(
        &self,
        account_id: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<Group>;
    /// Refuses with `DeleteConflict` while the group has members or policies.
    async fn delete_group(&self, account_id: &str, name: &str) -> StoreResult<()>;
    async fn add_user_to_group(&self, account_id: &str, group: &str, user: &str)
        -> StoreResult<()>;
    async fn remove_user_from_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> StoreResult<()>;
    /// `GetGroup`: the group and a page of its members.
    async fn list_group_members(
        &self,
        account_id: &str,
        group: &str,
        page: &PageRequest,
    ) -> StoreResult<(Group, Page<User>)>;
    async fn list_groups_for_user(
        &self,
        account_id: &str,
        user: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>>;
}

#[async_trait]
pub trait RoleStore: Send + Sync {
    async fn create_role(&self, account_id: &str, role: NewRole) -> StoreResult<Role>;
    /// Includes tags.
    async fn get_role(&self, account_id: &str, name: &str) -> StoreResult<Role>;
    async fn get_role_by_id(&self, account_id: &str, role_id: &str) -> StoreResult<Option<Role>>;
    async fn list_roles(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Role>>;
    async fn update_role(
        &self,
        account_id: &str,
        name: &str,
        update: RoleUpdate,
    ) -> StoreResult<Role>;
    async fn update_assume_role_policy(
        &self,
        account_id: &str,
        name: &str,
        document: &str,
    ) -> StoreResult<()>;
    /// Refuses with `DeleteConflict` while the role has policies or is in an instance
    /// profile. Trust policies of the account that named the role by ARN name its
    /// unique id afterwards, as in IAM (a new role of the same name is not trusted).
    async fn delete_role(&self, account_id: &str, name: &str) -> StoreResult<()>;
    async fn record_role_use(&self, uses: Vec<(String, String, RoleLastUsed)>) -> StoreResult<()>;
}

/// Which policies `ListPolicies` returns by use (`PolicyUsageFilter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyUsage {
    #[default]
    Any,
    PermissionsPolicy,
    PermissionsBoundary,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyFilter {
    pub path_prefix: String,
    pub only_attached: bool,
    pub usage: PolicyUsage,
}

/// Customer managed policies and their versions.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    async fn create_policy(
        &self,
        account_id: &str,
        policy: NewPolicy,
    ) -> StoreResult<ManagedPolicy>;
    async fn get_policy(&self, account_id: &str, arn: &str) -> StoreResult<ManagedPolicy>;
    /// The account's customer managed policies (`Scope=Local`), sorted by name.
    async fn list_policies(
        &self,
        account_id: &str,
        filter: &PolicyFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ManagedPolicy>>;
    /// Refuses with `DeleteConflict` while attached, used as a boundary, or while it
    /// has versions besides the default.
    async fn delete_policy(&self, account_id: &str, arn: &str) -> StoreResult<()>;
    async fn create_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        document: &str,
        set_as_default: bool,
    ) -> StoreResult<PolicyVersion>;
    async fn get_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<PolicyVersion>;
    async fn list_policy_versions(
        &self,
        account_id: &str,
        arn: &str,
    ) -> StoreResult<Vec<PolicyVersion>>;
    async fn delete_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<()>;
    async fn set_default_policy_version(
        &self,
        account_id: &str,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<()>;
    /// How often the account uses any managed policy (AWS's included), by ARN:
    /// (attachments, uses as permissions boundary).
    async fn policy_usage_counts(&self, account_id: &str) -> StoreResult<Vec<(String, u32, u32)>>;
}

/// Managed policies attached to users, groups and roles, and permissions boundaries.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Attaches `policy_arn`. A customer policy must exist in the account; an AWS
    /// managed ARN is recorded as given (the API layer checks it exists). Attaching
    /// twice is a no-op; more than [`MAX_ATTACHED_POLICIES`] is `LimitExceeded`.
    async fn attach_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: &str,
    ) -> StoreResult<()>;
    async fn detach_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: &str,
    ) -> StoreResult<()>;
    async fn list_attached_policies(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<AttachedPolicy>>;
    /// `ListEntitiesForPolicy`, sorted by kind then name: entities the policy is
    /// attached to, used as permissions boundary by, or both (`usage`).
    async fn list_entities_for_policy(
        &self,
        account_id: &str,
        policy_arn: &str,
        kind: Option<PrincipalKind>,
        path_prefix: &str,
        usage: PolicyUsage,
        page: &PageRequest,
    ) -> StoreResult<Page<PolicyEntity>>;
    /// Sets or clears the permissions boundary of a user or role.
    async fn set_permissions_boundary(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_arn: Option<&str>,
    ) -> StoreResult<()>;
}

/// Inline policies of users, groups and roles.
#[async_trait]
pub trait InlinePolicyStore: Send + Sync {
    /// Creates or replaces. `size` is the document's size as IAM counts it; the sum over
    /// the principal's inline policies may not exceed `max_total_size`
    /// (`LimitExceeded`, AWS's message).
    async fn put_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
        document: &str,
        size: usize,
        max_total_size: usize,
    ) -> StoreResult<()>;
    async fn get_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
    ) -> StoreResult<InlinePolicy>;
    async fn delete_inline_policy(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        policy_name: &str,
    ) -> StoreResult<()>;
    /// Policy names, sorted.
    async fn list_inline_policies(
        &self,
        account_id: &str,
        principal: PrincipalName<'_>,
        page: &PageRequest,
    ) -> StoreResult<Page<String>>;
}

#[async_trait]
pub trait InstanceProfileStore: Send + Sync {
    async fn create_instance_profile(
        &self,
        account_id: &str,
        name: &str,
        path: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<InstanceProfile>;
    async fn get_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> StoreResult<InstanceProfile>;
    async fn list_instance_profiles(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<InstanceProfile>>;
    /// Refuses with `DeleteConflict` while a role is in the profile.
    async fn delete_instance_profile(&self, account_id: &str, name: &str) -> StoreResult<()>;
    /// A profile holds at most one role (`LimitExceeded`).
    async fn add_role_to_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()>;
    async fn remove_role_from_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()>;
    async fn list_instance_profiles_for_role(
        &self,
        account_id: &str,
        role: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<InstanceProfile>>;
}

#[async_trait]
pub trait TagStore: Send + Sync {
    /// Adds or overwrites tags (keys compare case-insensitively); more than
    /// [`MAX_TAGS`] in total is `LimitExceeded`.
    async fn tag(&self, account_id: &str, target: TagTarget<'_>, tags: Vec<Tag>)
        -> StoreResult<()>;
    /// Removes tags by key; absent keys are ignored, as in IAM.
    async fn untag(
        &self,
        account_id: &str,
        target: TagTarget<'_>,
        keys: Vec<String>,
    ) -> StoreResult<()>;
    async fn list_tags(
        &self,
        account_id: &str,
        target: TagTarget<'_>,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>>;
}

/// The inputs of identity-based authorization, read in one snapshot.
#[async_trait]
pub trait AuthorizationStore: Send + Sync {
    /// A user's inline policies, managed policies (direct and through its groups, each
    /// once), boundary and tags.
    async fn user_policies(
        &self,
        account_id: &str,
        user_id: &str,
    ) -> StoreResult<PrincipalPolicies>;
    /// A role's inline and attached policies, boundary and tags.
    async fn role_policies(
        &self,
        account_id: &str,
        role_id: &str,
    ) -> StoreResult<PrincipalPolicies>;
}

/// Virtual MFA devices and the one-time codes they produce (TOTP: SHA-1, 6 digits,
/// 30-second steps). Seeds are sealed with the master key. A code is accepted once: the
/// newest accepted time step is kept per device, durably. Wrong codes are counted per
/// device; past [`crate::totp::MAX_FAILURES`] within [`crate::totp::FAILURE_WINDOW_MS`]
/// every code is refused until the window ends.
#[async_trait]
pub trait MfaStore: Send + Sync {
    /// A new device with a fresh seed; `EntityAlreadyExists` for a serial in use.
    async fn create_virtual_mfa_device(
        &self,
        account_id: &str,
        name: &str,
        path: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<NewVirtualMfaDevice>;
    /// Enables an unassigned device for a user when `code1` and `code2` are two
    /// consecutive codes of the device (within the enabling window around `now`).
    async fn enable_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
        codes: (&str, &str),
        now: Timestamp,
    ) -> StoreResult<CodeCheck>;
    /// Re-learns a device's clock offset from two consecutive codes (a wider window).
    async fn resync_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
        codes: (&str, &str),
        now: Timestamp,
    ) -> StoreResult<CodeCheck>;
    /// Detaches a device from its user; the device stays, unassigned.
    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        user_name: &str,
        serial: &str,
    ) -> StoreResult<()>;
    /// Refuses with `DeleteConflict` while the device is enabled for a user.
    async fn delete_virtual_mfa_device(&self, account_id: &str, serial: &str) -> StoreResult<()>;
    /// With tags and user. `NoSuchEntity` when absent.
    async fn get_mfa_device(&self, account_id: &str, serial: &str) -> StoreResult<MfaDevice>;
    /// The devices enabled for a user, by serial number.
    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<MfaDevice>>;
    /// The account's virtual devices, by serial number (tags not included).
    async fn list_virtual_mfa_devices(
        &self,
        account_id: &str,
        assignment: MfaAssignment,
        page: &PageRequest,
    ) -> StoreResult<Page<MfaDevice>>;
    async fn tag_mfa_device(
        &self,
        account_id: &str,
        serial: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<()>;
    async fn untag_mfa_device(
        &self,
        account_id: &str,
        serial: &str,
        keys: Vec<String>,
    ) -> StoreResult<()>;
    async fn list_mfa_device_tags(
        &self,
        account_id: &str,
        serial: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>>;
    /// Checks one code of an enabled device (STS's `SerialNumber` + `TokenCode`).
    /// `Ok(false)` for a wrong, replayed or stale code and for an unknown or unassigned
    /// device; `LimitExceeded` while the device is throttled. Callers check that the
    /// device belongs to the caller ([`MfaStore::get_mfa_device`]).
    async fn verify_mfa_code(
        &self,
        account_id: &str,
        serial: &str,
        code: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;
}

/// Console passwords (login profiles) and the account password policy. Passwords reach
/// the store only as hashes (see [`crate::password`]).
#[async_trait]
pub trait PasswordStore: Send + Sync {
    /// `EntityAlreadyExists` when the user has one.
    async fn create_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        password_hash: SecretString,
        reset_required: bool,
    ) -> StoreResult<LoginProfile>;
    async fn get_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> StoreResult<LoginProfile>;
    /// The profile with its current and remembered password hashes.
    async fn login_secrets(&self, account_id: &str, user_name: &str) -> StoreResult<LoginSecrets>;
    /// Sets a new password (when given) and the reset flag (when given). The previous
    /// hashes remembered are cut to the policy's `PasswordReusePrevention`.
    async fn update_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        password_hash: Option<SecretString>,
        reset_required: Option<bool>,
    ) -> StoreResult<()>;
    async fn delete_login_profile(&self, account_id: &str, user_name: &str) -> StoreResult<()>;
    async fn get_password_policy(&self, account_id: &str) -> StoreResult<Option<PasswordPolicy>>;
    async fn put_password_policy(
        &self,
        account_id: &str,
        policy: PasswordPolicy,
    ) -> StoreResult<()>;
    /// `NoSuchEntity` (AWS's message) when the account has none.
    async fn delete_password_policy(&self, account_id: &str) -> StoreResult<()>;
}

/// The inputs and the result of `GenerateCredentialReport`.
#[async_trait]
pub trait CredentialReportStore: Send + Sync {
    async fn credential_inventory(&self, account_id: &str) -> StoreResult<CredentialInventory>;
    /// Replaces the account's report.
    async fn put_credential_report(
        &self,
        account_id: &str,
        report: CredentialReport,
    ) -> StoreResult<()>;
    async fn get_credential_report(
        &self,
        account_id: &str,
    ) -> StoreResult<Option<CredentialReport>>;
}

/// The length in bytes of a session key (AES-256).
pub const SESSION_KEY_LEN: usize = 32;

/// One key of the ring that seals STS session tokens. `key_id` travels in every token,
/// so any iamd node sharing the store finds the key that opens it.
pub struct SessionKey {
    pub key_id: u32,
    pub created: Timestamp,
    pub secret: zeroize::Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionKey({:08x}, [redacted])", self.key_id)
    }
}

/// The session-token key ring. Keys are sealed with the master key at rest.
#[async_trait]
pub trait SessionKeyStore: Send + Sync {
    /// Every key of the ring, oldest first.
    async fn session_keys(&self) -> StoreResult<Vec<SessionKey>>;
    /// Adds a fresh random key and, in the same write, retires the keys created before
    /// `retire_before` (tokens they sealed can no longer be opened).
    async fn add_session_key(&self, retire_before: Timestamp) -> StoreResult<SessionKey>;
}

/// Identity providers (OpenID Connect and SAML) and the keys of outbound web identity
/// tokens. Providers are named by ARN, as IAM's API names them.
#[async_trait]
pub trait FederationStore: Send + Sync {
    /// `EntityAlreadyExists` for a provider URL the account has; at most
    /// [`MAX_OIDC_PROVIDERS`] per account.
    async fn create_oidc_provider(
        &self,
        account_id: &str,
        provider: NewOidcProvider,
    ) -> StoreResult<OidcProvider>;
    /// With tags; `NoSuchEntity` (AWS's message) when absent.
    async fn get_oidc_provider(&self, account_id: &str, arn: &str) -> StoreResult<OidcProvider>;
    /// By ARN, without tags.
    async fn list_oidc_providers(&self, account_id: &str) -> StoreResult<Vec<OidcProvider>>;
    async fn delete_oidc_provider(&self, account_id: &str, arn: &str) -> StoreResult<()>;
    /// Adds a client id (a no-op when present); at most [`MAX_OIDC_CLIENT_IDS`].
    async fn add_oidc_client_id(
        &self,
        account_id: &str,
        arn: &str,
        client_id: &str,
    ) -> StoreResult<()>;
    /// Removes a client id (a no-op when absent).
    async fn remove_oidc_client_id(
        &self,
        account_id: &str,
        arn: &str,
        client_id: &str,
    ) -> StoreResult<()>;
    async fn set_oidc_thumbprints(
        &self,
        account_id: &str,
        arn: &str,
        thumbprints: Vec<String>,
    ) -> StoreResult<()>;

    /// `EntityAlreadyExists` for a name in use; at most [`MAX_SAML_PROVIDERS`].
    async fn create_saml_provider(
        &self,
        account_id: &str,
        name: &str,
        metadata: &str,
        valid_until: Option<Timestamp>,
        tags: Vec<Tag>,
    ) -> StoreResult<SamlProvider>;
    /// With tags; `NoSuchEntity` (AWS's message) when absent.
    async fn get_saml_provider(&self, account_id: &str, arn: &str) -> StoreResult<SamlProvider>;
    /// By name, without tags.
    async fn list_saml_providers(&self, account_id: &str) -> StoreResult<Vec<SamlProvider>>;
    async fn update_saml_provider(
        &self,
        account_id: &str,
        arn: &str,
        metadata: &str,
        valid_until: Option<Timestamp>,
    ) -> StoreResult<SamlProvider>;
    async fn delete_saml_provider(&self, account_id: &str, arn: &str) -> StoreResult<()>;

    /// Tags of a provider of either kind, by ARN (adds or overwrites; more than
    /// [`MAX_TAGS`] in all is `LimitExceeded`).
    async fn tag_provider(&self, account_id: &str, arn: &str, tags: Vec<Tag>) -> StoreResult<()>;
    async fn untag_provider(
        &self,
        account_id: &str,
        arn: &str,
        keys: Vec<String>,
    ) -> StoreResult<()>;
    async fn list_provider_tags(
        &self,
        account_id: &str,
        arn: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>>;

    /// Whether the account allows `GetWebIdentityToken`, and since when.
    async fn outbound_federation(&self, account_id: &str) -> StoreResult<Option<Timestamp>>;
    /// Turns outbound federation on or off; answers whether it changed.
    async fn set_outbound_federation(&self, account_id: &str, enabled: bool) -> StoreResult<bool>;
    /// The signing key for `algorithm`: the stored one, or else `candidate` (stored
    /// now). Concurrent first uses agree on one key.
    async fn web_identity_key(
        &self,
        algorithm: &str,
        candidate: WebIdentityKey,
    ) -> StoreResult<WebIdentityKey>;
    /// Every signing key, oldest first (the published key set).
    async fn web_identity_keys(&self) -> StoreResult<Vec<WebIdentityKey>>;
}

/// IAM Access Analyzer: analyzers (named by ARN), their archive rules and findings.
/// A missing analyzer or rule is `NoSuchEntity`; a name in use is `EntityAlreadyExists`.
#[async_trait]
pub trait AccessAnalyzerStore: Send + Sync {
    async fn create_analyzer(
        &self,
        account_id: &str,
        analyzer: NewAnalyzer,
    ) -> StoreResult<Analyzer>;
    /// With tags.
    async fn get_analyzer(&self, account_id: &str, arn: &str) -> StoreResult<Analyzer>;
    /// The account's analyzers in `region`, by name, with tags.
    async fn list_analyzers(&self, account_id: &str, region: &str) -> StoreResult<Vec<Analyzer>>;
    async fn update_analyzer_configuration(
        &self,
        account_id: &str,
        arn: &str,
        configuration: Option<String>,
    ) -> StoreResult<Analyzer>;
    /// Deletes the analyzer with its rules, findings and tags.
    async fn delete_analyzer(&self, account_id: &str, arn: &str) -> StoreResult<()>;
    async fn tag_analyzer(&self, account_id: &str, arn: &str, tags: Vec<Tag>) -> StoreResult<()>;
    async fn untag_analyzer(
        &self,
        account_id: &str,
        arn: &str,
        keys: Vec<String>,
    ) -> StoreResult<()>;

    /// Creates (`replace == false`; `EntityAlreadyExists` when present) or replaces
    /// (`replace == true`; `NoSuchEntity` when absent) an archive rule.
    async fn put_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
        filter: &str,
        replace: bool,
    ) -> StoreResult<ArchiveRule>;
    async fn get_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
    ) -> StoreResult<ArchiveRule>;
    /// By name.
    async fn list_archive_rules(
        &self,
        account_id: &str,
        analyzer_arn: &str,
    ) -> StoreResult<Vec<ArchiveRule>>;
    async fn delete_archive_rule(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        name: &str,
    ) -> StoreResult<()>;

    /// Every finding of the analyzer, oldest first.
    async fn list_analyzer_findings(
        &self,
        account_id: &str,
        analyzer_arn: &str,
    ) -> StoreResult<Vec<AnalyzerFinding>>;
    /// Writes one analysis run in one transaction.
    async fn save_analysis(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        result: AnalysisResult,
    ) -> StoreResult<()>;
    /// Sets the status of these findings (all or none: an unknown id is `NoSuchEntity`).
    async fn set_findings_status(
        &self,
        account_id: &str,
        analyzer_arn: &str,
        ids: Vec<String>,
        status: &str,
    ) -> StoreResult<()>;
}

/// Which principal used which service and when (service last accessed), written in
/// batches, and the report jobs of `GenerateServiceLastAccessedDetails`.
#[async_trait]
pub trait ServiceUsageStore: Send + Sync {
    /// Keeps, per entity, service and action, the newest use.
    async fn record_service_uses(&self, uses: Vec<ServiceUse>) -> StoreResult<()>;
    /// The uses recorded for these entities (service level and action level).
    async fn service_uses(
        &self,
        account_id: &str,
        entity_arns: Vec<String>,
    ) -> StoreResult<Vec<ServiceUse>>;
    async fn create_access_report_job(&self, job: AccessReportJob) -> StoreResult<()>;
    /// `NoSuchEntity` for an unknown job id.
    async fn get_access_report_job(
        &self,
        account_id: &str,
        job_id: &str,
    ) -> StoreResult<AccessReportJob>;
}

/// Workload bindings (`iamd workload bind`): who receives which role's credentials
/// from the instance metadata and container credential endpoints.
#[async_trait]
pub trait WorkloadStore: Send + Sync {
    /// `EntityAlreadyExists` when the name (case-insensitively) or the listen address
    /// is bound already. Assigns the workload's instance or task id.
    async fn create_workload_binding(
        &self,
        binding: crate::workload::NewWorkloadBinding,
    ) -> StoreResult<crate::workload::WorkloadBinding>;
    /// Every binding, by name.
    async fn list_workload_bindings(&self) -> StoreResult<Vec<crate::workload::WorkloadBinding>>;
    /// By name, case-insensitively.
    async fn workload_binding(
        &self,
        name: &str,
    ) -> StoreResult<Option<crate::workload::WorkloadBinding>>;
    /// `NoSuchEntity` when absent.
    async fn delete_workload_binding(&self, name: &str) -> StoreResult<()>;
    /// The container binding whose token hashes to `token_sha256`.
    async fn workload_binding_by_token(
        &self,
        token_sha256: &[u8],
    ) -> StoreResult<Option<crate::workload::WorkloadBinding>>;
}

/// Delegation requests (temporary delegation). They belong to no single account: the
/// partner that created one and the customer account that owns it both read it, so
/// they are found by id and the caller decides who may see what.
#[async_trait]
pub trait DelegationStore: Send + Sync {
    /// `EntityAlreadyExists` when the requestor account already has a request with the
    /// same workflow id; `LimitExceeded` beyond [`MAX_OPEN_DELEGATION_REQUESTS`]
    /// unexpired requests of the requestor account.
    async fn create_delegation_request(
        &self,
        request: DelegationRequest,
    ) -> StoreResult<DelegationRequest>;
    /// `NoSuchEntity` when absent.
    async fn get_delegation_request(&self, id: &str) -> StoreResult<DelegationRequest>;
    /// The requests of `owner_account` that have an owner (optionally only those of
    /// `owner_id`), oldest first.
    async fn list_delegation_requests(
        &self,
        owner_account: &str,
        owner_id: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<DelegationRequest>>;
    /// Stores `request`'s changeable fields (owner, approver, state, times, notes,
    /// delegated identity, token hash) if the stored state is still `expected`, else
    /// `ConcurrentModification`: two transitions of one request never both succeed.
    async fn update_delegation_request(
        &self,
        request: DelegationRequest,
        expected: DelegationState,
    ) -> StoreResult<()>;
    /// The request whose released exchange token has this SHA-256 (hex).
    async fn delegation_request_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<DelegationRequest>>;
}

/// SSH public keys of users. A missing user or key is `NoSuchEntity`.
#[async_trait]
pub trait SshKeyStore: Send + Sync {
    /// `DuplicateSSHPublicKey` when the user has a key with this fingerprint;
    /// `LimitExceeded` beyond [`MAX_SSH_PUBLIC_KEYS_PER_USER`].
    async fn upload_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        blob: &str,
        fingerprint: &str,
    ) -> StoreResult<SshPublicKey>;
    async fn get_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> StoreResult<SshPublicKey>;
    /// By key id.
    async fn list_ssh_public_keys(
        &self,
        account_id: &str,
        user_name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<SshPublicKey>>;
    async fn update_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
        status: &str,
    ) -> StoreResult<()>;
    async fn delete_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> StoreResult<()>;
}

/// Service-specific credentials of users. A missing user or credential is
/// `NoSuchEntity`.
#[async_trait]
pub trait ServiceCredentialStore: Send + Sync {
    /// `LimitExceeded` beyond [`MAX_SERVICE_CREDENTIALS_PER_SERVICE`] for the service.
    async fn create_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential: NewServiceCredential,
    ) -> StoreResult<ServiceCredential>;
    /// The credentials of `user_name` (every user's when `None`), optionally of one
    /// service, by id.
    async fn list_service_credentials(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<ServiceCredential>>;
    /// Replaces the secret's hash; the old secret stops working at once.
    async fn reset_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
        secret_sha256: &str,
    ) -> StoreResult<ServiceCredential>;
    async fn update_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
        status: &str,
    ) -> StoreResult<()>;
    async fn delete_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        id: &str,
    ) -> StoreResult<()>;
}

/// X.509 signing certificates. `user_name: None` means the account root. A missing user
/// or certificate is `NoSuchEntity`.
#[async_trait]
pub trait SigningCertificateStore: Send + Sync {
    /// `DuplicateCertificate` when a user of the account (or its root) has a
    /// certificate with this fingerprint; `LimitExceeded` beyond
    /// [`MAX_SIGNING_CERTIFICATES_PER_USER`].
    async fn upload_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        body: &str,
        fingerprint: &str,
    ) -> StoreResult<SigningCertificate>;
    /// By certificate id.
    async fn list_signing_certificates(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        page: &PageRequest,
    ) -> StoreResult<Page<SigningCertificate>>;
    async fn update_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
        status: &str,
    ) -> StoreResult<()>;
    async fn delete_signing_certificate(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
    ) -> StoreResult<()>;
}

/// Server certificates, by name (case-insensitively unique in an account). A missing
/// one is `NoSuchEntity`.
#[async_trait]
pub trait ServerCertificateStore: Send + Sync {
    /// `EntityAlreadyExists` for a name in use; `LimitExceeded` beyond
    /// [`MAX_SERVER_CERTIFICATES`].
    async fn upload_server_certificate(
        &self,
        account_id: &str,
        certificate: NewServerCertificate,
    ) -> StoreResult<ServerCertificate>;
    /// With tags.
    async fn get_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> StoreResult<ServerCertificate>;
    /// Without tags, by name, under `path_prefix`.
    async fn list_server_certificates(
        &self,
        account_id: &str,
        path_prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<ServerCertificate>>;
    /// Renames and/or moves; `EntityAlreadyExists` when the new name is taken.
    async fn update_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()>;
    async fn delete_server_certificate(&self, account_id: &str, name: &str) -> StoreResult<()>;
    async fn tag_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        tags: Vec<Tag>,
    ) -> StoreResult<()>;
    async fn untag_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        keys: Vec<String>,
    ) -> StoreResult<()>;
    async fn list_server_certificate_tags(
        &self,
        account_id: &str,
        name: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>>;
}

/// The whole store.
pub trait Store:
    AccountStore
    + AccessKeyStore
    + UserStore
    + GroupStore
    + RoleStore
    + PolicyStore
    + AttachmentStore
    + InlinePolicyStore
    + InstanceProfileStore
    + TagStore
    + AuthorizationStore
    + MfaStore
    + PasswordStore
    + CredentialReportStore
    + FederationStore
    + SessionKeyStore
    + AccessAnalyzerStore
    + ServiceUsageStore
    + WorkloadStore
    + DelegationStore
    + SshKeyStore
    + ServiceCredentialStore
    + SigningCertificateStore
    + ServerCertificateStore
    + Send
    + Sync
    + 'static
{
    /// Counts committed write batches; moves on every change. Monotonic across restarts.
    fn change_counter(&self) -> u64;
    /// Moves whenever a change can alter an authentication or authorization decision
    /// (keys, policies, attachments, memberships, boundaries, tags, deletions).
    /// Caches of credentials and compiled policies compare it to know they are current.
    fn auth_epoch(&self) -> u64;
    /// How long reads, writes and commits take, for `/metrics`; `None` for a backend
    /// that does not measure them.
    fn timings(&self) -> Option<&crate::timings::StoreTimings> {
        None
    }
}
