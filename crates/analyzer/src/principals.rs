//! The callers a resource-based policy can tell apart.
//!
//! `Principal` values are compared by equality (ARNs, account ids, service and
//! provider names; `*` names everyone), so the classes of callers are finite: every
//! caller a policy names, the callers of every named account that the policy does not
//! name one by one, and callers of an account, service and provider it never mentions.
//! One caller of each kind stands for each of these.
use policy::ast::{Policy, PrincipalSpec, PrincipalType};
use policy::request::{Principal, PrincipalKind};

/// A candidate caller, and whether it is one of "the public": anonymous, or an
/// identity of an account no policy names.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) principal: Principal,
    pub(crate) public: bool,
}

/// Web identity providers anyone can sign in to: a trust policy that lets them in
/// without narrowing the audience is public.
const PUBLIC_PROVIDERS: [&str; 4] = [
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

/// An account id no policy names; the callers of the public come from it.
pub(crate) fn fresh_account(named: &[String], avoid: &[&str]) -> String {
    let mut n: u64 = 999_999_999_999;
    loop {
        let id = format!("{n:012}");
        if !named.contains(&id) && !avoid.contains(&id.as_str()) {
            return id;
        }
        n = n.saturating_sub(1);
    }
}

/// Every value written in `Principal`/`NotPrincipal` elements, by type.
fn principal_values(policies: &[&Policy]) -> Vec<(PrincipalType, String)> {
    let mut out = Vec::new();
    for policy in policies {
        for stmt in &policy.statements {
            let Some(block) = &stmt.principal else {
                continue;
            };
            if let PrincipalSpec::Map(entries) = &block.spec {
                for (ty, list) in entries {
                    for item in &list.items {
                        out.push((ty.value, item.value.clone()));
                    }
                }
            }
        }
    }
    out
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The account of an IAM or STS ARN.
fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, _, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    is_account_id(account).then_some(account)
}

/// The accounts the policies name, directly or inside ARNs.
pub(crate) fn named_accounts(policies: &[&Policy]) -> Vec<String> {
    let mut accounts: Vec<String> = Vec::new();
    for (ty, value) in principal_values(policies) {
        if ty != PrincipalType::Aws {
            continue;
        }
        let account = if is_account_id(&value) {
            Some(value.as_str())
        } else {
            arn_account(&value)
        };
        if let Some(a) = account {
            if !accounts.iter().any(|x| x == a) {
                accounts.push(a.to_string());
            }
        }
    }
    accounts
}

fn iam(kind: PrincipalKind, arn: String, account: &str, role_arn: Option<String>) -> Principal {
    Principal {
        kind,
        arn,
        account: account.to_string(),
        role_arn,
        service_linked_role: false,
        in_management_account: false,
    }
}

fn other(kind: PrincipalKind, arn: &str) -> Principal {
    Principal {
        kind,
        arn: arn.to_string(),
        account: String::new(),
        role_arn: None,
        service_linked_role: false,
        in_management_account: false,
    }
}

/// The callers of one account that no policy names one by one.
fn account_callers(account: &str, public: bool, out: &mut Vec<Caller>) {
    let partition = "aws";
    for principal in [
        iam(
            PrincipalKind::Root,
            format!("arn:{partition}:iam::{account}:root"),
            account,
            None,
        ),
        iam(
            PrincipalKind::User,
            format!("arn:{partition}:iam::{account}:user/unnamed-user"),
            account,
            None,
        ),
        iam(
            PrincipalKind::AssumedRole,
            format!("arn:{partition}:sts::{account}:assumed-role/unnamed-role/session"),
            account,
            Some(format!("arn:{partition}:iam::{account}:role/unnamed-role")),
        ),
    ] {
        out.push(Caller { principal, public });
    }
}

/// One caller per class of callers the policies can tell apart. `fresh` is an account
/// no policy names.
pub(crate) fn candidate_callers(policies: &[&Policy], fresh: &str) -> Vec<Caller> {
    let mut out = vec![Caller {
        principal: other(PrincipalKind::Anonymous, ""),
        public: true,
    }];
    account_callers(fresh, true, &mut out);
    for account in named_accounts(policies) {
        account_callers(&account, false, &mut out);
    }
    out.push(Caller {
        principal: other(PrincipalKind::Service, "unnamed-service.amazonaws.com"),
        public: false,
    });
    out.push(Caller {
        principal: other(PrincipalKind::Federated, "unnamed-provider.example.com"),
        public: false,
    });
    let values = principal_values(policies);
    let roles: Vec<&str> = values
        .iter()
        .filter(|(ty, v)| *ty == PrincipalType::Aws && arn_resource(v).starts_with("role/"))
        .map(|(_, v)| v.as_str())
        .collect();
    let mut accounts = vec![fresh.to_string()];
    accounts.extend(named_accounts(policies));
    for (ty, value) in &values {
        let value = value.clone();
        match ty {
            PrincipalType::Aws => {
                if value == "*" || is_account_id(&value) {
                    continue;
                }
                match arn_account(&value) {
                    Some(account) => named_arn_callers(&value, account, &roles, &mut out),
                    None => {
                        // A value without an account of its own (a unique id such as
                        // `AIDA...`, an ARN with a wildcard account): the engine names
                        // the caller whose ARN is that text, of whatever account.
                        for account in &accounts {
                            out.push(Caller {
                                principal: iam(PrincipalKind::User, value.clone(), account, None),
                                public: false,
                            });
                        }
                    }
                }
            }
            PrincipalType::Service => out.push(Caller {
                principal: other(PrincipalKind::Service, &value),
                public: false,
            }),
            PrincipalType::Federated => out.push(Caller {
                public: PUBLIC_PROVIDERS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&value)),
                principal: other(PrincipalKind::Federated, &value),
            }),
            PrincipalType::CanonicalUser => out.push(Caller {
                principal: other(PrincipalKind::Anonymous, &value),
                public: false,
            }),
        }
    }
    out
}

