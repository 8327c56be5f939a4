//! A SAML 2.0 `Response` as `AssumeRoleWithSAML` receives it: checked against the IdP's
//! metadata and the clock, and read into the facts STS needs.
//!
//! The order of checks matters for safety: the signature is verified first, and every
//! fact is then read only from the one `Assertion` the verified signature covers (a
//! direct child of a signed `Response`, or itself signed).
use roxmltree::Node;

use super::metadata::IdpMetadata;
use super::{parse_instant, ASSERTION_NS, PROTOCOL_NS};
use crate::b64;
use crate::xml::dsig::{signature_of, verify_enveloped, DsigError};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const NAME_ID_FORMAT_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const SESSION_NAME_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
pub const SESSION_DURATION_ATTRIBUTE: &str =
    "https://aws.amazon.com/SAML/Attributes/SessionDuration";
pub const SOURCE_IDENTITY_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
pub const PRINCIPAL_TAG_PREFIX: &str = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";

/// Seconds the IdP's clock may run ahead of ours for `NotBefore`.
const CLOCK_SKEW: i64 = 60;

/// Why a response is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlError {
    /// Not base64, not XML, not a SAML response, or a required part is missing.
    Malformed(String),
    /// The IdP reported a failure status.
    Status(String),
    /// The signature is missing or does not hold.
    Signature(DsigError),
    /// The issuer is not the provider's entity id.
    Issuer,
    /// No audience or bearer recipient names the sign-in endpoint.
    Audience,
    /// The assertion's validity has ended.
    Expired,
    /// The assertion is not valid yet.
    NotYetValid,
}

impl std::fmt::Display for SamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SamlError::Malformed(why) => write!(f, "malformed SAML response: {why}"),
            SamlError::Status(code) => write!(f, "the identity provider answered {code}"),
            SamlError::Signature(e) => write!(f, "{e}"),
            SamlError::Issuer => f.write_str("issuer mismatch"),
            SamlError::Audience => f.write_str("audience mismatch"),
            SamlError::Expired => f.write_str("expired"),
            SamlError::NotYetValid => f.write_str("not yet valid"),
        }
    }
}

impl std::error::Error for SamlError {}

/// What a verified assertion says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SamlAssertion {
    pub issuer: String,
    /// `NameID`.
    pub subject: String,
    /// `NameID`'s `Format`, with the SAML 2.0 prefix removed (`persistent`), as STS
    /// reports `SubjectType`.
    pub subject_type: String,
    /// The bearer confirmation's `Recipient` (STS's `Audience`, `saml:aud`).
    pub recipient: String,
    /// (role ARN, provider ARN) pairs of the `Role` attribute.
    pub roles: Vec<(String, String)>,
    pub session_name: Option<String>,
    pub session_duration: Option<i64>,
    pub source_identity: Option<String>,
    pub principal_tags: Vec<(String, String)>,
    /// Every attribute by `Name`, for condition keys.
    pub attributes: Vec<(String, Vec<String>)>,
    /// When the assertion stops being valid (the earliest `NotOnOrAfter`).
    pub not_on_or_after: Option<i64>,
}

/// Whether `url` is an AWS sign-in endpoint that assertions for STS are addressed to.
pub fn is_sign_in_endpoint(url: &str) -> bool {
    url == "urn:amazon:webservices"
        || url == "https://signin.aws.amazon.com/saml"
        || url
            .strip_prefix("https://")
            .and_then(|rest| rest.strip_suffix(".signin.aws.amazon.com/saml"))
            .is_some_and(|region| {
                !region.is_empty()
                    && region
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
}

fn malformed(why: &str) -> SamlError {
    SamlError::Malformed(why.to_owned())
}

fn saml_child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.has_tag_name((ns, name)))
}

fn saml_children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ns, name)))
}

fn instant(node: Node<'_, '_>, attribute: &str) -> Result<Option<i64>, SamlError> {
    match node.attribute(attribute) {
        Some(v) => parse_instant(v)
            .map(Some)
            .ok_or_else(|| SamlError::Malformed(format!("{attribute} is not a dateTime"))),
        None => Ok(None),
    }
}

