//! Personal data at rest. What subjects and staff write in their own words
//! (a request's answers, its outcome, the conversation, notes shown to the
//! subject, attached files) and what sources return about a subject
//! (collected export data) is stored sealed with AES-256-GCM under the
//! data key (`PORTAL_DATA_KEY`), so a copy of the database or a backup
//! alone reveals none of that. Each value names the column it belongs to as
//! associated data: a sealed answer cannot be passed off as a message.
//!
//! Subjects' e-mail addresses are sealed too (requests, opt-outs, consent
//! receipts, sessions). Since sealing is randomised, rows are found by an
//! [`EmailIndex`] stored beside the address: an HMAC-SHA256 of it under the
//! server secret, not the data key, so that rotating the data key leaves
//! every index as it is. A database copy without the secret cannot be
//! searched for an address by trying candidates. Codes and failed logins
//! keep only the index.
//!
//! Not sealed: staff accounts' addresses (the console's user names), the
//! audit log (actions, references, sizes and hashes: no answers, addresses
//! or file names) and what sources report about an erasure (their own
//! operational messages).
//!
//! Each value is also bound to the row it belongs to (its request, its
//! session, its subject's index, its staff account): a sealed address or
//! answer copied into another row does not open there.
//!
//! A sealed value carries the id of its key (the first 4 bytes of the key's
//! SHA-256), so keys can be rotated: the new key becomes `PORTAL_DATA_KEY`,
//! the old one moves to `PORTAL_DATA_KEYS_PREVIOUS` (still read, never
//! written), `server data reseal` rewrites every value under the new key,
//! and then the old key can be dropped.
//!
//! Values written before sealing existed (no prefix) are read as they are,
//! and values sealed before rows were bound (`sealed1:`, `PS1`) open with
//! their column alone; the next `server data reseal` seals both kinds
//! anew, bound to their row.

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use base64::{engine::general_purpose::STANDARD_NO_PAD, Engine};
use sha2::{Digest, Sha256};

/// Text values: this prefix, the key id in hex, ':', base64(nonce ‖ ciphertext).
const TEXT_PREFIX: &str = "sealed2:";
/// Byte values: this magic, the key id, the nonce, the ciphertext.
const BYTES_MAGIC: &[u8; 4] = b"PS2\0";
/// The same, bound to their column only (written before rows were bound).
const LEGACY_TEXT_PREFIX: &str = "sealed1:";
const LEGACY_BYTES_MAGIC: &[u8; 4] = b"PS1\0";
const NONCE: usize = 12;

/// Which column a value belongs to (its associated data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    RequestDetails,
    RequestOutcome,
    MessageBody,
    EventNote,
    AttachmentData,
    ExportLines,
    /// A subject's address, in whichever table holds it: moving one
    /// between tables changes nothing it reveals.
    Email,
    /// An attached file's name (it may name the subject).
    AttachmentName,
    /// A staff member's TOTP secret (confirmed or pending).
    TotpSecret,
    /// What a data source said when it failed (it may quote the subject's data).
    SourceFailure,
    /// What a data source reported about an erasure or restriction.
    SourceReport,
    /// A mail waiting in the outbox: its address, subject and body (a
    /// code, a sign-in link).
    OutboundMail,
    /// A webhook delivery's body (an opt-out's carries the address).
    WebhookBody,
}

impl Column {
    fn aad(self) -> &'static [u8] {
        match self {
            Column::RequestDetails => b"requests.details",
            Column::RequestOutcome => b"requests.outcome",
            Column::MessageBody => b"request_messages.body",
            Column::EventNote => b"request_events.note",
            Column::AttachmentData => b"request_attachments.data",
            Column::ExportLines => b"export_chunks.lines",
            Column::Email => b"subject.email",
            Column::AttachmentName => b"request_attachments.file_name",
            Column::TotpSecret => b"staff.totp_secret",
            Column::SourceFailure => b"source_runs.detail",
            Column::SourceReport => b"source_executions.detail",
            Column::OutboundMail => b"outbox.sealed",
            Column::WebhookBody => b"webhook_deliveries.sealed",
        }
    }
}

