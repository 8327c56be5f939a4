//! Runs every policy under `tests/parse/KIND/NAME.json` through the validator for
//! that kind and compares the findings with `NAME.expected`, one finding a line as
//! `LINE:COL: error|warning: CODE: message` (an empty file: no findings).
//!
//! Valid documents must also survive print → parse unchanged, and documents whose
//! first error comes from the parser must make `parse_policy` fail the same way.
//!
//! `UPDATE_EXPECT=1 cargo test -p iamd-policy --test parse_fixtures` rewrites the
//! expected files from the current output; review the diff before committing.
use std::fs;
use std::path::{Path, PathBuf};

use policy::parse::parse_policy_bytes;
use policy::print::{print_policy, same_modulo_spans};
use policy::validate::{validate_policy_bytes, PolicyKind};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse")
}

fn cases() -> Vec<(PolicyKind, PathBuf)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(fixture_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let kind = PolicyKind::from_name(&name)
            .unwrap_or_else(|| panic!("{}: not a policy kind", dir.display()));
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (kind, f)));
    }
    out
}

#[test]
fn every_fixture_gives_its_expected_findings() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let cases = cases();
    assert!(cases.len() > 50, "fixtures missing: {}", cases.len());
    let mut failures = Vec::new();
    for (kind, path) in &cases {
        let bytes = fs::read(path).unwrap();
        let validation = validate_policy_bytes(&bytes, *kind);
        let actual: String = validation
            .findings
            .iter()
            .map(|f| f.render() + "\n")
            .collect();
        let expected_path = path.with_extension("expected");
        if update {
            fs::write(&expected_path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{}: missing (run with UPDATE_EXPECT=1)",
                expected_path.display()
            )
        });
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                path.display()
            ));
        }

        let parsed = parse_policy_bytes(&bytes);
        match validation.findings.first() {
            Some(f) if f.code == "SYNTAX_ERROR" => {
                let err = parsed.expect_err("validator saw a syntax error, parser did not");
                assert_eq!(err.span, f.span, "{}", path.display());
                if !matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
                    assert_eq!(err.message, f.message, "{}", path.display());
                }
            }
            _ => {
                // Anything the parser accepts must print and parse back to itself.
                if let Ok(policy) = parsed {
                    let printed = print_policy(&policy);
                    let reparsed = policy::parse::parse_policy(&printed)
                        .unwrap_or_else(|e| panic!("{}: reprint: {e}\n{printed}", path.display()));
                    assert!(
                        same_modulo_spans(&policy, &reparsed),
                        "{}: print/parse changed the policy\n{printed}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
