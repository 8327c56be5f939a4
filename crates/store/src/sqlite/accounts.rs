//! Accounts, aliases, `GetAccountSummary` counts and the snapshot behind
//! `GetAccountAuthorizationDetails`.
use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::policies::load_policy;
use super::roles::as_shown;
use super::rows::*;
use super::SqliteStore;
use crate::api::AccountStore;
use crate::error::{StoreError, StoreResult};
use crate::ids;
use crate::model::*;
use crate::secret::SecretString;
use crate::time::Timestamp;

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_account(
        &self,
        account_id: Option<String>,
        root_key: Option<(String, SecretString)>,
    ) -> StoreResult<NewAccount> {
        if let Some(id) = &account_id {
            if !ids::is_account_id(id) {
                return Err(StoreError::invalid_input(format!(
                    "{id} is not a 12-digit account id"
                )));
            }
        }
        let (key_id, secret) =
            root_key.unwrap_or_else(|| (ids::access_key_id(), ids::secret_access_key()));
        let sealed = self.key().seal_secret(&key_id, &secret)?;
        let closure_key_id = key_id.clone();
        let account = self
            .write(move |ctx| {
                let account_id = match account_id {
                    Some(id) => {
                        if exists(ctx.conn, "SELECT 1 FROM accounts WHERE account_id = ?1", &id)? {
                            return Err(StoreError::already_exists(format!(
                                "The account {id} already exists."
                            )));
                        }
                        id
                    }
                    None => loop {
                        let id = ids::account_id();
                        if !exists(ctx.conn, "SELECT 1 FROM accounts WHERE account_id = ?1", &id)? {
                            break id;
                        }
                    },
                };
                if exists(
                    ctx.conn,
                    "SELECT 1 FROM access_keys WHERE access_key_id = ?1",
                    &closure_key_id,
                )? {
                    return Err(StoreError::already_exists(format!(
                        "The access key {closure_key_id} already exists."
                    )));
                }
                ctx.conn.execute(
                    "INSERT INTO accounts (account_id, alias, created_ms) VALUES (?1, NULL, ?2)",
                    params![account_id, ctx.now.millis()],
                )?;
                ctx.conn.execute(
                    "INSERT INTO access_keys (access_key_id, account_id, user_id, status, created_ms, sealed_secret)
                     VALUES (?1, ?2, NULL, 'Active', ?3, ?4)",
                    params![closure_key_id, account_id, ctx.now.millis(), sealed],
                )?;
                ctx.auth_changed();
                Ok(Account {
                    account_id,
                    alias: None,
                    created: ctx.now,
                })
            })
            .await?;
        Ok(NewAccount {
            account,
            root_access_key_id: key_id,
            root_secret_access_key: secret,
        })
    }

    async fn get_account(&self, account_id: &str) -> StoreResult<Option<Account>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT account_id, alias, created_ms FROM accounts WHERE account_id = ?1",
                )?
                .query_row([account_id], |r| {
                    Ok(Account {
                        account_id: r.get(0)?,
                        alias: r.get(1)?,
                        created: Timestamp(r.get(2)?),
                    })
                })
                .optional()?)
        })
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, alias, created_ms FROM accounts ORDER BY created_ms, account_id",
            )?;
            let accounts = stmt
                .query_map([], |r| {
                    Ok(Account {
                        account_id: r.get(0)?,
                        alias: r.get(1)?,
                        created: Timestamp(r.get(2)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(accounts)
        })
    }

    async fn create_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()> {
        let (account_id, alias) = (account_id.to_owned(), alias.to_owned());
        self.write(move |ctx| {
            let owner: Option<String> = ctx
                .conn
                .query_row(
                    "SELECT account_id FROM accounts WHERE alias = ?1",
                    [&alias],
                    |r| r.get(0),
                )
                .optional()?;
            match owner {
                Some(owner) if owner == account_id => Ok(()),
                Some(_) => Err(StoreError::already_exists(format!(
                    "The account alias {alias} already exists."
                ))),
                None => {
                    // An account has at most one alias: a new one replaces the old.
                    let changed = ctx.conn.execute(
                        "UPDATE accounts SET alias = ?2 WHERE account_id = ?1",
                        params![account_id, alias],
                    )?;
                    if changed == 0 {
                        return Err(StoreError::no_such_entity(format!(
                            "The account {account_id} does not exist."
                        )));
                    }
                    Ok(())
                }
            }
        })
        .await
    }

    async fn delete_account_alias(&self, account_id: &str, alias: &str) -> StoreResult<()> {
        let (account_id, alias) = (account_id.to_owned(), alias.to_owned());
        self.write(move |ctx| {
            let changed = ctx.conn.execute(
                "UPDATE accounts SET alias = NULL WHERE account_id = ?1 AND alias = ?2",
                params![account_id, alias],
            )?;
            if changed == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "The account alias {alias} cannot be found."
                )));
            }
            Ok(())
        })
        .await
    }

    async fn account_usage(&self, account_id: &str) -> StoreResult<AccountUsage> {
        self.read(|conn| {
            let count = |sql: &str| -> StoreResult<u64> {
                let n: i64 = conn.prepare_cached(sql)?.query_row([account_id], |r| r.get(0))?;
                Ok(n.max(0) as u64)
            };
            Ok(AccountUsage {
                users: count("SELECT COUNT(*) FROM users WHERE account_id = ?1")?,
                groups: count("SELECT COUNT(*) FROM iam_groups WHERE account_id = ?1")?,
                roles: count("SELECT COUNT(*) FROM roles WHERE account_id = ?1")?,
                policies: count("SELECT COUNT(*) FROM policies WHERE account_id = ?1")?,
                instance_profiles: count(
                    "SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?1",
                )?,
                policy_versions_in_use: count(
                    "SELECT COUNT(*) FROM policy_versions v JOIN policies p ON p.policy_id = v.policy_id
                     WHERE p.account_id = ?1",
                )?,
                access_keys_present_for_root: count(
                    "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND user_id IS NULL",
                )? > 0,
                // Every device, assigned or not; in use: assigned to a user.
                mfa_devices: count("SELECT COUNT(*) FROM mfa_devices WHERE account_id = ?1")?,
                mfa_devices_in_use: count(
                    "SELECT COUNT(*) FROM mfa_devices WHERE account_id = ?1 AND user_id IS NOT NULL",
                )?,
                signing_certificates_present_for_root: count(
                    "SELECT COUNT(*) FROM signing_certificates WHERE account_id = ?1 AND user_id IS NULL",
                )? > 0,
                server_certificates: count(
                    "SELECT COUNT(*) FROM server_certificates WHERE account_id = ?1",
                )?,
                // AWS counts identity providers of both kinds under one key.
                providers: count(
                    "SELECT (SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?1)
                          + (SELECT COUNT(*) FROM saml_providers WHERE account_id = ?1)",
                )?,
            })
        })
    }

    async fn authorization_details(&self, account_id: &str) -> StoreResult<AuthorizationDetails> {
        self.read(|conn| {
            Ok(AuthorizationDetails {
                users: user_details(conn, account_id)?,
                groups: group_details(conn, account_id)?,
                roles: role_details(conn, account_id)?,
                policies: policy_details(conn, account_id)?,
                aws_managed_in_use: aws_managed_in_use(conn, account_id)?,
            })
        })
    }
}

