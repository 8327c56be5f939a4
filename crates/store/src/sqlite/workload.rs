//! Workload bindings (see [`crate::workload`]).
use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, Row};

use super::SqliteStore;
use crate::api::WorkloadStore;
use crate::error::{StoreError, StoreResult};
use crate::time::Timestamp;
use crate::workload::{NewWorkloadBinding, WorkloadBinding, WorkloadKind};

const COLUMNS: &str = "name, kind, account_id, target, listen, workload_id, created_ms";

fn binding(row: &Row<'_>) -> rusqlite::Result<WorkloadBinding> {
    let kind: String = row.get(1)?;
    Ok(WorkloadBinding {
        name: row.get(0)?,
        // The CHECK constraint admits only the two kinds.
        kind: WorkloadKind::parse(&kind).unwrap_or(WorkloadKind::Container),
        account_id: row.get(2)?,
        target: row.get(3)?,
        listen: row.get(4)?,
        workload_id: row.get(5)?,
        created: Timestamp(row.get(6)?),
    })
}

/// An id in the shape of the workload's kind: an EC2 instance id (`i-` and 17 hex
/// digits) or an ECS task id (32 hex digits).
fn workload_id(kind: WorkloadKind) -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match kind {
        WorkloadKind::Imds => format!("i-{}", &hex[..17]),
        WorkloadKind::Container => hex,
    }
}

#[async_trait]
impl WorkloadStore for SqliteStore {
    async fn create_workload_binding(
        &self,
        new: NewWorkloadBinding,
    ) -> StoreResult<WorkloadBinding> {
        let id = workload_id(new.kind);
        self.write(move |ctx| {
            let taken: Option<String> = ctx
                .conn
                .prepare_cached(
                    "SELECT name FROM workload_bindings WHERE name_key = ?1 OR (listen IS NOT NULL AND listen = ?2)",
                )?
                .query_row(params![new.name.to_lowercase(), new.listen], |r| r.get(0))
                .optional()?;
            if let Some(existing) = taken {
                return Err(StoreError::already_exists(format!(
                    "A workload binding with that name or listen address already exists: {existing}."
                )));
            }
            ctx.conn
                .prepare_cached(
                    "INSERT INTO workload_bindings (name, name_key, kind, account_id, target, listen, token_sha256, workload_id, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    new.name,
                    new.name.to_lowercase(),
                    new.kind.as_str(),
                    new.account_id,
                    new.target,
                    new.listen,
                    new.token_sha256,
                    id,
                    ctx.now.millis()
                ])?;
            Ok(WorkloadBinding {
                name: new.name,
                kind: new.kind,
                account_id: new.account_id,
                target: new.target,
                listen: new.listen,
                workload_id: id,
                created: ctx.now,
            })
        })
        .await
    }

    async fn list_workload_bindings(&self) -> StoreResult<Vec<WorkloadBinding>> {
        self.read(|conn| {
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM workload_bindings ORDER BY name_key"
                ))?
                .query_map([], binding)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    async fn delete_workload_binding(&self, name: &str) -> StoreResult<()> {
        let key = name.to_lowercase();
        let name = name.to_owned();
        self.write(move |ctx| {
            let deleted = ctx
                .conn
                .prepare_cached("DELETE FROM workload_bindings WHERE name_key = ?1")?
                .execute([key])?;
            if deleted == 0 {
                return Err(StoreError::no_such_entity(format!(
                    "The workload binding with name {name} cannot be found."
                )));
            }
            Ok(())
        })
        .await
    }

    async fn workload_binding_by_token(
        &self,
        token_sha256: &[u8],
    ) -> StoreResult<Option<WorkloadBinding>> {
        let hash = token_sha256.to_vec();
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM workload_bindings WHERE token_sha256 = ?1"
                ))?
                .query_row([hash], binding)
                .optional()?)
        })
    }

    async fn workload_binding(&self, name: &str) -> StoreResult<Option<WorkloadBinding>> {
        let key = name.to_lowercase();
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM workload_bindings WHERE name_key = ?1"
                ))?
                .query_row([key], binding)
                .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::MasterKey;

    fn imds(name: &str, listen: &str) -> NewWorkloadBinding {
        NewWorkloadBinding {
            name: name.to_owned(),
            kind: WorkloadKind::Imds,
            account_id: "123456789012".to_owned(),
            target: "web-profile".to_owned(),
            listen: Some(listen.to_owned()),
            token_sha256: None,
        }
    }

    #[tokio::test]
    async fn bindings_are_created_found_listed_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let (master, _) = MasterKey::generate().unwrap();
        let store = SqliteStore::open(dir.path(), master).unwrap();
        let web = store
            .create_workload_binding(imds("web", "127.0.0.1:9001"))
            .await
            .unwrap();
        assert!(web.workload_id.starts_with("i-") && web.workload_id.len() == 19);
        // Names (case-insensitively) and listen addresses are unique.
        for clash in [imds("WEB", "127.0.0.1:9002"), imds("api", "127.0.0.1:9001")] {
            let e = store.create_workload_binding(clash).await.unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::EntityAlreadyExists);
        }
        let task = store
            .create_workload_binding(NewWorkloadBinding {
                name: "batch".to_owned(),
                kind: WorkloadKind::Container,
                account_id: "123456789012".to_owned(),
                target: "batch-role".to_owned(),
                listen: None,
                token_sha256: Some(vec![7; 32]),
            })
            .await
            .unwrap();
        assert_eq!(task.workload_id.len(), 32);
        assert_eq!(
            store.workload_binding_by_token(&[7; 32]).await.unwrap(),
            Some(task.clone())
        );
        assert_eq!(
            store.workload_binding_by_token(&[8; 32]).await.unwrap(),
            None
        );
        let names: Vec<String> = store
            .list_workload_bindings()
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(names, ["batch", "web"]);
        assert_eq!(store.workload_binding("Web").await.unwrap(), Some(web));
        store.delete_workload_binding("web").await.unwrap();
        let e = store.delete_workload_binding("web").await.unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::NoSuchEntity);
        assert_eq!(store.list_workload_bindings().await.unwrap(), vec![task]);
    }
}
