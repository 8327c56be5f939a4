//! Checks against the service authorization reference shipped in `awsdata`: action
//! names and patterns that name nothing AWS knows. AWS stores such policies (an unknown
//! action simply never matches a request), so these are warnings; IAM Access Analyzer
//! reports the same cases ("Invalid service in action", "Invalid action"). The
//! reference's version is `awsdata::service_reference_source()`.

use awsdata::KnownAction;

/// What is wrong with an `Action`/`NotAction` entry, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionProblem {
    /// The service prefix is not in the reference.
    UnknownService(String),
    /// The service exists but has no such action.
    UnknownAction,
    /// A wildcard pattern that matches no action of the reference.
    MatchesNothing,
}

impl ActionProblem {
    /// The finding's code.
    pub fn code(&self) -> &'static str {
        match self {
            ActionProblem::UnknownService(_) => "UNKNOWN_SERVICE",
            ActionProblem::UnknownAction => "UNKNOWN_ACTION",
            ActionProblem::MatchesNothing => "ACTION_MATCHES_NOTHING",
        }
    }

    /// The finding's message for `action` as written.
    pub fn message(&self, action: &str) -> String {
        match self {
            ActionProblem::UnknownService(service) => format!(
                "The service {service} specified in the action {action} does not exist in the service reference."
            ),
            ActionProblem::UnknownAction => {
                format!("The action {action} does not exist in the service reference.")
            }
            ActionProblem::MatchesNothing => format!(
                "The action pattern {action} matches no action of the service reference."
            ),
        }
    }
}

/// Checks one action entry whose syntax is valid (`service:Action` or `*`).
pub fn action_problem(action: &str) -> Option<ActionProblem> {
    if action == "*" {
        return None;
    }
    let (service, name) = action.split_once(':')?;
    let wild = |s: &str| s.contains(['*', '?']);
    if !wild(service) && awsdata::service(service).is_none() {
        return Some(ActionProblem::UnknownService(service.to_string()));
    }
    if !wild(service) && !wild(name) {
        return match awsdata::is_known_action(action) {
            KnownAction::Known => None,
            KnownAction::UnknownAction => Some(ActionProblem::UnknownAction),
            KnownAction::UnknownService => Some(ActionProblem::UnknownService(service.to_string())),
        };
    }
    if awsdata::expand_action_pattern(action).is_empty() {
        return Some(ActionProblem::MatchesNothing);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown() {
        assert_eq!(action_problem("*"), None);
        assert_eq!(action_problem("s3:GetObject"), None);
        assert_eq!(action_problem("S3:getobject"), None);
        assert_eq!(action_problem("s3:Get*"), None);
        assert_eq!(action_problem("*:ListAllMyBuckets"), None);
        assert_eq!(
            action_problem("s3:GetObjekt"),
            Some(ActionProblem::UnknownAction)
        );
        assert_eq!(
            action_problem("s4:GetObject"),
            Some(ActionProblem::UnknownService("s4".to_string()))
        );
        assert_eq!(
            action_problem("s4:Get*"),
            Some(ActionProblem::UnknownService("s4".to_string()))
        );
        assert_eq!(
            action_problem("s3:Frobnicate*"),
            Some(ActionProblem::MatchesNothing)
        );
        assert_eq!(
            action_problem("s?:Frobnicate*"),
            Some(ActionProblem::MatchesNothing)
        );
    }
}
