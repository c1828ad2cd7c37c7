//! HTTP sources: the organisation's own endpoint. The portal POSTs the
//! subject's verified identifiers as JSON, signed with HMAC-SHA256 over
//! `<timestamp>.<body>` under a shared secret (headers
//! `X-Portal-Timestamp` and `X-Portal-Signature: sha256=<hex>`), so the
//! endpoint can refuse forged or replayed calls. It answers
//! `{"categories": {"<id>": [ {…}, … ]}}`; a category it leaves out holds
//! nothing about the subject. Network failures and 5xx answers are retried
//! with backoff; 4xx answers are not. An endpoint that declares
//! `operations` also carries out erasure and restriction (see `execute`).

use super::{Failure, Identifiers, RecordSink, SourceConfig, SourceError};
use crate::export::Record;
use futures_util::TryStreamExt;
use hmac::{Hmac, Mac};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::time::Duration;
use tokio::sync::mpsc;

/// Attempts per collection, and the pause before each retry.
pub const ATTEMPTS: u32 = 3;
pub const BACKOFF: Duration = Duration::from_millis(500);
/// For connecting, and for each read: a large answer may take long to
/// arrive, a stalled one may not.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer to an erase or restrict call (a few fields).
const MAX_EXECUTE_ANSWER_BYTES: usize = 64 * 1024;

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tracing::instrument(name = "source.http", skip_all, fields(source = %config.name))]
pub async fn collect(
    config: &SourceConfig,
    who: &Identifiers<'_>,
    sink: &mut dyn RecordSink,
) -> Result<(), SourceError> {
    let body = serde_json::to_vec(&serde_json::json!({
        "email": who.email,
        "reference": who.reference,
        "categories": config.categories,
    }))
    .map_err(|e| Failure::BadAnswer.said(e))?;
    let response = signed_post(config, &body).await?;
    // The answer is parsed as it arrives, on a blocking thread (serde_json
    // reads synchronously), and handed over record by record.
    let body =
        tokio_util::io::StreamReader::new(response.bytes_stream().map_err(std::io::Error::other));
    let reader = tokio_util::io::SyncIoBridge::new(body);
    let (sender, mut receiver) = mpsc::channel::<(usize, Map<String, Value>)>(256);
    let categories = config.categories.clone();
    let parser = tokio::task::spawn_blocking(move || {
        let mut json = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
            64 * 1024,
            reader,
        ));
        Answer {
            categories: &categories,
            sender: &sender,
        }
        .deserialize(&mut json)?;
        json.end()
    });
    while let Some((index, record)) = receiver.recv().await {
        sink.record(&config.categories[index], Record::from(record))
            .await?;
    }
    match parser.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) if error.is_io() => Err(Failure::Unreachable.said("the answer broke off")),
        // serde's words quote the answer, which is about the subject.
        Ok(Err(error)) => Err(Failure::BadAnswer.said(error)),
        Err(_) => Err(Failure::BadAnswer.said("reading the answer failed")),
    }
}

/// `{"categories": {"<id>": [ {…}, … ] | null, …}, …}`: each record of a
/// declared category is sent on as soon as it is parsed; other categories
/// and other keys are skipped.
struct Answer<'a> {
    categories: &'a [String],
    sender: &'a mpsc::Sender<(usize, Map<String, Value>)>,
}

impl<'de> DeserializeSeed<'de> for Answer<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with a categories object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "categories" {
                map.next_value_seed(Categories {
                    categories: self.categories,
                    sender: self.sender,
                })?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !found {
            return Err(de::Error::custom("no categories object"));
        }
        Ok(())
    }
}

struct Categories<'a> {
    categories: &'a [String],
    sender: &'a mpsc::Sender<(usize, Map<String, Value>)>,
}

impl<'de> DeserializeSeed<'de> for Categories<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Categories<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of categories")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match self.categories.iter().position(|c| *c == key) {
                Some(index) => map.next_value_seed(Records {
                    index,
                    sender: self.sender,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Records<'a> {
    index: usize,
    sender: &'a mpsc::Sender<(usize, Map<String, Value>)>,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of records (objects) or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Map<String, Value>>()? {
            // Fails only when the collector stopped (its sink failed).
            self.sender
                .blocking_send((self.index, record))
                .map_err(|_| de::Error::custom("collection stopped"))?;
        }
        Ok(())
    }
}

