//! Verification against each kind of tampering, driven by `tests/tamper/cases.json`:
//! each case names a file of a freshly written trail, an edit, and the problems
//! `verify` must report. An untouched copy must verify as intact.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use audit::record::{IdentityType, Record, UserIdentity};
use audit::{AuditTrail, DigestKey, Options, Sealer};
use serde_json::Value;

struct PlainSealer;

/// The tests' sealer: a fixed prefix, so that a wrong sealer is noticed.
impl Sealer for PlainSealer {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, String> {
        Ok([b"sealed:".as_slice(), plaintext].concat())
    }
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, String> {
        sealed
            .strip_prefix(b"sealed:")
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "not sealed".into())
    }
}

fn record(i: usize) -> Record {
    Record {
        event_version: "1.09".into(),
        user_identity: UserIdentity {
            arn: Some("arn:aws:iam::123456789012:user/alice".into()),
            user_name: Some("alice".into()),
            account_id: Some("123456789012".into()),
            ..UserIdentity::of(IdentityType::IamUser)
        },
        event_time: "2026-11-23T17:00:00Z".into(),
        event_source: "iam.amazonaws.com".into(),
        event_name: "CreateUser".into(),
        aws_region: "us-east-1".into(),
        source_ip_address: "127.0.0.1".into(),
        user_agent: "test".into(),
        error_code: None,
        error_message: None,
        request_parameters: Some(serde_json::json!({ "userName": format!("user-{i}") })),
        response_elements: None,
        request_id: format!("req-{i}"),
        event_id: format!("evt-{i}"),
        read_only: false,
        resources: vec![],
        event_type: "AwsApiCall".into(),
        management_event: true,
        recipient_account_id: Some("123456789012".into()),
        event_category: "Management".into(),
    }
}

fn options(dir: &Path) -> Options {
    let mut o = Options::new(dir);
    // Small files: the trail below spans several, the older ones compressed.
    o.max_file_bytes = 2_000;
    o
}

/// A trail of 40 records in several files, each file signed by one or more digests.
fn write_trail(dir: &Path) {
    let key = DigestKey::load_or_create(dir, &PlainSealer).unwrap();
    let trail = AuditTrail::open(options(dir), key).unwrap();
    for i in 0..40 {
        trail.append(&record(i));
        if i % 7 == 0 {
            trail.flush();
        }
    }
    trail.close();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn logs(dir: &Path) -> Vec<PathBuf> {
    audit::layout::log_files(dir)
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect()
}

fn read_log(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

fn write_log(path: &Path, bytes: &[u8]) {
    if path.extension().is_some_and(|e| e == "gz") {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        std::fs::write(path, enc.finish().unwrap()).unwrap();
    } else {
        std::fs::write(path, bytes).unwrap();
    }
}

fn edit_lines(path: &Path, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let bytes = read_log(path);
    let mut lines: Vec<Vec<u8>> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    edit(&mut lines);
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&l);
        out.push(b'\n');
    }
    write_log(path, &out);
}

fn target(dir: &Path, name: &str) -> PathBuf {
    let logs = logs(dir);
    match name {
        "oldest-log" => logs.first().unwrap().clone(),
        // The newest file with records (the writer may just have opened an empty one).
        "newest-log" => logs
            .iter()
            .rev()
            .find(|p| !read_log(p).is_empty())
            .unwrap()
            .clone(),
        _ => match name.split_once(':') {
            Some(("digest", n)) => dir.join(audit::layout::digest_name(n.parse().unwrap())),
            Some(("log", n)) => dir.join(audit::layout::log_name(n.parse().unwrap())),
            _ => panic!("unknown target {name}"),
        },
    }
}

