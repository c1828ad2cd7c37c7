//! Subject sessions: proof, for a limited time, that the holder controls an
//! e-mail address, scoped to one organisation.

use super::{db, now, Service, SESSION_ABSOLUTE_SECS, SESSION_IDLE_SECS};
use crate::sealing::{Column, EmailIndex, Row};
use crate::store::{Conn, RequestRow};
use crate::{crypto, store::Store};
use app::domain::AppError;
use app::port::SessionGrant;

/// Who a valid session speaks for.
#[derive(Debug, Clone)]
pub struct Subject {
    pub org: String,
    pub email: String,
    pub email_index: EmailIndex,
}

impl Subject {
    /// Whether a request is this subject's (same organisation and address).
    pub fn owns(&self, row: &RequestRow) -> bool {
        self.org == row.org && row.email_index.as_deref() == Some(self.email_index.as_str())
    }
}

impl Service {
    pub(super) async fn open_session(
        &self,
        conn: &mut Conn,
        org: &str,
        email: &str,
    ) -> Result<SessionGrant, AppError> {
        let token = crypto::new_token();
        let token_hash = crypto::token_hash(crypto::expose(&token));
        let at = now();
        Store::insert_session(
            conn,
            &token_hash,
            org,
            &self.seal(Column::Email, Row::Session(&token_hash), email),
            at,
            at + SESSION_ABSOLUTE_SECS,
        )
        .await
        .map_err(db)?;
        Ok(SessionGrant {
            token: crypto::expose(&token).to_owned(),
            max_age_secs: SESSION_ABSOLUTE_SECS as u64,
        })
    }

    /// The subject behind a session token; `Unauthenticated` when it is
    /// unknown, idle too long or past its absolute end.
    pub async fn subject(&self, token: &str) -> Result<Subject, AppError> {
        let token_hash = crypto::token_hash(token);
        let row = self
            .store
            .live_session(&token_hash, now(), SESSION_IDLE_SECS)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let email = self.open(Column::Email, Row::Session(&token_hash), &row.email)?;
        Ok(self.subject_of(&row.org, &email))
    }

    /// The subject with address `email` (canonical form) in `org`, for a
    /// caller that has established who they are: a session, a signed link.
    pub fn subject_of(&self, org: &str, email: &str) -> Subject {
        Subject {
            org: org.to_owned(),
            email: email.to_owned(),
            email_index: self.email_index(email),
        }
    }

    /// The session's subject, who must belong to `org`: a session of
    /// another organisation is no session here.
    pub async fn subject_in(&self, org: &str, token: &str) -> Result<Subject, AppError> {
        let subject = self.subject(token).await?;
        if subject.org != org {
            return Err(AppError::Unauthenticated);
        }
        Ok(subject)
    }

    pub async fn sign_out(&self, token: &str) {
        if let Err(error) = self.store.delete_session(&crypto::token_hash(token)).await {
            tracing::warn!(error = %error, "could not delete a session");
        }
    }
}
