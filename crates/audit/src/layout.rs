//! The audit directory: which files it holds, what they are called, how to read them.
//!
//! ```text
//! <audit-dir>/log-00000001.jsonl.gz   a rotated log file (JSON Lines, gzip)
//! <audit-dir>/log-00000002.jsonl      the log file being written
//! <audit-dir>/digest-00000001.json    signed digests, numbered from 1
//! <audit-dir>/keys/<key-id>.pub       digest public keys (hex), kept for verification
//! <audit-dir>/keys/signing.sealed     the digest private key, sealed with the master key
//! ```
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

pub const KEYS_DIR: &str = "keys";
pub const SEALED_KEY: &str = "signing.sealed";

/// A log file's name before compression: `log-00000001.jsonl`. Digests name log files
/// by this name whether or not they have been compressed since.
pub fn log_name(seq: u64) -> String {
    format!("log-{seq:08}.jsonl")
}

pub fn digest_name(seq: u64) -> String {
    format!("digest-{seq:08}.json")
}

/// The sequence number of a log file's name (`log-N.jsonl` or `log-N.jsonl.gz`).
pub fn log_seq(name: &str) -> Option<(u64, bool)> {
    let rest = name.strip_prefix("log-")?;
    let (digits, compressed) = match rest.strip_suffix(".jsonl.gz") {
        Some(d) => (d, true),
        None => (rest.strip_suffix(".jsonl")?, false),
    };
    parse_seq(digits).map(|seq| (seq, compressed))
}

pub fn digest_seq(name: &str) -> Option<u64> {
    parse_seq(name.strip_prefix("digest-")?.strip_suffix(".json")?)
}

fn parse_seq(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A log file present in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub seq: u64,
    pub path: PathBuf,
    pub compressed: bool,
}

impl LogFile {
    pub fn name(&self) -> String {
        log_name(self.seq)
    }
}

/// The log files in `dir`, oldest first. When both the plain and the compressed form
/// of a file exist (a crash between compressing and removing), the compressed one is
/// listed: it was only renamed into place once complete.
pub fn log_files(dir: &Path) -> io::Result<Vec<LogFile>> {
    let mut files: Vec<LogFile> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some((seq, compressed)) = name.to_str().and_then(log_seq) else {
            continue;
        };
        if let Some(existing) = files.iter_mut().find(|f| f.seq == seq) {
            if compressed {
                existing.compressed = true;
                existing.path = entry.path();
            }
            continue;
        }
        files.push(LogFile {
            seq,
            path: entry.path(),
            compressed,
        });
    }
    files.sort_by_key(|f| f.seq);
    Ok(files)
}

/// The digest files in `dir`, by sequence number.
pub fn digest_files(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(seq) = entry.file_name().to_str().and_then(digest_seq) {
            out.push((seq, entry.path()));
        }
    }
    out.sort_by_key(|(seq, _)| *seq);
    Ok(out)
}

/// The lines of a log file.
#[derive(Debug, Default)]
pub struct Lines {
    /// Each complete line, without its `\n`.
    pub complete: Vec<Vec<u8>>,
    /// Bytes after the last `\n`: a line a crash cut short.
    pub torn: Option<Vec<u8>>,
}

/// Reads a whole log file, decompressing it when it is gzip.
pub fn read_lines(file: &LogFile) -> io::Result<Lines> {
    let mut bytes = Vec::new();
    let f = File::open(&file.path)?;
    if file.compressed {
        MultiGzDecoder::new(BufReader::new(f)).read_to_end(&mut bytes)?;
    } else {
        BufReader::new(f).read_to_end(&mut bytes)?;
    }
    Ok(split_lines(&bytes))
}

pub fn split_lines(bytes: &[u8]) -> Lines {
    let mut lines = Lines::default();
    let mut rest = bytes;
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        let (line, after) = rest.split_at(end);
        lines.complete.push(line.to_vec());
        rest = after.get(1..).unwrap_or(&[]);
    }
    if !rest.is_empty() {
        lines.torn = Some(rest.to_vec());
    }
    lines
}

/// Writes `bytes` to `path` atomically: a temporary file, fsync, rename, fsync of the
/// directory. A crash leaves either the old state or the whole new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes renames and creations in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(log_name(7), "log-00000007.jsonl");
        assert_eq!(log_seq("log-00000007.jsonl"), Some((7, false)));
        assert_eq!(log_seq("log-00000007.jsonl.gz"), Some((7, true)));
        assert_eq!(log_seq("log-x.jsonl"), None);
        assert_eq!(digest_seq(&digest_name(12)), Some(12));
        assert_eq!(digest_seq("digest-12.json.tmp"), None);
    }

    #[test]
    fn a_line_without_newline_is_torn() {
        let lines = split_lines(b"{\"a\":1}\n{\"b\":2}\n{\"c\"");
        assert_eq!(lines.complete.len(), 2);
        assert_eq!(lines.torn.as_deref(), Some(&b"{\"c\""[..]));
        assert!(split_lines(b"x\n").torn.is_none());
    }
}
