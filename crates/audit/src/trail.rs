//! The trail as the server holds it: `append` serializes a record, adds it to the
//! lookup index and queues its line for the writer thread; nothing on the request path
//! touches a file.
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;

use crate::index::{EventIndex, LOOKBACK_DAYS};
use crate::keys::DigestKey;
use crate::layout;
use crate::queue::Queue;
use crate::record::Record;
use crate::time;
use crate::writer::{LogWriter, Options};

/// Bytes reserved for one serialized record (a GetUser record is about 1 KiB).
const LINE_CAPACITY: usize = 2048;

pub struct AuditTrail {
    queue: Arc<Queue>,
    thread: Mutex<Option<JoinHandle<()>>>,
    index: EventIndex,
}

impl AuditTrail {
    /// Recovers the directory, rebuilds the lookup index from its files and starts the
    /// writer thread.
    pub fn open(opts: Options, key: DigestKey) -> Result<Self, String> {
        let queue = Arc::new(Queue::new(opts.queue_bytes));
        let dir = opts.dir.clone();
        let writer = LogWriter::open(opts, key)?;
        let index = EventIndex::default();
        load_index(&dir, &index);
        let writer_queue = queue.clone();
        let thread = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || writer.run(&writer_queue))
            .map_err(|e| format!("cannot start the audit writer: {e}"))?;
        Ok(AuditTrail {
            queue,
            thread: Mutex::new(Some(thread)),
            index,
        })
    }

    /// Records one event. Waits only when the writer is [`Options::queue_bytes`]
    /// behind (records are never dropped).
    pub fn append(&self, record: &Record) {
        // Sized for a typical record, so that serializing does not regrow the buffer.
        let mut line = Vec::with_capacity(LINE_CAPACITY);
        if let Err(e) = serde_json::to_writer(&mut line, record) {
            tracing::error!(error = %e, "audit record not serialized");
            return;
        }
        if !self.queue.push(&line) {
            tracing::error!("audit record after the trail was closed");
        }
        // serde_json writes UTF-8 only; the check cannot fail.
        if let Ok(text) = String::from_utf8(line) {
            self.index.insert(record, text);
        }
    }

    pub fn index(&self) -> &EventIndex {
        &self.index
    }

    /// Waits until everything appended so far is on disk and covered by a digest.
    pub fn flush(&self) {
        self.queue.flush();
    }

    /// Writes what is queued, signs a last digest and stops the writer.
    pub fn close(&self) {
        self.queue.close();
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for AuditTrail {
    fn drop(&mut self) {
        self.close();
    }
}

/// Reads the records of the lookback window into `index`, oldest first.
fn load_index(dir: &std::path::Path, index: &EventIndex) {
    let Ok(files) = layout::log_files(dir) else {
        return;
    };
    let since = time::unix_millis(SystemTime::now()) - LOOKBACK_DAYS * 86_400_000;
    for file in files {
        let Ok(lines) = layout::read_lines(&file) else {
            tracing::warn!(file = %file.path.display(), "audit log file unreadable; not indexed");
            continue;
        };
        for line in lines.complete {
            let Ok(text) = std::str::from_utf8(&line) else {
                continue;
            };
            let Ok(record) = serde_json::from_str::<Record>(text) else {
                continue;
            };
            if time::parse_iso8601(&record.event_time).is_some_and(|t| t >= since) {
                index.insert(&record, text);
            }
        }
    }
}
