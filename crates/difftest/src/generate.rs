//! Random but meaningful cases. Every name is drawn from a small alphabet (two
//! accounts, a few callers, resources, actions, condition keys and values) so that
//! patterns, principals and conditions match often enough for allows, explicit denies
//! and the interplay of policy kinds to be exercised, not just implicit denies.
use serde_json::{json, Map, Value};

use crate::case::{Caller, CallerKind, Case, ContextEntry};
use crate::rng::Rng;

pub const ACCOUNT_A: &str = "111122223333";
pub const ACCOUNT_B: &str = "444455556666";

/// Resources with their owning account and the actions that apply to them.
const RESOURCES: &[(&str, &str, &[&str])] = &[
    (
        "arn:aws:s3:::bucket-a/alice/photo.jpg",
        ACCOUNT_A,
        S3_OBJECT,
    ),
    ("arn:aws:s3:::bucket-a/shared/doc.txt", ACCOUNT_A, S3_OBJECT),
    ("arn:aws:s3:::bucket-a", ACCOUNT_A, S3_BUCKET),
    ("arn:aws:s3:::bucket-b/data.csv", ACCOUNT_B, S3_OBJECT),
    ("arn:aws:sqs:us-east-1:111122223333:queue-1", ACCOUNT_A, SQS),
    ("arn:aws:sqs:us-east-1:444455556666:queue-2", ACCOUNT_B, SQS),
    (
        "arn:aws:dynamodb:us-east-1:111122223333:table/Orders",
        ACCOUNT_A,
        DYNAMODB,
    ),
    (
        "arn:aws:dynamodb:eu-west-1:444455556666:table/Users",
        ACCOUNT_B,
        DYNAMODB,
    ),
];
const S3_OBJECT: &[&str] = &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];
const S3_BUCKET: &[&str] = &["s3:ListBucket", "s3:GetBucketPolicy"];
const SQS: &[&str] = &["sqs:SendMessage", "sqs:ReceiveMessage"];
const DYNAMODB: &[&str] = &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"];

const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:Get*",
    "s3:*Object",
    "s3:*",
    "S3:getobject",
    "s3:?etObject",
    "sqs:SendMessage",
    "sqs:*",
    "dynamodb:GetItem",
    "dynamodb:Get?tem",
    "dynamodb:*",
    "*",
];

const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:s3:::bucket-a",
    "arn:aws:s3:::bucket-?/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::bucket-a/alice/photo.jpg",
    "arn:aws:s3:::bucket-a/${aws:username}/*",
    "arn:aws:s3:::BUCKET-A/*",
    "arn:aws:s3:::bucket-b/*",
    "arn:aws:sqs:*:111122223333:*",
    "arn:aws:sqs:us-east-1:*:queue-*",
    "arn:aws:sqs:us-east-1:444455556666:queue-2",
    "arn:aws:dynamodb:*:*:table/*",
    "arn:aws:dynamodb:us-east-1:111122223333:table/Orders",
    "arn:aws:*:*:111122223333:*",
];

/// The kind of value a condition key holds, which decides the operators used on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyType {
    String,
    StringSet,
    Numeric,
    Date,
    Bool,
    Ip,
    Arn,
}

/// Condition keys, their type, the values a request may carry and the values a
/// policy may test for (patterns and variables included).
struct KeyDef {
    name: &'static str,
    ty: KeyType,
    request_values: &'static [&'static str],
    policy_values: &'static [&'static str],
}

