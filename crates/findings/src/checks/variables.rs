//! `${...}` policy variables: malformed ones, and ones where or when the language
//! has none (outside `Resource` and `Condition`, before version 2012-10-17).
use policy::variables::{Template, VariableError};

use crate::catalogue as c;
use crate::document::Item;
use crate::report::Report;

/// A `Resource` entry or a condition value, which may hold variables.
pub(super) fn check_value(item: &Item, variables_enabled: bool, report: &mut Report) {
    if !crate::document::has_variable(item.text) {
        return;
    }
    if !variables_enabled {
        if looks_like_variable(item.text) {
            report.at(
                c::VARIABLE_UNSUPPORTED_IN_VERSION,
                "To include variables in your policy, use the policy version 2012-10-17 or later."
                    .to_string(),
                item.path.clone(),
                item.span,
            );
        }
        return;
    }
    let Err(err) = Template::parse(item.text, true) else {
        return;
    };
    let (check, details) = match err {
        VariableError::MissingBrace(_) => (
            c::MISSING_BRACE_IN_VARIABLE,
            "The policy variable is missing a closing curly brace. Add } after the variable text.",
        ),
        VariableError::Empty => (
            c::EMPTY_VARIABLE,
            "Empty policy variable. Remove the ${ } variable structure or provide a variable within the structure.",
        ),
        VariableError::InvalidName(_) => (
            c::UNSUPPORTED_SPACE_IN_VARIABLE,
            "A space is not supported within the policy variable text. Remove the space.",
        ),
        VariableError::MissingQuote(_) => (
            c::MISSING_QUOTE_IN_VARIABLE,
            "The policy variable default value must begin and end with a single quote. Add the missing quote.",
        ),
    };
    report.at(check, details.to_string(), item.path.clone(), item.span);
}

/// An entry of an element without variables (`Action`, `NotAction`).
pub(super) fn check_unsupported(item: &Item, report: &mut Report) {
    let Some(start) = item.text.find("${") else {
        return;
    };
    let rest = item.text.get(start..).unwrap_or_default();
    let variable = rest
        .find('}')
        .and_then(|end| rest.get(..=end))
        .unwrap_or(rest);
    report.at(
        c::VARIABLE_UNSUPPORTED_IN_ELEMENT,
        format!("Policy variables are supported in the Resource and Condition elements. Remove the policy variable {variable} from this element."),
        item.path.clone(),
        item.span,
    );
}

/// `${service:key...}`: what a variable looks like, as opposed to a literal `${`.
fn looks_like_variable(text: &str) -> bool {
    text.split("${").skip(1).any(|rest| {
        rest.find('}')
            .is_some_and(|end| rest.get(..end).is_some_and(|name| name.contains(':')))
    })
}
