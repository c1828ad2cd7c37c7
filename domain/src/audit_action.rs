//! Every action the audit log records, named here and only here. What
//! happened to a request is named after its history's event
//! (`request.<event>`); the rest by what it concerns.
//!
//! Entries already written keep their text: the log is read back as it
//! was written (an earlier version's names included), and filtered by
//! prefix, so it is never decoded into this type.

use crate::execution::{ExecutionOutcome, Operation};
use crate::EventKind;
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// An event in a request's history, by whoever caused it.
    Request(EventKind),
    /// Staff opened the request's personal data.
    RequestViewed,
    /// An opt-out or consent withdrawal took effect on verification.
    RequestTookEffect,
    /// Unverified for seven days.
    RequestExpired,
    /// Its retention ended: the personal data is erased.
    RequestAnonymised,
    /// An erasure or restriction carried out on one source.
    Executed(Operation, ExecutionOutcome),
    VerificationCodeSent,
    VerificationFailed,
    VerificationBurned,
    VerificationLimitReached,
    SessionOpened,
    AttachmentDownloaded,
    ExportDataAdded,
    ExportSourceCollected,
    ExportSourceFailed,
    /// Staff built a package without a source that did not answer, saying why.
    ExportSourceWithout,
    ExportBuilt,
    ExportReleased,
    ExportReviewed,
    ExportDownloaded,
    ExportPurged,
    ConsentChanged,
    ConsentGpcHonoured,
    ConsentUnsubscribed,
    JobDone,
    JobRetry,
    JobFailed,
    StaffCreated,
    StaffLogin,
    StaffInvited,
    StaffInvitationRevoked,
    StaffJoined,
    StaffRemoved,
    StaffPasswordChanged,
    StaffPasswordReset,
    StaffPasswordResetRequested,
    StaffRecoveryCodesIssued,
    StaffTwoFactorEnrolled,
    StaffTwoFactorReplaced,
    StaffTwoFactorReset,
    /// An admin sent a webhook delivery again.
    WebhookReplayed,
    /// An admin made an organisation API token.
    ApiTokenCreated,
    /// An admin revoked one.
    ApiTokenRevoked,
    /// A call authenticated with one (its method and route).
    ApiTokenUsed,
    /// The opt-out list or consent receipts were read (feed or CSV): they
    /// carry addresses.
    OptOutsRead,
    ConsentsRead,
}

impl AuditAction {
    /// The dotted name the log stores.
    pub fn name(self) -> Cow<'static, str> {
        use AuditAction::*;
        Cow::Borrowed(match self {
            Request(event) => return Cow::Owned(format!("request.{event}")),
            Executed(operation, outcome) => {
                return Cow::Owned(format!("{}.{}", operation.as_str(), outcome.as_str()))
            }
            RequestViewed => "request.viewed",
            RequestTookEffect => "request.took_effect",
            RequestExpired => "request.expired",
            RequestAnonymised => "request.anonymised",
            VerificationCodeSent => "verification.code_sent",
            VerificationFailed => "verification.failed",
            VerificationBurned => "verification.burned",
            VerificationLimitReached => "verification.limit_reached",
            SessionOpened => "session.opened",
            AttachmentDownloaded => "attachment.downloaded",
            ExportDataAdded => "export.data_added",
            ExportSourceCollected => "export.source_collected",
            ExportSourceFailed => "export.source_failed",
            ExportSourceWithout => "export.source_without",
            ExportBuilt => "export.built",
            ExportReleased => "export.released",
            ExportReviewed => "export.reviewed",
            ExportDownloaded => "export.downloaded",
            ExportPurged => "export.purged",
            ConsentChanged => "consent.changed",
            ConsentGpcHonoured => "consent.gpc_honoured",
            ConsentUnsubscribed => "consent.unsubscribed",
            JobDone => "job.done",
            JobRetry => "job.retry",
            JobFailed => "job.failed",
            StaffCreated => "staff.created",
            StaffLogin => "staff.login",
            StaffInvited => "staff.invited",
            StaffInvitationRevoked => "staff.invitation_revoked",
            StaffJoined => "staff.joined",
            StaffRemoved => "staff.removed",
            StaffPasswordChanged => "staff.password_changed",
            StaffPasswordReset => "staff.password_reset",
            StaffPasswordResetRequested => "staff.password_reset_requested",
            StaffRecoveryCodesIssued => "staff.recovery_codes_issued",
            StaffTwoFactorEnrolled => "staff.two_factor_enrolled",
            StaffTwoFactorReplaced => "staff.two_factor_replaced",
            StaffTwoFactorReset => "staff.two_factor_reset",
            WebhookReplayed => "webhook.replayed",
            ApiTokenCreated => "api_token.created",
            ApiTokenRevoked => "api_token.revoked",
            ApiTokenUsed => "api_token.used",
            OptOutsRead => "opt_outs.read",
            ConsentsRead => "consents.read",
        })
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_ones_the_log_has_always_had() {
        assert_eq!(
            AuditAction::Request(EventKind::Submitted).name(),
            "request.submitted"
        );
        assert_eq!(
            AuditAction::Executed(Operation::Erase, ExecutionOutcome::Done).name(),
            "erase.done"
        );
        assert_eq!(AuditAction::StaffLogin.to_string(), "staff.login");
    }
}
