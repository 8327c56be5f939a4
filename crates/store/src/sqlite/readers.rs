//! A small pool of read-only connections. In WAL mode readers never block the writer
//! nor each other, and each read transaction sees the last committed state.
use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::error::{StoreError, StoreResult};

/// Idle connections kept; more are opened under bursts and dropped afterwards.
const MAX_IDLE: usize = 16;

pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl ReadPool {
    pub fn new(path: PathBuf) -> Self {
        ReadPool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA cache_size = -16000; PRAGMA mmap_size = 268435456;")?;
        conn.set_prepared_statement_cache_capacity(128);
        Ok(conn)
    }

    fn take(&self) -> StoreResult<Connection> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
    }

    /// Runs `f` in one read transaction (a consistent snapshot across its statements).
    ///
    /// `BEGIN` and `COMMIT` are cached statements: reads are on every request's path, and
    /// parsing them anew each time was a visible share of a `GetUser`.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = self.take()?;
        let result = (|| {
            conn.prepare_cached("BEGIN")?.execute([])?;
            let value = f(&conn);
            let end = if value.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.prepare_cached(end)?.execute([])?;
            value
        })();
        match &result {
            // A connection that failed mid-way may hold a broken transaction: drop it.
            Err(StoreError { .. }) if !conn.is_autocommit() => {}
            _ => self.give_back(conn),
        }
        result
    }
}