fn apply(dir: &Path, case: &Value) {
    let path = target(dir, case["target"].as_str().unwrap());
    let line = case["line"].as_u64().unwrap_or(1) as usize - 1;
    match case["op"].as_str().unwrap() {
        "flip-byte" => edit_lines(&path, |lines| {
            // Inside the user name value, so the line stays valid JSON.
            let l = &mut lines[line];
            let at = l.windows(5).position(|w| w == b"user-").unwrap() + 1;
            l[at] ^= 0x01;
        }),
        "delete-line" => edit_lines(&path, |lines| {
            lines.remove(line);
        }),
        "swap-lines" => edit_lines(&path, |lines| lines.swap(line, line + 1)),
        "duplicate-line" => edit_lines(&path, |lines| {
            let copy = lines[line].clone();
            lines.insert(line + 1, copy);
        }),
        "delete-file" => std::fs::remove_file(&path).unwrap(),
        "truncate" => {
            let bytes = read_log(&path);
            let keep = bytes.len() - case["bytes"].as_u64().unwrap() as usize;
            write_log(&path, &bytes[..keep]);
        }
        "forge-digest" => {
            let text = std::fs::read_to_string(&path).unwrap();
            let (body, signature) = text.split_once('\n').unwrap();
            let mut digest: Value = serde_json::from_str(body).unwrap();
            digest["lineHashes"][0] = Value::String("00".repeat(32));
            std::fs::write(&path, format!("{digest}\n{signature}")).unwrap();
        }
        "create-copy-of-oldest" => {
            let oldest = logs(dir).first().unwrap().clone();
            let bytes = read_log(&oldest);
            std::fs::write(&path, bytes).unwrap();
        }
        op => match op.strip_prefix("copy-from-digest:") {
            Some(n) => {
                let from = dir.join(audit::layout::digest_name(n.parse().unwrap()));
                std::fs::copy(from, &path).unwrap();
            }
            None => panic!("unknown op {op}"),
        },
    }
}

#[test]
fn verify_reports_each_kind_of_tampering() {
    let root = tempfile::tempdir().unwrap();
    let pristine = root.path().join("pristine");
    write_trail(&pristine);
    assert!(logs(&pristine).len() >= 3, "the trail spans several files");
    assert!(logs(&pristine)[0].extension().is_some_and(|e| e == "gz"));
    let intact = audit::verify::verify(&pristine).unwrap();
    assert!(intact.is_intact(), "{:?}", intact.problems);
    assert_eq!(intact.records, 40);
    assert!(intact.notes.is_empty(), "{:?}", intact.notes);

    let cases: Vec<Value> = serde_json::from_str(include_str!("tamper/cases.json")).unwrap();
    for (n, case) in cases.iter().enumerate() {
        let dir = root.path().join(format!("case-{n}"));
        copy_dir(&pristine, &dir);
        apply(&dir, case);
        let report = audit::verify::verify(&dir).unwrap();
        let name = case["name"].as_str().unwrap();
        assert!(!report.is_intact(), "{name}: reported intact");
        for expected in case["expect"].as_array().unwrap() {
            let expected = expected.as_str().unwrap();
            assert!(
                report.problems.iter().any(|p| p.contains(expected)),
                "{name}: expected a problem containing {expected:?}, got {:?}",
                report.problems
            );
        }
    }
}

#[test]
fn an_abrupt_stop_leaves_a_torn_line_that_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    write_trail(dir.path());
    // What a crash mid-write leaves: one complete record no digest covers yet, then
    // half a record.
    let newest = logs(dir.path()).last().unwrap().clone();
    assert!(newest.extension().is_some_and(|e| e == "jsonl"));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&newest)
        .unwrap();
    let extra = serde_json::to_string(&record(99)).unwrap();
    write!(f, "{extra}\n{{\"eventVersion\":\"1.0").unwrap();
    drop(f);
    let before = audit::verify::verify(dir.path()).unwrap();
    assert!(before.is_intact(), "{:?}", before.problems);
    assert!(before.notes.iter().any(|n| n.contains("not yet covered")));
    assert!(before.notes.iter().any(|n| n.contains("torn")));

    // The next start digests the complete record and carries on in a new file.
    let key = DigestKey::load_or_create(dir.path(), &PlainSealer).unwrap();
    let trail = AuditTrail::open(options(dir.path()), key).unwrap();
    assert_eq!(trail.index().len(), 41);
    trail.append(&record(100));
    trail.close();
    let after = audit::verify::verify(dir.path()).unwrap();
    assert!(after.is_intact(), "{:?}", after.problems);
    assert_eq!(after.records, 42);
    assert!(
        after.notes.iter().any(|n| n.contains("torn")),
        "{:?}",
        after.notes
    );
    assert!(!after.notes.iter().any(|n| n.contains("not yet covered")));
}

