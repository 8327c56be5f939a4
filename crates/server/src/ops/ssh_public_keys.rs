//! SSH public keys of IAM users (for CodeCommit): UploadSSHPublicKey, GetSSHPublicKey,
//! ListSSHPublicKeys, UpdateSSHPublicKey, DeleteSSHPublicKey. Keys are RSA of at least
//! 2,048 bits, uploaded as an `ssh-rsa` line or PEM (`public_keys.rs`), and answered in
//! the encoding asked for.
use store::SshPublicKey;

use super::resources::{named_user, named_user_or_caller};
use super::{input, xml, Call, Operation, Target};
use crate::error::{ApiError, ApiResult};
use crate::operation;
use crate::public_keys::{KeyError, RsaPublicKey};

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("UploadSSHPublicKey", named_user, upload),
        operation!("GetSSHPublicKey", named_user, get),
        operation!("ListSSHPublicKeys", named_user_or_caller, list),
        operation!("UpdateSSHPublicKey", named_user, update),
        operation!("DeleteSSHPublicKey", named_user, delete),
    ]
}

fn key_error(e: KeyError) -> ApiError {
    match e {
        KeyError::Unrecognized => ApiError::new(
            "UnrecognizedPublicKeyEncoding",
            "The request was rejected because the public key encoding format is unsupported or unrecognized.",
        ),
        KeyError::Invalid(why) => ApiError::new(
            "InvalidPublicKey",
            format!("The request was rejected because the public key is malformed or otherwise invalid: {why}."),
        ),
    }
}

fn user_name<'t>(call: &Call, target: &'t Target) -> ApiResult<&'t str> {
    super::users::existing_user(call, target).map(|u| u.name.as_str())
}

fn key_id(call: &Call) -> ApiResult<&str> {
    input::required(&call.params, "SSHPublicKeyId")
}

/// `SSHPublicKey` with the body in `encoding` (`SSH` or `PEM`).
fn write_key(w: &mut awsquery::XmlWriter, key: &SshPublicKey, encoding: &str) -> ApiResult<()> {
    let parsed = RsaPublicKey::from_stored(&key.blob).map_err(key_error)?;
    let body = if encoding == "PEM" {
        parsed.pem()
    } else {
        parsed.openssh()
    };
    w.element("SSHPublicKey", |w| {
        w.text("UserName", &key.user_name);
        w.text("SSHPublicKeyId", &key.key_id);
        w.text("Fingerprint", &key.fingerprint);
        w.text("SSHPublicKeyBody", &body);
        w.text("Status", &key.status);
        w.text("UploadDate", &key.uploaded.iso8601());
    });
    Ok(())
}

async fn upload(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let body = input::required(&call.params, "SSHPublicKeyBody")?;
    let key = RsaPublicKey::parse(body).map_err(key_error)?;
    let blob = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, key.ssh_blob());
    let stored = call
        .store()
        .upload_ssh_public_key(call.account(), user, &blob, &key.fingerprint())
        .await?;
    let mut result = Ok(());
    let response = call.respond(|w| result = write_key(w, &stored, "SSH"));
    result.map(|()| response)
}

async fn get(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let encoding = input::required(&call.params, "Encoding")?;
    let key = call
        .store()
        .get_ssh_public_key(call.account(), user, key_id(call)?)
        .await?;
    let mut result = Ok(());
    let response = call.respond(|w| result = write_key(w, &key, encoding));
    result.map(|()| response)
}

async fn list(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let page = input::page(&call.params)?;
    let keys = call
        .store()
        .list_ssh_public_keys(call.account(), user, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("SSHPublicKeys", &keys.items, |w, key| {
            w.text("UserName", &key.user_name);
            w.text("SSHPublicKeyId", &key.key_id);
            w.text("Status", &key.status);
            w.text("UploadDate", &key.uploaded.iso8601());
        });
        xml::truncation(w, &keys);
    }))
}

async fn update(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    let status = input::required(&call.params, "Status")?;
    if status == "Expired" {
        // The model's enum has it, but only IAM sets it (on expiry); a caller may not.
        return Err(ApiError::invalid_input(
            "The status of an SSH public key can be set only to Active or Inactive.",
        ));
    }
    call.store()
        .update_ssh_public_key(call.account(), user, key_id(call)?, status)
        .await?;
    Ok(call.respond_empty())
}

async fn delete(call: &Call, target: &Target) -> ApiResult<String> {
    let user = user_name(call, target)?;
    call.store()
        .delete_ssh_public_key(call.account(), user, key_id(call)?)
        .await?;
    Ok(call.respond_empty())
}
