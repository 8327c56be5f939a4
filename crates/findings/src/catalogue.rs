//! The checks of AWS's "IAM policy validation check reference"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>):
//! each issue code with its finding type. The learn-more link is the reference's
//! section for the check, whose anchor is the finding type's word and the code in
//! lower case with dashes.
use crate::model::FindingType;

/// The page every learn-more link points into.
pub const REFERENCE_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

/// One check of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Check {
    pub code: &'static str,
    pub finding_type: FindingType,
}

impl Check {
    const fn new(code: &'static str, finding_type: FindingType) -> Check {
        Check { code, finding_type }
    }

    /// The link to the check's section of AWS's reference.
    pub fn learn_more_link(&self) -> String {
        format!(
            "{REFERENCE_URL}#access-analyzer-reference-policy-checks-{}-{}",
            self.finding_type.anchor_word(),
            self.code.to_ascii_lowercase().replace('_', "-")
        )
    }
}

macro_rules! catalogue {
    ($($name:ident = $type:ident;)*) => {
        $(pub const $name: Check = Check::new(stringify!($name), FindingType::$type);)*
        /// Every check this crate implements.
        pub const ALL: &[Check] = &[$($name),*];
    };
}

catalogue! {
    // The document's shape.
    JSON_SYNTAX_ERROR = Error;
    DATA_TYPE_MISMATCH = Error;
    INVALID_POLICY_ELEMENT = Error;
    UNSUPPORTED_ELEMENT_COMBINATION = Error;
    MISSING_VERSION = Warning;
    INVALID_VERSION = Error;
    MISSING_STATEMENT = Error;
    MISSING_EFFECT = Error;
    INVALID_EFFECT = Error;
    MISSING_ACTION = Error;
    MISSING_RESOURCE = Error;
    EMPTY_ARRAY_ACTION = Suggestion;
    EMPTY_ARRAY_RESOURCE = Suggestion;
    EMPTY_SID_VALUE = Suggestion;
    UNSUPPORTED_SID = Error;
    UNIQUE_SIDS_REQUIRED = Error;
    UNIQUE_SIDS_RECOMMENDED = Warning;
    REDUNDANT_STATEMENT = Suggestion;
    // Policy variables.
    MISSING_BRACE_IN_VARIABLE = Error;
    EMPTY_VARIABLE = Error;
    UNSUPPORTED_SPACE_IN_VARIABLE = Error;
    MISSING_QUOTE_IN_VARIABLE = Error;
    VARIABLE_UNSUPPORTED_IN_ELEMENT = Error;
    VARIABLE_UNSUPPORTED_IN_VERSION = Error;
    POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA = Warning;
    POLICY_SIZE_EXCEEDS_SCP_QUOTA = Error;
    POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA = Warning;
    POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA = Warning;
    // Actions.
    INVALID_ACTION = Error;
    INVALID_SERVICE_IN_ACTION = Error;
    WILDCARD_IN_SERVICE_NAME = Suggestion;
    REDUNDANT_ACTION = Suggestion;
    // Resources.
    INVALID_ARN_PREFIX = Error;
    MISSING_ARN_FIELD = Error;
    INVALID_PARTITION = Error;
    INVALID_SERVICE = Error;
    INVALID_ARN_SERVICE_CASE = Error;
    ARN_REGION_NOT_ALLOWED = Error;
    ARN_ACCOUNT_NOT_ALLOWED = Error;
    MISSING_ARN_REGION = Error;
    INVALID_ARN_REGION = Error;
    INVALID_ARN_ACCOUNT = Error;
    INVALID_ARN_RESOURCE = Error;
    REDUNDANT_RESOURCE = Suggestion;
    UNSUPPORTED_RESOURCE_ARN_IN_POLICY = Error;
    UNSUPPORTED_ACTION_IN_POLICY = Error;
    // Principals.
    MISSING_PRINCIPAL = Error;
    UNSUPPORTED_PRINCIPAL = Error;
    INVALID_PRINCIPAL_FORMAT = Error;
    INVALID_PRINCIPAL_KEY = Error;
    EMPTY_ARRAY_PRINCIPAL = Suggestion;
    EMPTY_OBJECT_PRINCIPAL = Suggestion;
    UNSUPPORTED_WILDCARD_IN_PRINCIPAL = Error;
    INVALID_ROLE_REFERENCE = Warning;
    INVALID_USER_REFERENCE = Warning;
    ALLOW_WITH_NOT_PRINCIPAL = SecurityWarning;
    ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL = Error;
    ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL = Error;
    ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE = Error;
    INVALID_SERVICE_PRINCIPAL_FORMAT = Error;
    FEDERATED_PRINCIPAL_NOT_SUPPORTED = Error;
    RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL = SecurityWarning;
    RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL = Suggestion;
    UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL = Error;
    IRRELEVANT_CONDITION_KEY_IN_POLICY = Suggestion;
    MISMATCHED_ACTION_FOR_PRINCIPAL = Error;
    MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY = Error;
    INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY = Error;
    REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY = Suggestion;
    MISSING_GITHUB_REPO_CONDITION_KEY = SecurityWarning;
    MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL = SecurityWarning;
    // Conditions.
    EMPTY_OBJECT_CONDITION = Suggestion;
    EMPTY_ARRAY_CONDITION = Suggestion;
    EMPTY_ARRAY_CONDITION_FORALLVALUES = Suggestion;
    EMPTY_ARRAY_CONDITION_FORANYVALUE = Suggestion;
    EMPTY_ARRAY_CONDITION_IFEXISTS = Suggestion;
    INVALID_CONDITION_OPERATOR = Error;
    NULL_WITH_IF_EXISTS = Error;
    NULL_WITH_QUALIFIER = Suggestion;
    DUPLICATE_KEYS_WITH_DIFFERENT_CASE = Error;
    INVALID_CONDITION_KEY_FORMAT = Error;
    INVALID_GLOBAL_CONDITION_KEY = Error;
    INVALID_SERVICE_CONDITION_KEY = Error;
    UNSUPPORTED_GLOBAL_CONDITION_KEY = Error;
    INVALID_CONDITION_DATA_TYPE = Error;
    INVALID_CONDITION_MULTIPLE_BOOLEAN = Error;
    INVALID_VARIABLE_FOR_OPERATOR = Error;
    TYPE_MISMATCH = Warning;
    TYPE_MISMATCH_BOOLEAN = Warning;
    TYPE_MISMATCH_DATE = Warning;
    TYPE_MISMATCH_IP_RANGE = Warning;
    TYPE_MISMATCH_NUMBER = Warning;
    TYPE_MISMATCH_STRING = Warning;
    WILDCARD_WITHOUT_LIKE_OPERATOR = Warning;
    FORALLVALUES_WITH_SINGLE_VALUED_KEY = SecurityWarning;
    MISSING_QUALIFIER = Error;
    REDUNDANT_CONDITION_VALUE_NUM = Suggestion;
    IMPROVE_IP_RANGE = Suggestion;
    PRIVATE_IP_ADDRESS = Error;
    PRIVATE_NOT_IP_ADDRESS = Error;
    PRIVATE_IP_ADDRESS_SUBSET = Suggestion;
    PRIVATE_NOT_IP_ADDRESS_SUBSET = Suggestion;
    MISSING_TAG_KEY_IN_CONDITION = Error;
    INVALID_VPC_FORMAT = Error;
    INVALID_VPCE_FORMAT = Error;
    INVALID_REGION = Error;
    INVALID_DATE_VALUE = Warning;
    MISSING_PAIRED_CONDITION_KEYS = SecurityWarning;
    UNSUPPORTED_ACTION_FOR_CONDITION_KEY = Error;
    SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED = Warning;
    // Tag condition keys with services that do not support them.
    DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE = SecurityWarning;
    DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE = SecurityWarning;
    ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE = Suggestion;
    ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE = Suggestion;
    // Overly broad grants.
    PASS_ROLE_WITH_STAR_IN_RESOURCE = SecurityWarning;
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE = SecurityWarning;
    PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION = SecurityWarning;
    PASS_ROLE_WITH_NOT_RESOURCE = SecurityWarning;
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE = SecurityWarning;
    PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE = SecurityWarning;
    CREATE_SLR_WITH_STAR_IN_RESOURCE = Warning;
    CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE = Warning;
    CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION = Warning;
    CREATE_SLR_WITH_NOT_RESOURCE = Warning;
    CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE = Warning;
    CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE = Warning;
    // Service control policies. Since September 2025 SCPs take the full policy
    // language (conditions, resource ARNs and NotAction with Allow, NotResource,
    // wildcards anywhere in an action), so of the SCP syntax checks only the one
    // about principals still applies.
    SCP_SYNTAX_ERROR_PRINCIPAL = Error;
    // Resource control policies.
    POLICY_SIZE_EXCEEDS_RCP_QUOTA = Error;
    RCP_SYNTAX_ERROR_PRINCIPAL = Error;
    RCP_SYNTAX_ERROR_ALLOW = Error;
    RCP_SYNTAX_ERROR_NOTACTION = Error;
    RCP_SYNTAX_ERROR_ACTION = Error;
}

/// The check with this issue code.
pub fn by_code(code: &str) -> Option<Check> {
    ALL.iter().copied().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_section_of_the_reference() {
        assert_eq!(
            PASS_ROLE_WITH_STAR_IN_RESOURCE.learn_more_link(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
        );
        assert_eq!(
            MISSING_VERSION.learn_more_link(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-missing-version"
        );
    }

    #[test]
    fn codes_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(
                ALL.iter().skip(i + 1).all(|b| b.code != a.code),
                "{}",
                a.code
            );
        }
    }
}
