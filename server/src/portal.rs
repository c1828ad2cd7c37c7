//! The service seen through the UI's ports (subject portal and staff
//! console): what the server functions in `app` call. Thin: it adapts
//! signatures, and holds the one rule about host names that every
//! organisation-naming call obeys (`served_here`).

use crate::service::{Invitation, LoginStep, Service};
use app::api::console::types::{
    AuditFilter, AuditView, CaseView, EnrolmentView, InvitationView, QueueFilter, QueueView,
    StaffView, TeamView,
};
use app::api::types::{
    NoticeChanged, NoticeChangesView, NoticeView, OrgView, PreferencesView, RequestView, TrackView,
};
use app::domain::{AppError, Language, Reference, Role, StaffAction, Submission};
use app::port::{ClientAddress, Console, Portal, SessionGrant, StaffLogin};
use async_trait::async_trait;
use std::sync::Arc;

/// The `Host` the current request was sent to.
fn request_host() -> Option<String> {
    leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
    })
}

/// A host name claimed by an organisation serves that organisation alone:
/// naming another one there is answered as if it did not exist. Other
/// host names (the portal's own address) serve every organisation.
pub fn served_here(service: &Service, host: Option<&str>, org: &str) -> Result<(), AppError> {
    match host.and_then(|host| service.content().org_for_host(host)) {
        Some(bound) if bound.slug != org => Err(AppError::UnknownOrganisation),
        _ => Ok(()),
    }
}

pub struct PortalAdapter(pub Arc<Service>);

impl PortalAdapter {
    fn here(&self, org: &str) -> Result<(), AppError> {
        served_here(&self.0, request_host().as_deref(), org)
    }
}

#[async_trait]
impl Portal for PortalAdapter {
    async fn organisation(&self, org: &str) -> Result<OrgView, AppError> {
        self.here(org)?;
        Ok(self.0.organisation(org)?.view.clone())
    }

    async fn notice(&self, org: &str, language: Language) -> Result<NoticeView, AppError> {
        self.here(org)?;
        self.0.notice(org, language)
    }

    async fn preferences(
        &self,
        org: &str,
        session: &str,
        language: Language,
    ) -> Result<PreferencesView, AppError> {
        self.here(org)?;
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
        self.here(org)?;
        self.0.notice_changes(org, from, to, language)
    }

    async fn notice_changed(
        &self,
        org: &str,
        session: &str,
        seen: Option<&str>,
    ) -> Result<Option<NoticeChanged>, AppError> {
        self.here(org)?;
        self.0.notice_changed(org, session, seen).await
    }

    async fn submit(
        &self,
        submission: Submission,
        client: &ClientAddress,
    ) -> Result<Reference, AppError> {
        self.here(&submission.org)?;
        self.0.submit(submission, client).await
    }

    async fn verify_code(
        &self,
        org: &str,
        reference: &Reference,
        code: &str,
        client: &ClientAddress,
    ) -> Result<SessionGrant, AppError> {
        self.here(org)?;
        self.0.organisation(org)?;
        Ok(self
            .0
            .verify_code(Some(org), reference, code, client)
            .await?
            .1)
    }

    async fn confirm_link(
        &self,
        org: &str,
        token: &str,
        client: &ClientAddress,
    ) -> Result<(Reference, SessionGrant), AppError> {
        self.here(org)?;
        self.0.organisation(org)?;
        self.0.confirm_link(org, token, client).await
    }

    async fn resend_code(
        &self,
        org: &str,
        reference: &Reference,
        key: Option<&str>,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        self.here(org)?;
        self.0.resend_code(Some(org), reference, key, client).await
    }

    async fn track(
        &self,
        org: &str,
        reference: &Reference,
        session: Option<&str>,
        key: Option<&str>,
    ) -> Result<TrackView, AppError> {
        self.here(org)?;
        self.0.track(org, reference, session, key).await
    }

    async fn my_requests(&self, org: &str, session: &str) -> Result<Vec<RequestView>, AppError> {
        self.here(org)?;
        self.0.my_requests(org, session).await
    }

