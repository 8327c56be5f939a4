//! `iamd audit verify`: checks a trail against its signed digests.
//!
//! Digests must be numbered without gaps, each signed by a key in `keys/`, each naming
//! the hash of the one before and continuing its chain value. Every line a digest lists
//! must be in its log file, unchanged and in place; the report names each altered,
//! removed, inserted or reordered line, each removed log file or digest, and each bad
//! signature. Lines written after the newest digest (at most the last
//! [`Options::digest_interval`](crate::Options::digest_interval) before an abrupt stop)
//! and a torn last line are notes, not problems: nothing vouches for them yet.
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

use crate::digest::{
    self, chain_next, chain_next_hashed, hex, sha256, unhex32, Digest, DIGEST_VERSION_LINE_CHAIN,
};
use crate::keys::public_keys;
use crate::layout::{self, LogFile};

/// What verification found.
#[derive(Debug, Default)]
pub struct Report {
    /// Evidence of tampering (or damage): non-empty means the trail is not intact.
    pub problems: Vec<String>,
    /// Facts worth knowing that are not tampering (uncovered tail, torn last line).
    pub notes: Vec<String>,
    pub digests: usize,
    pub files: usize,
    pub records: u64,
    pub key_ids: BTreeSet<String>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The lines one digest vouches for.
struct Span {
    /// The digest's version: how its chain runs (see [`crate::digest`]).
    version: u32,
    first_line: u64,
    hashes: Vec<[u8; 32]>,
    chain_start: [u8; 32],
    chain_end: [u8; 32],
}

/// Verifies the trail in `dir`.
pub fn verify(dir: &Path) -> Result<Report, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no audit trail here", dir.display()));
    }
    let mut report = Report::default();
    let spans = check_digests(dir, &mut report)?;
    let files = layout::log_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    report.files = files.len();
    let present: HashMap<String, &LogFile> = files.iter().map(|f| (f.name(), f)).collect();
    let last_digested = spans
        .keys()
        .filter_map(|name| layout::log_seq(name).map(|(s, _)| s))
        .max()
        .unwrap_or(0);
    for (name, file_spans) in &spans {
        if !present.contains_key(name) {
            report.problems.push(format!(
                "{name}: removed ({} records it held are missing)",
                file_spans.iter().map(|s| s.hashes.len()).sum::<usize>()
            ));
        }
    }
    for file in &files {
        let name = file.name();
        let lines = match layout::read_lines(file) {
            Ok(lines) => lines,
            Err(e) => {
                report
                    .problems
                    .push(format!("{name}: unreadable or corrupt: {e}"));
                continue;
            }
        };
        report.records += lines.complete.len() as u64;
        match spans.get(&name) {
            Some(file_spans) => {
                let last = file.seq == last_digested;
                check_file(&name, &lines, file_spans, last, &mut report);
            }
            None if file.seq > last_digested => {
                if !lines.complete.is_empty() {
                    report.notes.push(format!(
                        "{name}: {} records written after the newest digest, not yet covered",
                        lines.complete.len()
                    ));
                }
                if lines.torn.is_some() {
                    report.notes.push(format!(
                        "{name}: the last line is torn (an abrupt stop while writing); ignored"
                    ));
                }
            }
            None => report.problems.push(format!(
                "{name}: not covered by any digest (inserted, or its digests removed)"
            )),
        }
    }
    Ok(report)
}

