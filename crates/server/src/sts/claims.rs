//! What a session token carries, and its compact binary form.
//!
//! Everything authentication and authorization need is in the token, so verifying a
//! request signed with temporary credentials reads no database: the session's secret
//! access key, who the session is, when it expires, and the facts that feed the
//! request context (session policies, tags, source identity, MFA).
//!
//! The binary form is a version byte followed by the fields in a fixed order; strings
//! are a 32-bit big-endian length and UTF-8 bytes, lists a 16-bit count. It is only
//! ever read after the token opened under the ring (so it is our own output), yet the
//! reader still refuses anything malformed rather than trusting lengths.
use store::{SecretString, Tag, Timestamp};

/// The format of the claims; bumped when fields change.
const CLAIMS_V1: u8 = 1;

/// Which operation made the session, which decides who it acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// `AssumeRole` (and the federation operations): a role session.
    Role,
    /// `GetFederationToken`: a federated user session of an IAM user.
    FederatedUser,
    /// `GetSessionToken` by an IAM user: the user itself, with session facts.
    User,
    /// `GetSessionToken` by the account root, or `AssumeRoot`: the root itself.
    Root,
}

impl SessionKind {
    fn code(self) -> u8 {
        match self {
            SessionKind::Role => 1,
            SessionKind::FederatedUser => 2,
            SessionKind::User => 3,
            SessionKind::Root => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => SessionKind::Role,
            2 => SessionKind::FederatedUser,
            3 => SessionKind::User,
            4 => SessionKind::Root,
            _ => return None,
        })
    }
}

/// The sealed content of a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    pub kind: SessionKind,
    /// The `ASIA…` key id the session signs with.
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub account_id: String,
    /// The IAM identity behind the session: the role's unique id (role sessions), the
    /// user's (user and federated user sessions), the account id (root sessions).
    pub principal_id: String,
    /// The role's or the user's name; empty for root sessions.
    pub principal_name: String,
    /// The role's or the user's path.
    pub principal_path: String,
    /// `RoleSessionName`, or the federated user's name; empty for `GetSessionToken`.
    pub session_name: String,
    pub issued: Timestamp,
    pub expires: Timestamp,
    /// The inline session policy, as given.
    pub policy: Option<String>,
    /// Managed policies passed as session policies (`PolicyArns`, `TaskPolicyArn`).
    pub policy_arns: Vec<String>,
    /// Session tags (`aws:PrincipalTag/*`, over the role's own tags).
    pub tags: Vec<Tag>,
    /// Keys of `tags` that pass on to sessions this one assumes.
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    /// When the caller last proved possession of an MFA device; `None`: no MFA.
    pub mfa_authenticated_at: Option<Timestamp>,
    /// A role session made by a role session (role chaining: one hour at most).
    pub chained: bool,
    /// The identity provider of a federated role session (`aws:FederatedProvider`).
    pub federated_provider: Option<String>,
    /// Further context keys the session fixes for its requests, e.g. the claims of a
    /// web identity or SAML assertion: (key, values).
    pub extra_context: Vec<(String, Vec<String>)>,
}

impl SessionClaims {
    /// Whether the session carries session policies (they narrow every request).
    pub fn has_session_policies(&self) -> bool {
        self.policy.is_some() || !self.policy_arns.is_empty()
    }

    /// `arn:aws:iam::ACCT:role/PATH/NAME` for a role session.
    pub fn role_arn(&self) -> String {
        store::iam_arn(
            &self.account_id,
            "role",
            &self.principal_path,
            &self.principal_name,
        )
    }

