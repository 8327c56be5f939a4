//! OpenID Connect and SAML providers, outbound federation and its signing keys.
use async_trait::async_trait;
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use super::rows::*;
use super::SqliteStore;
use crate::api::FederationStore;
use crate::error::{StoreError, StoreResult};
use crate::federation::*;
use crate::model::*;
use crate::page::{Page, PageRequest};
use crate::time::Timestamp;

const CLIENT_ID: &str = "client_id";
const THUMBPRINT: &str = "thumbprint";

/// A provider's row id: a prefix that tells the kind, then random base32.
fn new_provider_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::thread_rng();
    let tail: String = (0..22)
        .map(|_| {
            let i = rng.gen_range(0..ALPHABET.len());
            ALPHABET.get(i).copied().map(char::from).unwrap_or('A')
        })
        .collect();
    format!("{prefix}{tail}")
}

fn no_such_oidc_provider(arn: &str) -> StoreError {
    StoreError::no_such_entity(format!("OpenIDConnect Provider not found for arn {arn}"))
}

fn no_such_saml_provider(arn: &str) -> StoreError {
    StoreError::no_such_entity(format!("Manifest not found for arn {arn}"))
}

/// The part of a provider ARN after `oidc-provider/` or `saml-provider/`, when the ARN
/// is one of the account's.
fn arn_resource<'a>(account_id: &str, arn: &'a str, kind: &str) -> Option<&'a str> {
    let prefix = format!("arn:{PARTITION}:iam::{account_id}:{kind}/");
    arn.strip_prefix(&prefix).filter(|rest| !rest.is_empty())
}