/// Decodes the base64 `SAMLAssertion` parameter (a whole `Response`).
pub fn decode(encoded: &str) -> Result<String, SamlError> {
    let bytes = b64::xml_decode(encoded).ok_or_else(|| malformed("not base64"))?;
    String::from_utf8(bytes).map_err(|_| malformed("not UTF-8"))
}

/// Verifies `xml` (a `samlp:Response`) against the IdP and the time `now`.
pub fn verify_response(xml: &str, idp: &IdpMetadata, now: i64) -> Result<SamlAssertion, SamlError> {
    let doc = crate::xml::parse(xml).map_err(SamlError::Malformed)?;
    let response = doc.root_element();
    if !response.has_tag_name((PROTOCOL_NS, "Response")) {
        return Err(malformed("the document is not a samlp:Response"));
    }
    if doc
        .descendants()
        .any(|n| n.has_tag_name((ASSERTION_NS, "EncryptedAssertion")))
    {
        return Err(malformed("encrypted assertions are not supported"));
    }
    // One assertion in the whole document: nothing else can be mistaken for it.
    let mut assertions = doc
        .descendants()
        .filter(|n| n.has_tag_name((ASSERTION_NS, "Assertion")));
    let (Some(assertion), None) = (assertions.next(), assertions.next()) else {
        return Err(malformed("exactly one Assertion expected"));
    };
    if assertion.parent_element() != Some(response) {
        return Err(malformed("the Assertion is not a child of the Response"));
    }

    // Signatures first: the response's (covering the assertion), the assertion's, or
    // both; each one present must hold.
    let response_signed = signature_of(response).is_some();
    let assertion_signed = signature_of(assertion).is_some();
    if !response_signed && !assertion_signed {
        return Err(SamlError::Signature(DsigError::Unsigned));
    }
    if response_signed {
        verify_enveloped(response, &idp.signing_certificates).map_err(SamlError::Signature)?;
    }
    if assertion_signed {
        verify_enveloped(assertion, &idp.signing_certificates).map_err(SamlError::Signature)?;
    }

    let status = saml_child(response, PROTOCOL_NS, "Status")
        .and_then(|s| saml_child(s, PROTOCOL_NS, "StatusCode"))
        .and_then(|c| c.attribute("Value"))
        .ok_or_else(|| malformed("no StatusCode"))?;
    if status != SUCCESS {
        return Err(SamlError::Status(status.to_owned()));
    }

    let issuer = saml_child(assertion, ASSERTION_NS, "Issuer")
        .and_then(|i| i.text())
        .map(str::trim)
        .ok_or_else(|| malformed("the Assertion has no Issuer"))?;
    let response_issuer = saml_child(response, ASSERTION_NS, "Issuer")
        .and_then(|i| i.text())
        .map(str::trim);
    if issuer != idp.entity_id || response_issuer.is_some_and(|r| r != idp.entity_id) {
        return Err(SamlError::Issuer);
    }

    let mut facts = SamlAssertion {
        issuer: issuer.to_owned(),
        ..SamlAssertion::default()
    };
    let mut earliest_end: Option<i64> = None;
    let mut note_end = |end: Option<i64>| {
        if let Some(end) = end {
            earliest_end = Some(earliest_end.map_or(end, |e: i64| e.min(end)));
        }
    };

    // Conditions: the validity window and the audience.
    let conditions = saml_child(assertion, ASSERTION_NS, "Conditions")
        .ok_or_else(|| malformed("no Conditions"))?;
    if instant(conditions, "NotBefore")?.is_some_and(|t| t > now + CLOCK_SKEW) {
        return Err(SamlError::NotYetValid);
    }
    let conditions_end = instant(conditions, "NotOnOrAfter")?;
    note_end(conditions_end);
    let audience_ok = saml_children(conditions, ASSERTION_NS, "AudienceRestriction")
        .flat_map(|r| saml_children(r, ASSERTION_NS, "Audience"))
        .filter_map(|a| a.text())
        .any(|a| is_sign_in_endpoint(a.trim()));
    if !audience_ok {
        return Err(SamlError::Audience);
    }

    // The subject and its bearer confirmation.
    let subject =
        saml_child(assertion, ASSERTION_NS, "Subject").ok_or_else(|| malformed("no Subject"))?;
    let name_id =
        saml_child(subject, ASSERTION_NS, "NameID").ok_or_else(|| malformed("no NameID"))?;
    facts.subject = name_id.text().unwrap_or("").trim().to_owned();
    let format = name_id.attribute("Format").unwrap_or("");
    facts.subject_type = format
        .strip_prefix(NAME_ID_FORMAT_PREFIX)
        .unwrap_or(format)
        .to_owned();
    let mut confirmed = false;
    for confirmation in saml_children(subject, ASSERTION_NS, "SubjectConfirmation")
        .filter(|c| c.attribute("Method") == Some(BEARER))
    {
        let Some(data) = saml_child(confirmation, ASSERTION_NS, "SubjectConfirmationData") else {
            continue;
        };
        let Some(recipient) = data
            .attribute("Recipient")
            .filter(|r| is_sign_in_endpoint(r))
        else {
            continue;
        };
        let end = instant(data, "NotOnOrAfter")?;
        if instant(data, "NotBefore")?.is_some_and(|t| t > now + CLOCK_SKEW) {
            continue;
        }
        facts.recipient = recipient.to_owned();
        note_end(end);
        confirmed = true;
        break;
    }
    if !confirmed {
        return Err(SamlError::Audience);
    }
    if earliest_end.is_some_and(|end| now >= end) {
        return Err(SamlError::Expired);
    }
    facts.not_on_or_after = earliest_end;

    // Attributes.
    for attribute in saml_children(assertion, ASSERTION_NS, "AttributeStatement")
        .flat_map(|s| saml_children(s, ASSERTION_NS, "Attribute"))
    {
        let Some(name) = attribute.attribute("Name") else {
            continue;
        };
        let values: Vec<String> = saml_children(attribute, ASSERTION_NS, "AttributeValue")
            .map(|v| v.text().unwrap_or("").trim().to_owned())
            .collect();
        match name {
            ROLE_ATTRIBUTE => {
                for value in &values {
                    if let Some(pair) = role_pair(value) {
                        facts.roles.push(pair);
                    }
                }
            }
            SESSION_NAME_ATTRIBUTE => facts.session_name = values.first().cloned(),
            SESSION_DURATION_ATTRIBUTE => {
                facts.session_duration = values.first().and_then(|v| v.parse().ok())
            }
            SOURCE_IDENTITY_ATTRIBUTE => facts.source_identity = values.first().cloned(),
            _ => {
                if let Some(key) = name.strip_prefix(PRINCIPAL_TAG_PREFIX) {
                    if let Some(value) = values.first() {
                        facts.principal_tags.push((key.to_owned(), value.clone()));
                    }
                }
            }
        }
        facts.attributes.push((name.to_owned(), values));
    }
    Ok(facts)
}

