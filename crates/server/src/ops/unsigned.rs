//! STS operations that are called without a signature: the caller has no AWS
//! credentials yet and proves who it is with an identity provider's token instead
//! (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`). The pipeline hands them the
//! decoded, model-validated parameters before authentication; a signature, if one is
//! sent anyway, is ignored, as STS does.
use std::collections::HashMap;
use std::sync::OnceLock;

use awsquery::Params;

use super::BoxFuture;
use crate::context::RequestEnv;
use crate::error::ApiResult;
use crate::pipeline::{Incoming, Service};
use crate::state::AppState;

/// One unsigned request.
pub struct UnsignedCall {
    pub state: AppState,
    pub params: Params,
    pub action: &'static str,
    pub request_id: String,
    pub namespace: &'static str,
    /// Source address, transport and time; the region is the default one, as an
    /// unsigned request names none.
    pub env: RequestEnv,
}

impl UnsignedCall {
    /// A response with a `<{Action}Result>` element whose content `body` writes.
    pub fn respond(&self, body: impl FnOnce(&mut awsquery::XmlWriter)) -> String {
        let mut response = awsquery::Response::new(self.namespace, self.action);
        body(response.body());
        response.finish(&self.request_id)
    }
}

pub type UnsignedHandler = for<'a> fn(&'a UnsignedCall) -> BoxFuture<'a, ApiResult<String>>;

pub struct UnsignedOperation {
    pub name: &'static str,
    pub handler: UnsignedHandler,
}

/// The unsigned operations' names (for the metrics' series).
pub const NAMES: &[&str] = &["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"];

/// The region an unsigned request is answered in.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The unsigned STS operation named `action`, if it is one.
pub fn find(action: &str) -> Option<&'static UnsignedOperation> {
    static TABLE: OnceLock<HashMap<&'static str, UnsignedOperation>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            [
                UnsignedOperation {
                    name: "AssumeRoleWithWebIdentity",
                    handler: |call| Box::pin(super::sts_web_identity::assume_role(call)),
                },
                UnsignedOperation {
                    name: "AssumeRoleWithSAML",
                    handler: |call| Box::pin(super::sts_saml::assume_role(call)),
                },
            ]
            .into_iter()
            .map(|op| (op.name, op))
            .collect()
        })
        .get(action)
}

/// Runs an unsigned operation: the model's shape checks, then its handler.
pub async fn run(
    state: &AppState,
    req: &Incoming<'_>,
    request_id: &str,
    params: Params,
    op: &'static UnsignedOperation,
) -> ApiResult<String> {
    awsquery::validate::validate(Service::Sts.model(), op.name, &params)?;
    let call = UnsignedCall {
        state: state.clone(),
        params,
        action: op.name,
        request_id: request_id.to_owned(),
        namespace: Service::Sts.namespace(),
        env: RequestEnv {
            source_ip: req.source_ip,
            secure_transport: req.secure_transport,
            now: std::time::SystemTime::now(),
            region: DEFAULT_REGION.to_owned(),
        },
    };
    (op.handler)(&call).await
}

#[cfg(test)]
mod names_tests {
    #[test]
    fn every_name_is_an_unsigned_operation() {
        for name in super::NAMES {
            assert_eq!(super::find(name).map(|op| op.name), Some(*name));
        }
    }
}