    /// The binary form (see the module documentation).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(512));
        w.u8(CLAIMS_V1);
        w.u8(self.kind.code());
        w.str(&self.access_key_id);
        w.str(self.secret_access_key.expose());
        w.str(&self.account_id);
        w.str(&self.principal_id);
        w.str(&self.principal_name);
        w.str(&self.principal_path);
        w.str(&self.session_name);
        w.i64(self.issued.millis());
        w.i64(self.expires.millis());
        w.opt_str(self.policy.as_deref());
        w.list(&self.policy_arns, |w, s| w.str(s));
        w.list(&self.tags, |w, t| {
            w.str(&t.key);
            w.str(&t.value);
        });
        w.list(&self.transitive_tag_keys, |w, s| w.str(s));
        w.opt_str(self.source_identity.as_deref());
        match self.mfa_authenticated_at {
            Some(at) => {
                w.u8(1);
                w.i64(at.millis());
            }
            None => w.u8(0),
        }
        w.u8(u8::from(self.chained));
        w.opt_str(self.federated_provider.as_deref());
        w.list(&self.extra_context, |w, (key, values)| {
            w.str(key);
            w.list(values, |w, v| w.str(v));
        });
        w.0
    }

    /// Reads the binary form; `None` when it is not well formed.
    pub fn decode(bytes: &[u8]) -> Option<SessionClaims> {
        let mut r = Reader(bytes);
        if r.u8()? != CLAIMS_V1 {
            return None;
        }
        let kind = SessionKind::from_code(r.u8()?)?;
        let claims = SessionClaims {
            kind,
            access_key_id: r.string()?,
            secret_access_key: SecretString::new(r.string()?),
            account_id: r.string()?,
            principal_id: r.string()?,
            principal_name: r.string()?,
            principal_path: r.string()?,
            session_name: r.string()?,
            issued: Timestamp(r.i64()?),
            expires: Timestamp(r.i64()?),
            policy: r.opt_string()?,
            policy_arns: r.list(Reader::string)?,
            tags: r.list(|r| Some(Tag::new(r.string()?, r.string()?)))?,
            transitive_tag_keys: r.list(Reader::string)?,
            source_identity: r.opt_string()?,
            mfa_authenticated_at: match r.u8()? {
                0 => None,
                1 => Some(Timestamp(r.i64()?)),
                _ => return None,
            },
            chained: match r.u8()? {
                0 => false,
                1 => true,
                _ => return None,
            },
            federated_provider: r.opt_string()?,
            extra_context: r.list(|r| Some((r.string()?, r.list(Reader::string)?)))?,
        };
        r.0.is_empty().then_some(claims)
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn str(&mut self, s: &str) {
        // Every string comes from a bounded request parameter or the store, far below
        // 4 GiB; saturating keeps the writer total anyway.
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        let n = u16::try_from(items.len()).unwrap_or(u16::MAX);
        self.0.extend_from_slice(&n.to_be_bytes());
        for item in items.iter().take(usize::from(n)) {
            each(self, item);
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let len = u32::from_be_bytes(self.take(4)?.try_into().ok()?);
        let bytes = self.take(usize::try_from(len).ok()?)?;
        String::from_utf8(bytes.to_vec()).ok()
    }
    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
    fn list<T>(&mut self, mut each: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = u16::from_be_bytes(self.take(2)?.try_into().ok()?);
        (0..n).map(|_| each(self)).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> SessionClaims {
        SessionClaims {
            kind: SessionKind::Role,
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretString::new("secret/+".into()),
            account_id: "123456789012".into(),
            principal_id: "AROAEXAMPLE".into(),
            principal_name: "deploy".into(),
            principal_path: "/ci/".into(),
            session_name: "build-7".into(),
            issued: Timestamp(1_700_000_000_000),
            expires: Timestamp(1_700_003_600_000),
            policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
            policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            tags: vec![Tag::new("team", "blue"), Tag::new("é", "")],
            transitive_tag_keys: vec!["team".into()],
            source_identity: Some("jane".into()),
            mfa_authenticated_at: Some(Timestamp(1_699_999_999_000)),
            chained: true,
            federated_provider: None,
            extra_context: vec![("saml:sub".into(), vec!["a".into(), "b".into()])],
        }
    }

    #[test]
    fn claims_round_trip() {
        let claims = sample();
        assert_eq!(SessionClaims::decode(&claims.encode()), Some(claims));
        let mut bare = sample();
        bare.policy = None;
        bare.source_identity = None;
        bare.mfa_authenticated_at = None;
        bare.tags.clear();
        bare.extra_context.clear();
        assert_eq!(SessionClaims::decode(&bare.encode()), Some(bare));
    }

    #[test]
    fn malformed_claims_are_refused() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert!(
                SessionClaims::decode(&bytes[..cut]).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SessionClaims::decode(&longer).is_none());
        let mut other_version = bytes;
        other_version[0] = 9;
        assert!(SessionClaims::decode(&other_version).is_none());
    }

    #[test]
    fn claims_do_not_print_the_secret() {
        assert!(!format!("{:?}", sample()).contains("secret/+"));
    }
}
