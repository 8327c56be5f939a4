//! The background writer: the one thread that appends record lines, fsyncs them,
//! signs digests, rotates and compresses log files.
//!
//! Durability: queued lines are written every [`Options::write_interval`] (10 ms) and
//! fsynced at least every [`Options::sync_interval`] (100 ms) or every
//! [`Options::sync_records`] lines, whichever comes first; a crash loses at most the
//! records of the last 100 ms. A crash can leave the
//! last line of the open file cut short: it is never covered by a digest, start-up
//! leaves it where it is (verification reports it as torn, not as tampering) and
//! continues in a new file.
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::digest::{self, chain_next_hashed, hex, sha256, Digest, DIGEST_VERSION, GENESIS};
use crate::keys::DigestKey;
use crate::layout::{self, LogFile};
use crate::queue::Queue;
use crate::time;

/// Tuning of the trail; [`Options::new`] gives the defaults documented here.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// How often the writer takes the queued lines: 10 ms.
    pub write_interval: Duration,
    /// The longest a written line waits for its fsync: 100 ms.
    pub sync_interval: Duration,
    /// Lines written before an fsync regardless of time: 10,000.
    pub sync_records: usize,
    /// A log file is rotated once this large: 32 MiB.
    pub max_file_bytes: u64,
    /// ... or this old: one hour.
    pub max_file_age: Duration,
    /// A digest is signed at least this often while records arrive: 10 s (and at every
    /// rotation and at shutdown).
    pub digest_interval: Duration,
    /// Bytes of records queued for the writer before callers wait: 16 MiB.
    pub queue_bytes: usize,
}

impl Options {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Options {
            dir: dir.into(),
            write_interval: Duration::from_millis(10),
            sync_interval: Duration::from_millis(100),
            sync_records: 10_000,
            max_file_bytes: 32 * 1024 * 1024,
            max_file_age: Duration::from_secs(3_600),
            digest_interval: Duration::from_secs(10),
            queue_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Where the chain and the digests stand.
struct Position {
    digest_seq: u64,
    last_digest_hash: Option<String>,
    chain: [u8; 32],
}

pub(crate) struct LogWriter {
    opts: Options,
    key: DigestKey,
    pos: Position,
    file_seq: u64,
    out: BufWriter<File>,
    file_bytes: u64,
    file_lines: u64,
    file_opened: Instant,
    /// Hashes of the lines written since the last digest.
    pending: Vec<[u8; 32]>,
    pending_first_line: u64,
    pending_chain_start: [u8; 32],
    unsynced: usize,
    last_sync: Instant,
    last_digest: Instant,
    compressors: Vec<JoinHandle<()>>,
}

fn now_iso() -> String {
    time::iso8601(time::unix_millis(SystemTime::now()))
}

impl LogWriter {
    /// Recovers the directory's state (see the module documentation) and opens a new
    /// log file.
    pub(crate) fn open(opts: Options, key: DigestKey) -> Result<Self, String> {
        let dir = opts.dir.clone();
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let err = |e: io::Error| format!("audit directory {}: {e}", dir.display());
        remove_temporary_files(&dir).map_err(err)?;
        let mut pos = Position {
            digest_seq: 0,
            last_digest_hash: None,
            chain: GENESIS,
        };
        // (file seq, line) up to which the newest digest covers.
        let mut covered: (u64, u64) = (0, 0);
        if let Some((seq, path)) = layout::digest_files(&dir).map_err(err)?.pop() {
            let bytes = std::fs::read(&path).map_err(err)?;
            let opened = digest::open_signed(&bytes, None)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let d = opened.digest;
            pos.digest_seq = seq;
            pos.last_digest_hash = Some(hex(&sha256(&bytes)));
            pos.chain = digest::unhex32(&d.chain_hash)
                .ok_or_else(|| format!("{}: bad chainHash", path.display()))?;
            let file = layout::log_seq(&d.log_file).map_or(0, |(s, _)| s);
            covered = (file, d.first_line + d.line_hashes.len() as u64);
        }
        let files = layout::log_files(&dir).map_err(err)?;
        remove_compressed_originals(&dir, &files).map_err(err)?;
        let last_seq = files.last().map_or(0, |f| f.seq).max(covered.0);
        let mut writer = LogWriter {
            file_seq: last_seq + 1,
            out: BufWriter::new(
                open_append(&dir.join(layout::log_name(last_seq + 1))).map_err(err)?,
            ),
            opts,
            key,
            pos,
            file_bytes: 0,
            file_lines: 0,
            file_opened: Instant::now(),
            pending: Vec::new(),
            pending_first_line: 0,
            pending_chain_start: GENESIS,
            unsynced: 0,
            last_sync: Instant::now(),
            last_digest: Instant::now(),
            compressors: Vec::new(),
        };
        for file in files.iter().filter(|f| !f.compressed) {
            writer.recover(file, covered).map_err(err)?;
            compress(&file.path).map_err(err)?;
        }
        writer.pending_chain_start = writer.pos.chain;
        Ok(writer)
    }