const KEYS: &[KeyDef] = &[
    KeyDef {
        name: "aws:PrincipalTag/team",
        ty: KeyType::String,
        request_values: &["dev", "ops", "Dev"],
        policy_values: &["dev", "ops", "DEV", "d*", "*", "o?s"],
    },
    KeyDef {
        name: "aws:RequestTag/env",
        ty: KeyType::String,
        request_values: &["prod", "test", ""],
        policy_values: &["prod", "test", "pr*", "${aws:PrincipalTag/team}"],
    },
    KeyDef {
        name: "s3:prefix",
        ty: KeyType::String,
        request_values: &["home/", "home/alice/", "public/", "home/bob/x"],
        policy_values: &["home/", "home/${aws:username}/*", "public/*", "home/*", ""],
    },
    KeyDef {
        name: "aws:PrincipalOrgID",
        ty: KeyType::String,
        request_values: &["o-aaaa1111", "o-bbbb2222"],
        policy_values: &["o-aaaa1111", "o-*"],
    },
    KeyDef {
        name: "aws:TagKeys",
        ty: KeyType::StringSet,
        request_values: &["env", "team", "cost", "Owner"],
        policy_values: &["env", "team", "owner", "c*"],
    },
    KeyDef {
        name: "s3:max-keys",
        ty: KeyType::Numeric,
        request_values: &["5", "10", "100", "10.0"],
        policy_values: &["10", "100", "7"],
    },
    KeyDef {
        name: "aws:MultiFactorAuthAge",
        ty: KeyType::Numeric,
        request_values: &["30", "3600", "86400"],
        policy_values: &["3600", "600"],
    },
    KeyDef {
        name: "aws:CurrentTime",
        ty: KeyType::Date,
        request_values: &["2024-01-01T00:00:00Z", "2025-06-15T12:30:00Z"],
        policy_values: &["2024-06-01T00:00:00Z", "2025-06-15T12:30:00Z", "2025-01-01"],
    },
    KeyDef {
        name: "aws:EpochTime",
        ty: KeyType::Date,
        request_values: &["1700000000", "1750000000"],
        policy_values: &["1718000000", "2024-06-01T00:00:00Z"],
    },
    KeyDef {
        name: "aws:SecureTransport",
        ty: KeyType::Bool,
        request_values: &["true", "false"],
        policy_values: &["true", "false"],
    },
    KeyDef {
        name: "aws:MultiFactorAuthPresent",
        ty: KeyType::Bool,
        request_values: &["true", "false"],
        policy_values: &["true", "false"],
    },
    KeyDef {
        name: "aws:SourceIp",
        ty: KeyType::Ip,
        request_values: &["10.1.2.3", "192.168.0.5", "203.0.113.7", "2001:db8::1"],
        policy_values: &[
            "10.0.0.0/8",
            "192.168.0.0/16",
            "203.0.113.7",
            "203.0.113.0/24",
            "2001:db8::/32",
        ],
    },
    KeyDef {
        name: "aws:SourceArn",
        ty: KeyType::Arn,
        request_values: &[
            "arn:aws:sns:us-east-1:111122223333:topic-1",
            "arn:aws:s3:::bucket-a",
        ],
        policy_values: &[
            "arn:aws:sns:us-east-1:111122223333:topic-1",
            "arn:aws:sns:*:111122223333:*",
            "arn:aws:s3:::bucket-*",
            "arn:aws:s3:::bucket-a",
        ],
    },
    KeyDef {
        name: "aws:PrincipalArn",
        ty: KeyType::Arn,
        // Filled from the caller; these are only the policy side.
        request_values: &[],
        policy_values: &[
            "arn:aws:iam::111122223333:role/Dev",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:*",
            "arn:aws:iam::*:role/*",
        ],
    },
    KeyDef {
        name: "aws:username",
        ty: KeyType::String,
        request_values: &[],
        policy_values: &["alice", "bob", "a*"],
    },
    KeyDef {
        name: "aws:PrincipalAccount",
        ty: KeyType::String,
        request_values: &[],
        policy_values: &[ACCOUNT_A, ACCOUNT_B],
    },
];

const STRING_OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
];
const NUMERIC_OPS: &[&str] = &[
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
];
const DATE_OPS: &[&str] = &[
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
];
const IP_OPS: &[&str] = &["IpAddress", "NotIpAddress"];
const ARN_OPS: &[&str] = &["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"];

