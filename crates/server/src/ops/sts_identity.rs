//! Who am I and what was that: `GetCallerIdentity` (always answers, whatever the
//! policies say), `GetAccessKeyInfo` (the account of a key id) and
//! `DecodeAuthorizationMessage`.
use super::{Authorization, Call, Operation, Target};
use crate::error::ApiResult;
use crate::operation;
use crate::sts::{authorization_message, key_id};

pub fn operations() -> Vec<Operation> {
    vec![
        operation!(
            "GetCallerIdentity",
            no_resource,
            get_caller_identity,
            Authorization::InHandler
        ),
        operation!("GetAccessKeyInfo", no_resource, get_access_key_info),
        operation!(
            "DecodeAuthorizationMessage",
            no_resource,
            decode_authorization_message
        ),
    ]
}

async fn no_resource(_call: &Call) -> ApiResult<Target> {
    Ok(Target::arn("*".to_owned()))
}

async fn get_caller_identity(call: &Call, _target: &Target) -> ApiResult<String> {
    let caller = &call.caller;
    Ok(call.respond(|w| {
        w.text("UserId", &caller.unique_id());
        w.text("Account", &caller.account_id);
        w.text("Arn", &caller.arn);
    }))
}

/// The account a key id belongs to: a key of this iamd by lookup, any other by the
/// account AWS encodes in key ids.
async fn get_access_key_info(call: &Call, _target: &Target) -> ApiResult<String> {
    let id = call.params.get("AccessKeyId").unwrap_or_default();
    let account = if id.starts_with("ASIA") {
        key_id::account_of_key_id(id)
    } else {
        match call.state.credentials.get(id).await? {
            Some(credential) => Some(credential.account_id.clone()),
            None => key_id::account_of_key_id(id),
        }
    };
    Ok(call.respond(|w| {
        w.opt_text("Account", account.as_deref());
    }))
}

async fn decode_authorization_message(call: &Call, _target: &Target) -> ApiResult<String> {
    let encoded = call.params.get("EncodedMessage").unwrap_or_default();
    let decoded = authorization_message::decode(&call.state, encoded).await?;
    Ok(call.respond(|w| {
        w.text("DecodedMessage", &decoded);
    }))
}
