//! The audit hook: every call on every front (the IAM and STS Query APIs, unsigned STS
//! calls, failed authentication and denials included, the JSON fronts) ends in exactly
//! one CloudTrail record, appended to the trail the server holds ([`audit::AuditTrail`]).
//! A front gathers [`CallFacts`] and calls [`record`]; the record's `requestID` is the
//! request id of the response header and of the access log line.
use std::sync::Arc;
use std::time::SystemTime;

use audit::record::{Record, Resource, UserIdentity, AWS_API_CALL, EVENT_VERSION, MANAGEMENT};
use audit::{AuditTrail, DigestKey, Options, Sealer};
use serde_json::Value;
use store::MasterKey;

use crate::identity::Caller;
use crate::pipeline::Incoming;
use crate::state::AppState;

pub mod classify;
pub mod identity;
pub mod parameters;
pub mod response;

pub const IAM_SOURCE: &str = "iam.amazonaws.com";
pub const STS_SOURCE: &str = "sts.amazonaws.com";
pub const CLOUDTRAIL_SOURCE: &str = "cloudtrail.amazonaws.com";
pub const ACCESS_ANALYZER_SOURCE: &str = "access-analyzer.amazonaws.com";

/// The region of events whose request named none.
const DEFAULT_REGION: &str = "us-east-1";

/// What a front learned about one call.
pub struct CallFacts<'a> {
    pub event_source: &'static str,
    /// The operation; `None` when the request named none.
    pub action: Option<&'a str>,
    /// The authenticated caller.
    pub caller: Option<&'a Caller>,
    /// For calls without a caller that still name who made them (the unsigned STS
    /// operations): that identity and the account the event belongs to.
    pub named: Option<(UserIdentity, Option<String>)>,
    pub region: Option<&'a str>,
    pub request_parameters: Option<Value>,
    pub response_elements: Option<Value>,
    /// The resource authorization was asked about.
    pub resource_arn: Option<&'a str>,
    /// The error code and message of a failed call.
    pub error: Option<(&'a str, &'a str)>,
}

/// Appends the call's record, when auditing is on.
pub async fn record(state: &AppState, req: &Incoming<'_>, request_id: &str, facts: CallFacts<'_>) {
    let Some(trail) = &state.audit else {
        return;
    };
    let (user_identity, account) = match (facts.caller, facts.named) {
        (Some(caller), _) => (identity::of_caller(caller), Some(caller.account_id.clone())),
        (None, Some(named)) => named,
        (None, None) => identity::of_unauthenticated(state, req).await,
    };
    let action = facts.action.unwrap_or_default();
    let resources = facts
        .resource_arn
        .and_then(|arn| {
            classify::resource_type(arn).map(|kind| Resource {
                account_id: classify::arn_account(arn).map(str::to_owned),
                kind: kind.to_owned(),
                arn: arn.to_owned(),
            })
        })
        .into_iter()
        .collect();
    let user_agent = req
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("user-agent"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default();
    let now = audit::time::unix_millis(SystemTime::now());
    let record = Record {
        event_version: EVENT_VERSION.to_owned(),
        user_identity,
        event_time: audit::time::iso8601(now),
        event_source: facts.event_source.to_owned(),
        event_name: action.to_owned(),
        aws_region: facts.region.unwrap_or(DEFAULT_REGION).to_owned(),
        source_ip_address: req.source_ip.to_string(),
        user_agent,
        error_code: facts.error.map(|(code, _)| code.to_owned()),
        error_message: facts.error.map(|(_, message)| message.to_owned()),
        request_parameters: facts.request_parameters,
        response_elements: facts.response_elements,
        request_id: request_id.to_owned(),
        event_id: crate::http::new_request_id(),
        read_only: classify::read_only(facts.event_source, action),
        resources,
        event_type: AWS_API_CALL.to_owned(),
        management_event: true,
        recipient_account_id: account,
        event_category: MANAGEMENT.to_owned(),
    };
    trail.append(&record);
}

/// The master key seals the digest signing key, bound to its purpose.
struct MasterKeySealer(MasterKey);

const SEAL_CONTEXT: &[u8] = b"iamd-audit-digest-signing-key";

impl Sealer for MasterKeySealer {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, String> {
        self.0.seal(SEAL_CONTEXT, plaintext).map_err(|e| e.message)
    }
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, String> {
        self.0
            .open(SEAL_CONTEXT, sealed)
            .map(|plain| plain.to_vec())
            .map_err(|e| e.message)
    }
}

/// Opens the trail in `dir`, its signing key sealed with the data directory's master
/// key (`IAMD_MASTER_KEY` or `master.key`, as the store's).
pub fn open(
    dir: &std::path::Path,
    data_dir: &std::path::Path,
    master_key_env: Option<&str>,
) -> Result<Arc<AuditTrail>, String> {
    let master = MasterKey::load_or_create(data_dir, master_key_env).map_err(|e| e.message)?;
    let key = DigestKey::load_or_create(dir, &MasterKeySealer(master))?;
    AuditTrail::open(Options::new(dir), key).map(Arc::new)
}
