//! Workload credentials with the AWS SDK for Rust: `aws-config`'s own instance metadata
//! (IMDSv2) and container credential providers, pointed at iamd through the standard
//! environment variables, with no static keys. The seeds' EC2 walkthrough: a role that
//! trusts ec2.amazonaws.com with AmazonS3ReadOnlyAccess, in an instance profile bound to
//! an IMDS endpoint; the SDK becomes the assumed role, may read S3 in the simulator and
//! may not write IAM. A role that does not trust the service principal gets nothing.
//!
//! One test function: the providers read the process environment, which the test sets,
//! so nothing else may run beside it in this binary.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use aws_config::ecs::EcsCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_sts::config::ProvideCredentials;
use aws_smithy_http_client::Builder as HttpClientBuilder;
use iamd_sdk_tests::{Iamd, ACCOUNT_ID};

const S3_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

fn trust(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
            "Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The providers' configuration: the SDK's plain-HTTP client (iamd is on loopback).
fn provider_config() -> ProviderConfig {
    ProviderConfig::without_region().with_http_client(HttpClientBuilder::new().build_http())
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Waits until the binding's IMDS listener (opened by the running server within a
/// second of the binding) accepts connections.
fn wait_for(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "no IMDS endpoint on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `iamd workload bind ARGS`; its `key: value` and `VAR=value` output lines.
fn bind(iamd: &Iamd, args: &[&str]) -> Vec<(String, String)> {
    let mut full = vec!["workload", "bind"];
    full.extend_from_slice(args);
    let out = iamd.cli(&full);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_once('=').or_else(|| line.split_once(": ")))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {fields:?}"))
}

async fn role(root: &aws_sdk_iam::Client, name: &str, service: &str) -> String {
    let created = root
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust(service))
        .send()
        .await
        .unwrap();
    root.attach_role_policy()
        .role_name(name)
        .policy_arn(S3_READ_ONLY)
        .send()
        .await
        .unwrap();
    created.role().unwrap().arn().to_owned()
}

async fn profile_with(root: &aws_sdk_iam::Client, profile: &str, role: &str) {
    root.create_instance_profile()
        .instance_profile_name(profile)
        .send()
        .await
        .unwrap();
    root.add_role_to_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sdk_gets_role_credentials_from_iamd_with_no_keys() {
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        std::env::remove_var(var);
    }
    let iamd = Iamd::start();
    let root = iamd.root_iam();

    // The seeds' instance role, in a profile bound to its own IMDS endpoint.
    let role_arn = role(&root, "EC2-S3-ReadRole", "ec2.amazonaws.com").await;
    profile_with(&root, "EC2-S3-Profile", "EC2-S3-ReadRole").await;
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let bound = bind(
        &iamd,
        &[
            "web-1",
            "--instance-profile",
            "EC2-S3-Profile",
            "--listen",
            &listen,
        ],
    );
    let instance_id = field(&bound, "workload id").to_owned();
    wait_for(port);
    std::env::set_var(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        field(&bound, "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
    );

    let imds = ImdsCredentialsProvider::builder()
        .configure(&provider_config())
        .build();
    let credentials = imds.provide_credentials().await.unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert!(credentials.session_token().is_some());
    assert!(credentials.expiry().is_some());

    let sts = iamd.sts_with(imds);
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(
        identity.arn(),
        Some(
            format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/EC2-S3-ReadRole/{instance_id}")
                .as_str()
        )
    );

    let as_workload = iamd.iam_with(
        ImdsCredentialsProvider::builder()
            .configure(&provider_config())
            .build(),
    );
    let refused = as_workload
        .create_user()
        .user_name("made-by-workload")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("AccessDenied"));

    let simulated = root
        .simulate_principal_policy()
        .policy_source_arn(&role_arn)
        .action_names("s3:GetObject")
        .action_names("s3:PutObject")
        .action_names("iam:CreateUser")
        .send()
        .await
        .unwrap();
    let decisions: Vec<(String, String)> = simulated
        .evaluation_results()
        .iter()
        .map(|r| {
            (
                r.eval_action_name().to_owned(),
                r.eval_decision().as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("s3:GetObject".to_owned(), "allowed".to_owned()),
            ("s3:PutObject".to_owned(), "implicitDeny".to_owned()),
            ("iam:CreateUser".to_owned(), "implicitDeny".to_owned()),
        ]
    );

    // A role that trusts ECS tasks, not EC2: the metadata endpoint hands out nothing.
    role(&root, "NotForEc2", "ecs-tasks.amazonaws.com").await;
    profile_with(&root, "NotForEc2-Profile", "NotForEc2").await;
    let other_port = free_port();
    let other_listen = format!("127.0.0.1:{other_port}");
    let other = bind(
        &iamd,
        &[
            "untrusted",
            "--instance-profile",
            "NotForEc2-Profile",
            "--listen",
            &other_listen,
        ],
    );
    wait_for(other_port);
    std::env::set_var(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        field(&other, "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
    );
    let untrusted = ImdsCredentialsProvider::builder()
        .configure(&provider_config())
        .build();
    let error = untrusted.provide_credentials().await.unwrap_err();
    assert!(
        format!("{error:?}").contains("AssumeRoleUnauthorizedAccess"),
        "{error:?}"
    );
    std::env::remove_var("AWS_EC2_METADATA_SERVICE_ENDPOINT");

    // The container endpoint, with the variables ECS sets.
    role(&root, "TaskRole", "ecs-tasks.amazonaws.com").await;
    let task = bind(&iamd, &["batch", "--role", "TaskRole"]);
    let task_id = field(&task, "workload id").to_owned();
    std::env::set_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/v1/workload-credentials", iamd.endpoint()),
    );
    std::env::set_var(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        field(&task, "AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    );
    let ecs = EcsCredentialsProvider::builder()
        .configure(&provider_config())
        .build();
    let identity = iamd
        .sts_with(ecs)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/TaskRole/{task_id}").as_str())
    );

    // A wrong token: no credentials.
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "iamd-wl-not-a-token");
    let wrong = EcsCredentialsProvider::builder()
        .configure(&provider_config())
        .build();
    assert!(wrong.provide_credentials().await.is_err());
}
