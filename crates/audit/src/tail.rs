//! Reading the trail for humans (`iamd audit tail`): the last records, then new ones as
//! they are written, across rotations.
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::layout::{self, LogFile};
use crate::record::Record;

/// The human line of a record line; the raw line when it is not a record.
pub fn render(line: &[u8]) -> String {
    match serde_json::from_slice::<Record>(line) {
        Ok(record) => record.human_line(),
        Err(_) => String::from_utf8_lossy(line).into_owned(),
    }
}

/// The last `n` complete record lines of the trail, oldest first.
pub fn last_lines(dir: &Path, n: usize) -> io::Result<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for file in layout::log_files(dir)?.iter().rev() {
        if out.len() >= n {
            break;
        }
        let lines = layout::read_lines(file)?;
        let want = n - out.len();
        let skip = lines.complete.len().saturating_sub(want);
        let mut taken: Vec<Vec<u8>> = lines.complete.into_iter().skip(skip).collect();
        taken.append(&mut out);
        out = taken;
    }
    Ok(out)
}

/// Follows the file being written: each call to [`Follower::poll`] returns the
/// complete lines written since the previous call, moving on to the next file when
/// the writer rotates.
pub struct Follower {
    dir: PathBuf,
    seq: u64,
    offset: u64,
    partial: Vec<u8>,
}

impl Follower {
    /// Starts at the end of the newest file.
    pub fn at_end(dir: &Path) -> io::Result<Self> {
        let newest = layout::log_files(dir)?.pop();
        let (seq, offset) = match &newest {
            Some(f) if !f.compressed => (f.seq, std::fs::metadata(&f.path)?.len()),
            Some(f) => (f.seq + 1, 0),
            None => (1, 0),
        };
        Ok(Follower {
            dir: dir.to_path_buf(),
            seq,
            offset,
            partial: Vec::new(),
        })
    }

    pub fn poll(&mut self) -> io::Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            let plain = self.dir.join(layout::log_name(self.seq));
            // Checked before reading: once the next file exists the writer has left
            // this one, so what is read now is all of it.
            let finished = self.dir.join(layout::log_name(self.seq + 1)).exists()
                || self
                    .dir
                    .join(format!("{}.gz", layout::log_name(self.seq + 1)))
                    .exists();
            let mut bytes = Vec::new();
            if let Ok(mut f) = File::open(&plain) {
                f.seek(SeekFrom::Start(self.offset))?;
                f.read_to_end(&mut bytes)?;
                self.offset += bytes.len() as u64;
            } else if let Some(rotated) = self.rotated_copy() {
                // Rotated and compressed since the last poll: read what is left of it.
                let lines = layout::read_lines(&rotated)?;
                let mut all = Vec::new();
                for l in lines.complete {
                    all.extend_from_slice(&l);
                    all.push(b'\n');
                }
                bytes = all
                    .get(usize::try_from(self.offset).unwrap_or(usize::MAX)..)
                    .unwrap_or(&[])
                    .to_vec();
                self.offset += bytes.len() as u64;
            }
            self.partial.extend_from_slice(&bytes);
            let split = layout::split_lines(&self.partial);
            self.partial = split.torn.unwrap_or_default();
            out.extend(split.complete);
            if finished {
                self.partial.clear();
                self.seq += 1;
                self.offset = 0;
                continue;
            }
            return Ok(out);
        }
    }

    fn rotated_copy(&self) -> Option<LogFile> {
        let path = self.dir.join(format!("{}.gz", layout::log_name(self.seq)));
        path.exists().then_some(LogFile {
            seq: self.seq,
            path,
            compressed: true,
        })
    }
}
