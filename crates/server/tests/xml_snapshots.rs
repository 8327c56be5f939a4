//! Snapshots of the XML the server answers, one representative response per family,
//! taken from a real server in-process. Values that change from run to run (unique
//! ids, access key ids, secrets, session tokens, dates, request ids) are replaced by
//! placeholders before the snapshot; equal values get equal placeholders, so a
//! snapshot still shows which ids refer to the same entity.
//!
//! After an intended change of the XML: `INSTA_UPDATE=always cargo test -p iamd-server
//! --test xml_snapshots`, then review the diff of `tests/snapshots/`.
mod harness;

use std::collections::HashMap;

use harness::{form, Answer, Keys, TestServer, ACCT};
use regex::{Captures, Regex};

const IAM: &str = "2010-05-08";
const STS: &str = "2011-06-15";

/// The status line and the indented, normalized body of an answer.
fn snapshot_text(answer: &Answer) -> String {
    format!(
        "status: {}\n{}",
        answer.status,
        pretty(&normalize(&answer.body))
    )
}

/// Replaces the volatile values of a response with stable placeholders.
fn normalize(xml: &str) -> String {
    // Secrets and tokens first: a secret may contain text that looks like an id.
    let secrets = Regex::new(r"<(SecretAccessKey|SessionToken)>[^<]*</").expect("secret pattern");
    let xml = secrets.replace_all(xml, "<$1>[redacted]</");
    // An encoded authorization failure message is sealed anew for every refusal; its
    // content has tests of its own (DecodeAuthorizationMessage).
    let encoded =
        Regex::new(r"\. Encoded authorization failure message: [^<]*").expect("encoded pattern");
    let xml = encoded.replace_all(&xml, "");
    let request_id = Regex::new(r"<RequestId>[^<]*</RequestId>").expect("request id pattern");
    let xml = request_id.replace_all(&xml, "<RequestId>[request-id]</RequestId>");
    let date = Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
        .expect("date pattern");
    let xml = date.replace_all(&xml, "[date]");
    // Unique ids and access key ids of every kind IAM and STS hand out.
    let id =
        Regex::new(r"\b(AIDA|AGPA|AROA|ANPA|AIPA|AKIA|ASIA)[A-Z0-9]{12,}\b").expect("id pattern");
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut per_prefix: HashMap<String, usize> = HashMap::new();
    id.replace_all(&xml, |c: &Captures| {
        let whole = c[0].to_owned();
        if let Some(placeholder) = seen.get(&whole) {
            return placeholder.clone();
        }
        let prefix = c[1].to_owned();
        let n = per_prefix.entry(prefix.clone()).or_insert(0);
        *n += 1;
        let placeholder = format!("{prefix}[{n}]");
        seen.insert(whole, placeholder.clone());
        placeholder
    })
    .into_owned()
}

/// One element per line, indented by depth; an element holding only text stays on one
/// line. (IAM's XML has no mixed content.)
fn pretty(xml: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = xml.trim();
    let mut line = |depth: usize, text: &str| {
        out.push_str(&"  ".repeat(depth));
        out.push_str(text);
        out.push('\n');
    };
    while !rest.is_empty() {
        let tag_end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..tag_end];
        rest = &rest[tag_end..];
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            line(depth, tag);
        } else if tag.ends_with("/>") || tag.starts_with("<?") {
            line(depth, tag);
        } else {
            let text_end = rest.find('<').unwrap_or(rest.len());
            let (text, after) = rest.split_at(text_end);
            if after.starts_with("</") {
                let close_end = after.find('>').map_or(after.len(), |i| i + 1);
                line(depth, &format!("{tag}{text}{}", &after[..close_end]));
                rest = &after[close_end..];
            } else {
                line(depth, tag);
                depth += 1;
                rest = after;
            }
        }
        rest = rest.trim_start();
    }
    out
}

