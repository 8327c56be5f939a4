//! STS through `aws-sdk-sts` against a real iamd: AssumeRole with a trust policy, the
//! session's credentials on STS and IAM, and GetCallerIdentity for users and sessions.

use std::time::SystemTime;

use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use iamd_sdk_tests::{
    denial_sentence, unique, Iamd, ACCOUNT_ID, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY,
};

const ALLOW_LIST_USERS: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;

/// A user with an access key: its ARN and its credentials.
async fn user_with_key(root: &aws_sdk_iam::Client) -> (String, Credentials) {
    let name = unique("user");
    let user = root.create_user().user_name(&name).send().await.unwrap();
    let arn = user.user().unwrap().arn().to_string();
    let created = root
        .create_access_key()
        .user_name(&name)
        .send()
        .await
        .unwrap();
    let key = created.access_key().unwrap();
    let credentials = Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "test-user",
    );
    (arn, credentials)
}

/// A role trusting exactly `principal_arn`, allowed `iam:ListUsers`; returns its name and ARN.
async fn role_trusting(root: &aws_sdk_iam::Client, principal_arn: &str) -> (String, String) {
    let name = unique("role");
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
            "Principal":{{"AWS":"{principal_arn}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = root
        .create_role()
        .role_name(&name)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let arn = role.role().unwrap().arn().to_string();
    root.put_role_policy()
        .role_name(&name)
        .policy_name("list-users")
        .policy_document(ALLOW_LIST_USERS)
        .send()
        .await
        .unwrap();
    (name, arn)
}

#[tokio::test]
async fn caller_identity_of_root_and_of_a_user() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let root_sts = iamd.sts(Credentials::new(
        ROOT_ACCESS_KEY_ID,
        ROOT_SECRET_ACCESS_KEY,
        None,
        None,
        "root",
    ));
    let me = root_sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some(ACCOUNT_ID));
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT_ID}:root").as_str())
    );
    assert_eq!(me.user_id(), Some(ACCOUNT_ID));

    let (user_arn, credentials) = user_with_key(&root).await;
    // GetCallerIdentity needs no permission.
    let me = iamd
        .sts(credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(user_arn.as_str()));
    assert!(me.user_id().is_some_and(|id| id.starts_with("AIDA")));
}

#[tokio::test]
async fn assume_role_and_use_the_session() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let (user_arn, credentials) = user_with_key(&root).await;
    let (role_name, role_arn) = role_trusting(&root, &user_arn).await;

    let assumed = iamd
        .sts(credentials)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("sdk-session")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let session_arn = format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/sdk-session");
    let assumed_user = assumed.assumed_role_user().unwrap();
    assert_eq!(assumed_user.arn(), session_arn);
    assert!(assumed_user.assumed_role_id().starts_with("AROA"));
    assert!(assumed_user.assumed_role_id().ends_with(":sdk-session"));

    let issued = assumed.credentials().unwrap();
    assert!(issued.access_key_id().starts_with("ASIA"));
    assert!(!issued.session_token().is_empty());
    let expires = SystemTime::try_from(*issued.expiration()).unwrap();
    let lifetime = expires.duration_since(SystemTime::now()).unwrap();
    assert!(
        lifetime.as_secs() <= 900 && lifetime.as_secs() > 800,
        "{lifetime:?}"
    );

    let session = Credentials::new(
        issued.access_key_id(),
        issued.secret_access_key(),
        Some(issued.session_token().to_string()),
        Some(expires),
        "assumed-role",
    );
    let me = iamd
        .sts(session.clone())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(session_arn.as_str()));
    assert_eq!(me.user_id(), Some(assumed_user.assumed_role_id()));
    assert_eq!(me.account(), Some(ACCOUNT_ID));

    // The session acts with the role's policy: ListUsers yes, CreateUser no.
    let iam = iamd.iam(session);
    let users = iam.list_users().send().await.unwrap();
    assert!(users.users().iter().any(|u| u.arn() == user_arn));
    let err = iam
        .create_user()
        .user_name(unique("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(
        err.message()
            .is_some_and(|m| denial_sentence(m).starts_with(&format!(
                "User: {session_arn} is not authorized to perform: iam:CreateUser"
            ))),
        "{err:?}"
    );
}

#[tokio::test]
async fn assume_role_refused_to_an_untrusted_user() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let (trusted_arn, _) = user_with_key(&root).await;
    let (_, role_arn) = role_trusting(&root, &trusted_arn).await;
    let (other_arn, other) = user_with_key(&root).await;

    let err = iamd
        .sts(other)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("nope")
        .send()
        .await
        .unwrap_err();
    let SdkError::ServiceError(context) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(context.raw().status().as_u16(), 403);
    assert_eq!(context.err().code(), Some("AccessDenied"));
    assert_eq!(
        context.err().message().map(denial_sentence),
        Some(
            format!(
                "User: {other_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            )
            .as_str()
        )
    );
}