/// The callers: users and role sessions in both accounts, the root user, anonymous.
fn caller(rng: &mut Rng) -> Caller {
    let roll = rng.below(100);
    let user = |arn: &str, account: &str| Caller {
        kind: CallerKind::User,
        arn: arn.into(),
        account: account.into(),
        role_arn: None,
    };
    let session = |arn: &str, role: &str, account: &str| Caller {
        kind: CallerKind::RoleSession,
        arn: arn.into(),
        account: account.into(),
        role_arn: Some(role.into()),
    };
    match roll {
        0..=34 => user("arn:aws:iam::111122223333:user/alice", ACCOUNT_A),
        35..=49 => user("arn:aws:iam::444455556666:user/team/bob", ACCOUNT_B),
        50..=79 => session(
            "arn:aws:sts::111122223333:assumed-role/Dev/sess-1",
            "arn:aws:iam::111122223333:role/Dev",
            ACCOUNT_A,
        ),
        _ => session(
            "arn:aws:sts::444455556666:assumed-role/Ops/sess-2",
            "arn:aws:iam::444455556666:role/Ops",
            ACCOUNT_B,
        ),
    }
}

/// The generator's knobs; [`Profile::default`] is what the differential runs use.
#[derive(Debug, Clone)]
pub struct Profile {
    pub max_identity_policies: usize,
    pub max_statements: usize,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            max_identity_policies: 3,
            max_statements: 3,
        }
    }
}

pub struct Generator {
    rng: Rng,
    profile: Profile,
    next_id: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator::with_profile(seed, Profile::default())
    }

    pub fn with_profile(seed: u64, profile: Profile) -> Self {
        Generator {
            rng: Rng::new(seed),
            profile,
            next_id: 0,
        }
    }

    pub fn case(&mut self) -> Case {
        let id = self.next_id;
        self.next_id += 1;
        let rng = &mut self.rng;
        let caller = caller(rng);
        let (resource_arn, resource_account, actions) = *rng.pick(RESOURCES);
        // Mostly an action that fits the resource; sometimes any action, as a caller
        // may ask for anything.
        let action = if rng.chance(90) {
            (*rng.pick(actions)).to_string()
        } else {
            let (_, _, other) = *rng.pick(RESOURCES);
            (*rng.pick(other)).to_string()
        };
        let context = context(rng, &caller);

        let n_identity = rng.between(0, self.profile.max_identity_policies);
        let max_st = self.profile.max_statements;
        let identity = (0..n_identity)
            .map(|_| policy(rng, Side::Identity, max_st))
            .collect();
        let boundary = if rng.chance(25) {
            vec![policy(rng, Side::Identity, max_st)]
        } else {
            Vec::new()
        };
        let session = if caller.kind == CallerKind::RoleSession && rng.chance(25) {
            Some(policy(rng, Side::Identity, max_st))
        } else {
            None
        };
        let scps = if rng.chance(35) {
            (0..rng.between(1, 3)).map(|_| scp_level(rng)).collect()
        } else {
            Vec::new()
        };
        let rcps = if rng.chance(25) {
            (0..rng.between(1, 2)).map(|_| rcp_level(rng)).collect()
        } else {
            Vec::new()
        };
        let cross = caller.account != resource_account;
        let resource_policy = if rng.chance(if cross { 65 } else { 40 }) {
            Some(policy(rng, Side::Resource, max_st))
        } else {
            None
        };
        Case {
            id,
            caller,
            action,
            resource_arn: resource_arn.into(),
            resource_account: resource_account.into(),
            context,
            identity,
            boundary,
            session,
            scps,
            rcps,
            resource_policy,
        }
    }
}

