//! The database schema and its migrations. The on-disk format is a contract: a change
//! is a new migration appended to [`MIGRATIONS`], never an edit of an old one.
use rusqlite::{Connection, OptionalExtension};

use crate::error::StoreResult;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('change_counter', 0), ('auth_epoch', 0);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    alias      TEXT UNIQUE,
    created_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- name_key is the lower-cased name: names are unique case-insensitively per account.
CREATE TABLE users (
    user_id               TEXT PRIMARY KEY,
    account_id            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    name_key              TEXT NOT NULL,
    path                  TEXT NOT NULL,
    created_ms            INTEGER NOT NULL,
    boundary_arn          TEXT,
    password_last_used_ms INTEGER,
    UNIQUE (account_id, name_key)
);
CREATE INDEX users_boundary ON users (account_id, boundary_arn) WHERE boundary_arn IS NOT NULL;

CREATE TABLE iam_groups (
    group_id   TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE roles (
    role_id              TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL,
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    path                 TEXT NOT NULL,
    created_ms           INTEGER NOT NULL,
    trust_policy         TEXT NOT NULL,
    description          TEXT,
    max_session_duration INTEGER NOT NULL,
    boundary_arn         TEXT,
    last_used_ms         INTEGER,
    last_used_region     TEXT,
    service_linked       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name_key)
);
CREATE INDEX roles_boundary ON roles (account_id, boundary_arn) WHERE boundary_arn IS NOT NULL;

-- Customer managed policies. The ARN never changes (no API renames a policy).
CREATE TABLE policies (
    policy_id       TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    path            TEXT NOT NULL,
    arn             TEXT NOT NULL UNIQUE,
    description     TEXT,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    default_version INTEGER NOT NULL,
    next_version    INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
) WITHOUT ROWID;

-- Managed policies (customer or AWS) attached to a user, group or role.
CREATE TABLE attachments (
    owner_id    TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    owner_kind  TEXT NOT NULL,
    policy_arn  TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    attached_ms INTEGER NOT NULL,
    PRIMARY KEY (owner_id, policy_arn)
) WITHOUT ROWID;
CREATE INDEX attachments_by_policy ON attachments (account_id, policy_arn);

CREATE TABLE inline_policies (
    owner_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    document TEXT NOT NULL,
    size     INTEGER NOT NULL,
    PRIMARY KEY (owner_id, name)
) WITHOUT ROWID;

-- user_id NULL: a key of the account root. The secret is sealed (AES-256-GCM).
CREATE TABLE access_keys (
    access_key_id     TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    user_id           TEXT,
    status            TEXT NOT NULL,
    created_ms        INTEGER NOT NULL,
    sealed_secret     BLOB NOT NULL,
    last_used_ms      INTEGER,
    last_used_service TEXT,
    last_used_region  TEXT
) WITHOUT ROWID;
CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_id);

CREATE TABLE instance_profiles (
    instance_profile_id TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    path                TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profile_roles (
    instance_profile_id TEXT NOT NULL,
    role_id             TEXT NOT NULL,
    PRIMARY KEY (instance_profile_id, role_id)
) WITHOUT ROWID;
CREATE INDEX instance_profile_roles_by_role ON instance_profile_roles (role_id);

-- Tags of any taggable entity, by the entity's unique id; position keeps their order.
CREATE TABLE tags (
    owner_id TEXT NOT NULL,
    key_lc   TEXT NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (owner_id, key_lc)
) WITHOUT ROWID;

-- A value sealed with the master key, to detect a wrong key at startup.
CREATE TABLE key_check (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
);
"#,
    r#"
-- The users and roles a role's trust policy names, by the unique id each had when the
-- policy was written (see sqlite/trust_principals.rs).
CREATE TABLE trust_principals (
    role_id      TEXT NOT NULL,
    arn          TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    PRIMARY KEY (role_id, arn)
) WITHOUT ROWID;
"#,
    r#"
-- Virtual MFA devices. serial_key is the lower-cased serial number (its ARN). The seed
-- is sealed with the master key, bound to device_id. last_step is the newest TOTP time
-- step accepted (a code is good once); drift_steps the device's clock offset;
-- failures/failures_since_ms throttle wrong codes (see totp.rs).
CREATE TABLE mfa_devices (
    device_id         TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    serial            TEXT NOT NULL,
    serial_key        TEXT NOT NULL,
    name              TEXT NOT NULL,
    path              TEXT NOT NULL,
    created_ms        INTEGER NOT NULL,
    sealed_seed       BLOB NOT NULL,
    user_id           TEXT,
    enabled_ms        INTEGER,
    last_step         INTEGER NOT NULL DEFAULT 0,
    drift_steps       INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    failures_since_ms INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, serial_key)
);
CREATE INDEX mfa_devices_by_user ON mfa_devices (user_id) WHERE user_id IS NOT NULL;