    async fn reply(
        &self,
        org: &str,
        session: &str,
        reference: &Reference,
        body: &str,
    ) -> Result<(), AppError> {
        self.here(org)?;
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
        self.here(org)?;
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

impl ConsoleAdapter {
    fn here(&self, org: &str) -> Result<(), AppError> {
        served_here(&self.0, request_host().as_deref(), org)
    }

    /// The signed-in member, with only the roles this host serves: on an
    /// organisation's own host name, the console shows that organisation
    /// alone (its queue, team and audit log).
    async fn member(&self, token: &str) -> Result<crate::service::StaffMember, AppError> {
        let mut member = self.0.staff_member(token).await?;
        let host = request_host();
        if let Some(bound) = host
            .as_deref()
            .and_then(|h| self.0.content().org_for_host(h))
        {
            member.roles.retain(|(org, _)| *org == bound.slug);
            member.must_enrol_for.retain(|org| *org == bound.slug);
        }
        Ok(member)
    }
}

#[async_trait]
impl Console for ConsoleAdapter {
    async fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<StaffLogin, AppError> {
        Ok(match self.0.staff_login(email, password, client).await? {
            LoginStep::SignedIn(token) => StaffLogin::SignedIn(token),
            LoginStep::SecondFactor(pending) => StaffLogin::SecondFactor(pending),
        })
    }

    async fn second_factor(
        &self,
        pending: &str,
        code: &str,
        client: &ClientAddress,
    ) -> Result<String, AppError> {
        self.0.staff_second_factor(pending, code, client).await
    }

    async fn logout(&self, token: &str) {
        self.0.staff_logout(token).await
    }

    async fn me(&self, token: &str) -> Result<StaffView, AppError> {
        let member = self.member(token).await?;
        self.0.staff_view(&member).await
    }

    async fn begin_enrolment(&self, token: &str) -> Result<EnrolmentView, AppError> {
        let enrolment = self.0.begin_totp(token).await?;
        Ok(EnrolmentView {
            secret: enrolment.secret_base32,
            qr_svg: enrolment.qr_svg,
            replacing: enrolment.replacing,
        })
    }

    async fn confirm_enrolment(
        &self,
        token: &str,
        code: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        // The codes made here are shown by the next page (`recovery_codes`).
        self.0
            .confirm_totp(token, code, password, client)
            .await
            .map(|_| ())
    }

    async fn recovery_codes(&self, token: &str) -> Result<Option<Vec<String>>, AppError> {
        self.0.fresh_recovery_codes(token).await
    }

    async fn new_recovery_codes(
        &self,
        token: &str,
        password: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        self.0
            .regenerate_recovery_codes(token, password, client)
            .await
            .map(|_| ())
    }

    async fn change_password(
        &self,
        token: &str,
        current: &str,
        new: &str,
        repeated: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        self.0
            .change_password(token, current, new, repeated, client)
            .await
    }

    async fn request_password_reset(
        &self,
        email: &str,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        self.0.request_password_reset(email, client).await
    }

    async fn password_reset_valid(&self, token: &str) -> Result<bool, AppError> {
        self.0.password_reset_valid(token).await
    }

    async fn reset_password(&self, token: &str, new: &str, repeated: &str) -> Result<(), AppError> {
        self.0.reset_password(token, new, repeated).await
    }

    async fn queue(&self, token: &str, filter: QueueFilter) -> Result<QueueView, AppError> {
        let member = self.member(token).await?;
        self.0.queue(&member, &filter).await
    }

    async fn case(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
    ) -> Result<CaseView, AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0.case(&member, org, reference).await
    }

    async fn act(
        &self,
        token: &str,
        org: &str,
        reference: &Reference,
        action: StaffAction,
    ) -> Result<(), AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0
            .staff_act(&member, org, reference, action)
            .await
            .map(|_| ())
    }

    async fn audit(&self, token: &str, filter: AuditFilter) -> Result<AuditView, AppError> {
        let member = self.member(token).await?;
        self.0.audit_log(&member, &filter).await
    }

    async fn teams(&self, token: &str) -> Result<Vec<TeamView>, AppError> {
        let member = self.member(token).await?;
        self.0.teams(&member).await
    }

    async fn invite(
        &self,
        token: &str,
        org: &str,
        email: &str,
        role: Role,
    ) -> Result<(), AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0.invite(&member, org, email, role).await
    }

    async fn revoke_invitation(&self, token: &str, org: &str, id: i64) -> Result<(), AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0.revoke_invitation(&member, org, id).await
    }

    async fn remove_member(&self, token: &str, org: &str, staff_id: i64) -> Result<(), AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0.remove_member(&member, org, staff_id).await
    }

    async fn reset_two_factor(
        &self,
        token: &str,
        org: &str,
        staff_id: i64,
    ) -> Result<(), AppError> {
        self.here(org).map_err(|_| AppError::NotFound)?;
        let member = self.member(token).await?;
        self.0.reset_member_two_factor(&member, org, staff_id).await
    }

    async fn invitation(
        &self,
        token: &str,
        staff: Option<&str>,
    ) -> Result<InvitationView, AppError> {
        self.0.invitation(token, staff).await
    }

    async fn join(&self, token: &str, password: &str, repeated: &str) -> Result<String, AppError> {
        self.0
            .accept_invitation_as_new(token, password, repeated)
            .await
    }

    async fn accept_invitation(
        &self,
        staff: &str,
        link: Option<&str>,
        id: Option<i64>,
    ) -> Result<(), AppError> {
        let member = self.member(staff).await?;
        let invitation = match (link, id) {
            (Some(token), _) => Invitation::Link(token),
            (None, Some(id)) => Invitation::Listed(id),
            (None, None) => return Err(AppError::LinkInvalid),
        };
        self.0
            .accept_invitation(&member, invitation)
            .await
            .map(|_| ())
    }
}
