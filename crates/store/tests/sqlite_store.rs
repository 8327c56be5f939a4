//! The SQLite store against its contract, on real database files.
use std::sync::Arc;

use store::api::*;
use store::{ErrorKind, MasterKey, PageRequest, SqliteStore};
use store::{
    KeyOwner, KeyStatus, NewPolicy, NewRole, NewUser, PrincipalKind, PrincipalName, Tag, TagTarget,
    UserUpdate,
};

const ACCT: &str = "123456789012";

struct Fixture {
    dir: tempfile::TempDir,
    store: SqliteStore,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(dir.path(), None).unwrap();
    let store = SqliteStore::open(dir.path(), key).unwrap();
    store.create_account(Some(ACCT.into()), None).await.unwrap();
    Fixture { dir, store }
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        name: name.into(),
        path: "/".into(),
        permissions_boundary: None,
        tags: vec![],
    }
}

fn user(name: &str) -> PrincipalName<'_> {
    PrincipalName {
        kind: PrincipalKind::User,
        name,
    }
}

#[tokio::test]
async fn users_are_unique_case_insensitively_and_round_trip() {
    let f = fixture().await;
    let created = f
        .store
        .create_user(
            ACCT,
            NewUser {
                tags: vec![Tag::new("team", "blue")],
                path: "/eng/".into(),
                ..new_user("Alice")
            },
        )
        .await
        .unwrap();
    assert!(created.user_id.starts_with("AIDA"));
    assert_eq!(created.arn(), "arn:aws:iam::123456789012:user/eng/Alice");
    let err = f
        .store
        .create_user(ACCT, new_user("alice"))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::EntityAlreadyExists);
    assert_eq!(err.message, "User with name alice already exists.");
    let got = f.store.get_user(ACCT, "ALICE").await.unwrap();
    assert_eq!(got, created);
    let missing = f.store.get_user(ACCT, "bob").await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NoSuchEntity);
    assert_eq!(missing.message, "The user with name bob cannot be found.");
    // Another account does not see it.
    f.store
        .create_account(Some("210987654321".into()), None)
        .await
        .unwrap();
    assert!(f.store.get_user("210987654321", "Alice").await.is_err());
}

