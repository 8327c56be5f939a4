//! `Resource`/`NotResource`: the shape of each ARN against the ARN formats of the
//! service reference, and entries another entry already covers.
use policy::arn::ArnPattern;

use super::arn_formats::{self, Format, ResourceText};
use crate::catalogue as c;
use crate::document::{has_variable, Element, Item, Statement};
use crate::report::Report;

const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

pub(super) fn check(statement: &Statement, variables_enabled: bool, report: &mut Report) {
    let Some(resource) = &statement.resource else {
        return;
    };
    for item in &resource.items {
        super::variables::check_value(item, variables_enabled, report);
        check_item(item, report);
    }
    redundant(resource, report);
}

fn is_open(text: &str) -> bool {
    text.contains(['*', '?']) || has_variable(text)
}

fn check_item(item: &Item, report: &mut Report) {
    let text = item.text;
    if text == "*" {
        return;
    }
    let mut at = |check, details: String| {
        report.at(check, details, item.path.clone(), item.span);
    };
    if !text.starts_with("arn:") {
        at(
            c::INVALID_ARN_PREFIX,
            "Add the required prefix (arn) to the resource ARN.".to_string(),
        );
        return;
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [_, partition, service, region, account, resource] = parts.as_slice() else {
        at(
            c::MISSING_ARN_FIELD,
            "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource".to_string(),
        );
        return;
    };
    if is_open(service) {
        return;
    }
    if !is_open(partition) && !PARTITIONS.contains(partition) {
        at(
            c::INVALID_PARTITION,
            format!(
                "The resource ARN for the service {service} does not support the partition {partition}. Use the supported values: {}",
                PARTITIONS.join(", ")
            ),
        );
        return;
    }
    let Some(formats) = arn_formats::formats(service) else {
        // A service of the reference whose resource types name no ARN format.
        if awsdata::service(service).is_some_and(|s| s.prefix == *service) {
            return;
        }
        if arn_formats::formats(&service.to_ascii_lowercase()).is_some() {
            at(
                c::INVALID_ARN_SERVICE_CASE,
                format!("Update the service name {service} in the resource ARN to use all lowercase letters."),
            );
        } else {
            at(
                c::INVALID_SERVICE,
                format!("The service {service} does not exist. Use a valid service name."),
            );
        }
        return;
    };
    let resource_text = ResourceText::new(resource);
    let mut fitting: Vec<&Format> = formats.iter().filter(|f| resource_text.fits(f)).collect();
    if fitting.is_empty() {
        // The reference's formats are not exhaustive (optional trailing parts, paths of
        // REST APIs): only a resource part that no format even starts like is an error.
        fitting = formats
            .iter()
            .filter(|f| resource_text.starts_like(f))
            .collect();
    }
    if fitting.is_empty() {
        if !is_open(resource) {
            at(
                c::INVALID_ARN_RESOURCE,
                "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.".to_string(),
            );
        }
        return;
    }
    if !region.is_empty() && !is_open(region) && fitting.iter().all(|f| !f.has_region()) {
        at(
            c::ARN_REGION_NOT_ALLOWED,
            format!(
                "The service {service} does not support specifying a Region in the resource ARN."
            ),
        );
    }
    if !region.is_empty()
        && !is_open(region)
        && fitting.iter().any(|f| f.has_region())
        && !super::regions::is_region(region)
    {
        at(
            c::INVALID_ARN_REGION,
            format!("The Region {region} is not valid for this resource. Update the resource ARN to include a supported Region."),
        );
    }
    if region.is_empty() && fitting.iter().all(|f| f.has_region()) {
        at(
            c::MISSING_ARN_REGION,
            format!("Add a Region to the {service} resource ARN."),
        );
    }
    if !account.is_empty() && !is_open(account) {
        if fitting.iter().all(|f| !f.has_account()) {
            at(
                c::ARN_ACCOUNT_NOT_ALLOWED,
                format!("The service {service} does not support specifying an account ID in the resource ARN."),
            );
        } else if !(is_account_id(account) || *account == "aws") {
            at(
                c::INVALID_ARN_ACCOUNT,
                format!("The resource ARN account ID {account} is not valid. Provide a 12-digit account ID."),
            );
        }
    }
}

/// A 12-digit account id (the caller also accepts `aws`, the owner of AWS-owned
/// resources such as managed policies and foundation models).
fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Entries another entry of the same element matches.
fn redundant(resource: &Element, report: &mut Report) {
    if resource.items.len() > super::MAX_PAIRWISE {
        return;
    }
    let patterns: Vec<ArnPattern> = resource
        .items
        .iter()
        .map(|item| ArnPattern::new(item.text))
        .collect();
    let covers = |i: usize, j: usize| {
        let (Some(a), Some(b)) = (resource.items.get(i), resource.items.get(j)) else {
            return false;
        };
        if a.text.contains('?') && b.text.contains(['*', '?']) {
            return false;
        }
        // Variables resolve per request: no entry with one covers or is covered.
        if has_variable(a.text) || has_variable(b.text) {
            return false;
        }
        patterns.get(i).is_some_and(|p| p.matches(b.text))
    };
    let n = resource.items.len();
    let found: Vec<&Item> = (0..n)
        .filter(|&j| (0..n).any(|i| i != j && covers(i, j) && (i < j || !covers(j, i))))
        .filter_map(|j| resource.items.get(j))
        .collect();
    if found.is_empty() {
        return;
    }
    let details = format!(
        "The {} resource ARN(s) are redundant because they reference the same resource. Review the use of wildcards (*)",
        found.len()
    );
    let locations = found
        .iter()
        .map(|item| report.location(item.path.clone(), item.span))
        .collect();
    report.add(c::REDUNDANT_RESOURCE, details, locations);
}