/// The request context: the keys AWS always sets for an authenticated caller, then
/// each key of the alphabet with some probability.
fn context(rng: &mut Rng, caller: &Caller) -> Vec<(String, ContextEntry)> {
    let mut out: Vec<(String, ContextEntry)> = Vec::new();
    let single = |k: &str, v: &str| (k.to_string(), ContextEntry::Single(v.to_string()));
    if caller.kind != CallerKind::Anonymous {
        let principal_arn = caller.role_arn.as_deref().unwrap_or(&caller.arn);
        out.push(single("aws:PrincipalArn", principal_arn));
        out.push(single("aws:PrincipalAccount", &caller.account));
        if caller.kind == CallerKind::User {
            let name = caller.arn.rsplit('/').next().unwrap_or_default();
            out.push(single("aws:username", name));
        }
    }
    for key in KEYS {
        if key.request_values.is_empty() || !rng.chance(50) {
            continue;
        }
        let entry = if key.ty == KeyType::StringSet {
            // Never an empty set: AWS leaves a key without values out of the request
            // context (a missing key is generated by leaving it out).
            let values = rng.subset(key.request_values, 1, 3);
            ContextEntry::Set(values.into_iter().map(|s| s.to_string()).collect())
        } else {
            ContextEntry::Single(rng.pick(key.request_values).to_string())
        };
        out.push((key.name.to_string(), entry));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Identity,
    Resource,
}

fn version(rng: &mut Rng) -> Option<&'static str> {
    match rng.below(100) {
        0..=91 => Some("2012-10-17"),
        92..=96 => Some("2008-10-17"),
        _ => None,
    }
}

fn document(version: Option<&str>, statements: Vec<Value>) -> Value {
    let mut doc = Map::new();
    if let Some(v) = version {
        doc.insert("Version".into(), json!(v));
    }
    doc.insert("Statement".into(), Value::Array(statements));
    Value::Object(doc)
}

fn policy(rng: &mut Rng, side: Side, max_statements: usize) -> Value {
    let n = rng.between(1, max_statements.max(1));
    let statements = (0..n).map(|_| statement(rng, side)).collect();
    document(version(rng), statements)
}

/// One string, or a list of 1..=3 strings drawn from `table`.
fn string_or_list(rng: &mut Rng, table: &[&str]) -> Value {
    let items = rng.subset(table, 1, 3);
    if items.len() == 1 && rng.chance(60) {
        json!(items[0])
    } else {
        Value::Array(items.into_iter().map(|s| json!(s)).collect())
    }
}

fn statement(rng: &mut Rng, side: Side) -> Value {
    let mut st = Map::new();
    let effect = if rng.chance(70) { "Allow" } else { "Deny" };
    st.insert("Effect".into(), json!(effect));
    if side == Side::Resource {
        // AWS supports NotPrincipal only with Deny ("Using it with Allow is not
        // supported"), so only deny statements use it.
        let key = if effect == "Deny" && rng.chance(20) {
            "NotPrincipal"
        } else {
            "Principal"
        };
        st.insert(key.into(), principal(rng));
    }
    let action_key = if rng.chance(12) {
        "NotAction"
    } else {
        "Action"
    };
    st.insert(action_key.into(), string_or_list(rng, ACTION_PATTERNS));
    let resource_key = if rng.chance(10) {
        "NotResource"
    } else {
        "Resource"
    };
    st.insert(resource_key.into(), string_or_list(rng, RESOURCE_PATTERNS));
    if rng.chance(45) {
        st.insert("Condition".into(), condition_block(rng));
    }
    Value::Object(st)
}

const PRINCIPAL_AWS: &[&str] = &[
    "*",
    ACCOUNT_A,
    ACCOUNT_B,
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:root",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::444455556666:user/team/bob",
    "arn:aws:iam::111122223333:role/Dev",
    "arn:aws:iam::444455556666:role/Ops",
    "arn:aws:sts::111122223333:assumed-role/Dev/sess-1",
];

fn principal(rng: &mut Rng) -> Value {
    match rng.below(100) {
        0..=14 => json!("*"),
        15..=89 => json!({"AWS": string_or_list(rng, PRINCIPAL_AWS)}),
        _ => json!({"Service": "sns.amazonaws.com"}),
    }
}

fn condition_block(rng: &mut Rng) -> Value {
    let mut block: Map<String, Value> = Map::new();
    for _ in 0..rng.between(1, 2) {
        let key = rng.pick(KEYS);
        let op = operator(rng, key);
        let values = condition_values(rng, key, &op);
        let entry = block.entry(op).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            keys.insert(key.name.to_string(), values);
        }
    }
    Value::Object(block)
}

