//! MFA codes and login profiles against the SQLite store, on real database files:
//! single use that survives a restart, throttling, conflicts, reuse memory.
use store::api::*;
use store::totp::{step_of, CodeGenerator, MAX_FAILURES, STEP_SECONDS};
use store::{
    CodeCheck, ErrorKind, MasterKey, MfaAssignment, NewUser, PageRequest, PasswordPolicy,
    SecretString, SqliteStore, Timestamp,
};
use zeroize::Zeroizing;

const ACCT: &str = "123456789012";

fn open(dir: &std::path::Path) -> SqliteStore {
    let key = MasterKey::load_or_create(dir, None).unwrap();
    SqliteStore::open(dir, key).unwrap()
}

async fn with_user(store: &SqliteStore, name: &str) {
    store
        .create_user(
            ACCT,
            NewUser {
                name: name.into(),
                path: "/".into(),
                permissions_boundary: None,
                tags: vec![],
            },
        )
        .await
        .unwrap();
}

fn generator(base32: &SecretString) -> CodeGenerator {
    let bytes = totp_rs::Secret::Encoded(base32.expose().to_owned())
        .to_bytes()
        .unwrap();
    CodeGenerator::new(&Zeroizing::new(bytes))
}

fn later(t: Timestamp, steps: i64) -> Timestamp {
    Timestamp::from_millis(t.millis() + steps * STEP_SECONDS * 1000)
}

#[tokio::test]
async fn mfa_codes_are_single_use_across_restarts_and_throttled() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_account(Some(ACCT.into()), None).await.unwrap();
    with_user(&store, "alice").await;
    let created = store
        .create_virtual_mfa_device(ACCT, "alice", "/", vec![])
        .await
        .unwrap();
    let serial = created.device.serial_number.clone();
    assert_eq!(serial, format!("arn:aws:iam::{ACCT}:mfa/alice"));
    let codes = generator(&created.base32_seed);
    let now = Timestamp::from_millis(1_700_000_000_000);
    let s = step_of(now);
    let code = |step: i64| codes.code(step).unwrap();

    // Not enabled yet: no code is good.
    assert!(!store
        .verify_mfa_code(ACCT, &serial, &code(s), now)
        .await
        .unwrap());
    let enabled = store
        .enable_mfa_device(ACCT, "alice", &serial, (&code(s - 1), &code(s)), now)
        .await
        .unwrap();
    assert_eq!(enabled, CodeCheck::Accepted);
    // The enabling codes are used up.
    assert!(!store
        .verify_mfa_code(ACCT, &serial, &code(s), now)
        .await
        .unwrap());
    let next = later(now, 1);
    assert!(store
        .verify_mfa_code(ACCT, &serial, &code(s + 1), next)
        .await
        .unwrap());
    assert!(!store
        .verify_mfa_code(ACCT, &serial, &code(s + 1), next)
        .await
        .unwrap());

    // After a restart the accepted step is still remembered.
    drop(store);
    let store = open(dir.path());
    assert!(!store
        .verify_mfa_code(ACCT, &serial, &code(s + 1), next)
        .await
        .unwrap());
    let after = later(now, 2);
    assert!(store
        .verify_mfa_code(ACCT, &serial, &code(s + 2), after)
        .await
        .unwrap());

    // Wrong codes: refused, then throttled even for the right code.
    let wrong = if code(s + 3) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let t = later(now, 3);
    for _ in 0..MAX_FAILURES {
        assert!(!store
            .verify_mfa_code(ACCT, &serial, wrong, t)
            .await
            .unwrap());
    }
    let err = store
        .verify_mfa_code(ACCT, &serial, &code(s + 3), t)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::LimitExceeded);

    // Enabled devices hold their user and themselves.
    let listed = store
        .list_mfa_devices(ACCT, "alice", &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let err = store.delete_user(ACCT, "alice").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::DeleteConflict);
    let err = store
        .delete_virtual_mfa_device(ACCT, &serial)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::DeleteConflict);
    store
        .deactivate_mfa_device(ACCT, "alice", &serial)
        .await
        .unwrap();
    let unassigned = store
        .list_virtual_mfa_devices(ACCT, MfaAssignment::Unassigned, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(unassigned.items.len(), 1);
    store
        .delete_virtual_mfa_device(ACCT, &serial)
        .await
        .unwrap();
    store.delete_user(ACCT, "alice").await.unwrap();
}

#[tokio::test]
async fn login_profiles_remember_hashes_up_to_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_account(Some(ACCT.into()), None).await.unwrap();
    with_user(&store, "bob").await;
    store
        .put_password_policy(
            ACCT,
            PasswordPolicy {
                reuse_prevention: Some(2),
                ..PasswordPolicy::default()
            },
        )
        .await
        .unwrap();
    // Hash strings stand in for real hashes: the store only keeps what it is given.
    let hash = |s: &str| SecretString::new(s.to_owned());
    store
        .create_login_profile(ACCT, "BOB", hash("h1"), true)
        .await
        .unwrap();
    let profile = store.get_login_profile(ACCT, "bob").await.unwrap();
    assert_eq!(profile.user_name, "bob");
    assert!(profile.reset_required);
    for h in ["h2", "h3"] {
        store
            .update_login_profile(ACCT, "bob", Some(hash(h)), Some(false))
            .await
            .unwrap();
    }
    let secrets = store.login_secrets(ACCT, "bob").await.unwrap();
    assert_eq!(secrets.current_hash.expose(), "h3");
    let remembered: Vec<&str> = secrets.previous_hashes.iter().map(|h| h.expose()).collect();
    assert_eq!(remembered, ["h3", "h2"]);
    assert!(!secrets.profile.reset_required);

    let err = store.delete_user(ACCT, "bob").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::DeleteConflict);
    store.delete_login_profile(ACCT, "bob").await.unwrap();
    store.delete_user(ACCT, "bob").await.unwrap();

    store.delete_password_policy(ACCT).await.unwrap();
    let err = store.delete_password_policy(ACCT).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoSuchEntity);
    assert_eq!(
        err.message,
        format!("The Password Policy with domain name {ACCT} cannot be found.")
    );
}