/// The resource part of an ARN (`role/ops/Admin`), empty when there is none.
fn arn_resource(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or_default()
}

/// `AWS` principal values with a wildcard inside (`arn:aws:iam::*:root`): the engine
/// compares them as text, and AWS does not document them as patterns.
pub(crate) fn wildcard_principals(policies: &[&Policy]) -> Vec<String> {
    principal_values(policies)
        .into_iter()
        .filter(|(ty, v)| *ty == PrincipalType::Aws && v != "*" && v.contains(['*', '?']))
        .map(|(_, v)| v)
        .collect()
}

/// The callers an IAM or STS ARN in a `Principal` element stands for: the identity
/// itself, and for a role, a session of it. A session names its role only by name, so
/// it stands for a session of each named role of that name (with any path) as well.
fn named_arn_callers(arn: &str, account: &str, roles: &[&str], out: &mut Vec<Caller>) {
    let resource = arn_resource(arn);
    let partition = arn.split(':').nth(1).unwrap_or("aws");
    let mut push = |principal| {
        out.push(Caller {
            principal,
            public: false,
        })
    };
    if resource == "root" {
        push(iam(PrincipalKind::Root, arn.to_string(), account, None));
    } else if let Some(path_name) = resource.strip_prefix("role/") {
        let name = path_name.rsplit('/').next().unwrap_or(path_name);
        push(iam(
            PrincipalKind::AssumedRole,
            format!("arn:{partition}:sts::{account}:assumed-role/{name}/unnamed-session"),
            account,
            Some(arn.to_string()),
        ));
        // The role ARN itself as the caller (a trust policy or a tool naming it).
        push(iam(PrincipalKind::User, arn.to_string(), account, None));
    } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let role = rest.split('/').next().unwrap_or(rest);
        push(iam(
            PrincipalKind::AssumedRole,
            arn.to_string(),
            account,
            Some(format!("arn:{partition}:iam::{account}:role/{role}")),
        ));
        for named in roles {
            let same_role = arn_account(named) == Some(account)
                && named.split(':').nth(1) == Some(partition)
                && arn_resource(named).rsplit('/').next() == Some(role);
            if same_role && !named.ends_with(&format!(":role/{role}")) {
                push(iam(
                    PrincipalKind::AssumedRole,
                    arn.to_string(),
                    account,
                    Some((*named).to_string()),
                ));
            }
        }
    } else if resource.starts_with("federated-user/") {
        push(iam(
            PrincipalKind::FederatedUser,
            arn.to_string(),
            account,
            None,
        ));
    } else {
        push(iam(PrincipalKind::User, arn.to_string(), account, None));
    }
}
