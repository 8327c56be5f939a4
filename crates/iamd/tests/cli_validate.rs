//! `iamd policy validate` run as a user runs it: the built binary on real files. Each
//! document gets IAM's own findings (lower-case `error`/`warning`) and then IAM Access
//! Analyzer's (`ERROR`, `SECURITY_WARNING`, `WARNING`, `SUGGESTION`).
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
            "{bad}:5:5: error: PRINCIPAL_NOT_ALLOWED: Policy document should not specify a principal.\n\
             {bad}:5:5: ERROR: UNSUPPORTED_PRINCIPAL: The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.\n"
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
        format!(
            "{file}:3:17: error: SYNTAX_ERROR: Syntax errors in policy.\n\
             {file}:3:17: ERROR: JSON_SYNTAX_ERROR: Fix the JSON syntax error at index 45 line 3 column 16.\n"
        )
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
        "-:1:59: error: PRINCIPAL_NOT_ALLOWED: The provided policy document does not meet the requirements of the specified policy type.\n\
         -:1:59: ERROR: SCP_SYNTAX_ERROR_PRINCIPAL: SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.\n"
    );
}

#[test]
fn analyzer_findings_alone_decide_the_exit_status_too() {
    let dir = scratch("analyzer");
    // IAM stores this policy; Access Analyzer reports the unknown action as an error.
    let file = write(
        &dir,
        "typo.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#,
    );
    let out = iamd(&["policy", "validate", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{file}:1:70: ERROR: INVALID_ACTION: The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
        )),
        "{stdout}"
    );

    // Suggestions and warnings do not fail the run.
    let file = write(
        &dir,
        "redundant.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}}"#,
    );
    let out = iamd(&["policy", "validate", &file]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(": SUGGESTION: REDUNDANT_ACTION: "));
}

#[test]
fn json_output_has_validate_policy_shapes() {
    let dir = scratch("json");
    let file = write(&dir, "bad.json", WITH_PRINCIPAL);
    let out = iamd(&["policy", "validate", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &doc["files"][0];
    assert_eq!(report["file"], file.as_str());
    let finding = &report["findings"][0];
    assert_eq!(finding["findingType"], "ERROR");
    assert_eq!(finding["issueCode"], "UNSUPPORTED_PRINCIPAL");
    assert_eq!(
        finding["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"key": "Principal"}])
    );
    // AWS counts columns from 0: the key starts in the fifth column.
    assert_eq!(
        finding["locations"][0]["span"]["start"],
        serde_json::json!({"line": 5, "column": 4, "offset": 74})
    );
    assert_eq!(report["policyErrors"][0]["code"], "PRINCIPAL_NOT_ALLOWED");
}
