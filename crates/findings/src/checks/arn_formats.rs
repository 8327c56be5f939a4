//! The ARN formats of the service reference, indexed by the service part of the ARN
//! (which is not always the action prefix: `s3-object-lambda`, `execute-api`, ...).
use std::collections::HashMap;
use std::sync::OnceLock;

/// One resource ARN format, split into its six parts.
#[derive(Debug)]
pub(super) struct Format {
    pub region: &'static str,
    pub account: &'static str,
    pub resource: &'static str,
}

impl Format {
    pub(super) fn has_region(&self) -> bool {
        !self.region.is_empty()
    }

    pub(super) fn has_account(&self) -> bool {
        !self.account.is_empty()
    }
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
                            resource,
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

/// Whether a resource part written in a policy can name a resource of this format's
/// resource part. A `${...}` placeholder stands for one or more characters. Policy
/// text with a wildcard or a variable is compared up to the first of them only.
pub(super) fn resource_fits(template: &str, text: &str) -> bool {
    let open = text
        .find(['*', '?'])
        .into_iter()
        .chain(text.find("${"))
        .min();
    match open {
        Some(cut) => {
            let text_prefix = text.get(..cut).unwrap_or(text);
            let literal = template.split("${").next().unwrap_or("");
            let n = text_prefix.len().min(literal.len());
            text_prefix.get(..n) == literal.get(..n)
        }
        None => fits_from(template, text),
    }
}

fn fits_from(template: &str, text: &str) -> bool {
    match template.find("${") {
        None => template == text,
        Some(start) => {
            let (literal, rest) = template.split_at(start);
            let Some(text_rest) = text.strip_prefix(literal) else {
                return false;
            };
            let after = rest
                .find('}')
                .map_or("", |end| rest.get(end + 1..).unwrap_or(""));
            if after.is_empty() {
                return !text_rest.is_empty();
            }
            text_rest
                .char_indices()
                .skip(1)
                .any(|(i, _)| text_rest.get(i..).is_some_and(|t| fits_from(after, t)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert!(resource_fits("user/${UserNameWithPath}", "user/alice"));
        assert!(!resource_fits("user/${UserNameWithPath}", "role/alice"));
        assert!(resource_fits("user/${UserNameWithPath}", "user/*"));
        assert!(resource_fits("user/${UserNameWithPath}", "*"));
        assert!(resource_fits("${BucketName}/${ObjectName}", "b/k/x"));
        assert!(!resource_fits("${BucketName}/${ObjectName}", "b"));
        assert!(resource_fits(
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
