//! IAM server certificates: UploadServerCertificate, GetServerCertificate,
//! ListServerCertificates, UpdateServerCertificate, DeleteServerCertificate and their
//! tags. The certificate and chain must parse and be valid now; the private key must be
//! the certificate's (`KeyPairMismatch` otherwise). The key is sealed in the store and
//! never returned.
use store::{iam_arn, NewServerCertificate, SecretString, ServerCertificate, Timestamp};

use super::{input, xml, Call, Operation, Target};
use crate::certificates::{check_private_key, Certificate, CertificateError, KeyIssue};
use crate::error::{ApiError, ApiResult};
use crate::operation;

pub fn operations() -> Vec<Operation> {
    vec![
        operation!("UploadServerCertificate", new_certificate, upload),
        operation!("GetServerCertificate", named_certificate, get),
        operation!("ListServerCertificates", all_certificates, list),
        operation!("UpdateServerCertificate", named_certificate, update),
        operation!("DeleteServerCertificate", named_certificate, delete),
        operation!("TagServerCertificate", named_certificate, tag),
        operation!("UntagServerCertificate", named_certificate, untag),
        operation!("ListServerCertificateTags", named_certificate, list_tags),
    ]
}

const KIND: &str = "server-certificate";
const NAME_MAX: usize = 128;

fn name(call: &Call) -> ApiResult<&str> {
    input::required_name(&call.params, "ServerCertificateName", NAME_MAX)
}

async fn new_certificate(call: &Call) -> ApiResult<Target> {
    let path = input::path_or_root(&call.params, "Path")?;
    Ok(Target::arn(iam_arn(
        call.account(),
        KIND,
        &path,
        name(call)?,
    )))
}

/// The certificate's ARN with its real path and its tags when it exists.
async fn named_certificate(call: &Call) -> ApiResult<Target> {
    let name = name(call)?;
    match call
        .store()
        .get_server_certificate(call.account(), name)
        .await
    {
        Ok(c) => Ok(Target {
            arn: c.arn(),
            tags: c.tags,
            ..Target::default()
        }),
        Err(e) if e.kind == store::ErrorKind::NoSuchEntity => {
            Ok(Target::arn(iam_arn(call.account(), KIND, "/", name)))
        }
        Err(e) => Err(e.into()),
    }
}

async fn all_certificates(call: &Call) -> ApiResult<Target> {
    super::resources::account_collection(call, KIND).await
}

fn malformed(CertificateError(why): CertificateError) -> ApiError {
    ApiError::new("MalformedCertificate", why)
}

fn write_metadata(w: &mut awsquery::XmlWriter, c: &ServerCertificate) {
    w.text("Path", &c.path);
    w.text("ServerCertificateName", &c.name);
    w.text("ServerCertificateId", &c.id);
    w.text("Arn", &c.arn());
    w.text("UploadDate", &c.uploaded.iso8601());
    w.text("Expiration", &c.expiration.iso8601());
}

async fn upload(call: &Call, _target: &Target) -> ApiResult<String> {
    let name = name(call)?;
    let path = input::path_or_root(&call.params, "Path")?;
    let now = Timestamp::now();
    let body =
        Certificate::parse(input::required(&call.params, "CertificateBody")?).map_err(malformed)?;
    body.check_valid_at(now).map_err(malformed)?;
    let chain = match call.params.get("CertificateChain") {
        Some(text) => {
            let chain = Certificate::parse_chain(text).map_err(malformed)?;
            Some(chain.iter().map(Certificate::pem).collect::<String>())
        }
        None => None,
    };
    let private_key = SecretString::new(input::required(&call.params, "PrivateKey")?.to_owned());
    check_private_key(private_key.expose(), &body).map_err(|issue| match issue {
        KeyIssue::Unreadable => ApiError::new(
            "MalformedCertificate",
            "Unable to parse the private key. It must be an unencrypted PEM private key (PKCS #8, or PKCS #1 for RSA).",
        ),
        KeyIssue::Mismatch => ApiError::new(
            "KeyPairMismatch",
            "The request was rejected because the public key certificate and the private key do not match.",
        ),
    })?;
    let tags = input::tags(&call.params)?;
    let stored = call
        .store()
        .upload_server_certificate(
            call.account(),
            NewServerCertificate {
                name: name.to_owned(),
                path,
                body: body.pem(),
                chain,
                private_key,
                expiration: body.not_after,
                tags,
            },
        )
        .await?;
    Ok(call.respond(|w| {
        w.element("ServerCertificateMetadata", |w| write_metadata(w, &stored));
        if !stored.tags.is_empty() {
            xml::tags(w, &stored.tags);
        }
    }))
}

async fn get(call: &Call, _target: &Target) -> ApiResult<String> {
    let c = call
        .store()
        .get_server_certificate(call.account(), name(call)?)
        .await?;
    Ok(call.respond(|w| {
        w.element("ServerCertificate", |w| {
            w.element("ServerCertificateMetadata", |w| write_metadata(w, &c));
            w.text("CertificateBody", &c.body);
            w.opt_text("CertificateChain", c.chain.as_deref());
            if !c.tags.is_empty() {
                xml::tags(w, &c.tags);
            }
        });
    }))
}

async fn list(call: &Call, _target: &Target) -> ApiResult<String> {
    let prefix = input::path_prefix(&call.params, "PathPrefix")?;
    let page = input::page(&call.params)?;
    let certificates = call
        .store()
        .list_server_certificates(call.account(), &prefix, &page)
        .await?;
    Ok(call.respond(|w| {
        w.list(
            "ServerCertificateMetadataList",
            &certificates.items,
            write_metadata,
        );
        xml::truncation(w, &certificates);
    }))
}

async fn update(call: &Call, _target: &Target) -> ApiResult<String> {
    let new_name = input::optional_name(&call.params, "NewServerCertificateName", NAME_MAX)?;
    let new_path = match call.params.get("NewPath") {
        Some(_) => Some(input::path_or_root(&call.params, "NewPath")?),
        None => None,
    };
    call.store()
        .update_server_certificate(call.account(), name(call)?, new_name, new_path.as_deref())
        .await?;
    Ok(call.respond_empty())
}

async fn delete(call: &Call, _target: &Target) -> ApiResult<String> {
    call.store()
        .delete_server_certificate(call.account(), name(call)?)
        .await?;
    Ok(call.respond_empty())
}

async fn tag(call: &Call, _target: &Target) -> ApiResult<String> {
    let tags = input::tags(&call.params)?;
    call.store()
        .tag_server_certificate(call.account(), name(call)?, tags)
        .await?;
    Ok(call.respond_empty())
}

async fn untag(call: &Call, _target: &Target) -> ApiResult<String> {
    let keys = input::tag_keys(&call.params)?;
    call.store()
        .untag_server_certificate(call.account(), name(call)?, keys)
        .await?;
    Ok(call.respond_empty())
}

async fn list_tags(call: &Call, _target: &Target) -> ApiResult<String> {
    let page = input::page(&call.params)?;
    let tags = call
        .store()
        .list_server_certificate_tags(call.account(), name(call)?, &page)
        .await?;
    Ok(call.respond(|w| {
        xml::tags(w, &tags.items);
        xml::truncation(w, &tags);
    }))
}