/// The row a sealed value belongs to, bound in with its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row<'a> {
    /// A request (by its reference), for its own values and those of its
    /// messages, history, attachments, collected data and source results.
    Request(&'a str),
    /// A subject session, by its token's hash.
    Session(&'a str),
    /// An opt-out or consent receipt: its organisation and address index,
    /// so the sealed address can only sit beside its own index.
    Subject { org: &'a str, index: &'a str },
    /// A staff account, by id.
    Staff(i64),
    /// An outbox entry or a webhook delivery, by its message id.
    Mail(&'a str),
}

impl Row<'_> {
    fn aad(self, column: Column) -> Vec<u8> {
        let mut aad = column.aad().to_vec();
        aad.push(0);
        match self {
            Row::Request(reference) => {
                aad.extend_from_slice(b"request\0");
                aad.extend_from_slice(reference.as_bytes());
            }
            Row::Session(token_hash) => {
                aad.extend_from_slice(b"session\0");
                aad.extend_from_slice(token_hash.as_bytes());
            }
            Row::Subject { org, index } => {
                aad.extend_from_slice(b"subject\0");
                aad.extend_from_slice(org.as_bytes());
                aad.push(0);
                aad.extend_from_slice(index.as_bytes());
            }
            Row::Staff(id) => {
                aad.extend_from_slice(b"staff\0");
                aad.extend_from_slice(id.to_string().as_bytes());
            }
            Row::Mail(message_id) => {
                aad.extend_from_slice(b"mail\0");
                aad.extend_from_slice(message_id.as_bytes());
            }
        }
        aad
    }
}

/// What a sealed e-mail address is found by: equal addresses (already in
/// their canonical form, `Email::parse`) give equal indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailIndex(String);

impl EmailIndex {
    pub fn of(secret: &[u8; 32], email: &str) -> EmailIndex {
        EmailIndex(crate::crypto::keyed_hash(
            secret,
            &format!("email-index\0{email}"),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A subject's address as it is written: sealed, with its index.
#[derive(Clone, Debug)]
pub struct StoredEmail {
    pub sealed: String,
    pub index: EmailIndex,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("sealed under a key that is not configured (id {0})")]
    UnknownKey(String),
    #[error("damaged, or sealed for another column")]
    Damaged,
}

struct Keyed {
    id: [u8; 4],
    cipher: Aes256Gcm,
}

impl Keyed {
    fn new(key: &[u8; 32]) -> Keyed {
        let digest = Sha256::digest(key);
        Keyed {
            id: [digest[0], digest[1], digest[2], digest[3]],
            cipher: Aes256Gcm::new(key.into()),
        }
    }
}

/// The data key and the previous ones still read.
pub struct DataKeys {
    current: Keyed,
    previous: Vec<Keyed>,
}

impl DataKeys {
    pub fn new(current: &[u8; 32], previous: &[[u8; 32]]) -> DataKeys {
        DataKeys {
            current: Keyed::new(current),
            previous: previous.iter().map(Keyed::new).collect(),
        }
    }

    fn key(&self, id: &[u8]) -> Option<&Keyed> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
    }

    fn seal_raw(&self, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE] = crate::crypto::random_key()[..NONCE]
            .try_into()
            .expect("12 of 32 bytes");
        let sealed = self
            .current
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("AES-GCM encrypts any input under 64 GiB");
        [nonce.as_slice(), &sealed].concat()
    }

    fn open_raw(&self, aad: &[u8], id: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let key = self
            .key(id)
            .ok_or_else(|| OpenError::UnknownKey(hex::encode(id)))?;
        if sealed.len() < NONCE {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE);
        key.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| OpenError::Damaged)
    }

    pub fn seal_text(&self, column: Column, row: Row<'_>, plain: &str) -> String {
        format!(
            "{TEXT_PREFIX}{}:{}",
            hex::encode(self.current.id),
            STANDARD_NO_PAD.encode(self.seal_raw(&row.aad(column), plain.as_bytes()))
        )
    }

    pub fn open_text(
        &self,
        column: Column,
        row: Row<'_>,
        stored: &str,
    ) -> Result<String, OpenError> {
        let (rest, aad) = if let Some(rest) = stored.strip_prefix(TEXT_PREFIX) {
            (rest, row.aad(column))
        } else if let Some(rest) = stored.strip_prefix(LEGACY_TEXT_PREFIX) {
            (rest, column.aad().to_vec())
        } else {
            return Ok(stored.to_owned());
        };
        let (id, body) = rest.split_once(':').ok_or(OpenError::Damaged)?;
        let id = hex::decode(id).map_err(|_| OpenError::Damaged)?;
        let sealed = STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Damaged)?;
        String::from_utf8(self.open_raw(&aad, &id, &sealed)?).map_err(|_| OpenError::Damaged)
    }

    pub fn seal_bytes(&self, column: Column, row: Row<'_>, plain: &[u8]) -> Vec<u8> {
        [
            BYTES_MAGIC.as_slice(),
            &self.current.id,
            &self.seal_raw(&row.aad(column), plain),
        ]
        .concat()
    }

    pub fn open_bytes(
        &self,
        column: Column,
        row: Row<'_>,
        stored: &[u8],
    ) -> Result<Vec<u8>, OpenError> {
        let (rest, aad) = if let Some(rest) = stored.strip_prefix(BYTES_MAGIC.as_slice()) {
            (rest, row.aad(column))
        } else if let Some(rest) = stored.strip_prefix(LEGACY_BYTES_MAGIC.as_slice()) {
            (rest, column.aad().to_vec())
        } else {
            return Ok(stored.to_vec());
        };
        if rest.len() < 4 {
            return Err(OpenError::Damaged);
        }
        self.open_raw(&aad, &rest[..4], &rest[4..])
    }

    /// Whether a stored text value is sealed under the current key and
    /// bound to its row (what `server data reseal` leaves alone).
    pub fn is_current_text(&self, stored: &str) -> bool {
        stored
            .strip_prefix(TEXT_PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id == hex::encode(self.current.id))
    }

    pub fn is_current_bytes(&self, stored: &[u8]) -> bool {
        stored
            .strip_prefix(BYTES_MAGIC.as_slice())
            .is_some_and(|rest| rest.get(..4) == Some(self.current.id.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KARI: Row<'static> = Row::Request("PR-AAAA-BBBB");

    #[test]
    fn sealed_values_open_only_for_their_column_and_row_and_hide_their_text() {
        let keys = DataKeys::new(&[7; 32], &[]);
        let sealed = keys.seal_text(Column::MessageBody, KARI, "Kari Nordmann, Storgata 1");
        assert!(sealed.starts_with("sealed2:") && !sealed.contains("Kari"));
        assert_ne!(
            sealed,
            keys.seal_text(Column::MessageBody, KARI, "Kari Nordmann, Storgata 1"),
            "a fresh nonce each time"
        );
        assert_eq!(
            keys.open_text(Column::MessageBody, KARI, &sealed).unwrap(),
            "Kari Nordmann, Storgata 1"
        );
        assert_eq!(
            keys.open_text(Column::RequestDetails, KARI, &sealed),
            Err(OpenError::Damaged)
        );
        assert_eq!(
            keys.open_text(Column::MessageBody, Row::Request("PR-CCCC-DDDD"), &sealed),
            Err(OpenError::Damaged),
            "copied into another request's row"
        );
        let mut tampered = sealed.clone();
        tampered.replace_range(tampered.len() - 3.., "AAA");
        assert_eq!(
            keys.open_text(Column::MessageBody, KARI, &tampered),
            Err(OpenError::Damaged)
        );
        // Written before sealing: read as it is.
        assert_eq!(
            keys.open_text(Column::MessageBody, KARI, "plain").unwrap(),
            "plain"
        );

        let bytes = keys.seal_bytes(Column::AttachmentData, KARI, b"%PDF-1.7 ...");
        assert!(keys.is_current_bytes(&bytes));
        assert_eq!(
            keys.open_bytes(Column::AttachmentData, KARI, &bytes)
                .unwrap(),
            b"%PDF-1.7 ..."
        );
        assert_eq!(
            keys.open_bytes(Column::AttachmentData, Row::Request("PR-CCCC-DDDD"), &bytes),
            Err(OpenError::Damaged)
        );
        assert_eq!(
            keys.open_bytes(Column::AttachmentData, KARI, b"%PDF")
                .unwrap(),
            b"%PDF"
        );
    }

    #[test]
    fn an_address_is_bound_to_its_own_index_and_organisation() {
        let keys = DataKeys::new(&[7; 32], &[]);
        let kari = Row::Subject {
            org: "demo",
            index: "aa",
        };
        let sealed = keys.seal_text(Column::Email, kari, "kari@example.no");
        assert_eq!(
            keys.open_text(Column::Email, kari, &sealed).unwrap(),
            "kari@example.no"
        );
        for other in [
            Row::Subject {
                org: "demo",
                index: "bb",
            },
            Row::Subject {
                org: "other",
                index: "aa",
            },
            Row::Session("aa"),
            Row::Staff(1),
        ] {
            assert_eq!(
                keys.open_text(Column::Email, other, &sealed),
                Err(OpenError::Damaged),
                "{other:?}"
            );
        }
    }

    #[test]
    fn values_sealed_before_rows_were_bound_still_open_and_are_not_current() {
        let keys = DataKeys::new(&[7; 32], &[]);
        // A `sealed1:` value, as the previous build wrote it: the column alone.
        let legacy = format!(
            "sealed1:{}:{}",
            hex::encode(keys.current.id),
            STANDARD_NO_PAD.encode(keys.seal_raw(Column::MessageBody.aad(), b"hello"))
        );
        assert!(!keys.is_current_text(&legacy), "reseal binds it to its row");
        assert_eq!(
            keys.open_text(Column::MessageBody, KARI, &legacy).unwrap(),
            "hello"
        );
        assert_eq!(
            keys.open_text(Column::EventNote, KARI, &legacy),
            Err(OpenError::Damaged)
        );
        let legacy_bytes = [
            LEGACY_BYTES_MAGIC.as_slice(),
            &keys.current.id,
            &keys.seal_raw(Column::AttachmentData.aad(), b"%PDF"),
        ]
        .concat();
        assert!(!keys.is_current_bytes(&legacy_bytes));
        assert_eq!(
            keys.open_bytes(Column::AttachmentData, KARI, &legacy_bytes)
                .unwrap(),
            b"%PDF"
        );
    }

    #[test]
    fn an_address_index_depends_on_the_address_and_the_secret_only() {
        let a = EmailIndex::of(&[1; 32], "kari@example.no");
        assert_eq!(a, EmailIndex::of(&[1; 32], "kari@example.no"));
        assert_ne!(a, EmailIndex::of(&[1; 32], "ola@example.no"));
        assert_ne!(a, EmailIndex::of(&[2; 32], "kari@example.no"));
        assert!(!a.as_str().contains("kari") && a.as_str().len() == 64);
    }

    #[test]
    fn after_rotation_old_values_open_and_new_ones_use_the_new_key() {
        let old = DataKeys::new(&[1; 32], &[]);
        let sealed = old.seal_text(Column::RequestDetails, KARI, "{\"grounds\":\"x\"}");
        let rotated = DataKeys::new(&[2; 32], &[[1; 32]]);
        assert!(!rotated.is_current_text(&sealed));
        assert_eq!(
            rotated
                .open_text(Column::RequestDetails, KARI, &sealed)
                .unwrap(),
            "{\"grounds\":\"x\"}"
        );
        let resealed = rotated.seal_text(Column::RequestDetails, KARI, "{\"grounds\":\"x\"}");
        assert!(rotated.is_current_text(&resealed));
        // Once the old key is dropped, what it sealed is unreadable, and says why.
        let dropped = DataKeys::new(&[2; 32], &[]);
        assert!(matches!(
            dropped.open_text(Column::RequestDetails, KARI, &sealed),
            Err(OpenError::UnknownKey(_))
        ));
    }
}
