//! XML responses, snapshotted (tests/snapshots/), and checked to parse as clients
//! parse them.

use std::time::{Duration, UNIX_EPOCH};

use awsquery::xml::{escape, url_encode_document};
use awsquery::{error_response, Fault, Response, IAM_NAMESPACE, STS_NAMESPACE};

fn created() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

#[test]
fn get_user_response() {
    let mut r = Response::new(IAM_NAMESPACE, "GetUser");
    r.body().element("User", |w| {
        w.text("Path", "/division_abc/subdivision_xyz/")
            .text("UserName", "Bob")
            .text("UserId", "AIDACKCEVSQ6C2EXAMPLE")
            .text(
                "Arn",
                "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob",
            )
            .date("CreateDate", created())
            .opt_text("PermissionsBoundary", None)
            .list("Tags", [("Dept", "R&D <core>")], |w, (k, v)| {
                w.text("Key", k).text("Value", v);
            });
    });
    insta::assert_snapshot!(r.finish("7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"));
}

#[test]
fn list_response_with_pagination() {
    let mut r = Response::new(IAM_NAMESPACE, "ListGroupsForUser");
    r.body()
        .list("Groups", ["Admins", "Dev"], |w, name| {
            w.text("GroupName", name).display("Count", name.len());
        })
        .bool("IsTruncated", true)
        .text("Marker", "AAAA/=");
    insta::assert_snapshot!(r.finish("req"));
}

#[test]
fn empty_list_and_no_result() {
    let mut r = Response::new(IAM_NAMESPACE, "ListUsers");
    r.body()
        .text_list("Users", Vec::<&str>::new())
        .bool("IsTruncated", false);
    insta::assert_snapshot!("empty_list", r.finish("req"));
    insta::assert_snapshot!(
        "no_result",
        Response::without_result(IAM_NAMESPACE, "DeleteUser").finish("req")
    );
}

#[test]
fn policy_documents_are_url_encoded() {
    let doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    let mut r = Response::new(IAM_NAMESPACE, "GetRolePolicy");
    r.body()
        .text("RoleName", "r")
        .text("PolicyName", "p")
        .policy_document("PolicyDocument", doc);
    insta::assert_snapshot!(r.finish("req"));
    assert_eq!(url_encode_document("a b/é~"), "a%20b%2F%C3%A9~");
}

#[test]
fn sts_credentials_use_milliseconds() {
    let mut r = Response::new(STS_NAMESPACE, "GetSessionToken");
    r.body().element("Credentials", |w| {
        w.text("AccessKeyId", "ASIAIOSFODNN7EXAMPLE")
            .date_millis("Expiration", created() + Duration::from_millis(3_600_123));
    });
    insta::assert_snapshot!(r.finish("req"));
}

#[test]
fn error_document() {
    insta::assert_snapshot!(error_response(
        IAM_NAMESPACE,
        Fault::Sender,
        "ValidationError",
        "1 validation error detected: Value 'a<b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        "req"
    ));
    insta::assert_snapshot!(
        "receiver_error",
        error_response(
            STS_NAMESPACE,
            Fault::Receiver,
            "InternalFailure",
            "oops",
            "req"
        )
    );
}

#[test]
fn escaping_covers_markup_and_unrepresentable_characters() {
    assert_eq!(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    assert_eq!(escape("tab\tnl\ncr\r"), "tab\tnl\ncr&#xD;");
    assert_eq!(
        escape("nul\u{0}bell\u{7}\u{FFFF}"),
        "nul\u{FFFD}bell\u{FFFD}\u{FFFD}"
    );
    assert_eq!(escape("日本 ሴ 😀"), "日本 ሴ 😀");
}
