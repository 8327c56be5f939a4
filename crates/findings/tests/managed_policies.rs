//! Every AWS managed policy (the documents IAM serves under `arn:aws:iam::aws:policy/`)
//! validated as an identity policy. IAM stores these documents, so none may have an
//! error about the policy language itself; the only errors allowed are those that name
//! something the service reference does not know (retired services, actions newer than
//! the reference).
use findings::{validate_policy, FindingType, Options, PolicyType};

/// Errors that depend on the service reference's coverage rather than on the language.
/// `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` is one of them: it reads the keys the
/// reference lists per action, and some managed policies do put a service key beside
/// actions that the reference does not list it for (describe actions beside
/// `ec2:ResourceTag/...`, for one).
const REFERENCE_COVERAGE: [&str; 5] = [
    "INVALID_ACTION",
    "INVALID_SERVICE_IN_ACTION",
    "INVALID_ARN_RESOURCE",
    "INVALID_SERVICE_CONDITION_KEY",
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
];

#[test]
fn managed_policies_have_no_language_errors() {
    let options = Options::new(PolicyType::IdentityPolicy);
    let mut checked = 0;
    let mut errors = Vec::new();
    for policy in awsdata::managed_policies() {
        let document = policy.default_document();
        checked += 1;
        for finding in validate_policy(document, &options) {
            if finding.finding_type == FindingType::Error
                && !REFERENCE_COVERAGE.contains(&finding.issue_code.as_str())
            {
                errors.push(format!(
                    "{}: {}: {}",
                    policy.name, finding.issue_code, finding.finding_details
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} managed policies");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
