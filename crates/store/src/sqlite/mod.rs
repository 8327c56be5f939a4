//! The SQLite backend: one database file in WAL mode with `synchronous=FULL`, a single
//! writer thread with group commit ([`writer`]) and a pool of read connections
//! ([`readers`]). All of the store's SQL lives under this module, one file per family.
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rusqlite::Connection;

use crate::api::Store;
use crate::error::{StoreError, StoreResult};
use crate::secret::MasterKey;

mod access_analyzer;
mod access_keys;
mod accounts;
mod attachments;
mod authorization;
mod credential_report;
mod delegation;
mod federation;
mod groups;
mod inline;
mod instance_profiles;
mod mfa;
mod passwords;
mod policies;
mod roles;
mod rows;
mod schema;
mod server_certificates;
mod service_credentials;
mod service_usage;
mod session_keys;
mod signing_certificates;
mod ssh_keys;
mod tags;
mod trust_principals;
mod users;
mod workload;

pub mod readers;
pub mod writer;

use readers::ReadPool;
use writer::{Counters, WriteCtx, Writer};

/// The database file inside the data directory.
pub const DB_FILE: &str = "iamd.sqlite3";

/// A sealed known value, to tell a wrong master key at startup rather than at the first
/// authentication.
const KEY_CHECK_CONTEXT: &str = "iamd-master-key-check";
const KEY_CHECK_PLAINTEXT: &[u8] = b"iamd";

struct Inner {
    readers: ReadPool,
    writer: Writer,
    key: MasterKey,
    counters: Arc<Counters>,
}

/// The SQLite store. Cheap to clone; all clones share one writer and one read pool.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl SqliteStore {
    /// Opens (creating when needed) the store in `data_dir`.
    pub fn open(data_dir: &Path, key: MasterKey) -> StoreResult<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::service_failure(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        Self::open_file(data_dir.join(DB_FILE), key)
    }

    /// Opens (creating when needed) the database at `path`.
    pub fn open_file(path: PathBuf, key: MasterKey) -> StoreResult<Self> {
        let mut conn = Connection::open(&path)?;
        configure_writer(&conn)?;
        schema::migrate(&mut conn)?;
        check_master_key(&conn, &key)?;
        let counters = Arc::new(Counters::default());
        counters.change_counter.store(
            schema::read_counter(&conn, "change_counter")?,
            Ordering::SeqCst,
        );
        counters
            .auth_epoch
            .store(schema::read_counter(&conn, "auth_epoch")?, Ordering::SeqCst);
        let writer = Writer::start(conn, counters.clone())?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                readers: ReadPool::new(path),
                writer,
                key,
                counters,
            }),
        })
    }

    pub(crate) async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteCtx<'_>) -> StoreResult<T> + Send + 'static,
    {
        let started = std::time::Instant::now();
        let written = self.inner.writer.write(f).await;
        self.inner
            .counters
            .timings
            .writes
            .observe(started.elapsed());
        written
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let started = std::time::Instant::now();
        let read = self.inner.readers.read(f);
        self.inner.counters.timings.reads.observe(started.elapsed());
        read
    }

    pub(crate) fn key(&self) -> &MasterKey {
        &self.inner.key
    }
}

fn configure_writer(conn: &Connection) -> StoreResult<()> {
    // WAL: readers work beside the writer. synchronous=FULL: a commit is on disk (the
    // WAL is fsynced) before COMMIT returns, so an answered write survives kill -9 and
    // power loss alike.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::service_failure(format!(
            "the database refused WAL mode (got {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -32000;
         PRAGMA temp_store = MEMORY;",
    )?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

fn check_master_key(conn: &Connection, key: &MasterKey) -> StoreResult<()> {
    let sealed: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT sealed FROM key_check WHERE id = 1",
        [],
        |r| r.get(0),
    ))?;
    match sealed {
        Some(sealed) => match key.open(KEY_CHECK_CONTEXT.as_bytes(), &sealed) {
            Ok(plain) if plain.as_slice() == KEY_CHECK_PLAINTEXT => Ok(()),
            _ => Err(StoreError::service_failure(
                "the master key does not match the one this database was created with",
            )),
        },
        None => {
            let sealed = key.seal(KEY_CHECK_CONTEXT.as_bytes(), KEY_CHECK_PLAINTEXT)?;
            conn.execute(
                "INSERT INTO key_check (id, sealed) VALUES (1, ?1)",
                [sealed],
            )?;
            Ok(())
        }
    }
}

impl Store for SqliteStore {
    fn change_counter(&self) -> u64 {
        self.inner.counters.change_counter.load(Ordering::SeqCst)
    }
    fn auth_epoch(&self) -> u64 {
        self.inner.counters.auth_epoch.load(Ordering::SeqCst)
    }
    fn timings(&self) -> Option<&crate::timings::StoreTimings> {
        Some(&self.inner.counters.timings)
    }
}
