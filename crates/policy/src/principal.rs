//! The `Principal`/`NotPrincipal` element matched against the caller.
//!
//! How a caller matches matters beyond yes/no: within one account, a resource-based
//! policy that names the caller itself (the IAM user ARN, the role *session* ARN, the
//! federated user session ARN) grants directly and is not limited by an implicit deny in
//! identity-based policies, permissions boundaries or session policies; one that names
//! the IAM role (or the IAM user behind a federated session) is limited by the
//! boundary and the session policies; one that names only the account delegates to the
//! account's identity-based policies (AWS IAM User Guide, "Policy evaluation for
//! requests within a single account" and "Permissions boundaries for IAM entities").
use crate::ast::{Effect, PrincipalBlock, PrincipalSpec, PrincipalType};
use crate::request::{Principal, PrincipalKind};

/// How strongly a `Principal` element names the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatch {
    /// Not named.
    None,
    /// Named through its account (`123456789012` or `arn:aws:iam::123456789012:root`):
    /// the account delegates to its own identity-based policies.
    Account,
    /// Named through the identity the session was made from: the IAM role ARN for a
    /// role session, the IAM user ARN for a federated user session.
    Parent,
    /// Named itself: `*`, the IAM user ARN, the session ARN, the service, the provider.
    Direct,
}

/// One compiled principal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included.
    Everyone,
    /// An account: matched by every IAM identity of that account.
    Account(Box<str>),
    /// An IAM user, role, assumed-role session, federated user or root ARN.
    Arn(Box<str>),
    /// `{"Service": ...}`, compared without regard to case.
    Service(Box<str>),
    /// `{"Federated": ...}`: an identity provider (ARN or name).
    Federated(Box<str>),
    /// `{"CanonicalUser": ...}`: S3's canonical user id. The engine's callers carry no
    /// canonical ids, so this only matches a caller whose ARN field holds that id.
    CanonicalUser(Box<str>),
}

/// A compiled `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalMatcher {
    negated: bool,
    /// The effect of the statement: `NotPrincipal` exempts callers differently with
    /// `Allow` and with `Deny` (see [`PrincipalMatcher::matches`]).
    effect: Effect,
    entries: Vec<Entry>,
}

impl PrincipalMatcher {
    /// Compiles the element of a statement with `effect`.
    pub fn compile(block: &PrincipalBlock, effect: Effect) -> PrincipalMatcher {
        let mut entries = Vec::new();
        match &block.spec {
            PrincipalSpec::Any(_) => entries.push(Entry::Everyone),
            PrincipalSpec::Map(map) => {
                for (ty, list) in map {
                    for item in &list.items {
                        entries.push(compile_entry(ty.value, &item.value));
                    }
                }
            }
        }
        PrincipalMatcher {
            negated: block.negated,
            effect,
            entries,
        }
    }

    /// Whether this is `NotPrincipal`.
    pub fn is_negated(&self) -> bool {
        self.negated
    }

    /// How the element names `caller`. For `NotPrincipal`, a caller that is not listed
    /// matches [`PrincipalMatch::Direct`] and a listed caller does not match. What
    /// "listed" means depends on the effect:
    ///
    /// - `Deny` exempts a caller only when its whole chain is listed
    ///   ([`PrincipalMatcher::exempts_from_deny`]);
    /// - `Allow` grants to "all principals except the one named" ("AWS JSON policy
    ///   elements: NotPrincipal", NotPrincipal with Allow): a caller named in any way
    ///   (itself, its role or IAM user, its account) gets nothing from the statement.
    pub fn matches(&self, caller: &Principal) -> PrincipalMatch {
        if self.negated {
            let excluded = match self.effect {
                Effect::Deny => self.exempts_from_deny(caller),
                Effect::Allow => self.names(caller),
            };
            return if excluded {
                PrincipalMatch::None
            } else {
                PrincipalMatch::Direct
            };
        }
        self.entries
            .iter()
            .map(|e| entry_match(e, caller))
            .max()
            .unwrap_or(PrincipalMatch::None)
    }

