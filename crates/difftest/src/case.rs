//! One generated authorization question with every policy that bears on it, in a form
//! both sides can read: our engine gets the policy texts, the oracle gets JSON.
use serde_json::{json, Map, Value};

/// The caller, as both engines need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    User,
    RoleSession,
    Root,
    Anonymous,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub kind: CallerKind,
    /// The caller's ARN (the session ARN for role sessions); empty when anonymous.
    pub arn: String,
    /// Empty when anonymous.
    pub account: String,
    /// For role sessions: the role's ARN.
    pub role_arn: Option<String>,
}

/// A context key's value: a single string or a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextEntry {
    Single(String),
    Set(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: u64,
    pub caller: Caller,
    pub action: String,
    pub resource_arn: String,
    pub resource_account: String,
    pub context: Vec<(String, ContextEntry)>,
    pub identity: Vec<Value>,
    /// At most one in AWS; kept a list so that shrinking can drop it like the others.
    pub boundary: Vec<Value>,
    pub session: Option<Value>,
    /// One list of documents per organization level, root first.
    pub scps: Vec<Vec<Value>>,
    pub rcps: Vec<Vec<Value>>,
    pub resource_policy: Option<Value>,
}

impl Case {
    /// Whether the caller and the resource are in different accounts.
    pub fn cross_account(&self) -> bool {
        self.caller.account != self.resource_account
    }

    fn context_json(&self) -> Value {
        let mut map = Map::new();
        for (key, value) in &self.context {
            let v = match value {
                ContextEntry::Single(s) => Value::String(s.clone()),
                ContextEntry::Set(items) => {
                    Value::Array(items.iter().cloned().map(Value::String).collect())
                }
            };
            map.insert(key.clone(), v);
        }
        Value::Object(map)
    }

    /// The line the oracle reads (see tests/differential/oracle.mjs).
    pub fn to_oracle_json(&self) -> Value {
        let principal = match self.caller.kind {
            CallerKind::Anonymous => json!({"type": "Anonymous"}),
            _ => Value::String(self.caller.arn.clone()),
        };
        json!({
            "id": self.id,
            "principal": principal,
            "action": self.action,
            "resource": {"arn": self.resource_arn, "account": self.resource_account},
            "context": self.context_json(),
            "identity": self.identity,
            "boundary": self.boundary,
            "session": self.session,
            "scps": self.scps,
            "rcps": self.rcps,
            "resourcePolicy": self.resource_policy,
        })
    }

    /// A readable rendering for reports and fixture files.
    pub fn to_pretty_json(&self) -> String {
        let mut v = self.to_oracle_json();
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "callerKind".into(),
                json!(format!("{:?}", self.caller.kind)),
            );
            obj.insert("callerAccount".into(), json!(self.caller.account));
            if let Some(role) = &self.caller.role_arn {
                obj.insert("roleArn".into(), json!(role));
            }
        }
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }

    /// Every statement of every policy, for shrinking and classification.
    pub fn all_policies(&self) -> Vec<&Value> {
        let mut out: Vec<&Value> = Vec::new();
        out.extend(self.identity.iter());
        out.extend(self.boundary.iter());
        out.extend(self.session.iter());
        out.extend(self.scps.iter().flatten());
        out.extend(self.rcps.iter().flatten());
        out.extend(self.resource_policy.iter());
        out
    }
}
