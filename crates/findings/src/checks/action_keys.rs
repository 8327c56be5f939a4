//! A service's condition key beside actions of that service that the service
//! reference does not list the key for (neither for the action nor for its resource
//! types): the condition is not evaluated for those actions. Actions written with
//! wildcards are not judged, as AWS's check does not judge them either.
use awsdata::{Action, Service};

use crate::catalogue as c;
use crate::document::{Item, Statement};
use crate::report::Report;

use super::global_keys::{documented_as, service_key_type};

pub(super) fn check(statement: &Statement, report: &mut Report) {
    let Some(action) = &statement.action else {
        return;
    };
    if action.negated {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    for entry in statement.condition_entries() {
        let Some((prefix, _)) = entry.key.split_once(':') else {
            continue;
        };
        let Some(service) = awsdata::service(prefix) else {
            continue;
        };
        // Unknown keys have their own finding; each key is judged once.
        if !matches!(service_key_type(prefix, entry.key), Ok(Some(_))) {
            continue;
        }
        let folded = entry.key.to_ascii_lowercase();
        if seen.contains(&folded) {
            continue;
        }
        seen.push(folded);
        let unsupported: Vec<&Item> = action
            .items
            .iter()
            .filter(|item| !item.text.contains(['*', '?']))
            .filter(|item| {
                documented_action(service, prefix, item.text)
                    .is_some_and(|a| !supports(service, a, entry.key))
            })
            .collect();
        if unsupported.is_empty() {
            continue;
        }
        let names: Vec<&str> = unsupported.iter().map(|item| item.text).collect();
        let locations = unsupported
            .iter()
            .map(|item| report.location(item.path.clone(), item.span))
            .collect();
        report.add(
            c::UNSUPPORTED_ACTION_FOR_CONDITION_KEY,
            format!(
                "The following actions: {} are not supported by the condition key {}. The condition will not be evaluated for these actions. We recommend that you move these actions to a different statement without this condition key.",
                names.join(", "),
                entry.key
            ),
            locations,
        );
    }
}

/// The reference's entry for `prefix:Name` when the action is of this service.
fn documented_action<'s>(service: &'s Service, prefix: &str, action: &str) -> Option<&'s Action> {
    let (action_prefix, name) = action.split_once(':')?;
    if !action_prefix.eq_ignore_ascii_case(prefix) {
        return None;
    }
    service
        .actions
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The key is listed for the action, for one of its resource types in the action's
/// table, or for one of those resource types in the service's resource table.
fn supports(service: &Service, action: &Action, key: &str) -> bool {
    let listed = |keys: &[&str]| keys.iter().any(|name| documented_as(name, key));
    listed(&action.condition_keys)
        || action.resource_types.iter().any(|rt| {
            listed(&rt.condition_keys)
                || service
                    .resource_types
                    .iter()
                    .find(|t| t.name == rt.name)
                    .is_some_and(|t| listed(&t.condition_keys))
        })
}