/// An operator that fits the key's type, with set qualifiers on sets (and sometimes on
/// single values, which AWS allows) and `IfExists` now and then; `Null` on any key.
fn operator(rng: &mut Rng, key: &KeyDef) -> String {
    if rng.chance(8) {
        return "Null".to_string();
    }
    let base: &str = match key.ty {
        KeyType::String | KeyType::StringSet => rng.pick::<&str>(STRING_OPS),
        KeyType::Numeric => rng.pick::<&str>(NUMERIC_OPS),
        KeyType::Date => rng.pick::<&str>(DATE_OPS),
        KeyType::Bool => "Bool",
        KeyType::Ip => rng.pick::<&str>(IP_OPS),
        KeyType::Arn => rng.pick::<&str>(ARN_OPS),
    };
    // Multivalued keys always get a set qualifier: AWS documents that they require one
    // and leaves a bare operator on a set undefined, so no oracle could be judged there.
    let qualifier = match key.ty {
        KeyType::StringSet => {
            if rng.chance(50) {
                "ForAllValues:"
            } else {
                "ForAnyValue:"
            }
        }
        _ if rng.chance(5) => {
            if rng.chance(50) {
                "ForAllValues:"
            } else {
                "ForAnyValue:"
            }
        }
        _ => "",
    };
    let if_exists = if rng.chance(20) { "IfExists" } else { "" };
    format!("{qualifier}{base}{if_exists}")
}

fn condition_values(rng: &mut Rng, key: &KeyDef, op: &str) -> Value {
    if op == "Null" {
        return if rng.chance(50) {
            json!("true")
        } else {
            json!("false")
        };
    }
    if key.ty == KeyType::Bool && rng.chance(30) {
        // AWS accepts JSON booleans as condition values.
        return json!(rng.chance(50));
    }
    string_or_list(rng, key.policy_values)
}

/// One level of SCPs: usually AWS's default FullAWSAccess, sometimes an allow-list in
/// its place, often a deny policy beside it.
fn scp_level(rng: &mut Rng) -> Vec<Value> {
    let mut level = Vec::new();
    if rng.chance(75) {
        level.push(document(
            Some("2012-10-17"),
            vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        ));
    } else {
        level.push(document(
            Some("2012-10-17"),
            vec![json!({"Effect": "Allow", "Action": string_or_list(rng, ACTION_PATTERNS), "Resource": "*"})],
        ));
    }
    if rng.chance(50) {
        let st = (0..rng.between(1, 2))
            .map(|_| {
                let mut s = statement(rng, Side::Identity);
                if let Value::Object(m) = &mut s {
                    m.insert("Effect".into(), json!("Deny"));
                }
                s
            })
            .collect();
        level.push(document(Some("2012-10-17"), st));
    }
    level
}

/// One level of RCPs: AWS attaches RCPFullAWSAccess to every level and it cannot be
/// detached; other RCPs are deny statements with `"Principal": "*"`.
fn rcp_level(rng: &mut Rng) -> Vec<Value> {
    let mut level = vec![document(
        Some("2012-10-17"),
        vec![json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})],
    )];
    if rng.chance(70) {
        let st = (0..rng.between(1, 2))
            .map(|_| {
                let mut s = statement(rng, Side::Identity);
                if let Value::Object(m) = &mut s {
                    m.insert("Effect".into(), json!("Deny"));
                    m.insert("Principal".into(), json!("*"));
                }
                s
            })
            .collect();
        level.push(document(Some("2012-10-17"), st));
    }
    level
}

