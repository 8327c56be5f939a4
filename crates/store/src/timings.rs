//! Timings of the store's operations, recorded with atomics (no lock on the request
//! path) and read by the server's `/metrics`.
use telemetry::Histogram;

#[derive(Debug, Default)]
pub struct StoreTimings {
    /// One read transaction on a pooled connection, from taking the connection to the
    /// answer.
    pub reads: Histogram,
    /// One write as its caller waits for it: queueing, its savepoint, and the batch's
    /// commit.
    pub writes: Histogram,
    /// One batch's `COMMIT` (the fsync of group commit), on the writer thread.
    pub commits: Histogram,
}
