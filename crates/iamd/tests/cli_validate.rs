//! `iamd policy validate` run as a user runs it: the built binary on real files.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iamd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamd"))
        .args(args)
        .output()
        .unwrap()
}

/// A fresh directory under the target dir for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const IDENTITY_OK: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]
}
"#;

const WITH_PRINCIPAL: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::b/*"
  }]
}
"#;

#[test]
fn valid_documents_exit_zero_and_print_nothing() {
    let dir = scratch("valid");
    let file = write(&dir, "ok.json", IDENTITY_OK);
    let out = iamd(&["policy", "validate", &file]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}

#[test]
fn findings_name_file_line_and_column_and_errors_exit_one() {
    let dir = scratch("errors");
    let ok = write(&dir, "ok.json", IDENTITY_OK);
    let bad = write(&dir, "bad.json", WITH_PRINCIPAL);
    let out = iamd(&["policy", "validate", &ok, &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{bad}:5:5: error: PRINCIPAL_NOT_ALLOWED: Policy document should not specify a principal.\n"
        )
    );
}

#[test]
fn the_kind_changes_the_rules() {
    let dir = scratch("kind");
    let bucket = write(&dir, "bucket.json", WITH_PRINCIPAL);
    let out = iamd(&["policy", "validate", "--kind", "resource", &bucket]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = iamd(&["policy", "validate", "--kind", "trust", &bucket]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(":7:17: error: PROHIBITED_RESOURCE: Has prohibited field Resource"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            ":6:15: error: TRUST_ACTION: AssumeRole policy may only specify STS AssumeRole actions."
        ),
        "{stdout}"
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = scratch("warnings");
    let file = write(
        &dir,
        "old.json",
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
    );
    let out = iamd(&["policy", "validate", &file]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!("{file}:1:1: warning: VERSION_TOO_OLD: ")),
        "{stdout}"
    );
}

#[test]
fn syntax_errors_point_at_the_text() {
    let dir = scratch("syntax");
    let file = write(
        &dir,
        "broken.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}\n",
    );
    let out = iamd(&["policy", "validate", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{file}:3:17: error: SYNTAX_ERROR: Syntax errors in policy.\n")
    );
}

#[test]
fn unreadable_files_exit_two_after_checking_the_rest() {
    let dir = scratch("unreadable");
    let bad = write(&dir, "bad.json", WITH_PRINCIPAL);
    let missing = dir.join("missing.json");
    let out = iamd(&["policy", "validate", missing.to_str().unwrap(), &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json: cannot read"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PRINCIPAL_NOT_ALLOWED"));
}

#[test]
fn unknown_kind_is_a_usage_error() {
    let out = iamd(&["policy", "validate", "--kind", "bogus", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reads_standard_input() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamd"))
        .args(["policy", "validate", "--kind", "scp", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "-:1:59: error: PRINCIPAL_NOT_ALLOWED: The provided policy document does not meet the requirements of the specified policy type.\n"
    );
}