#[tokio::test]
async fn update_and_delete_user_follow_iam_rules() {
    let f = fixture().await;
    f.store.create_user(ACCT, new_user("carol")).await.unwrap();
    f.store.create_user(ACCT, new_user("dave")).await.unwrap();
    let clash = f
        .store
        .update_user(
            ACCT,
            "carol",
            UserUpdate {
                new_name: Some("DAVE".into()),
                new_path: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(clash.kind, ErrorKind::EntityAlreadyExists);
    let renamed = f
        .store
        .update_user(
            ACCT,
            "carol",
            UserUpdate {
                new_name: Some("caroline".into()),
                new_path: Some("/x/".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.arn(), "arn:aws:iam::123456789012:user/x/caroline");

    f.store
        .create_access_key(ACCT, Some("caroline"))
        .await
        .unwrap();
    let conflict = f.store.delete_user(ACCT, "caroline").await.unwrap_err();
    assert_eq!(conflict.kind, ErrorKind::DeleteConflict);
    assert_eq!(
        conflict.message,
        "Cannot delete entity, must delete access keys first."
    );
    let keys = f
        .store
        .list_access_keys(ACCT, Some("caroline"), &PageRequest::default())
        .await
        .unwrap();
    f.store
        .delete_access_key(ACCT, Some("caroline"), &keys.items[0].access_key_id)
        .await
        .unwrap();
    f.store
        .put_inline_policy(ACCT, user("caroline"), "p", "{}", 2, 2048)
        .await
        .unwrap();
    assert_eq!(
        f.store
            .delete_user(ACCT, "caroline")
            .await
            .unwrap_err()
            .message,
        "Cannot delete entity, must delete policies first."
    );
    f.store
        .delete_inline_policy(ACCT, user("caroline"), "p")
        .await
        .unwrap();
    f.store.delete_user(ACCT, "caroline").await.unwrap();
    assert!(f.store.get_user(ACCT, "caroline").await.is_err());
}

#[tokio::test]
async fn listing_pages_resume_after_the_marker_under_concurrent_inserts() {
    let f = fixture().await;
    for name in ["a", "b", "c", "d", "e"] {
        f.store.create_user(ACCT, new_user(name)).await.unwrap();
    }
    let first = f
        .store
        .list_users(ACCT, "/", &PageRequest::new(None, Some(2)))
        .await
        .unwrap();
    assert_eq!(
        first
            .items
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    // Inserted before the marker: must not shift the next page.
    f.store.create_user(ACCT, new_user("aa")).await.unwrap();
    let second = f
        .store
        .list_users(ACCT, "/", &PageRequest::new(first.marker.clone(), Some(2)))
        .await
        .unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["c", "d"]
    );
    let third = f
        .store
        .list_users(ACCT, "/", &PageRequest::new(second.marker.clone(), Some(2)))
        .await
        .unwrap();
    assert_eq!(third.items.len(), 1);
    assert!(!third.is_truncated());
    let bad = f
        .store
        .list_users(ACCT, "/", &PageRequest::new(Some("garbage".into()), None))
        .await
        .unwrap_err();
    assert_eq!(bad.kind, ErrorKind::InvalidInput);
}

#[tokio::test]
async fn concurrent_writes_group_commit_and_fail_independently() {
    let f = fixture().await;
    let store = Arc::new(f.store.clone());
    let before = store.change_counter();
    let mut tasks = Vec::new();
    for i in 0..400 {
        let store = store.clone();
        // Every tenth name is a duplicate of an earlier one: it fails alone.
        let name = if i % 10 == 9 {
            format!("user{}", i - 1)
        } else {
            format!("user{i}")
        };
        tasks.push(tokio::spawn(async move {
            store.create_user(ACCT, new_user(&name)).await
        }));
    }
    let mut ok = 0;
    let mut dup = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.kind == ErrorKind::EntityAlreadyExists => dup += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((ok, dup), (360, 40));
    let all = store
        .list_users(ACCT, "/", &PageRequest::new(None, Some(1000)))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 360);
    let batches = store.change_counter() - before;
    assert!((1..=360).contains(&batches), "batches: {batches}");
}

#[tokio::test]
async fn access_keys_are_sealed_limited_and_authenticate() {
    let f = fixture().await;
    f.store.create_user(ACCT, new_user("erin")).await.unwrap();
    let epoch = f.store.auth_epoch();
    let key = f.store.create_access_key(ACCT, Some("erin")).await.unwrap();
    assert!(f.store.auth_epoch() > epoch);
    assert!(key.key.access_key_id.starts_with("AKIA"));
    f.store.create_access_key(ACCT, Some("erin")).await.unwrap();
    let third = f
        .store
        .create_access_key(ACCT, Some("erin"))
        .await
        .unwrap_err();
    assert_eq!(third.kind, ErrorKind::LimitExceeded);
    assert_eq!(
        third.message,
        "Cannot exceed quota for AccessKeysPerUser: 2"
    );

    let cred = f
        .store
        .credential(&key.key.access_key_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.secret, key.secret);
    assert_eq!(cred.account_id, ACCT);
    assert!(matches!(cred.owner, KeyOwner::User { ref name, .. } if name == "erin"));
    assert_eq!(cred.status, KeyStatus::Active);
    f.store
        .update_access_key(
            ACCT,
            Some("erin"),
            &key.key.access_key_id,
            KeyStatus::Inactive,
        )
        .await
        .unwrap();
    let cred = f
        .store
        .credential(&key.key.access_key_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.status, KeyStatus::Inactive);
    // A key is only reachable through its owner.
    let wrong_owner = f
        .store
        .update_access_key(ACCT, None, &key.key.access_key_id, KeyStatus::Active)
        .await
        .unwrap_err();
    assert_eq!(wrong_owner.kind, ErrorKind::NoSuchEntity);
    assert!(f
        .store
        .credential("AKIAUNKNOWNUNKNOWN00")
        .await
        .unwrap()
        .is_none());

    // The secret is nowhere in the database files in plaintext.
    drop(f.store);
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let secret = key.secret.expose().as_bytes();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    }
}

#[tokio::test]
async fn root_keys_and_wrong_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(dir.path(), None).unwrap();
    let store = SqliteStore::open(dir.path(), key).unwrap();
    let acct = store
        .create_account(
            None,
            Some((
                "AKIAROOTROOTROOTROOT".into(),
                store::SecretString::new("s".repeat(40)),
            )),
        )
        .await
        .unwrap();
    assert!(store::ids::is_account_id(&acct.account.account_id));
    let cred = store
        .credential("AKIAROOTROOTROOTROOT")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.owner, KeyOwner::Root);
    assert_eq!(cred.secret.expose(), "s".repeat(40));
    drop(store);
    let (other, _) = MasterKey::generate().unwrap();
    let err = SqliteStore::open(dir.path(), other).unwrap_err();
    assert!(err.message.contains("master key"), "{err}");
}

