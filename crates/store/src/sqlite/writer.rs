//! The single writer thread and its group commit.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync. So every
//! write is a closure sent to one thread, which takes all closures queued at that moment,
//! runs each inside its own SAVEPOINT (a failing write rolls back only its own changes),
//! commits the batch once (one fsync), and only then answers every caller. Under
//! concurrent load, the fsync is shared by the whole batch.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use rusqlite::Connection;

use crate::error::{StoreError, StoreResult};
use crate::time::Timestamp;

/// The most writes committed together; bounds a batch's latency.
const MAX_BATCH: usize = 1024;

/// What a write closure sees: the connection, the batch's clock, and flags it sets to
/// say what kind of change it made.
pub struct WriteCtx<'c> {
    pub conn: &'c Connection,
    /// One instant for the whole batch, so dates written together agree.
    pub now: Timestamp,
    auth_changed: bool,
}

impl WriteCtx<'_> {
    /// Marks the write as able to change an authentication or authorization decision.
    pub fn auth_changed(&mut self) {
        self.auth_changed = true;
    }
}

/// Delivers a write's result once the batch's commit is known.
type Completion = Box<dyn FnOnce(StoreResult<()>) + Send>;

/// A queued write: runs on the writer thread and reports whether it succeeded (so the
/// writer keeps or rolls back its savepoint) plus how to answer its caller.
type Job = Box<dyn FnOnce(&mut WriteCtx<'_>) -> (bool, Completion) + Send>;

/// The counters mirrored in memory for cheap reads by caches, and the store's timings.
#[derive(Default)]
pub struct Counters {
    pub change_counter: AtomicU64,
    pub auth_epoch: AtomicU64,
    pub timings: crate::timings::StoreTimings,
}

pub struct Writer {
    sender: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn start(conn: Connection, counters: Arc<Counters>) -> StoreResult<Self> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("iamd-store-writer".into())
            .spawn(move || run(conn, receiver, &counters))
            .map_err(|e| StoreError::service_failure(format!("cannot start writer: {e}")))?;
        Ok(Writer {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `f` and waits for the batch it lands in to be durable.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteCtx<'_>) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |ctx| {
            let result = f(ctx);
            let ok = result.is_ok();
            let completion: Completion = Box::new(move |commit| {
                let _ = tx.send(commit.and(result));
            });
            (ok, completion)
        });
        let sender = self
            .sender
            .as_ref()
            .ok_or_else(|| StoreError::service_failure("the store is closed"))?;
        sender
            .send(job)
            .map_err(|_| StoreError::service_failure("the store writer has stopped"))?;
        rx.await
            .map_err(|_| StoreError::service_failure("the store writer dropped a write"))?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread finish the queued batch and exit.
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: Connection, receiver: Receiver<Job>, counters: &Counters) {
    while let Ok(first) = receiver.recv() {
        let mut batch = Vec::with_capacity(16);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        commit_batch(&conn, batch, counters);
    }
}

/// Runs one of the batch's framing statements (`BEGIN`, `SAVEPOINT`, ...). They run a
/// few times per write, so they are prepared once and cached rather than parsed anew.
fn run_cached(conn: &Connection, sql: &str) -> StoreResult<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn commit_batch(conn: &Connection, batch: Vec<Job>, counters: &Counters) {
    let mut completions: Vec<Completion> = Vec::with_capacity(batch.len());
    let outcome = (|| -> StoreResult<(bool, bool)> {
        run_cached(conn, "BEGIN IMMEDIATE")?;
        let mut ctx = WriteCtx {
            conn,
            now: Timestamp::now(),
            auth_changed: false,
        };
        let mut any_ok = false;
        let mut auth_changed = false;
        for job in batch {
            run_cached(conn, "SAVEPOINT write")?;
            ctx.auth_changed = false;
            let (ok, completion) = match catch_unwind(AssertUnwindSafe(|| job(&mut ctx))) {
                Ok(result) => result,
                // A bug in one write must not take the writer down with it; its caller
                // sees the channel dropped and answers ServiceFailure.
                Err(_) => (false, Box::new(|_| {}) as Completion),
            };
            if ok {
                run_cached(conn, "RELEASE write")?;
                any_ok = true;
                auth_changed |= ctx.auth_changed;
            } else {
                run_cached(conn, "ROLLBACK TO write")?;
                run_cached(conn, "RELEASE write")?;
            }
            completions.push(completion);
        }
        if any_ok {
            run_cached(
                conn,
                "UPDATE meta SET value = value + 1 WHERE key = 'change_counter'",
            )?;
            if auth_changed {
                run_cached(
                    conn,
                    "UPDATE meta SET value = value + 1 WHERE key = 'auth_epoch'",
                )?;
            }
        }
        let committing = Instant::now();
        run_cached(conn, "COMMIT")?;
        counters.timings.commits.observe(committing.elapsed());
        Ok((any_ok, auth_changed))
    })();
    let commit = match outcome {
        Ok((any_ok, auth_changed)) => {
            // Counters move before any caller is answered, so a client that saw its
            // write succeed never meets a cache from before it.
            if any_ok {
                counters.change_counter.fetch_add(1, Ordering::SeqCst);
            }
            if auth_changed {
                counters.auth_epoch.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        }
        Err(e) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            Err(e)
        }
    };
    for completion in completions {
        completion(commit.clone());
    }
}