fn ok(answer: Answer) -> Answer {
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

const ALLOW_IAM_READS_AND_ASSUME: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Reads","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},{"Sid":"Assume","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}]}"#;

/// A user with an inline policy and an access key; returns the key.
async fn user_with_key(s: &TestServer, name: &str, policy: Option<&str>) -> Keys {
    ok(s.iam(&form("CreateUser", IAM, &[("UserName", name)])).await);
    if let Some(policy) = policy {
        ok(s.iam(&form(
            "PutUserPolicy",
            IAM,
            &[
                ("UserName", name),
                ("PolicyName", "access"),
                ("PolicyDocument", policy),
            ],
        ))
        .await);
    }
    let key = ok(s
        .iam(&form("CreateAccessKey", IAM, &[("UserName", name)]))
        .await);
    Keys {
        key: key.field("AccessKeyId"),
        secret: key.field("SecretAccessKey"),
        token: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_access_keys() {
    let s = TestServer::start().await;
    let created = ok(s
        .iam(&form(
            "CreateUser",
            IAM,
            &[
                ("UserName", "alice"),
                ("Path", "/engineering/"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "platform"),
            ],
        ))
        .await);
    insta::assert_snapshot!("create_user", snapshot_text(&created));
    let got = ok(s.iam(&form("GetUser", IAM, &[("UserName", "alice")])).await);
    insta::assert_snapshot!("get_user", snapshot_text(&got));

    for name in ["bob", "carol"] {
        ok(s.iam(&form("CreateUser", IAM, &[("UserName", name)])).await);
    }
    let first = ok(s.iam(&form("ListUsers", IAM, &[("MaxItems", "2")])).await);
    assert_eq!(first.field("IsTruncated"), "true");
    insta::assert_snapshot!("list_users_first_page", snapshot_text(&first));
    let marker = first.field("Marker");
    let second = ok(s
        .iam(&form(
            "ListUsers",
            IAM,
            &[("MaxItems", "2"), ("Marker", &marker)],
        ))
        .await);
    insta::assert_snapshot!("list_users_last_page", snapshot_text(&second));

    let key = ok(s
        .iam(&form("CreateAccessKey", IAM, &[("UserName", "alice")]))
        .await);
    assert_eq!(key.field("SecretAccessKey").len(), 40);
    insta::assert_snapshot!("create_access_key", snapshot_text(&key));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_roles_and_instance_profiles() {
    let s = TestServer::start().await;
    let group = ok(s
        .iam(&form(
            "CreateGroup",
            IAM,
            &[("GroupName", "Developers"), ("Path", "/dev/")],
        ))
        .await);
    insta::assert_snapshot!("create_group", snapshot_text(&group));
    ok(s.iam(&form("CreateUser", IAM, &[("UserName", "jane-dev")]))
        .await);
    ok(s.iam(&form(
        "AddUserToGroup",
        IAM,
        &[("GroupName", "Developers"), ("UserName", "jane-dev")],
    ))
    .await);
    let got = ok(s
        .iam(&form("GetGroup", IAM, &[("GroupName", "Developers")]))
        .await);
    insta::assert_snapshot!("get_group", snapshot_text(&got));

    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = ok(s
        .iam(&form(
            "CreateRole",
            IAM,
            &[
                ("RoleName", "EC2-S3-ReadRole"),
                ("AssumeRolePolicyDocument", trust),
                ("Description", "Reads the project bucket"),
                ("MaxSessionDuration", "7200"),
            ],
        ))
        .await);
    insta::assert_snapshot!("create_role", snapshot_text(&role));
    let got = ok(s
        .iam(&form("GetRole", IAM, &[("RoleName", "EC2-S3-ReadRole")]))
        .await);
    insta::assert_snapshot!("get_role", snapshot_text(&got));

    let profile = ok(s
        .iam(&form(
            "CreateInstanceProfile",
            IAM,
            &[("InstanceProfileName", "EC2-S3-Profile")],
        ))
        .await);
    insta::assert_snapshot!("create_instance_profile", snapshot_text(&profile));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_attachments_and_account_summary() {
    let s = TestServer::start().await;
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/Orders"}]}"#;
    let policy = ok(s
        .iam(&form(
            "CreatePolicy",
            IAM,
            &[
                ("PolicyName", "OrdersRead"),
                ("PolicyDocument", document),
                ("Description", "Reads table Orders"),
            ],
        ))
        .await);
    insta::assert_snapshot!("create_policy", snapshot_text(&policy));
    let arn = policy.field("Arn");
    let version = ok(s
        .iam(&form(
            "GetPolicyVersion",
            IAM,
            &[("PolicyArn", &arn), ("VersionId", "v1")],
        ))
        .await);
    insta::assert_snapshot!("get_policy_version", snapshot_text(&version));

    ok(s.iam(&form("CreateUser", IAM, &[("UserName", "jane-dev")]))
        .await);
    for policy_arn in [arn.as_str(), "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
        ok(s.iam(&form(
            "AttachUserPolicy",
            IAM,
            &[("UserName", "jane-dev"), ("PolicyArn", policy_arn)],
        ))
        .await);
    }
    let attached = ok(s
        .iam(&form(
            "ListAttachedUserPolicies",
            IAM,
            &[("UserName", "jane-dev")],
        ))
        .await);
    insta::assert_snapshot!("list_attached_user_policies", snapshot_text(&attached));

    let summary = ok(s.iam(&form("GetAccountSummary", IAM, &[])).await);
    insta::assert_snapshot!("get_account_summary", snapshot_text(&summary));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors() {
    let s = TestServer::start().await;
    let keys = user_with_key(&s, "jane-dev", None).await;
    let denied = s
        .signed(
            "iam",
            &form("CreateUser", IAM, &[("UserName", "mallory")]),
            &keys,
        )
        .await;
    assert_eq!(denied.status, 403);
    insta::assert_snapshot!("error_access_denied", snapshot_text(&denied));

    let missing = s.iam(&form("GetUser", IAM, &[("UserName", "ghost")])).await;
    assert_eq!(missing.status, 404);
    insta::assert_snapshot!("error_no_such_entity", snapshot_text(&missing));

    let invalid = s
        .iam(&form("CreateUser", IAM, &[("UserName", "bad name!")]))
        .await;
    assert_eq!(invalid.status, 400);
    insta::assert_snapshot!("error_validation", snapshot_text(&invalid));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_and_sts() {
    let s = TestServer::start().await;
    let keys = user_with_key(&s, "jane-dev", Some(ALLOW_IAM_READS_AND_ASSUME)).await;
    let simulated = ok(s
        .iam(&form(
            "SimulatePrincipalPolicy",
            IAM,
            &[
                (
                    "PolicySourceArn",
                    &format!("arn:aws:iam::{ACCT}:user/jane-dev"),
                ),
                ("ActionNames.member.1", "iam:GetUser"),
                ("ActionNames.member.2", "iam:CreateUser"),
            ],
        ))
        .await);
    insta::assert_snapshot!("simulate_principal_policy", snapshot_text(&simulated));

    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    ok(s.iam(&form(
        "CreateRole",
        IAM,
        &[
            ("RoleName", "Deployer"),
            ("AssumeRolePolicyDocument", &trust),
        ],
    ))
    .await);
    let assumed = ok(s
        .signed(
            "sts",
            &form(
                "AssumeRole",
                STS,
                &[
                    ("RoleArn", &format!("arn:aws:iam::{ACCT}:role/Deployer")),
                    ("RoleSessionName", "deploy"),
                    ("DurationSeconds", "900"),
                ],
            ),
            &keys,
        )
        .await);
    insta::assert_snapshot!("assume_role", snapshot_text(&assumed));

    let session = Keys {
        key: assumed.field("AccessKeyId"),
        secret: assumed.field("SecretAccessKey"),
        token: Some(assumed.field("SessionToken")),
    };
    let identity = ok(s
        .signed("sts", &form("GetCallerIdentity", STS, &[]), &session)
        .await);
    insta::assert_snapshot!("get_caller_identity", snapshot_text(&identity));
    s.shutdown().await;
}

#[test]
fn normalization_keeps_equal_ids_equal_and_redacts_secrets() {
    let xml = "<R><UserId>AIDAABCDEFGHIJKLMNOPQ</UserId><Other>AIDAABCDEFGHIJKLMNOPQ</Other>\
               <GroupId>AGPAZYXWVUTSRQPONMLKJ</GroupId><SecretAccessKey>AIDAABCDEFGHIJKLMNOPQ/x+y</SecretAccessKey>\
               <CreateDate>2024-05-01T10:11:12.345Z</CreateDate><RequestId>4f0c-11</RequestId>\
               <Message>not authorized. Encoded authorization failure message: AYvF+/x==</Message></R>";
    assert_eq!(
        pretty(&normalize(xml)),
        "<R>\n  <UserId>AIDA[1]</UserId>\n  <Other>AIDA[1]</Other>\n  <GroupId>AGPA[1]</GroupId>\n  \
         <SecretAccessKey>[redacted]</SecretAccessKey>\n  <CreateDate>[date]</CreateDate>\n  \
         <RequestId>[request-id]</RequestId>\n  <Message>not authorized</Message>\n</R>\n"
    );
}
