//! `Action`/`NotAction`: actions the service reference does not know, wildcards in
//! service names, actions another entry already covers.
use policy::wildcard::Pattern;

use super::suggest::closest;
use crate::catalogue as c;
use crate::document::{Element, Item, Statement};
use crate::report::Report;
use crate::Context;

pub(super) fn check(statement: &Statement, _cx: &Context, report: &mut Report) {
    let Some(action) = &statement.action else {
        return;
    };
    for item in &action.items {
        if crate::document::has_variable(item.text) {
            super::variables::check_unsupported(item, report);
            continue;
        }
        check_item(item, report);
    }
    redundant(action, report);
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

fn check_item(item: &Item, report: &mut Report) {
    let action = item.text;
    if action == "*" {
        return;
    }
    let Some((service, name)) = action.split_once(':') else {
        invalid_action(item, None, report);
        return;
    };
    if has_wildcard(service) {
        report.at(
            c::WILDCARD_IN_SERVICE_NAME,
            "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.".to_string(),
            item.path.clone(),
            item.span,
        );
        if awsdata::expand_action_pattern(action).is_empty() {
            invalid_action(item, None, report);
        }
        return;
    }
    let Some(known) = awsdata::service(service) else {
        let guess = report
            .take_suggestion()
            .then(|| closest(service, awsdata::services().map(|s| s.prefix)))
            .flatten();
        let mut details = format!("The service {service} specified in the action does not exist.");
        if let Some(guess) = guess {
            details.push_str(&format!(" Did you mean {guess}?"));
        }
        report.at(
            c::INVALID_SERVICE_IN_ACTION,
            details,
            item.path.clone(),
            item.span,
        );
        return;
    };
    if has_wildcard(name) {
        let pattern = Pattern::new(name, true);
        if !known.actions.iter().any(|a| pattern.matches(a.name)) {
            invalid_action(item, None, report);
        }
        return;
    }
    if known.action(name).is_none() {
        let guess = report
            .take_suggestion()
            .then(|| closest(name, known.actions.iter().map(|a| a.name)))
            .flatten()
            .map(|a| format!("{}:{a}", known.prefix));
        invalid_action(item, guess.as_deref(), report);
    }
}

fn invalid_action(item: &Item, guess: Option<&str>, report: &mut Report) {
    let mut details = format!("The action {} does not exist.", item.text);
    if let Some(guess) = guess {
        details.push_str(&format!(" Did you mean {guess}?"));
    }
    report.at(c::INVALID_ACTION, details, item.path.clone(), item.span);
}

/// Entries that another entry of the same element matches (`s3:GetObject` beside
/// `s3:Get*`; the second of two equal entries).
fn redundant(action: &Element, report: &mut Report) {
    if action.items.len() > super::MAX_PAIRWISE {
        return;
    }
    let patterns: Vec<Pattern> = action
        .items
        .iter()
        .map(|item| Pattern::new(item.text, true))
        .collect();
    let mut found: Vec<&Item> = Vec::new();
    for (j, item) in action.items.iter().enumerate() {
        let covered = action.items.iter().enumerate().any(|(i, other)| {
            i != j
                && covers(patterns.get(i), other.text, item.text)
                && (i < j || !covers(patterns.get(j), item.text, other.text))
        });
        if covered {
            found.push(item);
        }
    }
    let Some(first) = found.first() else {
        return;
    };
    let details = format!(
        "The {} action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: {}.",
        found.len(),
        first.text
    );
    let locations = found
        .iter()
        .map(|item| report.location(item.path.clone(), item.span))
        .collect();
    report.add(c::REDUNDANT_ACTION, details, locations);
}

/// Whether `pattern` (compiled from `pattern_text`) matches everything `text` does.
/// Matching the text of a pattern as if it were a name is exact unless the covering
/// pattern has a `?` where the other has a wildcard, which is left out.
pub(super) fn covers(pattern: Option<&Pattern>, pattern_text: &str, text: &str) -> bool {
    if pattern_text.contains('?') && has_wildcard(text) {
        return false;
    }
    pattern.is_some_and(|p| p.matches(text))
}
