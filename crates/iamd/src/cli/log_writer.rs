//! A log writer that keeps stderr off the request path: each event is formatted into its
//! own buffer and handed to a background thread, which writes whatever has queued up in
//! one buffered write and flushes when the queue runs dry. Under load many lines share a
//! `write(2)`; when idle each line still reaches stderr at once.
//!
//! Lines are never dropped: when the queue is full the event waits for room, so a slow
//! stderr slows requests rather than losing access-log lines.
use std::io::{self, BufWriter, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::Duration;

/// Lines held in the queue before an event has to wait for the writer thread.
const QUEUE_LINES: usize = 64 * 1024;
/// How long dropping the guard waits for queued lines to reach stderr.
const FLUSH_WAIT: Duration = Duration::from_secs(2);

enum Message {
    Line(Vec<u8>),
    /// Write and flush everything queued before it, then answer.
    Flush(mpsc::Sender<()>),
}

/// The `MakeWriter` given to the subscriber: cheap to clone, one sender per clone.
#[derive(Clone)]
pub struct BackgroundWriter {
    queue: SyncSender<Message>,
}

/// Flushes the queued lines when dropped; keep it alive for as long as events are logged.
pub struct FlushGuard {
    queue: SyncSender<Message>,
}

/// One event's text, queued as a whole when the formatter is done with it.
pub struct EventBuffer {
    text: Vec<u8>,
    queue: SyncSender<Message>,
}

/// Starts the writer thread. `None` if the thread cannot be spawned (the caller then
/// writes to stderr directly).
pub fn start() -> Option<(BackgroundWriter, FlushGuard)> {
    let (queue, lines) = mpsc::sync_channel(QUEUE_LINES);
    std::thread::Builder::new()
        .name("iamd-log".to_owned())
        .spawn(move || drain(lines, io::stderr()))
        .ok()?;
    Some((
        BackgroundWriter {
            queue: queue.clone(),
        },
        FlushGuard { queue },
    ))
}

fn drain(lines: Receiver<Message>, sink: impl Write) {
    let mut out = BufWriter::with_capacity(64 * 1024, sink);
    // Blocks for the first message, then takes what else is queued without waiting.
    while let Ok(first) = lines.recv() {
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Line(text) => {
                    let _ = out.write_all(&text);
                }
                Message::Flush(done) => {
                    let _ = out.flush();
                    let _ = done.send(());
                }
            }
            next = lines.try_recv().ok();
        }
        let _ = out.flush();
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BackgroundWriter {
    type Writer = EventBuffer;

    fn make_writer(&'a self) -> EventBuffer {
        EventBuffer {
            text: Vec::with_capacity(256),
            queue: self.queue.clone(),
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
        if !self.text.is_empty() {
            let _ = self
                .queue
                .send(Message::Line(std::mem::take(&mut self.text)));
        }
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        let (done, flushed) = mpsc::channel();
        if self.queue.send(Message::Flush(done)).is_ok() {
            // Bounded: a stuck stderr must not keep the process from exiting.
            let _ = flushed.recv_timeout(FLUSH_WAIT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A sink the test can read after the writer thread has written to it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::ErrorKind::Other)?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_arrives_in_order_and_the_guard_flushes() {
        let (queue, lines) = mpsc::sync_channel(4);
        let sink = Shared::default();
        let thread_sink = sink.clone();
        std::thread::spawn(move || drain(lines, thread_sink));
        let writer = BackgroundWriter {
            queue: queue.clone(),
        };
        // More lines than the queue holds: senders wait for room instead of dropping.
        for n in 0..100 {
            let mut event = tracing_subscriber::fmt::MakeWriter::make_writer(&writer);
            write!(event, "line {n}").unwrap();
            writeln!(event).unwrap();
        }
        drop(FlushGuard { queue });
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let expected: String = (0..100).map(|n| format!("line {n}\n")).collect();
        assert_eq!(written, expected);
    }
}
