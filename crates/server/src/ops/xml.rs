//! XML of the shapes several operations return, in the member order of AWS's answers.
use awsquery::XmlWriter;
use store::{AccessKey, Page, Tag, User};

/// The `User` shape. `with_tags`: `GetUser` and `CreateUser` include tags; listings do not.
pub fn user(w: &mut XmlWriter, user: &User, with_tags: bool) {
    w.text("Path", &user.path)
        .text("UserName", &user.name)
        .text("UserId", &user.user_id)
        .text("Arn", &user.arn())
        .text("CreateDate", &user.created.iso8601());
    if let Some(used) = user.password_last_used {
        w.text("PasswordLastUsed", &used.iso8601());
    }
    if let Some(boundary) = &user.permissions_boundary {
        permissions_boundary(w, boundary);
    }
    if with_tags && !user.tags.is_empty() {
        tags(w, &user.tags);
    }
}

/// `PermissionsBoundary` of a user or role.
pub fn permissions_boundary(w: &mut XmlWriter, arn: &str) {
    w.element("PermissionsBoundary", |w| {
        w.text("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
            .text("PermissionsBoundaryArn", arn);
    });
}

/// `Tags` as a list of `Key`/`Value` members.
pub fn tags(w: &mut XmlWriter, tags: &[Tag]) {
    w.list("Tags", tags, |w, tag| {
        w.text("Key", &tag.key).text("Value", &tag.value);
    });
}

/// `IsTruncated` and, when truncated, `Marker`.
pub fn truncation<T>(w: &mut XmlWriter, page: &Page<T>) {
    w.bool("IsTruncated", page.is_truncated());
    if let Some(marker) = &page.marker {
        w.text("Marker", marker);
    }
}

/// The `AccessKeyMetadata` shape.
pub fn access_key_metadata(w: &mut XmlWriter, key: &AccessKey, user_name: &str) {
    w.text("UserName", user_name)
        .text("AccessKeyId", &key.access_key_id)
        .text("Status", key.status.as_str())
        .text("CreateDate", &key.created.iso8601());
}
