//! `LookupEvents`: one optional lookup attribute, a time range, `MaxResults` (at most 50)
//! and `NextToken` paging over the caller's account's events, newest first.
use audit::index::{EventIndex, LookupKey, Query};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::JsonError;

const MAX_RESULTS: u64 = 50;
const TOKEN_PREFIX: &str = "iamd-events-v1:";

fn invalid_attributes(message: impl Into<String>) -> JsonError {
    JsonError::new("InvalidLookupAttributesException", message)
}

/// Epoch seconds (a JSON number, as the JSON protocol sends timestamps) → milliseconds.
fn time_millis(input: &Value, name: &str) -> Result<Option<i64>, JsonError> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|s| s.is_finite())
            .map(|s| Some((s * 1000.0) as i64))
            .ok_or_else(|| {
                JsonError::new(
                    "SerializationException",
                    format!("{name} must be a timestamp (epoch seconds)."),
                )
            }),
    }
}

fn encode_token(seq: u64) -> String {
    B64.encode(format!("{TOKEN_PREFIX}{seq}"))
}

fn decode_token(token: &str) -> Option<u64> {
    let bytes = B64.decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(TOKEN_PREFIX)?.parse().ok()
}

pub fn run(index: &EventIndex, account: &str, input: &Value) -> Result<String, JsonError> {
    let attributes = match input.get("LookupAttributes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(invalid_attributes("LookupAttributes must be a list.")),
    };
    if attributes.len() > 1 {
        return Err(invalid_attributes(
            "You can only specify one lookup attribute at a time.",
        ));
    }
    let attribute = match attributes.first() {
        None => None,
        Some(a) => {
            let key_name = a.get("AttributeKey").and_then(Value::as_str).unwrap_or("");
            let key = LookupKey::parse(key_name).ok_or_else(|| {
                invalid_attributes(format!(
                    "The attribute key {key_name} is not valid. Valid keys: EventId, EventName, \
                     ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId."
                ))
            })?;
            let value = a
                .get("AttributeValue")
                .and_then(Value::as_str)
                .unwrap_or("");
            if value.is_empty() || value.chars().count() > 2000 {
                return Err(invalid_attributes(
                    "The attribute value must be 1 to 2000 characters long.",
                ));
            }
            Some((key, value.to_owned()))
        }
    };
    let max = match input.get("MaxResults") {
        None | Some(Value::Null) => MAX_RESULTS,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_RESULTS).contains(n))
            .ok_or_else(|| {
                JsonError::new(
                    "InvalidMaxResultsException",
                    "MaxResults must be between 1 and 50.",
                )
            })?,
    };
    let start = time_millis(input, "StartTime")?;
    let end = time_millis(input, "EndTime")?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(JsonError::new(
                "InvalidTimeRangeException",
                "Start time must be before end time.",
            ));
        }
    }
    let before =
        match input.get("NextToken") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_str().and_then(decode_token).ok_or_else(|| {
                JsonError::new("InvalidNextTokenException", "Invalid NextToken.")
            })?),
        };
    let page = index.lookup(&Query {
        account,
        attribute: attribute.as_ref().map(|(k, v)| (*k, v.as_str())),
        start_millis: start,
        end_millis: end,
        max: usize::try_from(max).unwrap_or(50),
        before,
    });
    let events: Vec<Value> = page
        .events
        .iter()
        .map(|e| {
            let mut event = json!({
                "EventId": e.event_id,
                "EventName": e.event_name,
                "ReadOnly": e.read_only.to_string(),
                "EventTime": e.time_millis as f64 / 1000.0,
                "EventSource": e.event_source,
                "Resources": e.resources.iter()
                    .filter(|(_, name)| !name.starts_with("arn:"))
                    .map(|(kind, name)| json!({"ResourceType": kind, "ResourceName": name}))
                    .collect::<Vec<_>>(),
                "CloudTrailEvent": &*e.json,
            });
            if let Some(k) = &e.access_key_id {
                event["AccessKeyId"] = json!(k);
            }
            if let Some(u) = &e.username {
                event["Username"] = json!(u);
            }
            event
        })
        .collect();
    let mut out = json!({ "Events": events });
    if let Some(next) = page.next {
        out["NextToken"] = json!(encode_token(next));
    }
    Ok(out.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_token(&encode_token(42)), Some(42));
        assert_eq!(decode_token("not-a-token"), None);
        let index = EventIndex::default();
        let bad = json!({"MaxResults": 51});
        assert_eq!(
            run(&index, "1", &bad).unwrap_err().kind,
            "InvalidMaxResultsException"
        );
        let two = json!({"LookupAttributes": [
            {"AttributeKey": "EventName", "AttributeValue": "a"},
            {"AttributeKey": "EventName", "AttributeValue": "b"}]});
        assert_eq!(
            run(&index, "1", &two).unwrap_err().kind,
            "InvalidLookupAttributesException"
        );
        let range = json!({"StartTime": 20, "EndTime": 10});
        assert_eq!(
            run(&index, "1", &range).unwrap_err().kind,
            "InvalidTimeRangeException"
        );
        assert_eq!(run(&index, "1", &json!({})).unwrap(), "{\"Events\":[]}");
    }
}
