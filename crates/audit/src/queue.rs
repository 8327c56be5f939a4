//! The hand-off between request threads and the writer thread: one shared byte buffer of
//! record lines. An append copies its line in under a short lock and, unless the buffer
//! has grown large, wakes nobody: the writer takes the whole buffer on its own schedule
//! (every [`Options::write_interval`](crate::Options::write_interval)), so under load
//! thousands of records share one `write(2)` and no request pays for a thread wake-up.
//!
//! Records are never dropped: past [`Options::queue_bytes`](crate::Options::queue_bytes)
//! an append waits for the writer.
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// A buffer this large wakes the writer before its interval.
const EARLY_WRITE_BYTES: usize = 256 * 1024;

#[derive(Default)]
struct State {
    /// Record lines, each ending in `\n`.
    bytes: Vec<u8>,
    /// Flushes asked for, and how many the writer has completed.
    flush_asked: u64,
    flush_done: u64,
    closing: bool,
    /// The writer has stopped: nobody will take the buffer again.
    stopped: bool,
}

/// What the writer takes in one go.
pub(crate) struct Batch {
    pub bytes: Vec<u8>,
    /// The flush generation to report done once `bytes` are synced and digested.
    pub flush: Option<u64>,
    pub closing: bool,
}

pub(crate) struct Queue {
    state: Mutex<State>,
    /// Wakes the writer early (large buffer, flush, close).
    work: Condvar,
    /// Wakes appenders waiting for room and callers waiting for a flush.
    progress: Condvar,
    limit: usize,
}

impl Queue {
    pub(crate) fn new(limit: usize) -> Self {
        Queue {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            progress: Condvar::new(),
            limit: limit.max(EARLY_WRITE_BYTES),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the buffer half-written in a way
        // that matters more than losing the trail: carry on with the data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues one line (without its `\n`). `false` once the writer has stopped.
    pub(crate) fn push(&self, line: &[u8]) -> bool {
        let mut state = self.lock();
        while state.bytes.len() >= self.limit && !state.stopped {
            self.work.notify_one();
            state = self.progress.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        if state.stopped {
            return false;
        }
        state.bytes.extend_from_slice(line);
        state.bytes.push(b'\n');
        if state.bytes.len() >= EARLY_WRITE_BYTES {
            self.work.notify_one();
        }
        true
    }

    /// The writer's side: waits up to `interval` for work, then takes the buffer.
    pub(crate) fn take(&self, interval: Duration) -> Batch {
        let mut state = self.lock();
        let idle = |s: &State| s.bytes.is_empty() && s.flush_asked == s.flush_done && !s.closing;
        if idle(&state) {
            state = self
                .work
                .wait_timeout(state, interval)
                .map(|(s, _)| s)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        let bytes = std::mem::take(&mut state.bytes);
        let flush = (state.flush_asked > state.flush_done).then_some(state.flush_asked);
        let closing = state.closing;
        self.progress.notify_all();
        Batch {
            bytes,
            flush,
            closing,
        }
    }

    /// The writer finished flush generation `generation`.
    pub(crate) fn flushed(&self, generation: u64) {
        let mut state = self.lock();
        state.flush_done = state.flush_done.max(generation);
        self.progress.notify_all();
    }

    /// The writer has stopped for good.
    pub(crate) fn stopped(&self) {
        let mut state = self.lock();
        state.stopped = true;
        state.flush_done = state.flush_asked;
        self.progress.notify_all();
    }

    /// Waits until everything queued before the call is written, synced and digested.
    pub(crate) fn flush(&self) {
        let mut state = self.lock();
        if state.stopped {
            return;
        }
        state.flush_asked += 1;
        let generation = state.flush_asked;
        self.work.notify_one();
        while state.flush_done < generation && !state.stopped {
            state = self.progress.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Asks the writer to write what is queued and stop.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closing = true;
        self.work.notify_one();
    }
}