    /// Digests the complete lines of `file` that no digest covers yet: lines a run that
    /// stopped abruptly wrote but did not sign. A torn last line stays uncovered.
    fn recover(&mut self, file: &LogFile, covered: (u64, u64)) -> io::Result<()> {
        let start = match file.seq.cmp(&covered.0) {
            std::cmp::Ordering::Less => return Ok(()),
            std::cmp::Ordering::Equal => covered.1,
            std::cmp::Ordering::Greater => 0,
        };
        let lines = layout::read_lines(file)?;
        let start_index = usize::try_from(start).unwrap_or(usize::MAX);
        let Some(uncovered) = lines.complete.get(start_index..) else {
            return Ok(());
        };
        if uncovered.is_empty() {
            return Ok(());
        }
        let chain_start = self.pos.chain;
        let mut hashes = Vec::with_capacity(uncovered.len());
        for line in uncovered {
            let hash = sha256(line);
            self.pos.chain = chain_next_hashed(&self.pos.chain, &hash);
            hashes.push(hash);
        }
        self.sign(file.name(), start, chain_start, &hashes, true)
    }

    /// The thread body: takes queued lines until the trail closes, then signs a last
    /// digest.
    pub(crate) fn run(mut self, queue: &Queue) {
        loop {
            let batch = queue.take(self.opts.write_interval);
            if !batch.bytes.is_empty() {
                if let Err(e) = self.append_batch(&batch.bytes) {
                    tracing::error!(error = %e, "audit records not written");
                }
            }
            let sync_due = self.unsynced >= self.opts.sync_records
                || (self.unsynced > 0 && self.last_sync.elapsed() >= self.opts.sync_interval);
            if batch.flush.is_some() || batch.closing {
                self.report(Self::digest);
            } else if sync_due {
                self.report(Self::sync);
            }
            if !self.pending.is_empty() && self.last_digest.elapsed() >= self.opts.digest_interval {
                self.report(Self::digest);
            }
            let too_big = self.file_bytes >= self.opts.max_file_bytes;
            let too_old = self.file_opened.elapsed() >= self.opts.max_file_age;
            if self.file_lines > 0 && (too_big || too_old) {
                self.report(Self::rotate);
            }
            if let Some(generation) = batch.flush {
                queue.flushed(generation);
            }
            if batch.closing {
                break;
            }
        }
        for handle in self.compressors.drain(..) {
            let _ = handle.join();
        }
        queue.stopped();
    }

    fn report(&mut self, step: fn(&mut Self) -> io::Result<()>) {
        if let Err(e) = step(self) {
            tracing::error!(error = %e, dir = %self.opts.dir.display(), "audit trail write failed");
        }
    }

    /// Writes queued lines (each ending in `\n`) in one go, then extends the chain.
    fn append_batch(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        for line in bytes.split(|&b| b == b'\n') {
            if !line.is_empty() {
                self.chain_line(line);
            }
        }
        Ok(())
    }

    fn chain_line(&mut self, line: &[u8]) {
        // One pass over the line: the chain takes its hash, as the digest lists it.
        let hash = sha256(line);
        self.pos.chain = chain_next_hashed(&self.pos.chain, &hash);
        self.pending.push(hash);
        self.file_bytes += line.len() as u64 + 1;
        self.file_lines += 1;
        self.unsynced += 1;
    }