    /// Whether any entry names `caller`: itself, its role or IAM user, or its account.
    fn names(&self, caller: &Principal) -> bool {
        self.entries
            .iter()
            .any(|e| entry_match(e, caller) != PrincipalMatch::None)
    }

    /// Whether a `NotPrincipal` list exempts `caller` from a `Deny`. AWS checks every
    /// identity in the caller's chain: a caller is exempt only when its own ARN, its
    /// role (for a role session) and its account are all listed ("AWS JSON policy
    /// elements: NotPrincipal": a session must be listed with its role ARN and account
    /// ARN).
    fn exempts_from_deny(&self, caller: &Principal) -> bool {
        let matches: Vec<PrincipalMatch> = self
            .entries
            .iter()
            .map(|e| entry_match(e, caller))
            .collect();
        let has = |m: PrincipalMatch| matches.contains(&m);
        if self.entries.contains(&Entry::Everyone) {
            return true;
        }
        let has_parent = matches!(
            caller.kind,
            PrincipalKind::AssumedRole | PrincipalKind::FederatedUser
        ) && caller.role_arn.is_some();
        let has_account = matches!(
            caller.kind,
            PrincipalKind::User | PrincipalKind::AssumedRole | PrincipalKind::FederatedUser
        );
        has(PrincipalMatch::Direct)
            && (!has_parent || has(PrincipalMatch::Parent))
            && (!has_account || has(PrincipalMatch::Account))
    }
}

