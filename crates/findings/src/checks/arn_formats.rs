//! The ARN formats of the service reference, indexed by the service part of the ARN
//! (which is not always the action prefix: `s3-object-lambda`, `execute-api`, ...).
use std::collections::HashMap;
use std::sync::OnceLock;

/// A piece of the resource part of a format: literal text or a `${...}` placeholder.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Literal(&'static str),
    Placeholder,
}

/// One resource ARN format, split into its parts.
#[derive(Debug)]
pub(super) struct Format {
    pub region: &'static str,
    pub account: &'static str,
    /// The literal text the resource part starts with (up to its first placeholder).
    prefix: &'static str,
    pieces: Vec<Piece>,
}

impl Format {
    pub(super) fn has_region(&self) -> bool {
        !self.region.is_empty()
    }

    pub(super) fn has_account(&self) -> bool {
        !self.account.is_empty()
    }
}

fn pieces(mut template: &'static str) -> Vec<Piece> {
    let mut out = Vec::new();
    while !template.is_empty() {
        match template.find("${") {
            Some(0) => {
                let end = template.find('}').map_or(template.len(), |e| e + 1);
                out.push(Piece::Placeholder);
                template = template.get(end..).unwrap_or("");
            }
            Some(start) => {
                out.push(Piece::Literal(template.get(..start).unwrap_or("")));
                template = template.get(start..).unwrap_or("");
            }
            None => {
                out.push(Piece::Literal(template));
                template = "";
            }
        }
    }
    out
}

static BY_SERVICE: OnceLock<HashMap<&'static str, Vec<Format>>> = OnceLock::new();

/// The formats of the ARN service `service` (exact case); `None` for a service no
/// format names.
pub(super) fn formats(service: &str) -> Option<&'static [Format]> {
    let index = BY_SERVICE.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<Format>> = HashMap::new();
        for service in awsdata::services() {
            for resource_type in service.resource_types.iter() {
                for &format in resource_type.arn_formats.iter() {
                    if let Some([_, _, arn_service, region, account, resource]) = split6(format) {
                        index.entry(arn_service).or_default().push(Format {
                            region,
                            account,
                            prefix: resource.split("${").next().unwrap_or(""),
                            pieces: pieces(resource),
                        });
                    }
                }
            }
        }
        index
    });
    index.get(service).map(Vec::as_slice)
}

fn split6(text: &'static str) -> Option<[&'static str; 6]> {
    let mut parts = text.splitn(6, ':');
    Some([
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ])
}

/// A resource part as written in a policy, ready to be compared with formats.
pub(super) struct ResourceText<'a> {
    text: &'a str,
    /// The text before the first wildcard or variable, when there is one.
    open_prefix: Option<&'a str>,
}

impl<'a> ResourceText<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let wildcard = text.find(['*', '?']);
        let variable = if crate::document::has_variable(text) {
            text.find("${")
        } else {
            None
        };
        let cut = wildcard.into_iter().chain(variable).min();
        ResourceText {
            text,
            open_prefix: cut.map(|c| text.get(..c).unwrap_or(text)),
        }
    }

    /// Whether the text and the format's resource part agree as far as both have
    /// literal text.
    pub(super) fn starts_like(&self, format: &Format) -> bool {
        let text = self.open_prefix.unwrap_or(self.text);
        let n = text.len().min(format.prefix.len());
        text.get(..n) == format.prefix.get(..n)
    }

    /// Whether the text can name a resource of the format. A placeholder stands for one
    /// or more characters; text with a wildcard or a variable is compared up to the
    /// first of them only.
    pub(super) fn fits(&self, format: &Format) -> bool {
        match self.open_prefix {
            Some(prefix) => {
                let n = prefix.len().min(format.prefix.len());
                prefix.get(..n) == format.prefix.get(..n)
            }
            None => fits_from(&format.pieces, self.text),
        }
    }
}

fn fits_from(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Literal(literal), rest)) => text
            .strip_prefix(literal)
            .is_some_and(|after| fits_from(rest, after)),
        Some((Piece::Placeholder, [])) => !text.is_empty(),
        Some((Piece::Placeholder, rest)) => text
            .char_indices()
            .skip(1)
            .any(|(i, _)| text.get(i..).is_some_and(|t| fits_from(rest, t))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(template: &'static str, text: &str) -> bool {
        let format = Format {
            region: "",
            account: "",
            prefix: template.split("${").next().unwrap_or(""),
            pieces: pieces(template),
        };
        ResourceText::new(text).fits(&format)
    }

    #[test]
    fn templates() {
        assert!(fits("user/${UserNameWithPath}", "user/alice"));
        assert!(!fits("user/${UserNameWithPath}", "role/alice"));
        assert!(fits("user/${UserNameWithPath}", "user/*"));
        assert!(fits("user/${UserNameWithPath}", "*"));
        assert!(fits("${BucketName}/${ObjectName}", "b/k/x"));
        assert!(!fits("${BucketName}/${ObjectName}", "b"));
        assert!(fits(
            "log-group:${LogGroupName}:log-stream:${LogStreamName}",
            "log-group:g:log-stream:s"
        ));
    }

    #[test]
    fn index_by_arn_service() {
        let iam = formats("iam").unwrap_or_default();
        assert!(!iam.is_empty());
        assert!(iam.iter().all(|f| !f.has_region()));
        assert!(formats("s3-object-lambda").is_some());
        assert!(formats("S3").is_none());
    }
}