-- Console passwords: Argon2id PHC strings, never the password.
CREATE TABLE login_profiles (
    user_id        TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    reset_required INTEGER NOT NULL,
    created_ms     INTEGER NOT NULL,
    changed_ms     INTEGER NOT NULL
) WITHOUT ROWID;

-- Earlier password hashes of a user, for PasswordReusePrevention; seq grows.
CREATE TABLE password_history (
    user_id       TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;

CREATE TABLE password_policies (
    account_id                 TEXT PRIMARY KEY,
    minimum_length             INTEGER NOT NULL,
    require_symbols            INTEGER NOT NULL,
    require_numbers            INTEGER NOT NULL,
    require_uppercase          INTEGER NOT NULL,
    require_lowercase          INTEGER NOT NULL,
    allow_users_to_change      INTEGER NOT NULL,
    max_age_days               INTEGER,
    reuse_prevention           INTEGER,
    hard_expiry                INTEGER
) WITHOUT ROWID;

-- The newest credential report per account (CSV).
CREATE TABLE credential_reports (
    account_id   TEXT PRIMARY KEY,
    generated_ms INTEGER NOT NULL,
    content      BLOB NOT NULL
) WITHOUT ROWID;
"#,
    r#"
-- The key ring of STS session tokens: AES-256 keys sealed with the master key, bound to
-- their key_id (a token names the key that sealed it).
CREATE TABLE session_keys (
    key_id     INTEGER PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    sealed     BLOB NOT NULL
);
"#,
    r#"
-- IAM OpenID Connect providers. provider is the URL without scheme (the ARN's resource
-- part); client ids and thumbprints are rows of oidc_provider_values, kept in order.
CREATE TABLE oidc_providers (
    provider_id TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    provider    TEXT NOT NULL,
    url         TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    UNIQUE (account_id, provider)
);
CREATE TABLE oidc_provider_values (
    provider_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('client_id', 'thumbprint')),
    position    INTEGER NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (provider_id, kind, position)
) WITHOUT ROWID;

-- IAM SAML providers, with the IdP metadata as uploaded.
CREATE TABLE saml_providers (
    provider_id    TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    created_ms     INTEGER NOT NULL,
    valid_until_ms INTEGER,
    UNIQUE (account_id, name_key)
);

