//! Reading and validating operation parameters, with AWS's `ValidationError` wording
//! (constraints from botocore's IAM model).
use awsquery::Params;
use store::{PageRequest, Tag, MAX_TAGS};

use crate::error::{ApiError, ApiResult};

/// `1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: ...`
fn violation(value: Option<&str>, member: &str, constraint: &str) -> ApiError {
    let value = match value {
        Some(v) => format!("'{v}'"),
        None => "null".to_owned(),
    };
    ApiError::validation(format!(
        "1 validation error detected: Value {value} at '{}' failed to satisfy constraint: {constraint}",
        member_name(member)
    ))
}

/// AWS names members in camel case in these messages (`UserName` → `userName`).
fn member_name(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A required parameter.
pub fn required<'a>(params: &'a Params, member: &str) -> ApiResult<&'a str> {
    params
        .get(member)
        .ok_or_else(|| violation(None, member, "Member must not be null"))
}

fn check_length(value: &str, member: &str, min: usize, max: usize) -> ApiResult<()> {
    let len = value.chars().count();
    if len < min {
        return Err(violation(
            Some(value),
            member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if len > max {
        return Err(violation(
            Some(value),
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

fn check_chars(
    value: &str,
    member: &str,
    pattern: &str,
    ok: impl Fn(char) -> bool,
) -> ApiResult<()> {
    if value.chars().all(ok) {
        Ok(())
    } else {
        Err(violation(
            Some(value),
            member,
            &format!("Member must satisfy regular expression pattern: {pattern}"),
        ))
    }
}

/// `[\w+=,.@-]+`: names of users, groups, roles, policies, instance profiles.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || "+=,.@-".contains(c)
}

/// An entity name (`userNameType`, `groupNameType`, ...), `max` characters at most.
pub fn name(value: &str, member: &str, max: usize) -> ApiResult<()> {
    check_length(value, member, 1, max)?;
    check_chars(value, member, r"[\w+=,.@-]+", is_name_char)
}

/// A required entity name.
pub fn required_name<'a>(params: &'a Params, member: &str, max: usize) -> ApiResult<&'a str> {
    let value = required(params, member)?;
    name(value, member, max)?;
    Ok(value)
}

/// An optional entity name.
pub fn optional_name<'a>(
    params: &'a Params,
    member: &str,
    max: usize,
) -> ApiResult<Option<&'a str>> {
    params
        .get(member)
        .map(|v| name(v, member, max).map(|_| v))
        .transpose()
}

/// `pathType`: `/` or `/` + printable ASCII + `/`, up to 512 characters.
pub fn path(value: &str, member: &str) -> ApiResult<()> {
    check_length(value, member, 1, 512)?;
    let pattern = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
    let ok = value == "/"
        || (value.len() >= 2
            && value.starts_with('/')
            && value.ends_with('/')
            && value.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)));
    if ok {
        Ok(())
    } else {
        Err(violation(
            Some(value),
            member,
            &format!("Member must satisfy regular expression pattern: {pattern}"),
        ))
    }
}

/// An optional path, `/` when absent.
pub fn path_or_root(params: &Params, member: &str) -> ApiResult<String> {
    match params.get(member) {
        Some(p) => {
            path(p, member)?;
            Ok(p.to_owned())
        }
        None => Ok("/".to_owned()),
    }
}

/// `pathPrefixType`: `/` followed by printable ASCII; `/` when absent.
pub fn path_prefix(params: &Params, member: &str) -> ApiResult<String> {
    let Some(value) = params.get(member) else {
        return Ok("/".to_owned());
    };
    check_length(value, member, 1, 512)?;
    let ok = value.starts_with('/') && value.chars().all(|c| ('\u{21}'..='\u{7f}').contains(&c));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(violation(
            Some(value),
            member,
            r"Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*",
        ))
    }
}

