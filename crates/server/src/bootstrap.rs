//! Opening the data directory: the master key, the store, and on first start the first
//! account with its root credentials.
use std::path::Path;

use store::api::*;
use store::{MasterKey, NewAccount, SecretString, SqliteStore};

/// The environment variables bootstrap reads.
pub const ENV_MASTER_KEY: &str = "IAMD_MASTER_KEY";
pub const ENV_ACCOUNT_ID: &str = "IAMD_ACCOUNT_ID";
pub const ENV_ROOT_ACCESS_KEY_ID: &str = "IAMD_ROOT_ACCESS_KEY_ID";
pub const ENV_ROOT_SECRET_ACCESS_KEY: &str = "IAMD_ROOT_SECRET_ACCESS_KEY";

/// Opens the store in `data_dir`, creating the directory, the master key file and the
/// database when absent.
pub fn open_store(
    data_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SqliteStore, String> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let master = env(ENV_MASTER_KEY);
    let key = MasterKey::load_or_create(data_dir, master.as_deref()).map_err(|e| e.message)?;
    SqliteStore::open(data_dir, key).map_err(|e| e.message)
}

/// Root credentials from `IAMD_ROOT_ACCESS_KEY_ID` / `IAMD_ROOT_SECRET_ACCESS_KEY`:
/// both or neither.
fn root_key_from_env(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(String, SecretString)>, String> {
    match (env(ENV_ROOT_ACCESS_KEY_ID), env(ENV_ROOT_SECRET_ACCESS_KEY)) {
        (None, None) => Ok(None),
        (Some(id), Some(secret)) => {
            let id_ok =
                (16..=128).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric());
            if !id_ok {
                return Err(format!(
                    "{ENV_ROOT_ACCESS_KEY_ID}: 16 to 128 letters and digits expected"
                ));
            }
            if secret.is_empty() {
                return Err(format!("{ENV_ROOT_SECRET_ACCESS_KEY} is empty"));
            }
            Ok(Some((id, SecretString::new(secret))))
        }
        _ => Err(format!(
            "set both {ENV_ROOT_ACCESS_KEY_ID} and {ENV_ROOT_SECRET_ACCESS_KEY}, or neither"
        )),
    }
}

/// On first start (no account yet) creates the first account: `IAMD_ACCOUNT_ID` or a
/// random id, root credentials from the environment or generated. Returns it when
/// created, so the caller can show the generated secret once.
pub async fn ensure_first_account(
    store: &SqliteStore,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<NewAccount>, String> {
    if !store
        .list_accounts()
        .await
        .map_err(|e| e.message)?
        .is_empty()
    {
        return Ok(None);
    }
    let root_key = root_key_from_env(env)?;
    let account = store
        .create_account(env(ENV_ACCOUNT_ID), root_key)
        .await
        .map_err(|e| e.message)?;
    Ok(Some(account))
}

/// `iamd account create`: another account with its own root credentials.
pub async fn add_account(
    store: &SqliteStore,
    account_id: Option<String>,
) -> Result<NewAccount, String> {
    store
        .create_account(account_id, None)
        .await
        .map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn first_start_creates_one_account_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let env = |k: &str| match k {
            ENV_ACCOUNT_ID => Some("111122223333".to_owned()),
            ENV_ROOT_ACCESS_KEY_ID => Some("AKIAIOSFODNN7EXAMPLE".to_owned()),
            ENV_ROOT_SECRET_ACCESS_KEY => {
                Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned())
            }
            _ => None,
        };
        let store = open_store(dir.path(), &env).unwrap();
        let created = ensure_first_account(&store, &env).await.unwrap().unwrap();
        assert_eq!(created.account.account_id, "111122223333");
        assert_eq!(created.root_access_key_id, "AKIAIOSFODNN7EXAMPLE");
        assert!(ensure_first_account(&store, &env).await.unwrap().is_none());
        let other = add_account(&store, None).await.unwrap();
        assert_ne!(other.account.account_id, "111122223333");
        assert!(other.root_access_key_id.starts_with("AKIA"));
    }

    #[test]
    fn half_given_root_credentials_are_refused() {
        let env =
            |k: &str| (k == ENV_ROOT_ACCESS_KEY_ID).then(|| "AKIAIOSFODNN7EXAMPLE".to_owned());
        assert!(root_key_from_env(&env).is_err());
    }
}
