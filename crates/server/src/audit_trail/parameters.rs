//! `requestParameters` from an awsQuery request: the operation's input shape (botocore's
//! model) walked over the form, members named as CloudTrail names them (`userName`,
//! `tags[].key`), integers and booleans typed, and secrets left out — members of
//! shapes the model marks sensitive (passwords, private keys, SAML assertions, web
//! identity tokens) and MFA codes.
use awsquery::model::{Member, ServiceModel, ShapeKind};
use awsquery::params::Node;
use awsquery::Params;
use serde_json::{Map, Value};

/// Members never written, whatever their shape: one-time codes.
const LEFT_OUT: &[&str] = &[
    "AuthenticationCode1",
    "AuthenticationCode2",
    "TokenCode",
    "OldPassword",
    "NewPassword",
    "Password",
];

/// `UserName` → `userName`.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The request's parameters as CloudTrail writes them; `None` when it has none.
pub fn of_request(service: awsquery::Service, action: &str, params: &Params) -> Option<Value> {
    let model = ServiceModel::of(service)?;
    let input = model.operation(action)?.input?;
    let ShapeKind::Structure(members) = &model.shape(input)?.kind else {
        return None;
    };
    let object = structure(model, members, &params.root());
    (!object.is_empty()).then_some(Value::Object(object))
}

fn structure(model: &ServiceModel, members: &[Member], node: &Node<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    for member in members {
        if LEFT_OUT.contains(&member.name) {
            continue;
        }
        if let Some(value) = member_value(model, member, node) {
            out.insert(lower_first(member.name), value);
        }
    }
    out
}

fn member_value(model: &ServiceModel, member: &Member, node: &Node<'_>) -> Option<Value> {
    let shape = model.shape(member.shape)?;
    if shape.sensitive {
        return None;
    }
    match &shape.kind {
        ShapeKind::Structure(members) => {
            if !node.has(member.name) {
                return None;
            }
            let inner = structure(model, members, &node.child(member.name));
            (!inner.is_empty()).then_some(Value::Object(inner))
        }
        ShapeKind::List { member: item, .. } => {
            let item_shape = model.shape(*item)?;
            if item_shape.sensitive {
                return None;
            }
            let items: Vec<Value> = match &item_shape.kind {
                ShapeKind::Structure(members) => node
                    .members(member.name)
                    .iter()
                    .map(|m| Value::Object(structure(model, members, m)))
                    .collect(),
                kind => node
                    .list(member.name)
                    .into_iter()
                    .map(|v| scalar(kind, v))
                    .collect(),
            };
            (!items.is_empty() || node.is_empty_list(member.name)).then_some(Value::Array(items))
        }
        ShapeKind::Map { .. } => {
            let entries = node.map(member.name);
            if entries.is_empty() {
                return None;
            }
            let object: Map<String, Value> = entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Value::String(v.unwrap_or("").to_owned())))
                .collect();
            Some(Value::Object(object))
        }
        kind => node.get(member.name).map(|v| scalar(kind, v)),
    }
}

fn scalar(kind: &ShapeKind, text: &str) -> Value {
    match kind {
        ShapeKind::Integer { .. } => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_owned()), Value::from),
        ShapeKind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn shapes_lists_numbers_and_leaves_out_secrets() {
        let p = params(&[
            ("Action", "CreateUser"),
            ("UserName", "jane"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "blue"),
        ]);
        assert_eq!(
            of_request(awsquery::Service::Iam, "CreateUser", &p),
            Some(json!({"userName": "jane", "tags": [{"key": "team", "value": "blue"}]}))
        );
        let p = params(&[
            ("UserName", "jane"),
            ("Password", "S3cret!pass"),
            ("PasswordResetRequired", "true"),
        ]);
        assert_eq!(
            of_request(awsquery::Service::Iam, "CreateLoginProfile", &p),
            Some(json!({"userName": "jane", "passwordResetRequired": true}))
        );
        let p = params(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/r"),
            ("RoleSessionName", "s"),
            ("DurationSeconds", "900"),
            ("SerialNumber", "arn:aws:iam::123456789012:mfa/m"),
            ("TokenCode", "123456"),
        ]);
        assert_eq!(
            of_request(awsquery::Service::Sts, "AssumeRole", &p),
            Some(json!({
                "roleArn": "arn:aws:iam::123456789012:role/r",
                "roleSessionName": "s",
                "durationSeconds": 900,
                "serialNumber": "arn:aws:iam::123456789012:mfa/m"
            }))
        );
        let p = params(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/r"),
            ("RoleSessionName", "s"),
            ("WebIdentityToken", "eyJhbGciOi.secret.token"),
        ]);
        let v = of_request(awsquery::Service::Sts, "AssumeRoleWithWebIdentity", &p).unwrap();
        assert!(!v.to_string().contains("eyJ"));
        assert_eq!(
            of_request(awsquery::Service::Iam, "ListUsers", &params(&[])),
            None
        );
    }
}