/// The inline policies of a user, group or role, by name.
fn inline_of(conn: &Connection, owner_id: &str) -> StoreResult<Vec<InlinePolicy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, document FROM inline_policies WHERE owner_id = ?1 ORDER BY name",
    )?;
    let policies = stmt
        .query_map([owner_id], |r| {
            Ok(InlinePolicy {
                name: r.get(0)?,
                document: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(policies)
}

/// The managed policies attached to a user, group or role, by ARN.
fn attached_to(conn: &Connection, owner_id: &str) -> StoreResult<Vec<AttachedPolicy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT policy_name, policy_arn FROM attachments WHERE owner_id = ?1 ORDER BY policy_arn",
    )?;
    let attached = stmt
        .query_map([owner_id], |r| {
            Ok(AttachedPolicy {
                policy_name: r.get(0)?,
                policy_arn: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(attached)
}

fn user_details(conn: &Connection, account_id: &str) -> StoreResult<Vec<UserDetail>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 ORDER BY name_key");
    let users = conn
        .prepare_cached(&sql)?
        .query_map([account_id], user_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut groups_of = conn.prepare_cached(
        "SELECT g.name FROM group_members m JOIN iam_groups g ON g.group_id = m.group_id
         WHERE m.user_id = ?1 ORDER BY g.name_key",
    )?;
    let mut details = Vec::with_capacity(users.len());
    for mut user in users {
        user.tags = load_tags(conn, &user.user_id)?;
        let groups = groups_of
            .query_map([&user.user_id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        details.push(UserDetail {
            inline_policies: inline_of(conn, &user.user_id)?,
            attached: attached_to(conn, &user.user_id)?,
            groups,
            user,
        });
    }
    Ok(details)
}

fn group_details(conn: &Connection, account_id: &str) -> StoreResult<Vec<GroupDetail>> {
    let sql =
        format!("SELECT {GROUP_COLUMNS} FROM iam_groups WHERE account_id = ?1 ORDER BY name_key");
    let groups = conn
        .prepare_cached(&sql)?
        .query_map([account_id], group_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    groups
        .into_iter()
        .map(|group| {
            Ok(GroupDetail {
                inline_policies: inline_of(conn, &group.group_id)?,
                attached: attached_to(conn, &group.group_id)?,
                group,
            })
        })
        .collect()
}

/// `ROLE_COLUMNS` qualified with the table alias `r`.
fn role_columns_of_r() -> String {
    ROLE_COLUMNS
        .split(',')
        .map(|c| format!("r.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A role with its tags and its trust policy as IAM shows it.
fn shown_role(conn: &Connection, mut role: Role) -> StoreResult<Role> {
    role.tags = load_tags(conn, &role.role_id)?;
    as_shown(conn, role)
}

/// The instance profiles `role_id` is in, each with its roles and tags.
fn profiles_of_role(conn: &Connection, role_id: &str) -> StoreResult<Vec<InstanceProfile>> {
    let columns = INSTANCE_PROFILE_COLUMNS
        .split(',')
        .map(|c| format!("p.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM instance_profile_roles ipr
           JOIN instance_profiles p ON p.instance_profile_id = ipr.instance_profile_id
         WHERE ipr.role_id = ?1 ORDER BY p.name_key"
    );
    let profiles = conn
        .prepare_cached(&sql)?
        .query_map([role_id], instance_profile_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let roles_sql = format!(
        "SELECT {} FROM instance_profile_roles ipr JOIN roles r ON r.role_id = ipr.role_id
         WHERE ipr.instance_profile_id = ?1 ORDER BY r.name_key",
        role_columns_of_r()
    );
    let mut out = Vec::with_capacity(profiles.len());
    for mut profile in profiles {
        let roles = conn
            .prepare_cached(&roles_sql)?
            .query_map([&profile.instance_profile_id], role_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        profile.roles = roles
            .into_iter()
            .map(|r| shown_role(conn, r))
            .collect::<StoreResult<_>>()?;
        profile.tags = load_tags(conn, &profile.instance_profile_id)?;
        out.push(profile);
    }
    Ok(out)
}

fn role_details(conn: &Connection, account_id: &str) -> StoreResult<Vec<RoleDetail>> {
    let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = ?1 ORDER BY name_key");
    let roles = conn
        .prepare_cached(&sql)?
        .query_map([account_id], role_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    roles
        .into_iter()
        .map(|role| {
            let role = shown_role(conn, role)?;
            Ok(RoleDetail {
                inline_policies: inline_of(conn, &role.role_id)?,
                attached: attached_to(conn, &role.role_id)?,
                instance_profiles: profiles_of_role(conn, &role.role_id)?,
                role,
            })
        })
        .collect()
}

fn policy_details(conn: &Connection, account_id: &str) -> StoreResult<Vec<PolicyDetail>> {
    let arns = conn
        .prepare_cached("SELECT arn FROM policies WHERE account_id = ?1 ORDER BY name_key")?
        .query_map([account_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    let mut versions_of = conn.prepare_cached(
        "SELECT version, document, created_ms FROM policy_versions WHERE policy_id = ?1
         ORDER BY version DESC",
    )?;
    let mut details = Vec::with_capacity(arns.len());
    for arn in arns {
        let policy = load_policy(conn, account_id, &arn)?;
        let default = policy.default_version_id.clone();
        let versions = versions_of
            .query_map([&policy.policy_id], |r| {
                let version_id = format!("v{}", r.get::<_, i64>(0)?);
                Ok(PolicyVersion {
                    is_default: version_id == default,
                    version_id,
                    document: r.get(1)?,
                    created: Timestamp(r.get(2)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        details.push(PolicyDetail { policy, versions });
    }
    Ok(details)
}

/// AWS managed policies attached in the account or used there as a boundary, with
/// their counts, by ARN.
fn aws_managed_in_use(conn: &Connection, account_id: &str) -> StoreResult<Vec<(String, u32, u32)>> {
    let clamp = |n: i64| n.clamp(0, i64::from(u32::MAX)) as u32;
    let mut stmt = conn.prepare_cached(
        "SELECT arn, SUM(attached), SUM(bounded) FROM (
            SELECT policy_arn AS arn, 1 AS attached, 0 AS bounded FROM attachments
              WHERE account_id = ?1 AND policy_arn LIKE 'arn:aws:iam::aws:policy/%'
            UNION ALL
            SELECT boundary_arn, 0, 1 FROM users
              WHERE account_id = ?1 AND boundary_arn LIKE 'arn:aws:iam::aws:policy/%'
            UNION ALL
            SELECT boundary_arn, 0, 1 FROM roles
              WHERE account_id = ?1 AND boundary_arn LIKE 'arn:aws:iam::aws:policy/%'
         ) GROUP BY arn ORDER BY arn",
    )?;
    let rows = stmt
        .query_map([account_id], |r| {
            Ok((r.get::<_, String>(0)?, clamp(r.get(1)?), clamp(r.get(2)?)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
