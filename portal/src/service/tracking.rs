//! What a subject sees of their requests: the tracking page and their list.
//! Reads only; the assembly of a request's view is `views`'s.

use super::outbox::progress;
use super::verification::CODE_MAIL;
use super::views::views_of;
use super::{db, now, views, Seals, Subject};
use crate::{content::Content, store::Store};
use domain::views::{MailProgress, Summary};
use domain::views::{RequestView, TrackView};
use domain::{AppError, Reference, Status};
use std::sync::Arc;

#[derive(Clone)]
pub struct Tracking {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
}

impl Tracking {
    /// The tracking page: everything for the owner's session, a summary for
    /// the holder of the tracking link, and for anyone else only a sign-in
    /// form that looks the same whether or not the reference exists.
    pub async fn track(
        &self,
        org: &str,
        reference: &Reference,
        subject: Option<&Subject>,
        key: Option<&str>,
    ) -> Result<TrackView, AppError> {
        self.content.organisation(org)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request(&mut conn, org, reference.as_str())
            .await
            .map_err(db)?;
        let Some(row) = row else {
            return Ok(sign_in(reference, None, None));
        };
        if subject.is_some_and(|s| s.owns(&row)) {
            let view = views_of(
                &mut conn,
                std::slice::from_ref(&row),
                &self.content,
                self.seals.keys(),
            )
            .await?
            .remove(0);
            return Ok(TrackView::Owner(Box::new(view)));
        }
        let at = now();
        let mut code_mail = None;
        if row.status == Status::PendingVerification {
            let mail = Store::latest_mail_about(&mut conn, row.id, CODE_MAIL)
                .await
                .map_err(db)?;
            code_mail = mail.map(|mail| progress(mail.status, mail.last_error.is_some()));
        }
        let key_matches = key.is_some_and(|k| self.seals.tracking_key_matches(&row, k));
        let summary = key_matches.then(|| views::summary(&row, at)).transpose()?;
        Ok(sign_in(reference, summary, code_mail))
    }

    pub async fn requests_of(&self, subject: &Subject) -> Result<Vec<RequestView>, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::requests_of_subject(&mut conn, &subject.org, &subject.email_index)
            .await
            .map_err(db)?;
        views_of(&mut conn, &rows, &self.content, self.seals.keys()).await
    }

    /// One request of the subject; another subject's request is `NotFound`,
    /// exactly like a reference that does not exist.
    pub async fn request_of(
        &self,
        subject: &Subject,
        reference: &Reference,
    ) -> Result<RequestView, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request(&mut conn, &subject.org, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| subject.owns(row))
            .ok_or(AppError::NotFound)?;
        Ok(views_of(
            &mut conn,
            std::slice::from_ref(&row),
            &self.content,
            self.seals.keys(),
        )
        .await?
        .remove(0))
    }
}

fn sign_in(
    reference: &Reference,
    summary: Option<Summary>,
    code_mail: Option<MailProgress>,
) -> TrackView {
    TrackView::SignIn {
        reference: reference.clone(),
        summary,
        code_mail,
    }
}
