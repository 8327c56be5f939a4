//! A log writer that keeps stderr off the request path. Each event is formatted into its
//! own buffer and appended to a shared batch under a short lock; a background thread
//! writes the batch to stderr every few milliseconds (sooner once it grows large), so
//! under load thousands of lines share one `write(2)` and no request wakes another thread.
//!
//! Lines are never dropped: when the batch reaches its limit an event waits for the
//! writer, so a slow stderr slows requests rather than losing access-log lines.
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long a line may wait in the batch when traffic is light.
const FLUSH_INTERVAL: Duration = Duration::from_millis(10);
/// A batch this large is written without waiting for the interval.
const EARLY_WRITE_BYTES: usize = 256 * 1024;
/// A batch this large makes events wait for the writer instead of growing further.
const LIMIT_BYTES: usize = 8 * 1024 * 1024;

struct Shared {
    batch: Mutex<Vec<u8>>,
    /// Wakes the writer early (large batch) and events waiting for room.
    changed: Condvar,
    /// Held while a taken batch is written, so batches reach the sink in order.
    sink: Mutex<Box<dyn Write + Send>>,
}

/// The `MakeWriter` given to the subscriber.
#[derive(Clone)]
pub struct BackgroundWriter {
    shared: Arc<Shared>,
}

/// Writes out what is still batched when dropped; keep it until the program ends.
pub struct FlushGuard {
    shared: Arc<Shared>,
}

/// One event's text, appended to the batch as a whole when the formatter is done.
pub struct EventBuffer {
    text: Vec<u8>,
    shared: Arc<Shared>,
}

/// Starts the writer thread on stderr. `None` if the thread cannot be spawned (the
/// caller then writes to stderr directly).
pub fn start() -> Option<(BackgroundWriter, FlushGuard)> {
    start_on(Box::new(io::stderr()))
}

fn start_on(sink: Box<dyn Write + Send>) -> Option<(BackgroundWriter, FlushGuard)> {
    let shared = Arc::new(Shared {
        batch: Mutex::new(Vec::with_capacity(EARLY_WRITE_BYTES)),
        changed: Condvar::new(),
        sink: Mutex::new(sink),
    });
    let worker = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("iamd-log".to_owned())
        .spawn(move || loop {
            {
                let batch = lock(&worker.batch);
                let _ = worker.changed.wait_timeout(batch, FLUSH_INTERVAL);
            }
            write_out(&worker);
        })
        .ok()?;
    Some((
        BackgroundWriter {
            shared: Arc::clone(&shared),
        },
        FlushGuard { shared },
    ))
}

/// A poisoned lock only means a thread panicked mid-append; the bytes are still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes the current batch and writes it; events append to a fresh one meanwhile.
fn write_out(shared: &Shared) {
    let mut sink = lock(&shared.sink);
    let taken = {
        let mut batch = lock(&shared.batch);
        if batch.is_empty() {
            return;
        }
        std::mem::replace(&mut *batch, Vec::with_capacity(EARLY_WRITE_BYTES))
    };
    // Events waiting for room may go on.
    shared.changed.notify_all();
    let _ = sink.write_all(&taken);
    let _ = sink.flush();
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BackgroundWriter {
    type Writer = EventBuffer;

    fn make_writer(&'a self) -> EventBuffer {
        EventBuffer {
            text: Vec::with_capacity(256),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl Write for EventBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let mut batch = lock(&self.shared.batch);
        while batch.len() >= LIMIT_BYTES {
            self.shared.changed.notify_all();
            batch = match self.shared.changed.wait_timeout(batch, FLUSH_INTERVAL) {
                Ok((batch, _)) => batch,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        batch.extend_from_slice(&self.text);
        if batch.len() >= EARLY_WRITE_BYTES {
            self.shared.changed.notify_all();
        }
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        write_out(&self.shared);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read after the writer has written to it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            lock(&self.0).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_arrives_in_order_and_the_guard_flushes() {
        let sink = Shared::default();
        let (writer, guard) = start_on(Box::new(sink.clone())).unwrap();
        // Enough text to pass the early-write size and the limit several times over.
        let line = "x".repeat(1000);
        for n in 0..20_000 {
            let mut event = tracing_subscriber::fmt::MakeWriter::make_writer(&writer);
            writeln!(event, "{n} {line}").unwrap();
        }
        drop(guard);
        let written = String::from_utf8(lock(&sink.0).clone()).unwrap();
        let expected: String = (0..20_000).map(|n| format!("{n} {line}\n")).collect();
        assert!(written == expected, "lines lost or out of order");
    }
}
