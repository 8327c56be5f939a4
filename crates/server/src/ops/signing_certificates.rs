//! X.509 signing certificates: UploadSigningCertificate, ListSigningCertificates,
//! UpdateSigningCertificate, DeleteSigningCertificate. Without `UserName` they act on
//! the caller: its user, or the account root's own certificates.
use store::{SigningCertificate, Timestamp};

use super::resources::named_user_or_caller;
use super::{input, xml, Call, Operation, Target};
use crate::certificates::{Certificate, CertificateError};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("UploadSigningCertificate", named_user_or_caller, upload),
        operation!("ListSigningCertificates", named_user_or_caller, list),
        operation!("UpdateSigningCertificate", named_user_or_caller, update),
        operation!("DeleteSigningCertificate", named_user_or_caller, delete),
    ]
}

/// The user whose certificates these are; `None` for the root's own.
fn owner<'t>(call: &Call, target: &'t Target) -> ApiResult<Option<&'t str>> {
    if call.params.get("UserName").is_none() && call.caller.is_root() {
        return Ok(None);
    }
    super::users::existing_user(call, target).map(|u| Some(u.name.as_str()))
}

fn malformed(CertificateError(why): CertificateError) -> ApiError {
    ApiError::new("MalformedCertificate", why)
}

fn certificate_id(call: &Call) -> ApiResult<&str> {
    input::required(&call.params, "CertificateId")
}

fn write_certificate(w: &mut awsquery::XmlWriter, c: &SigningCertificate) {
    w.text("UserName", c.user_name.as_deref().unwrap_or_default());
    w.text("CertificateId", &c.certificate_id);
    w.text("CertificateBody", &c.body);
    w.text("Status", &c.status);
    w.text("UploadDate", &c.uploaded.iso8601());
}

async fn upload(call: &Call, target: &Target) -> ApiResult<String> {
    let user = owner(call, target)?;
    let body = input::required(&call.params, "CertificateBody")?;
    let certificate = Certificate::parse(body).map_err(malformed)?;
    certificate
        .check_valid_at(Timestamp::now())
        .map_err(malformed)?;
    let stored = call
        .store()
        .upload_signing_certificate(
            call.account(),
            user,
            &certificate.pem(),
            &certificate.fingerprint(),
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("Certificate", |w| write_certificate(w, &stored));
    }))
}

async fn list(call: &Call, target: &Target) -> ApiResult<String> {
    let user = owner(call, target)?;
    let page = input::page(&call.params)?;
    let certificates = call
        .store()
        .list_signing_certificates(call.account(), user, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list("Certificates", &certificates.items, write_certificate);
        xml::truncation(w, &certificates);
    }))
}

async fn update(call: &Call, target: &Target) -> ApiResult<String> {
    let user = owner(call, target)?;
    let status = input::required(&call.params, "Status")?;
    if status == "Expired" {
        return Err(ApiError::invalid_input(
            "The status of a signing certificate can be set only to Active or Inactive.",
        ));
    }
    call.store()
        .update_signing_certificate(call.account(), user, certificate_id(call)?, status)
        .await?;
    Ok(call.respond_empty())
}

async fn delete(call: &Call, target: &Target) -> ApiResult<String> {
    let user = owner(call, target)?;
    call.store()
        .delete_signing_certificate(call.account(), user, certificate_id(call)?)
        .await?;
    Ok(call.respond_empty())
}