/// Checks the digests themselves; returns, per log file, the spans they vouch for.
fn check_digests(dir: &Path, report: &mut Report) -> Result<BTreeMap<String, Vec<Span>>, String> {
    let keys = public_keys(dir);
    let mut spans: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    let mut previous: Option<(u64, String, Digest)> = None;
    let digest_files = layout::digest_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    report.digests = digest_files.len();
    for (seq, path) in digest_files {
        let name = layout::digest_name(seq);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                report.problems.push(format!("{name}: unreadable: {e}"));
                previous = None;
                continue;
            }
        };
        let opened = match digest::open_signed(&bytes, None) {
            Ok(o) => o,
            Err(e) => {
                report.problems.push(format!("{name}: malformed: {e}"));
                previous = None;
                continue;
            }
        };
        let d = opened.digest;
        match keys.get(&d.key_id) {
            Some(key) => {
                report.key_ids.insert(d.key_id.clone());
                let valid = digest::open_signed(&bytes, Some(key)).is_ok_and(|o| o.signature_valid);
                if !valid {
                    report.problems.push(format!(
                        "{name}: the signature does not verify (the digest was altered or forged)"
                    ));
                }
            }
            None => report.problems.push(format!(
                "{name}: signed by key {}, which is not in keys/",
                d.key_id
            )),
        }
        if d.sequence != seq {
            report.problems.push(format!(
                "{name}: says it is digest {} (renamed or replaced)",
                d.sequence
            ));
        }
        let expected_seq = previous.as_ref().map_or(1, |(s, _, _)| s + 1);
        if seq > expected_seq {
            let missing = if seq - 1 == expected_seq {
                layout::digest_name(expected_seq)
            } else {
                format!(
                    "{} to {}",
                    layout::digest_name(expected_seq),
                    layout::digest_name(seq - 1)
                )
            };
            report.problems.push(format!(
                "{missing}: removed (digests must follow each other)"
            ));
        }
        match &previous {
            Some((prev_seq, prev_hash, prev)) if *prev_seq + 1 == seq => {
                if d.previous_digest_hash.as_deref() != Some(prev_hash.as_str()) {
                    report.problems.push(format!(
                        "{name}: does not follow {} (a digest was altered or replaced)",
                        layout::digest_name(*prev_seq)
                    ));
                }
                if d.previous_chain_hash != prev.chain_hash {
                    report.problems.push(format!(
                        "{name}: the record chain does not continue from {}",
                        layout::digest_name(*prev_seq)
                    ));
                }
            }
            None if seq == 1 && d.previous_digest_hash.is_some() => report
                .problems
                .push(format!("{name}: the first digest names a predecessor")),
            _ => {}
        }
        let hashes: Option<Vec<[u8; 32]>> = d.line_hashes.iter().map(|h| unhex32(h)).collect();
        match (
            hashes,
            unhex32(&d.previous_chain_hash),
            unhex32(&d.chain_hash),
        ) {
            (Some(hashes), Some(chain_start), Some(chain_end)) => {
                spans.entry(d.log_file.clone()).or_default().push(Span {
                    version: d.digest_version,
                    first_line: d.first_line,
                    hashes,
                    chain_start,
                    chain_end,
                })
            }
            _ => report.problems.push(format!("{name}: malformed hashes")),
        }
        previous = Some((seq, hex(&sha256(&bytes)), d));
    }
    for list in spans.values_mut() {
        list.sort_by_key(|s| s.first_line);
    }
    Ok(spans)
}