/// The row id of a provider of either kind, by ARN.
fn provider_row(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<String> {
    if let Some(provider) = arn_resource(account_id, arn, "oidc-provider") {
        return conn
            .prepare_cached(
                "SELECT provider_id FROM oidc_providers WHERE account_id = ?1 AND provider = ?2",
            )?
            .query_row([account_id, provider], |r| r.get(0))
            .optional()?
            .ok_or_else(|| no_such_oidc_provider(arn));
    }
    if let Some(name) = arn_resource(account_id, arn, "saml-provider") {
        return conn
            .prepare_cached(
                "SELECT provider_id FROM saml_providers WHERE account_id = ?1 AND name_key = ?2",
            )?
            .query_row([account_id, &name_key(name)], |r| r.get(0))
            .optional()?
            .ok_or_else(|| no_such_saml_provider(arn));
    }
    Err(StoreError::no_such_entity(format!(
        "Provider not found for arn {arn}"
    )))
}

fn oidc_row(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<String> {
    if arn_resource(account_id, arn, "oidc-provider").is_none() {
        return Err(no_such_oidc_provider(arn));
    }
    provider_row(conn, account_id, arn)
}

fn saml_row(conn: &Connection, account_id: &str, arn: &str) -> StoreResult<String> {
    if arn_resource(account_id, arn, "saml-provider").is_none() {
        return Err(no_such_saml_provider(arn));
    }
    provider_row(conn, account_id, arn)
}

fn load_values(conn: &Connection, provider_id: &str, kind: &str) -> StoreResult<Vec<String>> {
    let values = conn
        .prepare_cached(
            "SELECT value FROM oidc_provider_values WHERE provider_id = ?1 AND kind = ?2
             ORDER BY position",
        )?
        .query_map([provider_id, kind], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(values)
}

fn store_values(
    conn: &Connection,
    provider_id: &str,
    kind: &str,
    values: &[String],
) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM oidc_provider_values WHERE provider_id = ?1 AND kind = ?2")?
        .execute([provider_id, kind])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO oidc_provider_values (provider_id, kind, position, value)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, value) in values.iter().enumerate() {
        insert.execute(params![provider_id, kind, position as i64, value])?;
    }
    Ok(())
}

fn load_oidc(conn: &Connection, provider_id: &str, with_tags: bool) -> StoreResult<OidcProvider> {
    let (account_id, provider, url, created): (String, String, String, i64) = conn
        .prepare_cached(
            "SELECT account_id, provider, url, created_ms FROM oidc_providers WHERE provider_id = ?1",
        )?
        .query_row([provider_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(OidcProvider {
        account_id,
        provider,
        url,
        client_ids: load_values(conn, provider_id, CLIENT_ID)?,
        thumbprints: load_values(conn, provider_id, THUMBPRINT)?,
        created: Timestamp(created),
        tags: if with_tags {
            load_tags(conn, provider_id)?
        } else {
            Vec::new()
        },
    })
}

const SAML_COLUMNS: &str = "provider_id, account_id, name, metadata, created_ms, valid_until_ms";

fn saml_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SamlProvider> {
    Ok(SamlProvider {
        uuid: row.get(0)?,
        account_id: row.get(1)?,
        name: row.get(2)?,
        metadata: row.get(3)?,
        created: Timestamp(row.get(4)?),
        valid_until: row.get::<_, Option<i64>>(5)?.map(Timestamp),
        tags: Vec::new(),
    })
}

fn load_saml(conn: &Connection, provider_id: &str) -> StoreResult<SamlProvider> {
    let mut provider = conn
        .prepare_cached(&format!(
            "SELECT {SAML_COLUMNS} FROM saml_providers WHERE provider_id = ?1"
        ))?
        .query_row([provider_id], saml_from_row)?;
    provider.tags = load_tags(conn, provider_id)?;
    Ok(provider)
}

fn count(conn: &Connection, sql: &str, account_id: &str) -> StoreResult<usize> {
    let n: i64 = conn
        .prepare_cached(sql)?
        .query_row([account_id], |r| r.get(0))?;
    Ok(n.max(0) as usize)
}

/// A `web_identity_keys` row: kid, algorithm, creation, sealed PKCS#8.
type KeyRow = (String, String, i64, Vec<u8>);

fn key_context(kid: &str) -> Vec<u8> {
    format!("web-identity-key:{kid}").into_bytes()
}

impl SqliteStore {
    fn open_key(&self, row: KeyRow) -> StoreResult<WebIdentityKey> {
        let (kid, algorithm, created, sealed) = row;
        let pkcs8 = self.key().open(&key_context(&kid), &sealed)?;
        Ok(WebIdentityKey {
            algorithm,
            kid,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
            created: Timestamp(created),
        })
    }
}

#[async_trait]
impl FederationStore for SqliteStore {
    async fn create_oidc_provider(
        &self,
        account_id: &str,
        new: NewOidcProvider,
    ) -> StoreResult<OidcProvider> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let exists: Option<String> = ctx
                .conn
                .prepare_cached(
                    "SELECT provider_id FROM oidc_providers WHERE account_id = ?1 AND provider = ?2",
                )?
                .query_row([&account_id, &new.provider], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::already_exists(format!(
                    "Provider with url {} already exists.",
                    new.url
                )));
            }
            let n = count(
                ctx.conn,
                "SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?1",
                &account_id,
            )?;
            if n >= MAX_OIDC_PROVIDERS {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for OpenIdConnectProvidersPerAccount: {MAX_OIDC_PROVIDERS}"
                )));
            }
            let id = new_provider_id("OIDC");
            ctx.conn
                .prepare_cached(
                    "INSERT INTO oidc_providers (provider_id, account_id, provider, url, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, account_id, new.provider, new.url, ctx.now.millis()])?;
            store_values(ctx.conn, &id, CLIENT_ID, &new.client_ids)?;
            store_values(ctx.conn, &id, THUMBPRINT, &new.thumbprints)?;
            insert_tags(ctx.conn, &id, &new.tags)?;
            ctx.auth_changed();
            load_oidc(ctx.conn, &id, true)
        })
        .await
    }

    async fn get_oidc_provider(&self, account_id: &str, arn: &str) -> StoreResult<OidcProvider> {
        self.read(|conn| {
            let id = oidc_row(conn, account_id, arn)?;
            load_oidc(conn, &id, true)
        })
    }

    async fn list_oidc_providers(&self, account_id: &str) -> StoreResult<Vec<OidcProvider>> {
        self.read(|conn| {
            let ids = conn
                .prepare_cached(
                    "SELECT provider_id FROM oidc_providers WHERE account_id = ?1 ORDER BY provider",
                )?
                .query_map([account_id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            ids.iter().map(|id| load_oidc(conn, id, false)).collect()
        })
    }

    async fn delete_oidc_provider(&self, account_id: &str, arn: &str) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let id = oidc_row(ctx.conn, &account_id, &arn)?;
            ctx.conn
                .prepare_cached("DELETE FROM oidc_provider_values WHERE provider_id = ?1")?
                .execute([&id])?;
            ctx.conn
                .prepare_cached("DELETE FROM oidc_providers WHERE provider_id = ?1")?
                .execute([&id])?;
            delete_tags(ctx.conn, &id)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn add_oidc_client_id(
        &self,
        account_id: &str,
        arn: &str,
        client_id: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, client_id) =
            (account_id.to_owned(), arn.to_owned(), client_id.to_owned());
        self.write(move |ctx| {
            let id = oidc_row(ctx.conn, &account_id, &arn)?;
            let mut ids = load_values(ctx.conn, &id, CLIENT_ID)?;
            if ids.contains(&client_id) {
                return Ok(());
            }
            if ids.len() >= MAX_OIDC_CLIENT_IDS {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_OIDC_CLIENT_IDS}"
                )));
            }
            ids.push(client_id);
            store_values(ctx.conn, &id, CLIENT_ID, &ids)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn remove_oidc_client_id(
        &self,
        account_id: &str,
        arn: &str,
        client_id: &str,
    ) -> StoreResult<()> {
        let (account_id, arn, client_id) =
            (account_id.to_owned(), arn.to_owned(), client_id.to_owned());
        self.write(move |ctx| {
            let id = oidc_row(ctx.conn, &account_id, &arn)?;
            let mut ids = load_values(ctx.conn, &id, CLIENT_ID)?;
            ids.retain(|existing| existing != &client_id);
            store_values(ctx.conn, &id, CLIENT_ID, &ids)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn set_oidc_thumbprints(
        &self,
        account_id: &str,
        arn: &str,
        thumbprints: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let id = oidc_row(ctx.conn, &account_id, &arn)?;
            store_values(ctx.conn, &id, THUMBPRINT, &thumbprints)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn create_saml_provider(
        &self,
        account_id: &str,
        name: &str,
        metadata: &str,
        valid_until: Option<Timestamp>,
        tags: Vec<Tag>,
    ) -> StoreResult<SamlProvider> {
        let (account_id, name, metadata) =
            (account_id.to_owned(), name.to_owned(), metadata.to_owned());
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let exists: Option<String> = ctx
                .conn
                .prepare_cached(
                    "SELECT provider_id FROM saml_providers WHERE account_id = ?1 AND name_key = ?2",
                )?
                .query_row([&account_id, &name_key(&name)], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::already_exists(format!(
                    "Provider with name {name} already exists."
                )));
            }
            let n = count(
                ctx.conn,
                "SELECT COUNT(*) FROM saml_providers WHERE account_id = ?1",
                &account_id,
            )?;
            if n >= MAX_SAML_PROVIDERS {
                return Err(StoreError::limit_exceeded(format!(
                    "Cannot exceed quota for SamlProvidersPerAccount: {MAX_SAML_PROVIDERS}"
                )));
            }
            let id = new_provider_id("SAML");
            ctx.conn
                .prepare_cached(
                    "INSERT INTO saml_providers
                     (provider_id, account_id, name, name_key, metadata, created_ms, valid_until_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    id,
                    account_id,
                    name,
                    name_key(&name),
                    metadata,
                    ctx.now.millis(),
                    valid_until.map(|t| t.millis())
                ])?;
            insert_tags(ctx.conn, &id, &tags)?;
            ctx.auth_changed();
            load_saml(ctx.conn, &id)
        })
        .await
    }

    async fn get_saml_provider(&self, account_id: &str, arn: &str) -> StoreResult<SamlProvider> {
        self.read(|conn| {
            let id = saml_row(conn, account_id, arn)?;
            load_saml(conn, &id)
        })
    }

    async fn list_saml_providers(&self, account_id: &str) -> StoreResult<Vec<SamlProvider>> {
        self.read(|conn| {
            let providers = conn
                .prepare_cached(&format!(
                    "SELECT {SAML_COLUMNS} FROM saml_providers WHERE account_id = ?1 ORDER BY name_key"
                ))?
                .query_map([account_id], saml_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(providers)
        })
    }

    async fn update_saml_provider(
        &self,
        account_id: &str,
        arn: &str,
        metadata: &str,
        valid_until: Option<Timestamp>,
    ) -> StoreResult<SamlProvider> {
        let (account_id, arn, metadata) =
            (account_id.to_owned(), arn.to_owned(), metadata.to_owned());
        self.write(move |ctx| {
            let id = saml_row(ctx.conn, &account_id, &arn)?;
            ctx.conn
                .prepare_cached(
                    "UPDATE saml_providers SET metadata = ?2, valid_until_ms = ?3 WHERE provider_id = ?1",
                )?
                .execute(params![id, metadata, valid_until.map(|t| t.millis())])?;
            ctx.auth_changed();
            load_saml(ctx.conn, &id)
        })
        .await
    }

    async fn delete_saml_provider(&self, account_id: &str, arn: &str) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let id = saml_row(ctx.conn, &account_id, &arn)?;
            ctx.conn
                .prepare_cached("DELETE FROM saml_providers WHERE provider_id = ?1")?
                .execute([&id])?;
            delete_tags(ctx.conn, &id)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn tag_provider(&self, account_id: &str, arn: &str, tags: Vec<Tag>) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let id = provider_row(ctx.conn, &account_id, &arn)?;
            merge_tags(ctx.conn, &id, tags)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn untag_provider(
        &self,
        account_id: &str,
        arn: &str,
        keys: Vec<String>,
    ) -> StoreResult<()> {
        let (account_id, arn) = (account_id.to_owned(), arn.to_owned());
        self.write(move |ctx| {
            let id = provider_row(ctx.conn, &account_id, &arn)?;
            remove_tags(ctx.conn, &id, &keys)?;
            ctx.auth_changed();
            Ok(())
        })
        .await
    }

    async fn list_provider_tags(
        &self,
        account_id: &str,
        arn: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<Tag>> {
        self.read(|conn| {
            let id = provider_row(conn, account_id, arn)?;
            tags_page(conn, &id, page)
        })
    }

    async fn outbound_federation(&self, account_id: &str) -> StoreResult<Option<Timestamp>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT enabled_ms FROM outbound_federation WHERE account_id = ?1")?
                .query_row([account_id], |r| r.get::<_, i64>(0))
                .optional()?
                .map(Timestamp))
        })
    }

    async fn set_outbound_federation(&self, account_id: &str, enabled: bool) -> StoreResult<bool> {
        let account_id = account_id.to_owned();
        self.write(move |ctx| {
            require_account(ctx.conn, &account_id)?;
            let changed = if enabled {
                ctx.conn
                    .prepare_cached(
                        "INSERT INTO outbound_federation (account_id, enabled_ms) VALUES (?1, ?2)
                         ON CONFLICT (account_id) DO NOTHING",
                    )?
                    .execute(params![account_id, ctx.now.millis()])?
            } else {
                ctx.conn
                    .prepare_cached("DELETE FROM outbound_federation WHERE account_id = ?1")?
                    .execute([&account_id])?
            };
            Ok(changed > 0)
        })
        .await
    }

    async fn web_identity_key(
        &self,
        algorithm: &str,
        candidate: WebIdentityKey,
    ) -> StoreResult<WebIdentityKey> {
        let sealed = self
            .key()
            .seal(&key_context(&candidate.kid), candidate.pkcs8.as_slice())?;
        let algorithm = algorithm.to_owned();
        let kid = candidate.kid.clone();
        let row = self
            .write(move |ctx| {
                let existing = newest_key(ctx.conn, &algorithm)?;
                if let Some(row) = existing {
                    return Ok(row);
                }
                ctx.conn
                    .prepare_cached(
                        "INSERT INTO web_identity_keys (kid, algorithm, created_ms, sealed_key)
                         VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![kid, algorithm, ctx.now.millis(), sealed])?;
                Ok((kid, algorithm, ctx.now.millis(), sealed))
            })
            .await?;
        self.open_key(row)
    }

    async fn web_identity_keys(&self) -> StoreResult<Vec<WebIdentityKey>> {
        let rows = self.read(|conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT kid, algorithm, created_ms, sealed_key FROM web_identity_keys
                     ORDER BY created_ms, kid",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        rows.into_iter().map(|row| self.open_key(row)).collect()
    }
}

