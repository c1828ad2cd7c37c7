//! The service seen through the UI's ports (subject portal and staff
//! console): what the server functions in `app` call. Thin: it only adapts
//! signatures.

use crate::service::{LoginStep, Service};
use app::api::console::types::{
    AuditFilter, AuditView, CaseView, EnrolmentView, QueueFilter, QueueView, StaffView, TeamView,
};
use app::api::types::{
    NoticeChanged, NoticeChangesView, NoticeView, OrgView, PreferencesView, RequestView, TrackView,
};
use app::domain::{AppError, Language, Reference, Role, StaffAction, Submission};
use app::port::{Console, Portal, SessionGrant, StaffLogin};
use async_trait::async_trait;
use std::sync::Arc;

pub struct PortalAdapter(pub Arc<Service>);

#[async_trait]
impl Portal for PortalAdapter {
    async fn organisation(&self, org: &str) -> Result<OrgView, AppError> {
        Ok(self.0.organisation(org)?.view.clone())
    }

    async fn notice(&self, org: &str, language: Language) -> Result<NoticeView, AppError> {
        self.0.notice(org, language)
    }

    async fn preferences(
        &self,
        org: &str,
        session: &str,
        language: Language,
    ) -> Result<PreferencesView, AppError> {
        let subject = self.0.subject_in(org, session).await?;
        self.0.preferences(&subject, language).await
    }

    async fn notice_changes(
        &self,
        org: &str,
        from: &str,
        to: Option<&str>,
        language: Language,
    ) -> Result<NoticeChangesView, AppError> {
        self.0.notice_changes(org, from, to, language)
    }

    async fn notice_changed(
        &self,
        org: &str,
        session: &str,
        seen: Option<&str>,
    ) -> Result<Option<NoticeChanged>, AppError> {
        self.0.notice_changed(org, session, seen).await
    }

    async fn submit(&self, submission: Submission) -> Result<Reference, AppError> {
        self.0.submit(submission).await
    }

    async fn verify_code(
        &self,
        org: &str,
        reference: &Reference,
        code: &str,
    ) -> Result<SessionGrant, AppError> {
        self.0.organisation(org)?;
        Ok(self.0.verify_code(Some(org), reference, code).await?.1)
    }

    async fn confirm_link(
        &self,
        org: &str,
        token: &str,
    ) -> Result<(Reference, SessionGrant), AppError> {
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

    async fn reply(
        &self,
        org: &str,
        session: &str,
        reference: &Reference,
        body: &str,
    ) -> Result<(), AppError> {
        let subject = self.0.subject_in(org, session).await?;
        self.0
            .subject_reply(&subject, reference, body)
            .await
            .map(|_| ())
    }

    async fn cancel(
        &self,
        org: &str,
        session: &str,
        reference: &Reference,
    ) -> Result<(), AppError> {
        let subject = self.0.subject_in(org, session).await?;
        self.0.subject_cancel(&subject, reference).await
    }

    async fn sign_out(&self, session: &str) {
        self.0.sign_out(session).await
    }

    fn secure_cookies(&self) -> bool {
        self.0.secure_cookies()
    }
}

/// The service seen through the console's port.
pub struct ConsoleAdapter(pub Arc<Service>);

#[async_trait]
impl Console for ConsoleAdapter {
    async fn login(&self, email: &str, password: &str) -> Result<StaffLogin, AppError> {
        Ok(match self.0.staff_login(email, password).await? {
            LoginStep::SignedIn(token) => StaffLogin::SignedIn(token),
            LoginStep::SecondFactor(pending) => StaffLogin::SecondFactor(pending),
        })
    }

    async fn second_factor(&self, pending: &str, code: &str) -> Result<String, AppError> {
        self.0.staff_second_factor(pending, code).await
    }

    async fn logout(&self, token: &str) {
        self.0.staff_logout(token).await
    }

    async fn me(&self, token: &str) -> Result<StaffView, AppError> {
        let member = self.0.staff_member(token).await?;
        Ok(self.0.staff_view(&member))
    }

    async fn begin_enrolment(&self, token: &str) -> Result<EnrolmentView, AppError> {
        let enrolment = self.0.begin_totp(token).await?;
        Ok(EnrolmentView {
            secret: enrolment.secret_base32,
            qr_svg: enrolment.qr_svg,
        })
    }

    async fn confirm_enrolment(&self, token: &str, code: &str) -> Result<(), AppError> {
        // The codes made here are shown by the next page (`recovery_codes`).
        self.0.confirm_totp(token, code).await.map(|_| ())
    }

    async fn recovery_codes(&self, token: &str) -> Result<Option<Vec<String>>, AppError> {
        self.0.fresh_recovery_codes(token).await
    }

    async fn new_recovery_codes(&self, token: &str) -> Result<(), AppError> {
        self.0.regenerate_recovery_codes(token).await.map(|_| ())
    }

    async fn queue(&self, token: &str, filter: QueueFilter) -> Result<QueueView, AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.queue(&member, &filter).await
    }

    async fn case(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
    ) -> Result<CaseView, AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.case(&member, org, reference).await
    }

    async fn act(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
        action: StaffAction,
    ) -> Result<(), AppError> {
        let member = self.0.staff_member(token).await?;
        self.0
            .staff_act(&member, org, reference, action)
            .await
            .map(|_| ())
    }

    async fn audit(&self, token: &str, filter: AuditFilter) -> Result<AuditView, AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.audit_log(&member, &filter).await
    }

    async fn teams(&self, token: &str) -> Result<Vec<TeamView>, AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.teams(&member).await
    }

    async fn add_member(
        &self,
        token: &str,
        org: &str,
        email: &str,
        role: Role,
        password: &str,
    ) -> Result<(), AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.add_member(&member, org, email, role, password).await
    }

    async fn remove_member(&self, token: &str, org: &str, staff_id: i64) -> Result<(), AppError> {
        let member = self.0.staff_member(token).await?;
        self.0.remove_member(&member, org, staff_id).await
    }
}
