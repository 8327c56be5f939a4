//! `iamd policy simulate` end to end: each `tests/simulate/NAME.input.json` is a
//! SimulateCustomPolicy request and `NAME.output.json` the exact text the command must
//! print (the AWS CLI's JSON for the same request).
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn iamd(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_iamd")).args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run iamd: {e}"),
    }
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/simulate")
}

#[test]
fn simulate_outputs_match_aws() {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir())
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    inputs.retain(|p| p.to_string_lossy().ends_with(".input.json"));
    inputs.sort();
    assert!(inputs.len() >= 8, "simulate cases are missing");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.to_string_lossy().replace(".input.json", "");
        let expected_path = PathBuf::from(format!("{name}.output.json"));
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let out = iamd(&["policy", "simulate", "--input", &input.to_string_lossy()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "{name}: exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if stdout != expected {
            failures.push(format!("{name}: output differs:\n{stdout}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("iamd-simulate-{}-{name}", std::process::id()));
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

fn bad_input(name: &str, text: &str, field: &str) {
    let path = write_temp(name, text);
    let out = iamd(&["policy", "simulate", "--input", &path.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{name}: printed a result for bad input"
    );
    assert!(
        stderr.contains(field),
        "{name}: error does not name {field}: {stderr}"
    );
}

#[test]
fn bad_input_names_the_field_and_exits_2() {
    let policy = r#"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"#;
    bad_input(
        "missing-actions",
        &format!(r#"{{"PolicyInputList":["{policy}"]}}"#),
        "ActionNames",
    );
    bad_input(
        "unknown-field",
        &format!(r#"{{"PolicyInputList":["{policy}"],"ActionNames":["s3:GetObject"],"Bogus":1}}"#),
        "Bogus",
    );
    bad_input(
        "bad-policy",
        r#"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":["],"ActionNames":["s3:GetObject"]}"#,
        "PolicyInputList.1",
    );
    bad_input(
        "bad-context-type",
        &format!(
            r#"{{"PolicyInputList":["{policy}"],"ActionNames":["s3:GetObject"],"ContextEntries":[{{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["1.2.3.4"],"ContextKeyType":"ipaddr"}}]}}"#
        ),
        "ContextEntries[0].ContextKeyType",
    );
    bad_input(
        "resource-policy-without-caller",
        &format!(
            r#"{{"PolicyInputList":["{policy}"],"ActionNames":["s3:GetObject"],"ResourcePolicy":"{policy}"}}"#
        ),
        "CallerArn",
    );
    bad_input(
        "bad-caller",
        &format!(
            r#"{{"PolicyInputList":["{policy}"],"ActionNames":["s3:GetObject"],"CallerArn":"arn:aws:iam::111111111111:role/Dev"}}"#
        ),
        "CallerArn",
    );
    bad_input(
        "wildcard-action-matching-nothing",
        &format!(r#"{{"PolicyInputList":["{policy}"],"ActionNames":["nosuchservice:Get*"]}}"#),
        "ActionNames[0]",
    );
    bad_input("not-json", "{", "(file)");
}

#[test]
fn explain_traces_to_stderr() {
    let input = dir().join("aws-cli-example-allowed.input.json");
    let out = iamd(&[
        "policy",
        "simulate",
        "--explain",
        "--input",
        &input.to_string_lossy(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("== dynamodb:CreateBackup on *"), "{stderr}");
    assert!(stderr.contains("PolicyInputList.1 statement 0"), "{stderr}");
    assert!(stderr.trim_end().ends_with("allowed"), "{stderr}");
    // The trace does not change the result printed on stdout.
    let plain = iamd(&["policy", "simulate", "--input", &input.to_string_lossy()]);
    assert_eq!(out.stdout, plain.stdout);
}

#[test]
fn wildcard_action_names_expand_through_the_service_reference() {
    let policy = r#"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:GetUserPolicy\",\"Resource\":\"*\"}}"#;
    let path = write_temp(
        "wildcard-expansion",
        &format!(r#"{{"PolicyInputList":["{policy}"],"ActionNames":["iam:GetUser*"]}}"#),
    );
    let out = iamd(&["policy", "simulate", "--input", &path.to_string_lossy()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = answer["EvaluationResults"].as_array().unwrap();
    let decision = |name: &str| {
        results
            .iter()
            .find(|r| r["EvalActionName"] == name)
            .map(|r| r["EvalDecision"].as_str().unwrap().to_string())
    };
    assert_eq!(decision("iam:GetUser").as_deref(), Some("implicitDeny"));
    assert_eq!(decision("iam:GetUserPolicy").as_deref(), Some("allowed"));
    assert!(results.len() >= 2);
}
