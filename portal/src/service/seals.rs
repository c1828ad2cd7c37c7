//! Sealing at rest as the use cases need it: values sealed under the data
//! key and bound to their row, addresses with their keyed index, and the
//! keyed hashes made with the server secret (tracking keys, fingerprints).
//! A value that does not open is reported once here and is an internal
//! error: no detail leaves.

use super::open;
use crate::crypto;
use crate::sealing::{Column, DataKeys, EmailIndex, Row, StoredEmail};
use crate::store::RequestRow;
use domain::{AppError, Email};
use std::sync::Arc;

#[derive(Clone)]
pub struct Seals {
    keys: Arc<DataKeys>,
    secret: [u8; 32],
}

impl Seals {
    pub fn new(keys: Arc<DataKeys>, secret: [u8; 32]) -> Seals {
        Seals { keys, secret }
    }

    pub fn keys(&self) -> &Arc<DataKeys> {
        &self.keys
    }

    /// The server secret, for the keyed hashes of `crypto`.
    pub(super) fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    pub fn seal(&self, column: Column, row: Row<'_>, plain: &str) -> String {
        self.keys.seal_text(column, row, plain)
    }

    pub fn open(&self, column: Column, row: Row<'_>, stored: &str) -> Result<String, AppError> {
        open(&self.keys, column, row, stored)
    }

    pub fn email_index(&self, email: &str) -> EmailIndex {
        EmailIndex::of(&self.secret, email)
    }

    /// A request's address as it is written (`email` in canonical form).
    pub fn store_request_email(&self, reference: &str, email: &str) -> StoredEmail {
        StoredEmail {
            sealed: self.seal(Column::Email, Row::Request(reference), email),
            index: self.email_index(email),
        }
    }

    /// An opt-out's or receipt's address: bound to its organisation and
    /// its own index.
    pub fn store_subject_email(&self, org: &str, email: &str) -> StoredEmail {
        let index = self.email_index(email);
        StoredEmail {
            sealed: self.seal(
                Column::Email,
                Row::Subject {
                    org,
                    index: index.as_str(),
                },
                email,
            ),
            index,
        }
    }

    /// The address of a request, opened.
    pub fn request_email(&self, row: &RequestRow) -> Result<String, AppError> {
        self.open(Column::Email, Row::Request(&row.reference), &row.email)
    }

    /// Where mail about a request goes.
    pub fn address_of(&self, row: &RequestRow) -> Result<Email, AppError> {
        Email::parse(&self.request_email(row)?).map_err(|_| {
            tracing::error!(reference = %row.reference, "a stored address does not parse");
            AppError::Internal
        })
    }

    /// Whether `key` opens the request's tracking link: the key derived from
    /// its reference, or (requests made before keys were derived) the random
    /// one whose hash it stores.
    pub fn tracking_key_matches(&self, row: &RequestRow, key: &str) -> bool {
        let derived = crypto::tracking_key(&self.secret, &row.reference);
        crypto::same(key, crypto::expose(&derived))
            || crypto::same(&crypto::token_hash(key), &row.tracking_key_hash)
    }
}
