//! HTTP sources: the organisation's own endpoint. The portal POSTs the
//! subject's verified identifiers as JSON, signed with HMAC-SHA256 over
//! `<timestamp>.<body>` under a shared secret (headers
//! `X-Portal-Timestamp` and `X-Portal-Signature: sha256=<hex>`), so the
//! endpoint can refuse forged or replayed calls. It answers
//! `{"categories": {"<id>": [ {…}, … ]}}`; a category it leaves out holds
//! nothing about the subject. Network failures and 5xx answers are retried
//! with backoff; 4xx answers are not. An endpoint that declares
//! `operations` also carries out erasure and restriction (see `execute`).

use super::{Identifiers, SourceConfig, SourceError};
use crate::export::SourceRecords;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::time::Duration;

/// Attempts per collection, and the pause before each retry.
pub const ATTEMPTS: u32 = 3;
pub const BACKOFF: Duration = Duration::from_millis(500);
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer accepted.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tracing::instrument(name = "source.http", skip_all, fields(source = %config.name))]
pub async fn collect(config: &SourceConfig, who: &Identifiers<'_>) -> Result<Vec<SourceRecords>, SourceError> {
    let body = serde_json::to_vec(&serde_json::json!({
        "email": who.email,
        "reference": who.reference,
        "categories": config.categories,
    }))
    .map_err(|e| SourceError::Failed(e.to_string()))?;
    let bytes = signed_post(config, &body).await?;
    parse_answer(config, &bytes)
}

/// POSTs `body` signed, retrying network errors and 5xx answers with
/// backoff; returns the successful answer's body.
async fn signed_post(config: &SourceConfig, body: &[u8]) -> Result<Vec<u8>, SourceError> {
    let url = config.connection_url()?;
    let secret = config.shared_secret()?;
    let client = reqwest::Client::builder().timeout(TIMEOUT).build().map_err(|e| SourceError::Failed(e.to_string()))?;
    let mut last = SourceError::Failed("not asked".into());
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
        }
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let sent = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-portal-timestamp", timestamp.to_string())
            .header("x-portal-signature", signature(secret.as_bytes(), timestamp, body))
            .body(body.to_vec())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                last = SourceError::Timeout;
                continue;
            }
            Err(_) => {
                last = SourceError::Failed("cannot reach the source".into());
                continue;
            }
        };
        let status = response.status();
        if status.is_server_error() {
            last = SourceError::Failed(format!("the source answered {status}"));
            continue;
        }
        if !status.is_success() {
            return Err(SourceError::Failed(format!("the source refused with {status}")));
        }
        let bytes = response.bytes().await.map_err(|_| SourceError::Failed("the answer broke off".into()))?;
        if bytes.len() > MAX_ANSWER_BYTES {
            return Err(SourceError::Failed("the answer is too large".into()));
        }
        return Ok(bytes.to_vec());
    }
    Err(last)
}

/// Asks the endpoint to erase or restrict; it answers
/// `{"done": true, "detail": "…"}` or, keeping the data under an exception,
/// `{"done": false, "exception": "<ground>", "detail": "…"}`.
#[tracing::instrument(name = "source.http.execute", skip_all, fields(source = %config.name, operation = operation.as_str()))]
pub async fn execute(
    config: &SourceConfig,
    operation: super::Operation,
    who: &Identifiers<'_>,
) -> Result<super::Execution, SourceError> {
    let body = serde_json::to_vec(&serde_json::json!({
        "operation": operation.as_str(),
        "email": who.email,
        "reference": who.reference,
    }))
    .map_err(|e| SourceError::Failed(e.to_string()))?;
    let bytes = signed_post(config, &body).await?;
    let bad = || SourceError::Failed("the answer is not as agreed".into());
    let answer: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let detail = answer.get("detail").and_then(Value::as_str).unwrap_or_default().to_owned();
    match answer.get("done").and_then(Value::as_bool) {
        Some(true) => Ok(super::Execution::Done { detail }),
        Some(false) => {
            let ground = answer.get("exception").and_then(Value::as_str).ok_or_else(bad)?.to_owned();
            Ok(super::Execution::Exception { ground, detail })
        }
        None => Err(bad()),
    }
}

fn parse_answer(config: &SourceConfig, bytes: &[u8]) -> Result<Vec<SourceRecords>, SourceError> {
    let bad = |why: &str| SourceError::Failed(format!("the answer is not as agreed: {why}"));
    let answer: Value = serde_json::from_slice(bytes).map_err(|_| bad("not JSON"))?;
    let categories = answer.get("categories").and_then(Value::as_object).ok_or_else(|| bad("no categories object"))?;
    let mut results = Vec::new();
    for category in &config.categories {
        let records: Vec<Map<String, Value>> = match categories.get(category) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_object().cloned().ok_or_else(|| bad("a record is not an object")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(bad("a category is not a list")),
        };
        results.push(SourceRecords { source: config.name.clone(), category: category.clone(), records });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        let a = signature(b"secret", 1_700_000_000, b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature(b"secret", 1_700_000_001, b"{}"));
        assert_ne!(a, signature(b"secret", 1_700_000_000, b"{ }"));
        assert_ne!(a, signature(b"other", 1_700_000_000, b"{}"));
    }
}