fn newest_key(conn: &Connection, algorithm: &str) -> StoreResult<Option<KeyRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT kid, algorithm, created_ms, sealed_key FROM web_identity_keys
             WHERE algorithm = ?1 ORDER BY created_ms DESC LIMIT 1",
        )?
        .query_row([algorithm], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::MasterKey;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let (key, _) = MasterKey::generate().unwrap();
        let store = SqliteStore::open(dir.path(), key).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn oidc_providers_round_trip() {
        use crate::api::AccountStore;
        let (_dir, store) = store();
        let account = store
            .create_account(None, None)
            .await
            .unwrap()
            .account
            .account_id;
        let created = store
            .create_oidc_provider(
                &account,
                NewOidcProvider {
                    provider: "issuer.example.com/realm".into(),
                    url: "https://issuer.example.com/realm".into(),
                    client_ids: vec!["app".into()],
                    thumbprints: vec![],
                    tags: vec![Tag::new("team", "a")],
                },
            )
            .await
            .unwrap();
        let arn = created.arn();
        assert_eq!(
            arn,
            format!("arn:aws:iam::{account}:oidc-provider/issuer.example.com/realm")
        );
        store
            .add_oidc_client_id(&account, &arn, "cli")
            .await
            .unwrap();
        store
            .add_oidc_client_id(&account, &arn, "cli")
            .await
            .unwrap();
        store
            .remove_oidc_client_id(&account, &arn, "app")
            .await
            .unwrap();
        let got = store.get_oidc_provider(&account, &arn).await.unwrap();
        assert_eq!(got.client_ids, vec!["cli".to_owned()]);
        assert_eq!(got.tags, vec![Tag::new("team", "a")]);
        let again = store
            .create_oidc_provider(
                &account,
                NewOidcProvider {
                    provider: "issuer.example.com/realm".into(),
                    url: "https://issuer.example.com/realm".into(),
                    client_ids: vec![],
                    thumbprints: vec![],
                    tags: vec![],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(again.kind, crate::error::ErrorKind::EntityAlreadyExists);
        store.delete_oidc_provider(&account, &arn).await.unwrap();
        let gone = store.get_oidc_provider(&account, &arn).await.unwrap_err();
        assert_eq!(gone.kind, crate::error::ErrorKind::NoSuchEntity);
        // Another account never sees it.
        assert!(store
            .list_oidc_providers("000000000000")
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn signing_keys_are_sealed_and_first_one_wins() {
        let (_dir, store) = store();
        let first = WebIdentityKey {
            algorithm: "ES384".into(),
            kid: "k1".into(),
            pkcs8: Zeroizing::new(vec![1, 2, 3]),
            created: Timestamp(0),
        };
        let second = WebIdentityKey {
            algorithm: "ES384".into(),
            kid: "k2".into(),
            pkcs8: Zeroizing::new(vec![4, 5, 6]),
            created: Timestamp(0),
        };
        let kept = store.web_identity_key("ES384", first).await.unwrap();
        let again = store.web_identity_key("ES384", second).await.unwrap();
        assert_eq!(kept.kid, "k1");
        assert_eq!(again.kid, "k1");
        assert_eq!(again.pkcs8.as_slice(), &[1, 2, 3]);
        let sealed: Vec<u8> = store
            .read(
                |c| Ok(c.query_row("SELECT sealed_key FROM web_identity_keys", [], |r| r.get(0))?),
            )
            .unwrap();
        assert!(!sealed.windows(3).any(|w| w == [1, 2, 3]));
        assert_eq!(store.web_identity_keys().await.unwrap().len(), 1);
    }
}