fn compile_entry(ty: PrincipalType, value: &str) -> Entry {
    match ty {
        PrincipalType::Aws => {
            if value == "*" {
                Entry::Everyone
            } else if is_account_id(value) {
                Entry::Account(value.into())
            } else if let Some(account) = root_account(value) {
                Entry::Account(account.into())
            } else {
                Entry::Arn(value.into())
            }
        }
        PrincipalType::Service => Entry::Service(value.into()),
        PrincipalType::Federated => Entry::Federated(value.into()),
        PrincipalType::CanonicalUser => Entry::CanonicalUser(value.into()),
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:PARTITION:iam::ACCOUNT:root` → `ACCOUNT`.
fn root_account(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("iam::")?;
    let (account, resource) = rest.split_once(':')?;
    (resource == "root" && is_account_id(account)).then_some(account)
}

fn entry_match(entry: &Entry, caller: &Principal) -> PrincipalMatch {
    use PrincipalKind as K;
    let is_iam_identity = matches!(
        caller.kind,
        K::Root | K::User | K::AssumedRole | K::FederatedUser
    );
    match entry {
        Entry::Everyone => PrincipalMatch::Direct,
        Entry::Account(account) => {
            if !is_iam_identity || caller.account != **account {
                PrincipalMatch::None
            } else if caller.kind == K::Root {
                // The root user is the account itself.
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::Account
            }
        }
        Entry::Arn(arn) => {
            if !is_iam_identity {
                PrincipalMatch::None
            } else if caller.arn == **arn {
                PrincipalMatch::Direct
            } else if matches!(caller.kind, K::AssumedRole | K::FederatedUser)
                && caller.role_arn.as_deref() == Some(&**arn)
            {
                PrincipalMatch::Parent
            } else {
                PrincipalMatch::None
            }
        }
        Entry::Service(name) => {
            if caller.kind == K::Service && caller.arn.eq_ignore_ascii_case(name) {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::None
            }
        }
        Entry::Federated(provider) => {
            if caller.kind == K::Federated && caller.arn == **provider {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::None
            }
        }
        Entry::CanonicalUser(id) => {
            if caller.arn == **id {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{Span, Spanned, StringList};

    fn block(ty: PrincipalType, values: &[&str], negated: bool) -> PrincipalBlock {
        let items = values
            .iter()
            .map(|v| Spanned::new((*v).to_string(), Span::default()))
            .collect();
        PrincipalBlock {
            negated,
            spec: PrincipalSpec::Map(vec![(
                Spanned::new(ty, Span::default()),
                StringList {
                    items,
                    is_array: true,
                    span: Span::default(),
                },
            )]),
            span: Span::default(),
        }
    }

    /// A `Principal` (or, negated, `NotPrincipal`) element of a `Deny` statement.
    fn matcher(ty: PrincipalType, values: &[&str], negated: bool) -> PrincipalMatcher {
        PrincipalMatcher::compile(&block(ty, values, negated), Effect::Deny)
    }

    fn not_principal_allow(values: &[&str]) -> PrincipalMatcher {
        PrincipalMatcher::compile(&block(PrincipalType::Aws, values, true), Effect::Allow)
    }

    fn session() -> Principal {
        Principal {
            kind: PrincipalKind::AssumedRole,
            arn: "arn:aws:sts::111122223333:assumed-role/Admin/alice".into(),
            account: "111122223333".into(),
            role_arn: Some("arn:aws:iam::111122223333:role/ops/Admin".into()),
            service_linked_role: false,
            in_management_account: false,
        }
    }

    #[test]
    fn role_arn_names_its_sessions_as_parent() {
        let m = matcher(
            PrincipalType::Aws,
            &["arn:aws:iam::111122223333:role/ops/Admin"],
            false,
        );
        assert_eq!(m.matches(&session()), PrincipalMatch::Parent);
    }

    #[test]
    fn session_arn_is_direct_and_account_is_account() {
        let m = matcher(
            PrincipalType::Aws,
            &[
                "arn:aws:iam::111122223333:root",
                "arn:aws:sts::111122223333:assumed-role/Admin/alice",
            ],
            false,
        );
        assert_eq!(m.matches(&session()), PrincipalMatch::Direct);
        let m = matcher(PrincipalType::Aws, &["111122223333"], false);
        assert_eq!(m.matches(&session()), PrincipalMatch::Account);
        let m = matcher(PrincipalType::Aws, &["444455556666"], false);
        assert_eq!(m.matches(&session()), PrincipalMatch::None);
    }

    #[test]
    fn not_principal_exempts_only_a_fully_listed_chain() {
        // The account alone does not exempt a session of that account.
        let m = matcher(PrincipalType::Aws, &["111122223333"], true);
        assert_eq!(m.matches(&session()), PrincipalMatch::Direct);
        let m = matcher(
            PrincipalType::Aws,
            &[
                "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                "arn:aws:iam::111122223333:role/ops/Admin",
                "arn:aws:iam::111122223333:root",
            ],
            true,
        );
        assert_eq!(m.matches(&session()), PrincipalMatch::None);
        let m = matcher(PrincipalType::Aws, &["444455556666"], true);
        assert_eq!(m.matches(&session()), PrincipalMatch::Direct);
    }

    #[test]
    fn not_principal_allow_excludes_a_caller_named_in_any_way() {
        for named in [
            "arn:aws:sts::111122223333:assumed-role/Admin/alice",
            "arn:aws:iam::111122223333:role/ops/Admin",
            "arn:aws:iam::111122223333:root",
            "111122223333",
        ] {
            let m = not_principal_allow(&[named]);
            assert_eq!(m.matches(&session()), PrincipalMatch::None, "{named}");
        }
        let m = not_principal_allow(&["arn:aws:iam::444455556666:root"]);
        assert_eq!(m.matches(&session()), PrincipalMatch::Direct);
    }

    #[test]
    fn service_names_ignore_case() {
        let m = matcher(PrincipalType::Service, &["CloudTrail.amazonaws.com"], false);
        let svc = Principal {
            kind: PrincipalKind::Service,
            arn: "cloudtrail.amazonaws.com".into(),
            account: String::new(),
            role_arn: None,
            service_linked_role: false,
            in_management_account: false,
        };
        assert_eq!(m.matches(&svc), PrincipalMatch::Direct);
        assert_eq!(m.matches(&session()), PrincipalMatch::None);
    }
}
