//! What an authorization request carries into the engine: who asks, for what action,
//! on which resource, and every fact of the request context. The engine reads the clock,
//! the network and the store through nothing but this.

/// The kinds of caller AWS distinguishes in evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// The account's root user (`arn:aws:iam::ACCT:root`).
    Root,
    /// An IAM user (`arn:aws:iam::ACCT:user/PATH/NAME`).
    User,
    /// A role session (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`).
    AssumedRole,
    /// A federated user session (`arn:aws:sts::ACCT:federated-user/NAME`).
    FederatedUser,
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service,
    /// A web identity or SAML caller before it becomes a role session (trust policies).
    Federated,
    /// An unauthenticated caller.
    Anonymous,
}

/// The caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The caller's ARN (`aws:PrincipalArn` is the role ARN for sessions, this is the
    /// session ARN), or the service name for [`PrincipalKind::Service`], or the provider
    /// (ARN or name such as `accounts.google.com`) for [`PrincipalKind::Federated`].
    pub arn: String,
    /// The caller's account id; empty for services and anonymous callers.
    pub account: String,
    /// For role sessions: the role's IAM ARN (`arn:aws:iam::ACCT:role/PATH/NAME`).
    pub role_arn: Option<String>,
    /// Service-linked roles are never restricted by SCPs or RCPs.
    pub service_linked_role: bool,
    /// Principals of an organization's management account are never restricted by SCPs.
    pub in_management_account: bool,
}

/// The resource acted on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resource {
    /// The resource ARN, or `*` when the action has no resource.
    pub arn: String,
    /// The account that owns the resource; `None` when unknown (treated as the caller's).
    pub account: Option<String>,
}

/// The value of one context key: one or several strings. `multi_valued` marks keys
/// that are sets (`aws:TagKeys`, `aws:PrincipalServiceNamesList`, ...), which matters
/// for `ForAllValues`/`ForAnyValue` and for single-valued operators.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextValue {
    pub values: Vec<String>,
    pub multi_valued: bool,
}

impl ContextValue {
    pub fn single(value: impl Into<String>) -> Self {
        ContextValue {
            values: vec![value.into()],
            multi_valued: false,
        }
    }
    pub fn multi<I: IntoIterator<Item = S>, S: Into<String>>(values: I) -> Self {
        ContextValue {
            values: values.into_iter().map(Into::into).collect(),
            multi_valued: true,
        }
    }
}

/// The request context: condition keys (case-insensitive) to values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// Sorted by lower-cased key, unique.
    entries: Vec<(String, ContextValue)>,
}

impl Context {
    pub fn new() -> Self {
        Context::default()
    }

    /// Sets `key` (any case) to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let key = key.to_ascii_lowercase();
        match self.entries.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.entries.insert(i, (key, value)),
        }
    }

    /// Looks up a key that is already lower-cased (compiled policies lower-case their keys).
    pub fn get_lower(&self, lower_key: &str) -> Option<&ContextValue> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(lower_key))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// Looks up a key in any case, without allocating: the search compares the stored
    /// (lower-case) keys with `key` folded byte by byte, which orders as the stored
    /// keys are sorted.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.entries
            .binary_search_by(|(k, _)| k.bytes().cmp(key.bytes().map(|b| b.to_ascii_lowercase())))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// One authorization question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: Principal,
    /// `service:Action` as the caller invoked it.
    pub action: String,
    pub resource: Resource,
    pub context: Context,
}
