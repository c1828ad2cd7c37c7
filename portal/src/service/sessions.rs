//! Subject sessions: proof, for a limited time, that the holder controls an
//! e-mail address, scoped to one organisation.

use super::{db, now, Seals, SESSION_ABSOLUTE_SECS, SESSION_IDLE_SECS};
use crate::sealing::{Column, EmailIndex, Row};
use crate::store::{Conn, RequestRow};
use crate::{store::Store, token::Token};
use domain::{AppError, OrgSlug};

/// A fresh subject session, handed out after a successful verification.
pub struct SessionGrant {
    pub token: Token,
    /// Absolute lifetime, for the cookie's Max-Age.
    pub max_age_secs: u64,
}

/// Who a valid session (or a signed link) speaks for.
#[derive(Debug, Clone)]
pub struct Subject {
    pub org: OrgSlug,
    pub email: String,
    pub email_index: EmailIndex,
    /// The hash of the session's token, when a session speaks.
    pub session_hash: Option<String>,
}

impl Subject {
    /// Whether a request is this subject's (same organisation and address).
    pub fn owns(&self, row: &RequestRow) -> bool {
        self.org == row.org && row.email_index.as_deref() == Some(self.email_index.as_str())
    }
}

/// Subject sessions: opened by a verification, read by every door
/// (`door::identity`), ended by signing out or by time.
#[derive(Clone)]
pub struct Sessions {
    pub(super) store: Store,
    pub(super) seals: Seals,
}

impl Sessions {
    pub(super) async fn open_session(
        &self,
        conn: &mut Conn,
        org: &str,
        email: &str,
    ) -> Result<SessionGrant, AppError> {
        let token = Token::mint();
        let token_hash = token.hash();
        let at = now();
        Store::insert_session(
            conn,
            &token_hash,
            org,
            &self
                .seals
                .seal(Column::Email, Row::Session(&token_hash), email),
            at,
            at + SESSION_ABSOLUTE_SECS,
        )
        .await
        .map_err(db)?;
        Ok(SessionGrant {
            token,
            max_age_secs: SESSION_ABSOLUTE_SECS as u64,
        })
    }

    /// The subject behind a session token; `Unauthenticated` when it is
    /// unknown, idle too long or past its absolute end.
    pub async fn subject(&self, token: &Token) -> Result<Subject, AppError> {
        let token_hash = token.hash();
        let row = self
            .store
            .live_session(&token_hash, now(), SESSION_IDLE_SECS)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        let email = self
            .seals
            .open(Column::Email, Row::Session(&token_hash), &row.email)?;
        Ok(Subject {
            session_hash: Some(token_hash),
            ..self.subject_of(&row.org, &email)
        })
    }

    /// The subject with address `email` (canonical form) in `org`, for a
    /// caller that has established who they are: a session, a signed link.
    pub fn subject_of(&self, org: &OrgSlug, email: &str) -> Subject {
        Subject {
            org: org.clone(),
            email: email.to_owned(),
            email_index: self.seals.email_index(email),
            session_hash: None,
        }
    }

    /// Ends the subject's session.
    pub async fn sign_out(&self, subject: &Subject) {
        let Some(hash) = &subject.session_hash else {
            return;
        };
        if let Err(error) = self.store.delete_session(hash).await {
            tracing::warn!(error = %error, "could not delete a session");
        }
    }
}