/// The "typical" request of the speed goal: a user with 10 attached policies of five
/// statements each, with conditions and wildcard resources, in one account.
pub fn typical_case() -> Case {
    let mut policies = Vec::new();
    let services = [
        "ec2", "sqs", "dynamodb", "lambda", "sns", "kms", "logs", "iam", "s3", "s3",
    ];
    for (i, service) in services.iter().enumerate() {
        let mut statements = Vec::new();
        for j in 0..5 {
            let st = match j {
                0 => json!({"Sid": format!("Read{i}"), "Effect": "Allow",
                    "Action": [format!("{service}:Get*"), format!("{service}:List*"), format!("{service}:Describe*")],
                    "Resource": format!("arn:aws:{service}:*:111122223333:*")}),
                1 => json!({"Sid": format!("Write{i}"), "Effect": "Allow",
                    "Action": [format!("{service}:Put*"), format!("{service}:Create*")],
                    "Resource": [format!("arn:aws:{service}:us-east-1:111122223333:app-{i}/*"), format!("arn:aws:{service}:us-east-1:111122223333:shared-*")],
                    "Condition": {"StringEquals": {"aws:RequestTag/team": ["dev", "ops"]}, "Bool": {"aws:SecureTransport": "true"}}}),
                2 => json!({"Sid": format!("Office{i}"), "Effect": "Allow",
                    "Action": format!("{service}:*"),
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}, "StringLike": {"aws:PrincipalTag/project": "proj-*"}}}),
                3 => json!({"Sid": format!("NoDelete{i}"), "Effect": "Deny",
                    "Action": format!("{service}:Delete*"),
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
                _ => json!({"Sid": format!("Window{i}"), "Effect": "Allow",
                    "Action": [format!("{service}:Tag*"), format!("{service}:Untag*")],
                    "Resource": format!("arn:aws:{service}:*:*:*"),
                    "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}}),
            };
            statements.push(st);
        }
        policies.push(document(Some("2012-10-17"), statements));
    }
    let single = |k: &str, v: &str| (k.to_string(), ContextEntry::Single(v.to_string()));
    Case {
        id: 0,
        caller: Caller {
            kind: CallerKind::User,
            arn: "arn:aws:iam::111122223333:user/alice".into(),
            account: ACCOUNT_A.into(),
            role_arn: None,
        },
        action: "s3:GetObject".into(),
        resource_arn: "arn:aws:s3:::bucket-a/alice/photo.jpg".into(),
        resource_account: ACCOUNT_A.into(),
        context: vec![
            single("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"),
            single("aws:PrincipalAccount", ACCOUNT_A),
            single("aws:username", "alice"),
            single("aws:SourceIp", "10.1.2.3"),
            single("aws:SecureTransport", "true"),
            single("aws:MultiFactorAuthPresent", "true"),
            single("aws:CurrentTime", "2025-06-15T12:30:00Z"),
            single("aws:PrincipalTag/project", "proj-apollo"),
        ],
        identity: policies,
        boundary: Vec::new(),
        session: None,
        scps: Vec::new(),
        rcps: Vec::new(),
        resource_policy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_cases() {
        let mut a = Generator::new(1);
        let mut b = Generator::new(1);
        for _ in 0..50 {
            assert_eq!(a.case(), b.case());
        }
    }

    #[test]
    fn cases_cover_every_policy_kind_and_both_account_relations() {
        let mut g = Generator::new(2);
        let cases: Vec<Case> = (0..500).map(|_| g.case()).collect();
        assert!(cases.iter().any(|c| !c.identity.is_empty()));
        assert!(cases.iter().any(|c| !c.boundary.is_empty()));
        assert!(cases.iter().any(|c| c.session.is_some()));
        assert!(cases.iter().any(|c| !c.scps.is_empty()));
        assert!(cases.iter().any(|c| !c.rcps.is_empty()));
        assert!(cases.iter().any(|c| c.resource_policy.is_some()));
        assert!(cases.iter().any(|c| c.cross_account()));
        assert!(cases.iter().any(|c| !c.cross_account()));
        assert!(cases.iter().any(|c| c
            .context
            .iter()
            .any(|(_, v)| matches!(v, ContextEntry::Set(_)))));
    }

    #[test]
    fn typical_case_has_ten_policies_of_five_statements() {
        let c = typical_case();
        assert_eq!(c.identity.len(), 10);
        for p in &c.identity {
            assert_eq!(p["Statement"].as_array().map(Vec::len), Some(5));
        }
    }
}