#[test]
fn the_signing_key_is_stored_sealed_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let first = DigestKey::load_or_create(dir.path(), &PlainSealer).unwrap();
    let again = DigestKey::load_or_create(dir.path(), &PlainSealer).unwrap();
    assert_eq!(first.id, again.id);
    let sealed = std::fs::read(dir.path().join("keys/signing.sealed")).unwrap();
    assert!(sealed.starts_with(b"sealed:"));
    assert!(dir.path().join(format!("keys/{}.pub", first.id)).exists());
    struct WrongSealer;
    impl Sealer for WrongSealer {
        fn seal(&self, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("no".into())
        }
        fn open(&self, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("wrong master key".into())
        }
    }
    assert!(DigestKey::load_or_create(dir.path(), &WrongSealer)
        .err()
        .unwrap()
        .contains("wrong master key"));
}

#[test]
fn a_trail_with_version_1_digests_verifies_and_carries_on() {
    use audit::digest::{self, Digest, DIGEST_VERSION_LINE_CHAIN, GENESIS};
    let dir = tempfile::tempdir().unwrap();
    let key = DigestKey::load_or_create(dir.path(), &PlainSealer).unwrap();
    // What an earlier release left: one log file whose digest chains the line bytes.
    let lines: Vec<String> = (0..3)
        .map(|i| serde_json::to_string(&record(i)).unwrap())
        .collect();
    let mut chain = GENESIS;
    for line in &lines {
        chain = digest::chain_next(&chain, line.as_bytes());
    }
    let log = audit::layout::log_name(1);
    write_log(
        &dir.path().join(&log),
        format!("{}\n", lines.join("\n")).as_bytes(),
    );
    let d = Digest {
        digest_version: DIGEST_VERSION_LINE_CHAIN,
        sequence: 1,
        digest_time: "2026-11-23T17:00:00Z".into(),
        key_id: key.id.clone(),
        previous_digest_hash: None,
        previous_chain_hash: digest::hex(&GENESIS),
        chain_hash: digest::hex(&chain),
        log_file: log,
        first_line: 0,
        line_hashes: lines
            .iter()
            .map(|l| digest::hex(&digest::sha256(l.as_bytes())))
            .collect(),
        recovered: false,
    };
    let signed = digest::encode_signed(&d, &key.pair).unwrap();
    std::fs::write(dir.path().join(audit::layout::digest_name(1)), signed).unwrap();
    let old = audit::verify::verify(dir.path()).unwrap();
    assert!(old.is_intact(), "{:?}", old.problems);
    assert_eq!(old.records, 3);

    // The current release continues the chain with version 2 digests.
    let trail = AuditTrail::open(options(dir.path()), key).unwrap();
    for i in 3..6 {
        trail.append(&record(i));
    }
    trail.close();
    let after = audit::verify::verify(dir.path()).unwrap();
    assert!(after.is_intact(), "{:?}", after.problems);
    assert_eq!(after.records, 6);

    // A version 1 digest still catches a chain value that does not follow.
    let mut forged = d.clone();
    forged.chain_hash = digest::hex(&digest::chain_next_hashed(&GENESIS, &GENESIS));
    let bytes = digest::encode_signed(
        &forged,
        &DigestKey::load_or_create(dir.path(), &PlainSealer)
            .unwrap()
            .pair,
    )
    .unwrap();
    std::fs::write(dir.path().join(audit::layout::digest_name(1)), bytes).unwrap();
    let report = audit::verify::verify(dir.path()).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("chain value does not match")),
        "{:?}",
        report.problems
    );
}