#[tokio::test]
async fn groups_policies_and_authorization_inputs() {
    let f = fixture().await;
    let s = &f.store;
    let u = s.create_user(ACCT, new_user("frank")).await.unwrap();
    s.create_group(ACCT, "devs", "/").await.unwrap();
    s.add_user_to_group(ACCT, "devs", "frank").await.unwrap();
    let policy = s
        .create_policy(
            ACCT,
            NewPolicy {
                name: "ReadAll".into(),
                path: "/".into(),
                description: None,
                document: r#"{"v":1}"#.into(),
                tags: vec![],
            },
        )
        .await
        .unwrap();
    let arn = policy.arn();
    assert!(policy.policy_id.starts_with("ANPA"));
    let group = PrincipalName {
        kind: PrincipalKind::Group,
        name: "devs",
    };
    s.attach_policy(ACCT, group, &arn).await.unwrap();
    s.attach_policy(
        ACCT,
        user("frank"),
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .await
    .unwrap();
    s.attach_policy(ACCT, user("frank"), &arn).await.unwrap();
    s.put_inline_policy(ACCT, group, "g", r#"{"g":1}"#, 7, 5120)
        .await
        .unwrap();
    s.put_inline_policy(ACCT, user("frank"), "u", r#"{"u":1}"#, 7, 2048)
        .await
        .unwrap();
    let v2 = s
        .create_policy_version(ACCT, &arn, r#"{"v":2}"#, true)
        .await
        .unwrap();
    assert_eq!(v2.version_id, "v2");

    let inputs = s.user_policies(ACCT, &u.user_id).await.unwrap();
    let sources: Vec<_> = inputs.inline.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(sources, ["user/frank/inline/u", "group/devs/inline/g"]);
    let managed: Vec<_> = inputs
        .managed
        .iter()
        .map(|m| (m.arn.as_str(), m.document.as_deref()))
        .collect();
    assert_eq!(
        managed,
        [
            (arn.as_str(), Some(r#"{"v":2}"#)),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", None)
        ]
    );

    let got = s.get_policy(ACCT, &arn).await.unwrap();
    assert_eq!(got.attachment_count, 2);
    assert_eq!(got.default_version_id, "v2");
    assert_eq!(
        s.delete_policy(ACCT, &arn).await.unwrap_err().kind,
        ErrorKind::DeleteConflict
    );
    assert_eq!(
        s.delete_policy_version(ACCT, &arn, "v2")
            .await
            .unwrap_err()
            .message,
        "Cannot delete the default version of a policy."
    );
    let entities = s
        .list_entities_for_policy(
            ACCT,
            &arn,
            None,
            "/",
            PolicyUsage::Any,
            &PageRequest::default(),
        )
        .await
        .unwrap();
    let names: Vec<_> = entities
        .items
        .iter()
        .map(|e| (e.kind, e.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (PrincipalKind::Group, "devs"),
            (PrincipalKind::User, "frank")
        ]
    );
    for _ in 0..3 {
        s.create_policy_version(ACCT, &arn, "{}", false)
            .await
            .unwrap();
    }
    let sixth = s
        .create_policy_version(ACCT, &arn, "{}", false)
        .await
        .unwrap_err();
    assert_eq!(sixth.kind, ErrorKind::LimitExceeded);
    assert_eq!(
        s.delete_group(ACCT, "devs").await.unwrap_err().kind,
        ErrorKind::DeleteConflict
    );
}

#[tokio::test]
async fn roles_instance_profiles_tags_and_retired_trust() {
    let f = fixture().await;
    let s = &f.store;
    let trusted = s.create_user(ACCT, new_user("gina")).await.unwrap();
    let trust = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole"}}]}}"#,
        trusted.arn()
    );
    let role = s
        .create_role(
            ACCT,
            NewRole {
                name: "app".into(),
                path: "/".into(),
                assume_role_policy: trust,
                description: Some("d".into()),
                max_session_duration: 3600,
                permissions_boundary: None,
                service_linked: false,
                tags: vec![Tag::new("env", "prod")],
            },
        )
        .await
        .unwrap();
    assert!(role.role_id.starts_with("AROA"));
    let profile = s
        .create_instance_profile(ACCT, "web", "/", vec![])
        .await
        .unwrap();
    assert!(profile.instance_profile_id.starts_with("AIPA"));
    s.add_role_to_instance_profile(ACCT, "web", "app")
        .await
        .unwrap();
    let again = s
        .add_role_to_instance_profile(ACCT, "web", "app")
        .await
        .unwrap_err();
    assert_eq!(again.kind, ErrorKind::LimitExceeded);
    assert_eq!(
        s.get_instance_profile(ACCT, "web").await.unwrap().roles[0].name,
        "app"
    );
    assert_eq!(
        s.delete_role(ACCT, "app").await.unwrap_err().kind,
        ErrorKind::DeleteConflict
    );

    s.tag(
        ACCT,
        TagTarget::Role("app"),
        vec![Tag::new("ENV", "dev"), Tag::new("team", "x")],
    )
    .await
    .unwrap();
    let tags = s
        .list_tags(ACCT, TagTarget::Role("app"), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(tags.items, [Tag::new("ENV", "dev"), Tag::new("team", "x")]);
    s.untag(ACCT, TagTarget::Role("app"), vec!["env".into()])
        .await
        .unwrap();
    let many: Vec<_> = (0..50).map(|i| Tag::new(format!("k{i}"), "v")).collect();
    assert_eq!(
        s.tag(ACCT, TagTarget::Role("app"), many)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::LimitExceeded
    );

    // Deleting the trusted user leaves its unique id in the trust policy.
    s.delete_user(ACCT, "gina").await.unwrap();
    let role = s.get_role(ACCT, "app").await.unwrap();
    assert!(role
        .assume_role_policy
        .contains(&format!("\"{}\"", trusted.user_id)));
    assert!(!role.assume_role_policy.contains(&trusted.arn()));
}

#[tokio::test]
async fn writes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let counter;
    {
        let store = SqliteStore::open(
            dir.path(),
            MasterKey::load_or_create(dir.path(), None).unwrap(),
        )
        .unwrap();
        store.create_account(Some(ACCT.into()), None).await.unwrap();
        store.create_user(ACCT, new_user("henry")).await.unwrap();
        counter = store.change_counter();
    }
    let store = SqliteStore::open(
        dir.path(),
        MasterKey::load_or_create(dir.path(), None).unwrap(),
    )
    .unwrap();
    assert_eq!(store.get_user(ACCT, "henry").await.unwrap().name, "henry");
    assert_eq!(store.change_counter(), counter);
    assert_eq!(store.list_accounts().await.unwrap().len(), 1);
}