/// Compares a log file's lines with what its digests list.
fn check_file(
    name: &str,
    lines: &layout::Lines,
    spans: &[Span],
    newest_digested: bool,
    report: &mut Report,
) {
    // The expected hash of each line index; `None` where no surviving digest covers.
    let covered_end = spans
        .iter()
        .map(|s| s.first_line + s.hashes.len() as u64)
        .max()
        .unwrap_or(0);
    let covered_len = usize::try_from(covered_end).unwrap_or(usize::MAX);
    let mut expected: Vec<Option<[u8; 32]>> = vec![None; covered_len];
    for span in spans {
        for (i, h) in span.hashes.iter().enumerate() {
            let at = usize::try_from(span.first_line).unwrap_or(usize::MAX) + i;
            if let Some(slot) = expected.get_mut(at) {
                *slot = Some(*h);
            }
        }
    }
    let mut positions: HashMap<[u8; 32], VecDeque<usize>> = HashMap::new();
    for (j, h) in expected.iter().enumerate() {
        if let Some(h) = h {
            positions.entry(*h).or_default().push_back(j);
        }
    }
    let actual: Vec<[u8; 32]> = lines.complete.iter().map(|l| sha256(l)).collect();
    let matched: Vec<Option<usize>> = actual
        .iter()
        .map(|h| positions.get_mut(h).and_then(VecDeque::pop_front))
        .collect();
    let mut accounted = vec![false; expected.len()];
    for j in matched.iter().flatten() {
        if let Some(a) = accounted.get_mut(*j) {
            *a = true;
        }
    }
    // Unmatched lines after the last matched one, once every expected line is found,
    // are a tail written after the newest digest.
    let last_matched = matched.iter().rposition(Option::is_some);
    let all_found = expected
        .iter()
        .zip(&accounted)
        .all(|(e, a)| e.is_none() || *a);
    let tail_start = if all_found {
        last_matched.map_or(0, |i| i + 1)
    } else {
        actual.len()
    };
    let problems_before = report.problems.len();
    let mut highest: Option<usize> = None;
    for (i, m) in matched.iter().enumerate() {
        match m {
            Some(j) => {
                if highest.is_some_and(|h| *j < h) {
                    report.problems.push(format!(
                        "{name}: line {}: reordered (it was line {})",
                        i + 1,
                        j + 1
                    ));
                }
                highest = Some(highest.map_or(*j, |h| h.max(*j)));
            }
            None if i >= tail_start => {}
            None => {
                let slot = expected.get(i).copied().flatten();
                let taken = accounted.get(i).copied().unwrap_or(true);
                if slot.is_some() && !taken {
                    if let Some(a) = accounted.get_mut(i) {
                        *a = true;
                    }
                    report
                        .problems
                        .push(format!("{name}: line {}: altered", i + 1));
                } else if i < expected.len() && slot.is_none() {
                    report.problems.push(format!(
                        "{name}: line {}: not covered by a surviving digest",
                        i + 1
                    ));
                } else {
                    report
                        .problems
                        .push(format!("{name}: line {}: inserted", i + 1));
                }
            }
        }
    }
    let torn_covered = lines.torn.is_some() && actual.len() < expected.len();
    for (j, e) in expected.iter().enumerate() {
        if e.is_some() && !accounted.get(j).copied().unwrap_or(true) {
            let what = if torn_covered && j == actual.len() {
                "cut short (the file was truncated)"
            } else {
                "removed"
            };
            report
                .problems
                .push(format!("{name}: line {}: {what}", j + 1));
        }
    }
    let tail = actual.len().saturating_sub(tail_start);
    if tail > 0 {
        if newest_digested {
            report.notes.push(format!(
                "{name}: {tail} records written after the newest digest, not yet covered"
            ));
        } else {
            report.problems.push(format!(
                "{name}: {tail} records after the last one its digests list (appended later)"
            ));
        }
    }
    if lines.torn.is_some() && !torn_covered {
        report.notes.push(format!(
            "{name}: the last line is torn (an abrupt stop while writing); ignored"
        ));
    }
    if report.problems.len() == problems_before {
        check_chain(name, lines, spans, report);
    }
}

/// With every line in place, each digest's chain value must follow from its lines.
fn check_chain(name: &str, lines: &layout::Lines, spans: &[Span], report: &mut Report) {
    for span in spans {
        let mut chain = span.chain_start;
        let first = usize::try_from(span.first_line).unwrap_or(usize::MAX);
        for i in 0..span.hashes.len() {
            let Some(line) = lines.complete.get(first + i) else {
                return;
            };
            chain = if span.version == DIGEST_VERSION_LINE_CHAIN {
                chain_next(&chain, line)
            } else {
                chain_next_hashed(&chain, &sha256(line))
            };
        }
        if chain != span.chain_end {
            report.problems.push(format!(
                "{name}: lines {}..{}: the chain value does not match the digest",
                first + 1,
                first + span.hashes.len()
            ));
        }
    }
}

/// The summary line of an intact trail.
pub fn summary(report: &Report) -> String {
    let keys: Vec<&str> = report.key_ids.iter().map(String::as_str).collect();
    format!(
        "audit trail intact: {} records in {} log files, {} signed digests (key {})",
        report.records,
        report.files,
        report.digests,
        if keys.is_empty() {
            "none".to_owned()
        } else {
            keys.join(", ")
        }
    )
}
