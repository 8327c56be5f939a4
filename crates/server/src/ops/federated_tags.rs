//! Session tags an identity provider passes: SAML `PrincipalTag:KEY` and
//! `TransitiveTagKeys` attributes, and the `https://aws.amazon.com/tags` claim of a
//! web identity token (`principal_tags`, `transitive_tag_keys`). Either becomes the
//! role session's tags, which the trust policy must allow with `sts:TagSession`.
use serde_json::{Map, Value};
use store::Tag;

/// The SAML attribute listing which principal tags pass on to chained sessions.
pub const SAML_TRANSITIVE_ATTRIBUTE: &str =
    "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";
/// The web identity token claim carrying session tags.
pub const WEB_IDENTITY_TAGS_CLAIM: &str = "https://aws.amazon.com/tags";

/// The most session tags a session may carry.
const MAX_TAGS: usize = 50;

/// Session tags and their transitive keys.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SessionTags {
    pub tags: Vec<Tag>,
    pub transitive_keys: Vec<String>,
}

impl SessionTags {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }
}

/// The tags of a SAML assertion: its `PrincipalTag:KEY` attributes (already read by
/// the federation crate) and its `TransitiveTagKeys` attribute.
pub fn from_saml(
    principal_tags: &[(String, String)],
    attributes: &[(String, Vec<String>)],
) -> Result<SessionTags, String> {
    let tags = principal_tags
        .iter()
        .map(|(k, v)| Tag::new(k.clone(), v.clone()))
        .collect();
    let transitive_keys = attributes
        .iter()
        .filter(|(name, _)| name == SAML_TRANSITIVE_ATTRIBUTE)
        .flat_map(|(_, values)| values.iter().cloned())
        .collect();
    checked(SessionTags {
        tags,
        transitive_keys,
    })
}

/// The tags of a web identity token's `https://aws.amazon.com/tags` claim:
/// `principal_tags` maps each key to an array of one string (a bare string is taken
/// too), `transitive_tag_keys` is an array of keys.
pub fn from_web_identity(claims: &Map<String, Value>) -> Result<SessionTags, String> {
    let Some(claim) = claims.get(WEB_IDENTITY_TAGS_CLAIM) else {
        return Ok(SessionTags::default());
    };
    let claim = claim
        .as_object()
        .ok_or("the https://aws.amazon.com/tags claim must be an object")?;
    let mut tags = Vec::new();
    if let Some(principal) = claim.get("principal_tags") {
        let principal = principal
            .as_object()
            .ok_or("principal_tags must be an object")?;
        for (key, value) in principal {
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Array(items) => match items.as_slice() {
                    [Value::String(s)] => s.clone(),
                    _ => {
                        return Err(format!(
                            "the principal tag {key} must have one string value"
                        ))
                    }
                },
                _ => {
                    return Err(format!(
                        "the principal tag {key} must have one string value"
                    ))
                }
            };
            tags.push(Tag::new(key.clone(), value));
        }
    }
    let mut transitive_keys = Vec::new();
    if let Some(keys) = claim.get("transitive_tag_keys") {
        let keys = keys
            .as_array()
            .ok_or("transitive_tag_keys must be an array")?;
        for key in keys {
            let key = key
                .as_str()
                .ok_or("transitive_tag_keys must hold strings")?;
            transitive_keys.push(key.to_owned());
        }
    }
    checked(SessionTags {
        tags,
        transitive_keys,
    })
}

/// IAM's tag rules, one value per key (keys compare case-insensitively), and every
/// transitive key one of the tags.
fn checked(tags: SessionTags) -> Result<SessionTags, String> {
    if tags.tags.len() > MAX_TAGS {
        return Err(format!(
            "A session may carry at most {MAX_TAGS} session tags."
        ));
    }
    for (i, tag) in tags.tags.iter().enumerate() {
        let key_ok =
            (1..=128).contains(&tag.key.chars().count()) && tag.key.chars().all(is_tag_char);
        let value_ok = tag.value.chars().count() <= 256 && tag.value.chars().all(is_tag_char);
        if !key_ok || !value_ok {
            return Err(format!("The session tag {} is not a valid tag.", tag.key));
        }
        if tags.tags[..i]
            .iter()
            .any(|t| t.key.eq_ignore_ascii_case(&tag.key))
        {
            return Err(format!("The session tag key {} is duplicated.", tag.key));
        }
    }
    for key in &tags.transitive_keys {
        if !tags.tags.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
            return Err(format!(
                "The transitive tag key {key} is not one of the session tags."
            ));
        }
    }
    Ok(tags)
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(value: Value) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(WEB_IDENTITY_TAGS_CLAIM.to_owned(), value);
        m
    }

    #[test]
    fn web_identity_tags_follow_the_documented_claim() {
        let got = from_web_identity(&claims(json!({
            "principal_tags": {"Project": ["Pegasus"], "CostCenter": "98765"},
            "transitive_tag_keys": ["Project"]
        })))
        .unwrap();
        assert_eq!(got.tags.len(), 2);
        assert!(got.tags.contains(&Tag::new("Project", "Pegasus")));
        assert!(got.tags.contains(&Tag::new("CostCenter", "98765")));
        assert_eq!(got.transitive_keys, vec!["Project".to_owned()]);
        assert!(from_web_identity(&Map::new()).unwrap().is_empty());
        let two_values = claims(json!({"principal_tags": {"A": ["x", "y"]}}));
        assert!(from_web_identity(&two_values).is_err());
        let stray = claims(json!({"principal_tags": {"A": ["x"]}, "transitive_tag_keys": ["B"]}));
        assert!(from_web_identity(&stray).is_err());
        assert!(from_web_identity(&claims(json!("tags"))).is_err());
    }

    #[test]
    fn saml_tags_and_transitive_keys() {
        let tags = vec![("Dept".to_owned(), "Eng".to_owned())];
        let attributes = vec![
            (
                SAML_TRANSITIVE_ATTRIBUTE.to_owned(),
                vec!["dept".to_owned()],
            ),
            ("other".to_owned(), vec!["x".to_owned()]),
        ];
        let got = from_saml(&tags, &attributes).unwrap();
        assert_eq!(got.tags, vec![Tag::new("Dept", "Eng")]);
        assert_eq!(got.transitive_keys, vec!["dept".to_owned()]);
        let bad = vec![("Bad*Key".to_owned(), "v".to_owned())];
        assert!(from_saml(&bad, &[]).is_err());
    }
}
