//! The service seen through the UI's port: what the server functions in `app`
//! call. Thin: it only adapts signatures.

use crate::service::Service;
use app::api::types::{NoticeView, OrgView, RequestView, TrackView};
use app::domain::{AppError, Reference, Submission};
use app::port::{Portal, SessionGrant};
use async_trait::async_trait;
use std::sync::Arc;

pub struct PortalAdapter(pub Arc<Service>);

impl PortalAdapter {
    /// The session's subject, who must belong to `org`.
    async fn subject_in(&self, org: &str, session: &str) -> Result<crate::service::Subject, AppError> {
        let subject = self.0.subject(session).await?;
        if subject.org != org {
            return Err(AppError::Unauthenticated);
        }
        Ok(subject)
    }
}

#[async_trait]
impl Portal for PortalAdapter {
    async fn organisation(&self, org: &str) -> Result<OrgView, AppError> {
        Ok(self.0.organisation(org)?.notice.org.clone())
    }

    async fn notice(&self, org: &str) -> Result<NoticeView, AppError> {
        Ok(self.0.organisation(org)?.notice.clone())
    }

    async fn submit(&self, submission: Submission) -> Result<Reference, AppError> {
        self.0.submit(submission).await
    }

    async fn verify_code(&self, org: &str, reference: &Reference, code: &str) -> Result<SessionGrant, AppError> {
        self.0.organisation(org)?;
        Ok(self.0.verify_code(Some(org), reference, code).await?.1)
    }

    async fn confirm_link(&self, org: &str, token: &str) -> Result<(Reference, SessionGrant), AppError> {
        self.0.organisation(org)?;
        self.0.confirm_link(org, token).await
    }

    async fn resend_code(&self, org: &str, reference: &Reference) -> Result<(), AppError> {
        self.0.resend_code(Some(org), reference).await
    }

    async fn track(
        &self,
        org: &str,
        reference: &Reference,
        session: Option<&str>,
        key: Option<&str>,
    ) -> Result<TrackView, AppError> {
        self.0.track(org, reference, session, key).await
    }

    async fn my_requests(&self, org: &str, session: &str) -> Result<Vec<RequestView>, AppError> {
        self.0.my_requests(org, session).await
    }

    async fn reply(&self, org: &str, session: &str, reference: &Reference, body: &str) -> Result<(), AppError> {
        let subject = self.subject_in(org, session).await?;
        self.0.subject_reply(&subject, reference, body).await.map(|_| ())
    }

    async fn cancel(&self, org: &str, session: &str, reference: &Reference) -> Result<(), AppError> {
        let subject = self.subject_in(org, session).await?;
        self.0.subject_cancel(&subject, reference).await
    }

    async fn sign_out(&self, session: &str) {
        self.0.sign_out(session).await
    }

    fn secure_cookies(&self) -> bool {
        self.0.secure_cookies()
    }
}
