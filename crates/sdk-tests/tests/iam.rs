//! IAM through `aws-sdk-iam` against a real iamd: the SDK must parse every answer into its
//! typed shapes and every refusal into its typed (or unhandled) errors.

use aws_sdk_iam::config::Credentials;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::operation::create_user::CreateUserError;
use aws_sdk_iam::operation::delete_user::DeleteUserError;
use aws_sdk_iam::operation::get_user::GetUserError;
use aws_sdk_iam::operation::RequestId;
use aws_sdk_iam::types::StatusType;
use iamd_sdk_tests::{denial_sentence, unique, Iamd, ACCOUNT_ID};

const IAM_READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

/// A user of `iamd` with an access key; returns its name and a client signed with that key.
async fn user_with_key(
    iamd: &Iamd,
    root: &aws_sdk_iam::Client,
    policy: Option<&str>,
) -> (String, aws_sdk_iam::Client) {
    let name = unique("user");
    root.create_user().user_name(&name).send().await.unwrap();
    if let Some(document) = policy {
        root.put_user_policy()
            .user_name(&name)
            .policy_name("inline")
            .policy_document(document)
            .send()
            .await
            .unwrap();
    }
    let created = root
        .create_access_key()
        .user_name(&name)
        .send()
        .await
        .unwrap();
    let key = created.access_key().unwrap();
    let client = iamd.iam(Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "test-user",
    ));
    (name, client)
}

#[tokio::test]
async fn user_create_get_list_delete() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let name = unique("alice");

    let created = root
        .create_user()
        .user_name(&name)
        .path("/engineering/")
        .send()
        .await
        .unwrap();
    let user = created.user().unwrap();
    assert_eq!(user.user_name(), name);
    assert_eq!(user.path(), "/engineering/");
    assert_eq!(
        user.arn(),
        format!("arn:aws:iam::{ACCOUNT_ID}:user/engineering/{name}")
    );
    assert!(user.user_id().starts_with("AIDA"), "{}", user.user_id());
    assert!(created.request_id().is_some_and(|id| !id.is_empty()));

    let got = root.get_user().user_name(&name).send().await.unwrap();
    let got = got.user().unwrap();
    assert_eq!(got.user_id(), user.user_id());
    assert_eq!(got.arn(), user.arn());
    assert_eq!(got.create_date(), user.create_date());

    // A second user of the same name, in any letter case, is refused with the typed error.
    let duplicate = root
        .create_user()
        .user_name(name.to_uppercase())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            duplicate.as_service_error(),
            Some(CreateUserError::EntityAlreadyExistsException(_))
        ),
        "{duplicate:?}"
    );

    let listed = root
        .list_users()
        .path_prefix("/engineering/")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = listed.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, [name.as_str()]);
    assert!(!listed.is_truncated());

    root.delete_user().user_name(&name).send().await.unwrap();
    let listed = root
        .list_users()
        .path_prefix("/engineering/")
        .send()
        .await
        .unwrap();
    assert!(listed.users().is_empty());
}

#[tokio::test]
async fn missing_user_is_the_typed_no_such_entity_error() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let name = unique("nobody");

    let err = root.get_user().user_name(&name).send().await.unwrap_err();
    let SdkError::ServiceError(context) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(context.raw().status().as_u16(), 404);
    match context.err() {
        GetUserError::NoSuchEntityException(e) => {
            assert_eq!(
                e.message(),
                Some(format!("The user with name {name} cannot be found.").as_str())
            );
            assert_eq!(e.code(), Some("NoSuchEntity"));
            assert!(e.request_id().is_some_and(|id| !id.is_empty()));
        }
        other => panic!("expected NoSuchEntityException, got {other:?}"),
    }

    let err = root
        .delete_user()
        .user_name(&name)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(DeleteUserError::NoSuchEntityException(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn access_key_signs_a_second_client_as_the_user() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let name = unique("keyed");
    root.create_user().user_name(&name).send().await.unwrap();
    root.put_user_policy()
        .user_name(&name)
        .policy_name("self")
        .policy_document(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
                "Action":["iam:GetUser","iam:ListAccessKeys"],
                "Resource":"arn:aws:iam::{ACCOUNT_ID}:user/{name}"}}]}}"#
        ))
        .send()
        .await
        .unwrap();

    let created = root
        .create_access_key()
        .user_name(&name)
        .send()
        .await
        .unwrap();
    let key = created.access_key().unwrap();
    assert!(key.access_key_id().starts_with("AKIA"));
    assert_eq!(key.access_key_id().len(), 20);
    assert_eq!(key.secret_access_key().len(), 40);
    assert_eq!(key.status(), &StatusType::Active);
    assert_eq!(key.user_name(), name);

    let user = iamd.iam(Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "test-user",
    ));
    // Without a user name GetUser answers for the caller.
    let me = user.get_user().send().await.unwrap();
    assert_eq!(me.user().unwrap().user_name(), name);
    let keys = user.list_access_keys().send().await.unwrap();
    let ids: Vec<&str> = keys
        .access_key_metadata()
        .iter()
        .filter_map(|k| k.access_key_id())
        .collect();
    assert_eq!(ids, [key.access_key_id()]);

    // A deactivated key no longer signs anything.
    root.update_access_key()
        .user_name(&name)
        .access_key_id(key.access_key_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let err = user.get_user().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"), "{err:?}");
    assert_eq!(
        err.message(),
        Some("The security token included in the request is invalid.")
    );

    // A wrong secret is caught by the signature check.
    let forger = iamd.iam(Credentials::new(
        key.access_key_id(),
        "0000000000000000000000000000000000000000",
        None,
        None,
        "forger",
    ));
    root.update_access_key()
        .user_name(&name)
        .access_key_id(key.access_key_id())
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    let err = forger.get_user().send().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert!(user.get_user().send().await.is_ok());
}