/// `Marker` and `MaxItems` as a page request.
pub fn page(params: &Params) -> ApiResult<PageRequest> {
    let marker = match params.get("Marker") {
        Some(m) => {
            check_length(m, "Marker", 1, 320)?;
            check_chars(m, "Marker", r"[\u0020-\u00FF]+", |c| {
                ('\u{20}'..='\u{ff}').contains(&c)
            })?;
            Some(m.to_owned())
        }
        None => None,
    };
    let max_items = match params.get("MaxItems") {
        Some(raw) => {
            let n: i64 = raw.parse().map_err(|_| {
                ApiError::validation(format!(
                    "1 validation error detected: Value '{raw}' at 'maxItems' failed to satisfy constraint: Member must be a number"
                ))
            })?;
            if n < 1 {
                return Err(violation(
                    Some(raw),
                    "MaxItems",
                    "Member must have value greater than or equal to 1",
                ));
            }
            if n > 1000 {
                return Err(violation(
                    Some(raw),
                    "MaxItems",
                    "Member must have value less than or equal to 1000",
                ));
            }
            Some(n as usize)
        }
        None => None,
    };
    Ok(PageRequest::new(marker, max_items))
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: the characters of tag keys and values.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// `Tags.member.N.Key` / `.Value`: at most 50, keys unique case-insensitively.
pub fn tags(params: &Params) -> ApiResult<Vec<Tag>> {
    let raw = params.structure_list("Tags", &["Key", "Value"]);
    if raw.len() > MAX_TAGS {
        return Err(violation(
            Some(&format!("{} tags", raw.len())),
            "Tags",
            &format!("Member must have length less than or equal to {MAX_TAGS}"),
        ));
    }
    let mut tags: Vec<Tag> = Vec::with_capacity(raw.len());
    for (i, fields) in raw.iter().enumerate() {
        let key_member = format!("tags.{}.member.key", i + 1);
        let value_member = format!("tags.{}.member.value", i + 1);
        let key = fields.first().copied().flatten();
        let value = fields.get(1).copied().flatten();
        let key = key.ok_or_else(|| violation(None, &key_member, "Member must not be null"))?;
        let value =
            value.ok_or_else(|| violation(None, &value_member, "Member must not be null"))?;
        check_length(key, &key_member, 1, 128)?;
        check_chars(
            key,
            &key_member,
            r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
            is_tag_char,
        )?;
        check_length(value, &value_member, 0, 256)?;
        check_chars(
            value,
            &value_member,
            r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
            is_tag_char,
        )?;
        if tags
            .iter()
            .any(|t| t.key.to_lowercase() == key.to_lowercase())
        {
            return Err(ApiError::invalid_input(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
        tags.push(Tag::new(key, value));
    }
    Ok(tags)
}

/// `TagKeys.member.N`: 1 to 50 keys.
pub fn tag_keys(params: &Params) -> ApiResult<Vec<String>> {
    let keys = params.list("TagKeys");
    if keys.is_empty() {
        return Err(violation(None, "TagKeys", "Member must not be null"));
    }
    if keys.len() > MAX_TAGS {
        return Err(violation(
            Some(&format!("{} keys", keys.len())),
            "TagKeys",
            &format!("Member must have length less than or equal to {MAX_TAGS}"),
        ));
    }
    for key in &keys {
        check_length(key, "tagKeys", 1, 128)?;
        check_chars(key, "tagKeys", r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+", is_tag_char)?;
    }
    Ok(keys.into_iter().map(str::to_owned).collect())
}

/// `policyDocumentType`: 1 to 131,072 characters of tab, newline, carriage return and
/// `U+0020`–`U+00FF`.
pub fn policy_document<'a>(params: &'a Params, member: &str) -> ApiResult<&'a str> {
    let value = required(params, member)?;
    check_length(value, member, 1, 131_072)?;
    let ok = |c: char| matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c);
    check_chars(value, member, r"[\u0009\u000A\u000D\u0020-\u00FF]+", ok)?;
    Ok(value)
}

/// `arnType`: 20 to 2,048 characters.
pub fn arn<'a>(params: &'a Params, member: &str) -> ApiResult<&'a str> {
    let value = required(params, member)?;
    check_length(value, member, 20, 2048)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_aws_wording() {
        let p = Params::from_pairs([("UserName", "bad name"), ("Path", "nope")]);
        assert_eq!(
            required_name(&p, "UserName", 64).unwrap_err().message(),
            r"1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
        );
        assert_eq!(
            required(&p, "PolicyName").unwrap_err().message(),
            "1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null"
        );
        assert!(path_or_root(&p, "Path").is_err());
        let long = "a".repeat(65);
        let p = Params::from_pairs([("UserName", long.as_str())]);
        assert!(required_name(&p, "UserName", 64)
            .unwrap_err()
            .message()
            .ends_with("Member must have length less than or equal to 64"));
    }

    #[test]
    fn pages_and_tags() {
        let p = Params::from_pairs([("MaxItems", "0")]);
        assert_eq!(page(&p).unwrap_err().code(), "ValidationError");
        let p = Params::from_pairs([("MaxItems", "5")]);
        assert_eq!(page(&p).unwrap().max_items, 5);
        let p = Params::from_pairs([
            ("Tags.member.1.Key", "Env"),
            ("Tags.member.1.Value", "x"),
            ("Tags.member.2.Key", "env"),
            ("Tags.member.2.Value", "y"),
        ]);
        assert_eq!(tags(&p).unwrap_err().code(), "InvalidInput");
        assert!(path("/a/", "Path").is_ok());
        assert!(path("/a", "Path").is_err());
    }
}