-- Accounts that allow GetWebIdentityToken.
CREATE TABLE outbound_federation (
    account_id TEXT PRIMARY KEY,
    enabled_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Keys of outbound web identity tokens: PKCS#8 sealed with the master key, bound to kid.
CREATE TABLE web_identity_keys (
    kid        TEXT PRIMARY KEY,
    algorithm  TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    sealed_key BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_identity_keys_by_algorithm ON web_identity_keys (algorithm, created_ms);
"#,
    r#"
-- IAM Access Analyzer. Configurations, filters and finding details are the API's JSON.
CREATE TABLE analyzers (
    arn                       TEXT PRIMARY KEY,
    account_id                TEXT NOT NULL,
    region                    TEXT NOT NULL,
    name                      TEXT NOT NULL,
    analyzer_type             TEXT NOT NULL,
    status                    TEXT NOT NULL,
    created_ms                INTEGER NOT NULL,
    configuration             TEXT,
    last_resource_analyzed    TEXT,
    last_resource_analyzed_ms INTEGER,
    analyzed_epoch            INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX analyzers_by_account ON analyzers (account_id, region, name);

CREATE TABLE archive_rules (
    analyzer_arn TEXT NOT NULL,
    name         TEXT NOT NULL,
    filter       TEXT NOT NULL,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    PRIMARY KEY (analyzer_arn, name)
) WITHOUT ROWID;

CREATE TABLE analyzer_findings (
    analyzer_arn           TEXT NOT NULL,
    id                     TEXT NOT NULL,
    finding_type           TEXT NOT NULL,
    resource               TEXT NOT NULL,
    resource_type          TEXT NOT NULL,
    resource_owner_account TEXT NOT NULL,
    status                 TEXT NOT NULL,
    details                TEXT NOT NULL,
    created_ms             INTEGER NOT NULL,
    updated_ms             INTEGER NOT NULL,
    analyzed_ms            INTEGER NOT NULL,
    PRIMARY KEY (analyzer_arn, id)
) WITHOUT ROWID;

-- Service last accessed: the newest use per entity, service and action ('' = the
-- service as a whole).
CREATE TABLE service_last_accessed (
    account_id TEXT NOT NULL,
    entity_arn TEXT NOT NULL,
    service    TEXT NOT NULL,
    action     TEXT NOT NULL,
    last_ms    INTEGER NOT NULL,
    region     TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_arn, service, action)
) WITHOUT ROWID;

CREATE TABLE access_report_jobs (
    job_id      TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    arn         TEXT NOT NULL,
    granularity TEXT NOT NULL,
    created_ms  INTEGER NOT NULL
) WITHOUT ROWID;
"#,
    r#"
-- Workloads bound to an instance profile (IMDS, told apart by listen address) or a
-- role (container endpoint, told apart by a secret token kept only as its SHA-256).
CREATE TABLE workload_bindings (
    name         TEXT PRIMARY KEY,
    name_key     TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('imds', 'container')),
    account_id   TEXT NOT NULL,
    target       TEXT NOT NULL,
    listen       TEXT UNIQUE,
    token_sha256 BLOB UNIQUE,
    workload_id  TEXT NOT NULL,
    created_ms   INTEGER NOT NULL
);
"#,
    r#"
-- Delegation requests (temporary delegation). list_key orders an owner's listing
-- (creation time, then id). token_hash is the SHA-256 of the released exchange token;
-- the token itself is never stored. The delegated_* columns name the identity that
-- accepted the request, whose permissions the delegated credentials carry.
CREATE TABLE delegation_requests (
    request_id           TEXT PRIMARY KEY,
    requestor_account    TEXT NOT NULL,
    requestor_name       TEXT,
    owner_account        TEXT,
    owner_id             TEXT,
    approver_id          TEXT,
    description          TEXT NOT NULL,
    request_message      TEXT,
    template_arn         TEXT NOT NULL,
    permission_policy    TEXT NOT NULL,
    workflow_id          TEXT NOT NULL,
    redirect_url         TEXT,
    notification_channel TEXT NOT NULL,
    session_duration     INTEGER NOT NULL,
    only_send_by_owner   INTEGER NOT NULL,
    state                TEXT NOT NULL,
    created_ms           INTEGER NOT NULL,
    updated_ms           INTEGER NOT NULL,
    expires_ms           INTEGER NOT NULL,
    notes                TEXT,
    rejection_reason     TEXT,
    delegated_kind       TEXT,
    delegated_id         TEXT,
    delegated_name       TEXT,
    delegated_path       TEXT,
    delegated_arn        TEXT,
    finalized_ms         INTEGER,
    token_hash           TEXT UNIQUE,
    list_key             TEXT NOT NULL,
    UNIQUE (requestor_account, workflow_id)
);
CREATE INDEX delegation_requests_by_owner ON delegation_requests (owner_account, list_key)
    WHERE owner_id IS NOT NULL;

-- The policy template's parameters of a request, in order; values separated by 0x1F.
CREATE TABLE delegation_parameters (
    request_id TEXT NOT NULL,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    vals       TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
) WITHOUT ROWID;
"#,
    r#"
-- SSH public keys of users: the OpenSSH wire blob (base64) and its MD5 fingerprint.
CREATE TABLE ssh_public_keys (
    key_id      TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    blob        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      TEXT NOT NULL,
    uploaded_ms INTEGER NOT NULL,
    UNIQUE (user_id, fingerprint)
);
CREATE INDEX ssh_public_keys_by_user ON ssh_public_keys (user_id, key_id);
"#,
    r#"
-- Service-specific credentials of users: only the SHA-256 of the generated password or
-- API key secret is kept.
CREATE TABLE service_credentials (
    credential_id     TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    service           TEXT NOT NULL,
    service_user_name TEXT,
    alias             TEXT,
    secret_sha256     TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_ms        INTEGER NOT NULL,
    expires_ms        INTEGER
);
CREATE INDEX service_credentials_by_user ON service_credentials (user_id, service);
CREATE INDEX service_credentials_by_account ON service_credentials (account_id, credential_id);
"#,
    r#"
-- X.509 signing certificates of users (user_id NULL: the account root). fingerprint is
-- the SHA-256 of the DER: a certificate belongs to one owner in an account.
CREATE TABLE signing_certificates (
    certificate_id TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    user_id        TEXT,
    body           TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    status         TEXT NOT NULL,
    uploaded_ms    INTEGER NOT NULL,
    UNIQUE (account_id, fingerprint)
);
CREATE INDEX signing_certificates_by_owner ON signing_certificates (account_id, user_id, certificate_id);
"#,
    r#"
-- Server certificates. The private key is sealed with the master key, bound to the
-- certificate id, and never read back through the API.
CREATE TABLE server_certificates (
    certificate_id TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    path           TEXT NOT NULL,
    body           TEXT NOT NULL,
    chain          TEXT,
    sealed_key     BLOB NOT NULL,
    uploaded_ms    INTEGER NOT NULL,
    expiration_ms  INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);
"#,
];

/// Brings the schema to the newest version, one transaction per migration.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (version + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The persisted value of a counter in `meta`.
pub fn read_counter(conn: &Connection, key: &str) -> StoreResult<u64> {
    let value: Option<i64> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?;
    Ok(value.unwrap_or(0).max(0) as u64)
}