#[tokio::test]
async fn user_without_permissions_is_denied() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let (name, user) = user_with_key(&iamd, &root, None).await;
    let target = unique("bob");

    let err = user
        .create_user()
        .user_name(&target)
        .send()
        .await
        .unwrap_err();
    let SdkError::ServiceError(context) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(context.raw().status().as_u16(), 403);
    // AccessDenied is not one of IAM's modelled errors: the SDK carries it as an unmodelled
    // error whose code and message come from the error response.
    assert_eq!(context.err().code(), Some("AccessDenied"));
    assert_eq!(
        context.err().message().map(denial_sentence),
        Some(
            format!(
                "User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: \
                 iam:CreateUser on resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} \
                 because no identity-based policy allows the iam:CreateUser action"
            )
            .as_str()
        )
    );
    assert!(context.err().request_id().is_some_and(|id| !id.is_empty()));

    // Nothing was created.
    let err = root.get_user().user_name(&target).send().await.unwrap_err();
    assert!(matches!(
        err.as_service_error(),
        Some(GetUserError::NoSuchEntityException(_))
    ));
}

#[tokio::test]
async fn aws_managed_policy_attached_to_a_user() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let (name, user) = user_with_key(&iamd, &root, None).await;

    let policy = root
        .get_policy()
        .policy_arn(IAM_READ_ONLY)
        .send()
        .await
        .unwrap();
    let policy = policy.policy().unwrap();
    assert_eq!(policy.policy_name(), Some("IAMReadOnlyAccess"));
    assert_eq!(policy.arn(), Some(IAM_READ_ONLY));
    assert!(policy.default_version_id().is_some());

    assert_eq!(
        user.list_users().send().await.unwrap_err().code(),
        Some("AccessDenied")
    );
    root.attach_user_policy()
        .user_name(&name)
        .policy_arn(IAM_READ_ONLY)
        .send()
        .await
        .unwrap();
    let attached = root
        .list_attached_user_policies()
        .user_name(&name)
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert_eq!(arns, [IAM_READ_ONLY]);

    // Read-only: listing is allowed now, creating is not.
    let users = user.list_users().send().await.unwrap();
    assert!(users.users().iter().any(|u| u.user_name() == name));
    let err = user
        .create_user()
        .user_name(unique("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    // A user with an attached policy cannot be deleted until it is detached.
    let keys = root
        .list_access_keys()
        .user_name(&name)
        .send()
        .await
        .unwrap();
    for key in keys.access_key_metadata() {
        root.delete_access_key()
            .user_name(&name)
            .set_access_key_id(key.access_key_id().map(str::to_string))
            .send()
            .await
            .unwrap();
    }
    let err = root
        .delete_user()
        .user_name(&name)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_service_error(),
            Some(DeleteUserError::DeleteConflictException(_))
        ),
        "{err:?}"
    );
    root.detach_user_policy()
        .user_name(&name)
        .policy_arn(IAM_READ_ONLY)
        .send()
        .await
        .unwrap();
    root.delete_user().user_name(&name).send().await.unwrap();
}

#[tokio::test]
async fn list_users_paginator_follows_markers() {
    let iamd = Iamd::start();
    let root = iamd.root_iam();
    let path = format!("/{}/", unique("pager"));
    let mut expected = Vec::new();
    for i in 0..7 {
        let name = format!("paged-{i}");
        root.create_user()
            .user_name(&name)
            .path(&path)
            .send()
            .await
            .unwrap();
        expected.push(name);
    }

    let pages: Vec<_> = root
        .list_users()
        .path_prefix(&path)
        .max_items(3)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.users().len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let truncated: Vec<bool> = pages.iter().map(|p| p.is_truncated()).collect();
    assert_eq!(truncated, [true, true, false]);
    assert!(pages[..2].iter().all(|p| p.marker().is_some()));

    // The item stream walks the same pages; names come back in IAM's order.
    let names: Vec<String> = root
        .list_users()
        .path_prefix(&path)
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.user_name().to_string())
        .collect();
    assert_eq!(names, expected);
}