    fn sync(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.out.get_ref().sync_data()?;
        self.unsynced = 0;
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Syncs the log, then signs a digest of the lines since the last one.
    fn digest(&mut self) -> io::Result<()> {
        self.sync()?;
        self.last_digest = Instant::now();
        if self.pending.is_empty() {
            return Ok(());
        }
        let hashes = std::mem::take(&mut self.pending);
        let first = self.pending_first_line;
        let start = self.pending_chain_start;
        self.sign(
            layout::log_name(self.file_seq),
            first,
            start,
            &hashes,
            false,
        )?;
        self.pending_first_line = self.file_lines;
        self.pending_chain_start = self.pos.chain;
        Ok(())
    }

    fn sign(
        &mut self,
        log_file: String,
        first_line: u64,
        chain_start: [u8; 32],
        hashes: &[[u8; 32]],
        recovered: bool,
    ) -> io::Result<()> {
        let d = Digest {
            digest_version: DIGEST_VERSION,
            sequence: self.pos.digest_seq + 1,
            digest_time: now_iso(),
            key_id: self.key.id.clone(),
            previous_digest_hash: self.pos.last_digest_hash.clone(),
            previous_chain_hash: hex(&chain_start),
            chain_hash: hex(&self.pos.chain),
            log_file,
            first_line,
            line_hashes: hashes.iter().map(|h| hex(h)).collect(),
            recovered,
        };
        let bytes = digest::encode_signed(&d, &self.key.pair).map_err(io::Error::other)?;
        let path = self.opts.dir.join(layout::digest_name(d.sequence));
        layout::write_atomically(&path, &bytes)?;
        self.pos.digest_seq = d.sequence;
        self.pos.last_digest_hash = Some(hex(&sha256(&bytes)));
        Ok(())
    }

    /// Closes the current file (signed up to its last line), compresses it in the
    /// background and opens the next one.
    fn rotate(&mut self) -> io::Result<()> {
        self.digest()?;
        let next = self.file_seq + 1;
        let file = open_append(&self.opts.dir.join(layout::log_name(next)))?;
        let old = std::mem::replace(&mut self.out, BufWriter::new(file));
        drop(old);
        let old_path = self.opts.dir.join(layout::log_name(self.file_seq));
        self.file_seq = next;
        self.file_bytes = 0;
        self.file_lines = 0;
        self.file_opened = Instant::now();
        self.pending_first_line = 0;
        self.compressors.retain(|h| !h.is_finished());
        self.compressors.push(std::thread::spawn(move || {
            if let Err(e) = compress(&old_path) {
                tracing::error!(error = %e, file = %old_path.display(), "audit log not compressed");
            }
        }));
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    if let Some(dir) = path.parent() {
        layout::sync_dir(dir)?;
    }
    Ok(file)
}

/// `log-N.jsonl` → `log-N.jsonl.gz`: written beside it, synced, renamed into place,
/// and only then the original removed. The fastest level: JSON records still shrink
/// about tenfold, for a fraction of the CPU the default level takes.
pub(crate) fn compress(plain: &Path) -> io::Result<()> {
    let mut gz_name = plain.as_os_str().to_owned();
    gz_name.push(".gz");
    let gz = PathBuf::from(gz_name);
    let mut tmp_name = gz.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    {
        let mut input = File::open(plain)?;
        let mut encoder = GzEncoder::new(File::create(&tmp)?, Compression::fast());
        io::copy(&mut input, &mut encoder)?;
        encoder.finish()?.sync_all()?;
    }
    std::fs::rename(&tmp, &gz)?;
    let dir = plain.parent().unwrap_or(Path::new("."));
    layout::sync_dir(dir)?;
    std::fs::remove_file(plain)?;
    layout::sync_dir(dir)
}

fn remove_temporary_files(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.ends_with(".tmp"))
        {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Removes `log-N.jsonl` where `log-N.jsonl.gz` is complete (a crash after the rename).
fn remove_compressed_originals(dir: &Path, files: &[LogFile]) -> io::Result<()> {
    for f in files.iter().filter(|f| f.compressed) {
        let plain = dir.join(layout::log_name(f.seq));
        if plain.exists() {
            std::fs::remove_file(plain)?;
        }
    }
    Ok(())
}
