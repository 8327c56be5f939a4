//! Trust policies name IAM users and roles by the unique id they had when the policy
//! was written: renamed principals show their new ARN, deleted ones their id.
use store::api::*;
use store::{MasterKey, NewRole, NewUser, SqliteStore, UserUpdate};

const ACCT: &str = "123456789012";

async fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(dir.path(), None).unwrap();
    let store = SqliteStore::open(dir.path(), key).unwrap();
    store.create_account(Some(ACCT.into()), None).await.unwrap();
    (dir, store)
}

fn role(name: &str, trust: String) -> NewRole {
    NewRole {
        name: name.into(),
        path: "/".into(),
        assume_role_policy: trust,
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        service_linked: false,
        tags: vec![],
    }
}

fn trusting(principals: &[&str]) -> String {
    let list = principals
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": [{list}]}}, "Action": "sts:AssumeRole", "Condition": {{"ArnEquals": {{"aws:PrincipalArn": [{list}]}}}}}}]}}"#
    )
}

#[tokio::test]
async fn renamed_users_show_their_new_arn_and_deleted_roles_their_id() {
    let (_dir, s) = open().await;
    let user = s
        .create_user(
            ACCT,
            NewUser {
                name: "ann".into(),
                path: "/".into(),
                permissions_boundary: None,
                tags: vec![],
            },
        )
        .await
        .unwrap();
    let peer = s
        .create_role(ACCT, role("peer", trusting(&[])))
        .await
        .unwrap();
    let external = "arn:aws:iam::210987654321:role/elsewhere";
    let doc = trusting(&[&user.arn(), &peer.arn(), external]);
    s.create_role(ACCT, role("app", doc.clone())).await.unwrap();
    assert_eq!(
        s.get_role(ACCT, "app").await.unwrap().assume_role_policy,
        doc
    );

    s.update_user(
        ACCT,
        "ann",
        UserUpdate {
            new_name: Some("anne".into()),
            new_path: Some("/staff/".into()),
        },
    )
    .await
    .unwrap();
    s.delete_role(ACCT, "peer").await.unwrap();
    s.create_role(ACCT, role("peer", trusting(&[])))
        .await
        .unwrap();

    let shown = s.get_role(ACCT, "app").await.unwrap().assume_role_policy;
    let renamed = format!("arn:aws:iam::{ACCT}:user/staff/anne");
    let principal = format!(r#""AWS": ["{renamed}", "{}", "{external}"]"#, peer.role_id);
    assert!(shown.contains(&principal), "{shown}");
    // Conditions keep the ARNs as written.
    let condition = format!(
        r#""aws:PrincipalArn": ["{}", "{}", "{external}"]"#,
        user.arn(),
        peer.arn()
    );
    assert!(shown.contains(&condition), "{shown}");

    // A new trust policy binds the principals anew.
    let fresh = trusting(&[&peer.arn()]);
    s.update_assume_role_policy(ACCT, "app", &fresh)
        .await
        .unwrap();
    assert_eq!(
        s.get_role(ACCT, "app").await.unwrap().assume_role_policy,
        fresh
    );
}
