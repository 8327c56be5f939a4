//! The credential scope: `DATE/REGION/SERVICE/aws4_request`.

use std::fmt;

/// A credential scope, kept as its text (which the string to sign quotes verbatim)
/// with the positions of its parts.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    text: String,
    region_start: usize,
    service_start: usize,
    service_end: usize,
}

/// The fixed last part of every SigV4 scope.
pub const TERMINATOR: &str = "aws4_request";

/// Why a scope did not parse, worded as AWS words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScopeError {
    /// Not four `/`-separated parts.
    Malformed,
    /// The last part is not `aws4_request`.
    Terminator(String),
    /// The region is empty.
    Region,
    /// The date is not eight digits.
    Date,
}

impl Scope {
    /// Parses `DATE/REGION/SERVICE/aws4_request`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_checked(text).ok()
    }

    pub(crate) fn parse_checked(text: &str) -> Result<Self, ScopeError> {
        let mut parts = text.split('/');
        let (Some(date), Some(region), Some(service), Some(term), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(ScopeError::Malformed);
        };
        if term != TERMINATOR {
            return Err(ScopeError::Terminator(term.to_owned()));
        }
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScopeError::Date);
        }
        if region.is_empty() {
            return Err(ScopeError::Region);
        }
        let region_start = date.len() + 1;
        let service_start = region_start + region.len() + 1;
        Ok(Self {
            text: text.to_owned(),
            region_start,
            service_start,
            service_end: service_start + service.len(),
        })
    }

    /// Builds a scope from its parts.
    pub fn new(date: &str, region: &str, service: &str) -> Self {
        let text = format!("{date}/{region}/{service}/{TERMINATOR}");
        let region_start = date.len() + 1;
        let service_start = region_start + region.len() + 1;
        Self {
            text,
            region_start,
            service_start,
            service_end: service_start + service.len(),
        }
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> &str {
        self.text
            .get(..self.region_start.saturating_sub(1))
            .unwrap_or("")
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(&self) -> &str {
        self.text
            .get(self.region_start..self.service_start.saturating_sub(1))
            .unwrap_or("")
    }

    /// The signing service, e.g. `iam`.
    pub fn service(&self) -> &str {
        self.text
            .get(self.service_start..self.service_end)
            .unwrap_or("")
    }

    /// The whole scope as the string to sign carries it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({})", self.text)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let s = Scope::parse("20150830/us-east-1/iam/aws4_request").unwrap();
        assert_eq!(
            (s.date(), s.region(), s.service()),
            ("20150830", "us-east-1", "iam")
        );
        assert_eq!(s, Scope::new("20150830", "us-east-1", "iam"));
    }

    #[test]
    fn rejects_bad_scopes() {
        assert_eq!(
            Scope::parse_checked("20150830/us-east-1/iam"),
            Err(ScopeError::Malformed)
        );
        assert_eq!(
            Scope::parse_checked("20150830/us-east-1/iam/aws4_request/x"),
            Err(ScopeError::Malformed)
        );
        assert_eq!(
            Scope::parse_checked("20150830/us-east-1/iam/aws5"),
            Err(ScopeError::Terminator("aws5".into()))
        );
        assert_eq!(
            Scope::parse_checked("2015083/us-east-1/iam/aws4_request"),
            Err(ScopeError::Date)
        );
        assert_eq!(
            Scope::parse_checked("20150830//iam/aws4_request"),
            Err(ScopeError::Region)
        );
    }
}