/// POSTs `body` signed, retrying network errors and 5xx answers with
/// backoff; returns the successful answer, its body unread. Redirects are
/// not followed: the body carries the subject's address and is signed for
/// this endpoint, and must not be posted wherever a 3xx points.
async fn signed_post(config: &SourceConfig, body: &[u8]) -> Result<reqwest::Response, SourceError> {
    let url = config.connection_url()?;
    let secret = config.shared_secret()?;
    let client = reqwest::Client::builder()
        .connect_timeout(TIMEOUT)
        .read_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Failure::Config.said(e))?;
    let mut last = Failure::Unreachable.error();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
        }
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let sent = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-portal-timestamp", timestamp.to_string())
            .header(
                "x-portal-signature",
                signature(secret.as_bytes(), timestamp, body),
            )
            .body(body.to_vec())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                last = Failure::Timeout.error();
                continue;
            }
            Err(_) => {
                last = Failure::Unreachable.error();
                continue;
            }
        };
        let status = response.status();
        if status.is_server_error() {
            last = Failure::ServerError.error().with_status(status.as_u16());
            continue;
        }
        if status.is_redirection() {
            return Err(Failure::Redirected.error().with_status(status.as_u16()));
        }
        if !status.is_success() {
            return Err(Failure::Refused.error().with_status(status.as_u16()));
        }
        return Ok(response);
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
    .map_err(|e| Failure::BadAnswer.said(e))?;
    let response = signed_post(config, &body).await?;
    let bad = || Failure::BadAnswer.error();
    let mut bytes = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks
        .try_next()
        .await
        .map_err(|_| Failure::Unreachable.said("the answer broke off"))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_EXECUTE_ANSWER_BYTES {
            return Err(bad());
        }
    }
    let answer: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let detail = answer
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match answer.get("done").and_then(Value::as_bool) {
        Some(true) => Ok(super::Execution::Done { detail }),
        Some(false) => {
            let ground = answer
                .get("exception")
                .and_then(Value::as_str)
                .ok_or_else(bad)?
                .to_owned();
            Ok(super::Execution::Exception { ground, detail })
        }
        None => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the streaming parser sends on for an answer, or why it refuses it.
    fn parse(json: &str, categories: &[&str]) -> Result<Vec<(usize, Value)>, String> {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        let (sender, mut receiver) = mpsc::channel(100);
        let mut de = serde_json::Deserializer::from_str(json);
        Answer {
            categories: &categories,
            sender: &sender,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| e.to_string())?;
        drop(sender);
        let mut sent = Vec::new();
        while let Ok((index, record)) = receiver.try_recv() {
            sent.push((index, Value::Object(record)));
        }
        Ok(sent)
    }

    #[test]
    fn answers_are_read_record_by_record_and_malformed_ones_refused() {
        let answer = r#"{"version": 2, "categories": {"billing": [{"amount": 12}], "contact": [{"name": "Kari"}, {"name": "Ola"}], "usage": null}}"#;
        let sent = parse(answer, &["contact", "billing", "usage"]).unwrap();
        assert_eq!(
            sent,
            vec![
                (1, serde_json::json!({"amount": 12})),
                (0, serde_json::json!({"name": "Kari"})),
                (0, serde_json::json!({"name": "Ola"}))
            ]
        );
        assert_eq!(
            parse(r#"{"categories": {"other": [{"x": 1}]}}"#, &["contact"]).unwrap(),
            vec![],
            "undeclared categories are skipped"
        );
        for bad in [
            r#"{"records": []}"#,
            r#"{"categories": {"contact": [1]}}"#,
            r#"{"categories": {"contact": {"name": "Kari"}}}"#,
            r#"[]"#,
            r#"{"categories": {"contact": [{"name": "Kari"}"#,
            r#"{"categories": {}} trailing"#,
        ] {
            assert!(parse(bad, &["contact"]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        let a = signature(b"secret", 1_700_000_000, b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature(b"secret", 1_700_000_001, b"{}"));
        assert_ne!(a, signature(b"secret", 1_700_000_000, b"{ }"));
        assert_ne!(a, signature(b"other", 1_700_000_000, b"{}"));
    }
}
