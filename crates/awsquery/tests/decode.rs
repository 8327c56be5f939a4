//! Form decoding, case by case from tests/fixtures/decode.json.

use std::collections::BTreeMap;

use awsquery::{Limits, Params};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    input: String,
    /// Raw bytes, for inputs that are not UTF-8.
    input_hex: Option<String>,
    limits: Option<CaseLimits>,
    params: Option<BTreeMap<String, String>>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct CaseLimits {
    max_bytes: usize,
    max_params: usize,
}

fn bytes(case: &Case) -> Vec<u8> {
    match &case.input_hex {
        Some(hex) => (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect(),
        None => case.input.as_bytes().to_vec(),
    }
}

#[test]
fn decode_cases() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("fixtures/decode.json")).unwrap();
    assert!(cases.len() >= 20);
    for case in &cases {
        let limits = case
            .limits
            .as_ref()
            .map(|l| Limits {
                max_bytes: l.max_bytes,
                max_params: l.max_params,
            })
            .unwrap_or_default();
        let got = Params::parse_with(&bytes(case), &limits);
        match (&case.params, &case.error) {
            (Some(want), None) => {
                let got = got.unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
                let got: BTreeMap<String, String> = got
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                assert_eq!(&got, want, "{}", case.name);
            }
            (None, Some(want)) => {
                let err = got.expect_err(&case.name);
                assert_eq!(&format!("{err:?}"), want, "{}", case.name);
            }
            _ => panic!("{}: give params or error", case.name),
        }
    }
}

#[test]
fn decode_errors_map_to_aws_codes() {
    let err = Params::parse(b"A=%ZZ").unwrap_err();
    assert_eq!(err.code(), "MalformedQueryString");
    let err = Params::parse_with(
        b"A=1",
        &Limits {
            max_bytes: 1,
            max_params: 10,
        },
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("RequestEntityTooLarge", 413)
    );
}

#[test]
fn lists_structures_and_maps() {
    let p = Params::parse(
        b"Action=TagUser&UserName=jane\
&Tags.member.2.Key=team&Tags.member.2.Value=blue\
&Tags.member.1.Key=env&Tags.member.1.Value=prod\
&Tags.member.10.Key=last&Tags.member.10.Value=x\
&Tags.member.0.Key=zero&Tags.member.01.Key=padded&Tags.member.x.Key=bad\
&PolicyArns.member.2=arn:b&PolicyArns.member.1=arn:a\
&ContextEntries.member.1.ContextKeyName=aws:SourceIp\
&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2\
&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1\
&ContextEntries.member.1.ContextKeyType=ipList\
&Attributes.entry.1.key=a&Attributes.entry.1.value=1&Attributes.entry.2.key=b\
&Empty=",
    )
    .unwrap();
    assert_eq!(p.action(), Some("TagUser"));
    assert_eq!(p.get("UserName"), Some("jane"));
    assert_eq!(p.get("Missing"), None);
    assert_eq!(p.list("PolicyArns"), vec!["arn:a", "arn:b"]);
    assert_eq!(
        p.structure_list("Tags", &["Key", "Value"]),
        vec![
            vec![Some("env"), Some("prod")],
            vec![Some("team"), Some("blue")],
            vec![Some("last"), Some("x")],
        ]
    );
    let entries = p.members("ContextEntries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].get("ContextKeyName"), Some("aws:SourceIp"));
    assert_eq!(entries[0].get("ContextKeyType"), Some("ipList"));
    assert_eq!(
        entries[0].list("ContextKeyValues"),
        vec!["10.0.0.1", "10.0.0.2"]
    );
    assert_eq!(entries[0].prefix(), "ContextEntries.member.1.");
    assert_eq!(p.map("Attributes"), vec![("a", Some("1")), ("b", None)]);
    assert!(p.root().is_empty_list("Empty"));
    assert!(!p.root().is_empty_list("Tags"));
    assert!(p.root().has("Tags"));
    assert!(!p.root().has("Tag"));
    assert!(p.list("Nothing").is_empty());
}

#[test]
fn merge_keeps_existing_values() {
    let mut p = Params::parse(b"Action=GetUser&UserName=a").unwrap();
    p.merge(Params::parse(b"UserName=b&Version=2010-05-08").unwrap());
    assert_eq!(p.get("UserName"), Some("a"));
    assert_eq!(p.version(), Some("2010-05-08"));
    assert_eq!(p.len(), 3);
}
