//! Subject sessions: proof, for a limited time, that the holder controls an
//! e-mail address, scoped to one organisation.

use super::{db, now, Service, SESSION_ABSOLUTE_SECS, SESSION_IDLE_SECS};
use crate::store::Conn;
use crate::{crypto, store::Store};
use app::domain::AppError;
use app::port::SessionGrant;

/// Who a valid session speaks for.
#[derive(Debug, Clone)]
pub struct Subject {
    pub org: String,
    pub email: String,
}

impl Service {
    pub(super) async fn open_session(
        conn: &mut Conn,
        org: &str,
        email: &str,
    ) -> Result<SessionGrant, AppError> {
        let token = crypto::new_token();
        let at = now();
        Store::insert_session(
            conn,
            &crypto::token_hash(crypto::expose(&token)),
            org,
            email,
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
        let row = self
            .store
            .live_session(&crypto::token_hash(token), now(), SESSION_IDLE_SECS)
            .await
            .map_err(db)?
            .ok_or(AppError::Unauthenticated)?;
        Ok(Subject {
            org: row.org,
            email: row.email,
        })
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