/// A `Role` attribute value: a role ARN and a SAML provider ARN, comma-separated, in
/// either order.
fn role_pair(value: &str) -> Option<(String, String)> {
    let (a, b) = value.split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    let is_role = |s: &str| s.starts_with("arn:") && s.contains(":role/");
    let is_provider = |s: &str| s.starts_with("arn:") && s.contains(":saml-provider/");
    if is_role(a) && is_provider(b) {
        Some((a.to_owned(), b.to_owned()))
    } else if is_provider(a) && is_role(b) {
        Some((b.to_owned(), a.to_owned()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_endpoints() {
        assert!(is_sign_in_endpoint("https://signin.aws.amazon.com/saml"));
        assert!(is_sign_in_endpoint(
            "https://eu-west-1.signin.aws.amazon.com/saml"
        ));
        assert!(is_sign_in_endpoint("urn:amazon:webservices"));
        assert!(!is_sign_in_endpoint(
            "https://evil.example/signin.aws.amazon.com/saml"
        ));
        assert!(!is_sign_in_endpoint(
            "https://x.y.signin.aws.amazon.com/saml"
        ));
    }

    #[test]
    fn role_pairs_in_either_order() {
        let role = "arn:aws:iam::123456789012:role/R";
        let provider = "arn:aws:iam::123456789012:saml-provider/P";
        let expected = Some((role.to_owned(), provider.to_owned()));
        assert_eq!(role_pair(&format!("{role},{provider}")), expected);
        assert_eq!(role_pair(&format!("{provider}, {role}")), expected);
        assert_eq!(role_pair(role), None);
    }
}
