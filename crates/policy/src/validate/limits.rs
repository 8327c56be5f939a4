//! AWS's size quotas for policy documents and the errors for exceeding them.
use crate::ast::Span;
use crate::error::PolicyError;

/// Characters that count toward IAM's size quotas: IAM ignores whitespace.
pub fn non_whitespace_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// A place with a size quota, and the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SizeLimit {
    /// A customer managed policy version (also when used as a permissions boundary).
    Managed,
    /// The sum of a user's inline policies.
    InlineUser,
    /// The sum of a group's inline policies.
    InlineGroup,
    /// The sum of a role's inline policies.
    InlineRole,
    /// A role trust policy, at the default quota.
    Trust,
    /// An SCP or RCP; AWS Organizations counts every character, whitespace too.
    Organizations,
}

impl SizeLimit {
    pub const MANAGED: usize = 6_144;
    pub const INLINE_USER: usize = 2_048;
    pub const INLINE_GROUP: usize = 5_120;
    pub const INLINE_ROLE: usize = 10_240;
    pub const TRUST: usize = 2_048;
    pub const ORGANIZATIONS: usize = 5_120;

    pub fn max(self) -> usize {
        match self {
            SizeLimit::Managed => Self::MANAGED,
            SizeLimit::InlineUser => Self::INLINE_USER,
            SizeLimit::InlineGroup => Self::INLINE_GROUP,
            SizeLimit::InlineRole => Self::INLINE_ROLE,
            SizeLimit::Trust => Self::TRUST,
            SizeLimit::Organizations => Self::ORGANIZATIONS,
        }
    }

    /// The size of `text` as this quota counts it.
    pub fn measure(self, text: &str) -> usize {
        match self {
            SizeLimit::Organizations => text.chars().count(),
            _ => non_whitespace_len(text),
        }
    }

    /// Checks `text` (for inline policies: all of the entity's inline policies
    /// together) against the quota. `owner` names the user, group or role in
    /// AWS's message for inline policies and is ignored otherwise.
    pub fn check(self, text: &str, owner: &str) -> Result<(), PolicyError> {
        let size = self.measure(text);
        if size <= self.max() {
            return Ok(());
        }
        let message = match self {
            SizeLimit::Managed => format!("Cannot exceed quota for PolicySize: {}", self.max()),
            SizeLimit::InlineUser => inline_message(self.max(), "user", owner),
            SizeLimit::InlineGroup => inline_message(self.max(), "group", owner),
            SizeLimit::InlineRole => inline_message(self.max(), "role", owner),
            SizeLimit::Trust => format!("Cannot exceed quota for ACLSizePerRole: {}", self.max()),
            SizeLimit::Organizations => {
                "The provided policy document exceeds the maximum size limit.".to_string()
            }
        };
        Err(PolicyError::limit_exceeded(message, Span::default()))
    }
}

fn inline_message(max: usize, entity: &str, owner: &str) -> String {
    format!("Maximum policy size of {max} bytes exceeded for {entity} {owner}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_without_whitespace_for_iam_and_everything_for_organizations() {
        let text = "{ \"a\" :\n\t\"b c\" }";
        assert_eq!(non_whitespace_len(text), 10);
        assert_eq!(SizeLimit::Organizations.measure(text), text.chars().count());
    }

    #[test]
    fn reports_aws_wording_past_the_quota() {
        let at_limit = "x".repeat(6_144);
        assert!(SizeLimit::Managed.check(&at_limit, "").is_ok());
        let over = format!("{at_limit} y");
        let err = SizeLimit::Managed.check(&over, "").unwrap_err();
        assert_eq!(err.message, "Cannot exceed quota for PolicySize: 6144");
        assert_eq!(err.code.as_str(), "LimitExceeded");
        let err = SizeLimit::InlineRole
            .check(&"x".repeat(10_241), "app")
            .unwrap_err();
        assert_eq!(
            err.message,
            "Maximum policy size of 10240 bytes exceeded for role app"
        );
        assert!(SizeLimit::Trust.check(&"x".repeat(2_049), "").is_err());
    }
}
