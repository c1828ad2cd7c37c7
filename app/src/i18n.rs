//! The words the interface shows. Codes from the domain become text here and
//! only here, so adding a language touches one module. English for now; the
//! functions take no strings from the server.

use crate::domain::{AppError, FieldErrorCode, RequestKind, Status, MAX_DETAIL_CHARS};

pub fn kind_label(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "Get a copy of my data",
        RequestKind::Rectification => "Correct my data",
        RequestKind::Erasure => "Delete my data",
        RequestKind::Restriction => "Restrict the use of my data",
        RequestKind::Portability => "Move my data to another service",
        RequestKind::Objection => "Object to the use of my data",
        RequestKind::AutomatedDecision => "Have an automated decision reviewed by a person",
        RequestKind::MarketingOptOut => "Stop marketing",
        RequestKind::WithdrawConsent => "Withdraw my consent",
    }
}

pub fn kind_summary(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => {
            "See what we hold about you, why, where it came from and who we share it with."
        }
        RequestKind::Rectification => "Tell us what is wrong or incomplete, and what is right.",
        RequestKind::Erasure => "Ask us to delete your data, all of it or some of it.",
        RequestKind::Restriction => {
            "Ask us to keep your data but stop using it while something is settled."
        }
        RequestKind::Portability => "Receive the data you gave us in a machine-readable file.",
        RequestKind::Objection => "Object to processing based on our legitimate interests.",
        RequestKind::AutomatedDecision => {
            "Contest a decision made about you without human involvement."
        }
        RequestKind::MarketingOptOut => "No more newsletters, offers or marketing profiling.",
        RequestKind::WithdrawConsent => "Take back a consent you gave us, for one purpose.",
    }
}

pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::PendingVerification => "Waiting for you to confirm your e-mail",
        Status::Received => "Received",
        Status::InProgress => "In progress",
        Status::AwaitingSubject => "Waiting for your answer",
        Status::Completed => "Completed",
        Status::Rejected => "Rejected",
        Status::Cancelled => "Cancelled",
    }
}

pub fn field_label(field: &str) -> &'static str {
    match field {
        "email" => "Your e-mail address",
        "description" => "Anything that helps us find your data (optional)",
        "inaccurate" => "What is wrong or incomplete?",
        "correction" => "What is right?",
        "erasure_scope" => "What should we delete?",
        "grounds" => "Why? Tell us about your situation",
        "decision" => "Which decision do you want reviewed?",
        "purpose" => "Which consent do you withdraw?",
        "code" => "Six-digit code",
        _ => "This field",
    }
}

pub fn field_error(code: FieldErrorCode) -> String {
    match code {
        FieldErrorCode::Required => "Please fill this in.".into(),
        FieldErrorCode::TooShort => "This is too short.".into(),
        FieldErrorCode::TooLong => format!("Please keep this under {MAX_DETAIL_CHARS} characters."),
        FieldErrorCode::InvalidEmail => {
            "This does not look like an e-mail address, for example name@example.com.".into()
        }
        FieldErrorCode::InvalidChoice => "Please choose one of the options.".into(),
        FieldErrorCode::NotApplicable => "This request does not ask for this.".into(),
    }
}

pub fn error_message(error: &AppError) -> String {
    match error {
        AppError::Validation { .. } => "Some answers need your attention; see the marked fields.".into(),
        AppError::UnknownOrganisation => "We do not know this organisation.".into(),
        AppError::UnknownKind => "We do not know this kind of request.".into(),
        AppError::NotFound => "We could not find this.".into(),
        AppError::Unauthenticated => "Please confirm your e-mail address to continue.".into(),
        AppError::LoginFailed => "The e-mail address or the password is wrong.".into(),
        AppError::Forbidden => "This is not allowed.".into(),
        AppError::CodeInvalid { attempts_left } => {
            format!("That code is not right. You can try {attempts_left} more time(s).")
        }
        AppError::CodeExpired => "That code has expired. Ask for a new code below.".into(),
        AppError::CodeBurned => "Too many wrong attempts: this code no longer works. Ask for a new code below.".into(),
        AppError::CodeLimit => "You have asked for 10 codes today, the daily limit. Please try again tomorrow.".into(),
        AppError::TransitionRefused { reason } => transition_refused(reason),
        AppError::LinkInvalid => "This link has expired or was already used. Ask for a new code.".into(),
        AppError::RequestExpired => {
            "This request expired because it was not confirmed within 7 days. Please make a new request.".into()
        }
        AppError::ExportExpired => {
            "This download has expired: packages can be downloaded for a limited time. Write to the privacy team on your request's page for a new one.".into()
        }
        AppError::MalformedBody => "The form could not be read. Please try again.".into(),
        AppError::PayloadTooLarge => "That is too much text to send at once.".into(),
        AppError::RateLimited => "Too many attempts. Please wait a little and try again.".into(),
        AppError::Unavailable | AppError::Network => "We could not reach the portal. Please try again.".into(),
        AppError::Internal => "Something went wrong on our side. Please try again later.".into(),
    }
}

fn transition_refused(reason: &crate::domain::TransitionError) -> String {
    use crate::domain::TransitionError as T;
    match reason {
        T::NotInThisStatus => "This cannot be done while the request has its current status.",
        T::NotVerified => "The request is not confirmed yet.",
        T::AlreadyExtended => {
            "The deadline was already extended once; it cannot be extended again."
        }
        T::ExtensionTooLong => "The deadline can be extended by one or two months.",
        T::ReasonRequired => "Please give the reason; the subject is told.",
        T::LegalGroundRequired => "Please give the legal ground for the refusal.",
        T::AlreadyExecuted => {
            "Something was already carried out on this request, so it can no longer be cancelled."
        }
    }
    .into()
}

/// `2026-12-22` → `22 December 2026`. Dates cross the wire as ISO strings and
/// are worded here, in the reader's language.
pub fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    match (
        parts.next(),
        parts.next().and_then(|m| m.parse::<usize>().ok()),
        parts.next(),
    ) {
        (Some(year), Some(month @ 1..=12), Some(day)) => {
            format!(
                "{} {} {}",
                day.trim_start_matches('0'),
                MONTHS[month - 1],
                year
            )
        }
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_worded_in_full() {
        assert_eq!(long_date("2026-12-02"), "2 December 2026");
        assert_eq!(long_date("2027-01-31T10:00:00Z"), "31 January 2027");
        assert_eq!(long_date("garbage"), "garbage");
    }
}
