//! `responseElements` from an awsQuery response: the `<{Action}Result>` element as JSON
//! (members named as CloudTrail names them, `member` lists as arrays, dates in
//! CloudTrail's `Nov 23, 2026, 5:07:53 PM` form), secrets left out: secret access keys,
//! session tokens, virtual MFA seeds and QR codes, service passwords, private keys,
//! issued web identity tokens.
use serde_json::{Map, Value};

use super::parameters::lower_first;

/// Members never written.
const LEFT_OUT: &[&str] = &[
    "secretAccessKey",
    "sessionToken",
    "base32StringSeed",
    "qRCodePNG",
    "servicePassword",
    "privateKey",
    "webIdentityToken",
    "password",
];

/// Members that are numbers in AWS's output shapes.
const NUMBERS: &[&str] = &[
    "packedPolicySize",
    "maxSessionDuration",
    "attachmentCount",
    "permissionsBoundaryUsageCount",
    "durationSeconds",
];

/// The result element of `action`'s response `xml` as CloudTrail writes it; `None`
/// when the response has no result content.
pub fn of_response(xml: &str, action: &str) -> Option<Value> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let result_name = format!("{action}Result");
    let result = doc
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == result_name)?;
    let object = object_of(result);
    (!object.is_empty()).then_some(Value::Object(object))
}

fn object_of(node: roxmltree::Node<'_, '_>) -> Map<String, Value> {
    let mut out = Map::new();
    for child in node.children().filter(roxmltree::Node::is_element) {
        let key = lower_first(child.tag_name().name());
        if LEFT_OUT.contains(&key.as_str()) {
            continue;
        }
        if let Some(value) = value_of(&key, child) {
            out.insert(key, value);
        }
    }
    out
}

fn value_of(key: &str, node: roxmltree::Node<'_, '_>) -> Option<Value> {
    let children: Vec<_> = node
        .children()
        .filter(roxmltree::Node::is_element)
        .collect();
    if children.is_empty() {
        let text = node.text()?;
        return Some(leaf(key, text));
    }
    if children.iter().all(|c| c.tag_name().name() == "member") {
        return Some(Value::Array(
            children
                .into_iter()
                .filter_map(|c| value_of(key, c))
                .collect(),
        ));
    }
    if children.iter().all(|c| c.tag_name().name() == "entry") {
        let mut map = Map::new();
        for entry in children {
            let field = |name: &str| {
                entry
                    .children()
                    .find(|c| c.is_element() && c.tag_name().name() == name)
                    .and_then(|c| c.text())
            };
            if let Some(k) = field("key") {
                map.insert(
                    k.to_owned(),
                    Value::String(field("value").unwrap_or("").into()),
                );
            }
        }
        return Some(Value::Object(map));
    }
    Some(Value::Object(object_of(node)))
}

fn leaf(key: &str, text: &str) -> Value {
    if NUMBERS.contains(&key) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    if key.starts_with("is") || key == "passwordResetRequired" {
        match text {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    if key.ends_with("Date") || key == "expiration" {
        if let Some(millis) = audit::time::parse_iso8601(text) {
            return Value::String(audit::time::response_date(millis));
        }
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn access_keys_and_credentials_lose_their_secrets() {
        let xml = r#"<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateAccessKeyResult><AccessKey><UserName>jane</UserName><AccessKeyId>AKIAEXAMPLE</AccessKeyId>
  <Status>Active</Status><SecretAccessKey>wJalrXUtnFEMI</SecretAccessKey>
  <CreateDate>2026-11-23T17:07:53Z</CreateDate></AccessKey></CreateAccessKeyResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateAccessKeyResponse>"#;
        assert_eq!(
            of_response(xml, "CreateAccessKey"),
            Some(json!({"accessKey": {
                "userName": "jane", "accessKeyId": "AKIAEXAMPLE", "status": "Active",
                "createDate": "Nov 23, 2026, 5:07:53 PM"}}))
        );
        let xml = r#"<AssumeRoleResponse><AssumeRoleResult>
  <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>
  <SessionToken>token</SessionToken><Expiration>2026-11-23T18:07:53Z</Expiration></Credentials>
  <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
  <PackedPolicySize>6</PackedPolicySize></AssumeRoleResult></AssumeRoleResponse>"#;
        assert_eq!(
            of_response(xml, "AssumeRole"),
            Some(json!({
                "credentials": {"accessKeyId": "ASIAEXAMPLE", "expiration": "Nov 23, 2026, 6:07:53 PM"},
                "assumedRoleUser": {"arn": "arn:aws:sts::1:assumed-role/r/s", "assumedRoleId": "AROA:s"},
                "packedPolicySize": 6
            }))
        );
        let xml =
            "<ListUsersResponse><ListUsersResult><Users><member><UserName>a</UserName></member>\
                   <member><UserName>b</UserName></member></Users><IsTruncated>false</IsTruncated>\
                   </ListUsersResult></ListUsersResponse>";
        assert_eq!(
            of_response(xml, "ListUsers"),
            Some(json!({"users": [{"userName": "a"}, {"userName": "b"}], "isTruncated": false}))
        );
        assert_eq!(of_response("<DeleteUserResponse/>", "DeleteUser"), None);
    }
}
