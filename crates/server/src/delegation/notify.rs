//! Notifications to a delegation request's partner: AWS publishes state changes, and
//! the exchange token when it is released, to the request's SNS topic
//! (`NotificationChannel`). iamd has no SNS; it delivers the same notification as SNS
//! delivers to an HTTP subscriber — a JSON envelope with `TopicArn` and `Message` —
//! POSTed to the endpoint the operator configures (`IAMD_DELEGATION_NOTIFICATION_URL`),
//! which routes it by topic. Without one, notifications are dropped (logged, never
//! with the token).
use std::time::Duration;

use serde_json::json;
use store::{DelegationRequest, Timestamp};

/// The endpoint notifications are POSTed to.
pub const NOTIFICATION_URL_ENV: &str = "IAMD_DELEGATION_NOTIFICATION_URL";

/// Attempts per notification, with a growing pause between them.
const ATTEMPTS: u32 = 3;

pub struct Notifier {
    url: Option<String>,
    client: Option<reqwest::Client>,
}

impl Notifier {
    pub fn from_env() -> Self {
        let url = std::env::var(NOTIFICATION_URL_ENV)
            .ok()
            .filter(|u| !u.trim().is_empty());
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .ok();
        Notifier { url, client }
    }

    /// Sends the request's new state (with `exchange_token` when it is released) in the
    /// background: the caller's answer never waits for the partner's endpoint.
    pub fn state_changed(&self, request: &DelegationRequest, exchange_token: Option<&str>) {
        let (Some(url), Some(client)) = (self.url.clone(), self.client.clone()) else {
            tracing::debug!(
                request = %request.id,
                "no delegation notification endpoint configured; notification dropped"
            );
            return;
        };
        let body = envelope(request, exchange_token);
        let request_id = request.id.clone();
        tokio::spawn(async move {
            for attempt in 1..=ATTEMPTS {
                let sent = client
                    .post(&url)
                    .header("content-type", "text/plain; charset=UTF-8")
                    .header("x-amz-sns-message-type", "Notification")
                    .body(body.clone())
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => return,
                    Ok(r) => {
                        tracing::warn!(request = %request_id, status = %r.status(), attempt, "delegation notification refused")
                    }
                    Err(e) => {
                        tracing::warn!(request = %request_id, error = %e.without_url(), attempt, "delegation notification failed")
                    }
                }
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
            }
        });
    }
}

/// The SNS-shaped envelope; `Message` is itself JSON text, as SNS delivers it.
fn envelope(request: &DelegationRequest, exchange_token: Option<&str>) -> String {
    let now = Timestamp::now();
    let mut message = json!({
        "delegationRequestId": request.id,
        "requestorWorkflowId": request.workflow_id,
        "state": request.state.as_str(),
        "ownerAccountId": request.owner_account,
        "expirationTime": request.expires.iso8601(),
    });
    if let (Some(token), Some(map)) = (exchange_token, message.as_object_mut()) {
        map.insert("exchangeToken".to_owned(), json!(token));
    }
    json!({
        "Type": "Notification",
        "MessageId": super::new_request_id().trim_start_matches("dr-"),
        "TopicArn": request.notification_channel,
        "Subject": "IAM delegation request update",
        "Message": message.to_string(),
        "Timestamp": now.iso8601(),
    })
    .to_string()
}
