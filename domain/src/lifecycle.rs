//! What staff (and the subject) may do to a verified request, as pure
//! transitions: each takes the request's state and an action and either
//! returns the new state or says why not. The service layer applies them;
//! these rules are the only place they are decided.
//!
//! The clock: the one-month deadline runs from verification (GDPR Art.
//! 12(3)). Asking the subject for information does NOT stop it. The EDPB's
//! guidelines on the right of access (01/2022) let the controller ask the
//! subject to specify a request, but give no suspension for that; only the
//! identity check may delay the start, and ours happens before the clock
//! starts. Where an answer takes long, staff extend the deadline, with a
//! reason the subject is told, once, by at most two further months.

use super::{add_months, EventKind, Status};
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest extension, in months (Art. 12(3): "by two further months").
pub const MAX_EXTENSION_MONTHS: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestState {
    pub status: Status,
    /// Set once verified.
    pub due: Option<Date>,
    /// Whether the deadline was already extended (allowed once).
    pub extended: bool,
    /// Whether anything was carried out on the subject's data (an erasure
    /// run, an export released): the subject can no longer cancel.
    pub executed: bool,
    /// The staff member working the request, if any.
    pub assignee: Option<i64>,
    /// The day the rules are asked on: an extension must be told to the
    /// subject within the first month (Art. 12(3)).
    pub today: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Staff take the request, or hand it to a colleague (who belongs to
    /// the organisation: the service checks that).
    Assign { to: i64 },
    /// A staff member starts working the request.
    Start,
    /// Staff ask the subject for information.
    AskSubject,
    /// Staff write to the subject without changing anything else.
    Message,
    /// The subject writes: an answer when they were asked something, else
    /// a message.
    SubjectWrites,
    /// Staff extend the deadline by `months` (1 or 2), telling the subject why.
    Extend { months: u8, reason: String },
    /// Staff answer the request.
    Complete,
    /// Staff refuse the request, citing the legal ground (Art. 12(4)).
    Reject {
        reason: String,
        legal_ground: String,
    },
    /// The subject withdraws the request.
    CancelBySubject,
}

/// An action without its particulars: what a page asks the rules before it
/// offers the action's form (`RequestState::allows`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Move {
    Assign,
    Start,
    AskSubject,
    Message,
    SubjectWrites,
    Extend,
    Complete,
    Reject,
    CancelBySubject,
}

impl Action {
    pub fn as_move(&self) -> Move {
        match self {
            Action::Assign { .. } => Move::Assign,
            Action::Start => Move::Start,
            Action::AskSubject => Move::AskSubject,
            Action::Message => Move::Message,
            Action::SubjectWrites => Move::SubjectWrites,
            Action::Extend { .. } => Move::Extend,
            Action::Complete => Move::Complete,
            Action::Reject { .. } => Move::Reject,
            Action::CancelBySubject => Move::CancelBySubject,
        }
    }
}

/// What an action does: the state after it, the event the history records,
/// and whether the subject is mailed that their request changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub state: RequestState,
    pub event: EventKind,
    pub tells_subject: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum TransitionError {
    #[error("not allowed in this status")]
    NotInThisStatus,
    #[error("the request is not verified")]
    NotVerified,
    #[error("the deadline was already extended")]
    AlreadyExtended,
    #[error("an extension is one or two months")]
    ExtensionTooLong,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the legal ground is required")]
    LegalGroundRequired,
    #[error("something was already carried out")]
    AlreadyExecuted,
    #[error("the first month is over: an extension must be told within it (Art. 12(3))")]
    FirstMonthOver,
}

impl RequestState {
    /// Whether `step` may happen now, whatever its particulars: the rule
    /// the service applies and the console asks before it shows a form.
    pub fn allows(&self, step: Move) -> Result<(), TransitionError> {
        use Status::*;
        if self.status == PendingVerification {
            return Err(TransitionError::NotVerified);
        }
        if self.status.is_closed() {
            return Err(TransitionError::NotInThisStatus);
        }
        let becomes = match step {
            Move::Start if self.status != Received => return Err(TransitionError::NotInThisStatus),
            Move::Start => Some(InProgress),
            Move::AskSubject => Some(AwaitingSubject),
            Move::Complete => Some(Completed),
            Move::Reject => Some(Rejected),
            Move::CancelBySubject if self.executed => return Err(TransitionError::AlreadyExecuted),
            Move::CancelBySubject => Some(Cancelled),
            Move::Extend if self.extended => return Err(TransitionError::AlreadyExtended),
            // Art. 12(3): the subject is told of an extension "within one
            // month of receipt", so none is made once that month is over.
            Move::Extend if self.due.is_some_and(|due| self.today > due) => {
                return Err(TransitionError::FirstMonthOver)
            }
            Move::Extend | Move::Assign | Move::Message | Move::SubjectWrites => None,
        };
        match becomes {
            Some(next) if !self.status.can_become(next) => Err(TransitionError::NotInThisStatus),
            _ => Ok(()),
        }
    }

    pub fn apply(&self, action: &Action) -> Result<Transition, TransitionError> {
        use Status::*;
        self.allows(action.as_move())?;
        let mut next = self.clone();
        let event = match action {
            Action::Assign { to } => {
                next.assignee = Some(*to);
                EventKind::Assigned
            }
            Action::Start => {
                next.status = InProgress;
                EventKind::Started
            }
            Action::AskSubject => {
                next.status = AwaitingSubject;
                EventKind::AskedSubject
            }
            Action::Message => EventKind::Message,
            Action::SubjectWrites if self.status == AwaitingSubject => {
                next.status = InProgress;
                EventKind::SubjectAnswered
            }
            Action::SubjectWrites => EventKind::Message,
            Action::Extend { months, reason } => {
                if !(1..=MAX_EXTENSION_MONTHS).contains(months) {
                    return Err(TransitionError::ExtensionTooLong);
                }
                if reason.trim().is_empty() {
                    return Err(TransitionError::ReasonRequired);
                }
                let due = self.due.ok_or(TransitionError::NotVerified)?;
                next.due = Some(add_months(due, *months));
                next.extended = true;
                EventKind::Extended
            }
            Action::Complete => {
                next.status = Completed;
                EventKind::Completed
            }
            Action::Reject {
                reason,
                legal_ground,
            } => {
                if reason.trim().is_empty() {
                    return Err(TransitionError::ReasonRequired);
                }
                if legal_ground.trim().is_empty() {
                    return Err(TransitionError::LegalGroundRequired);
                }
                next.status = Rejected;
                EventKind::Rejected
            }
            Action::CancelBySubject => {
                next.status = Cancelled;
                EventKind::Cancelled
            }
        };
        Ok(Transition {
            state: next,
            event,
            // A colleague's assignment is the team's business; a subject's
            // own words need no mail back to them.
            tells_subject: !matches!(action, Action::Assign { .. } | Action::SubjectWrites),
        })
    }

    /// Overdue on `today`: open, with a due date already passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_closed() && self.due.is_some_and(|due| today > due)
    }

    /// Due within the next `days` days (and not yet overdue).
    pub fn is_due_within(&self, today: Date, days: i64) -> bool {
        !self.status.is_closed()
            && self
                .due
                .is_some_and(|due| due >= today && (due - today).whole_days() <= days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn state(status: Status) -> RequestState {
        RequestState {
            status,
            due: Some(date!(2027 - 01 - 31)),
            extended: false,
            executed: false,
            assignee: None,
            today: date!(2026 - 12 - 01),
        }
    }

    fn extend(months: u8, reason: &str) -> Action {
        Action::Extend {
            months,
            reason: reason.into(),
        }
    }

    #[test]
    fn starting_moves_a_received_request_in_progress_once() {
        assert_eq!(
            state(Status::Received)
                .apply(&Action::Start)
                .unwrap()
                .state
                .status,
            Status::InProgress
        );
        assert_eq!(
            state(Status::InProgress).apply(&Action::Start),
            Err(TransitionError::NotInThisStatus)
        );
    }

    #[test]
    fn nothing_happens_to_an_unverified_request() {
        let pending = RequestState {
            status: Status::PendingVerification,
            due: None,
            extended: false,
            executed: false,
            assignee: None,
            today: date!(2026 - 12 - 01),
        };
        for action in [
            Action::Start,
            Action::AskSubject,
            Action::Complete,
            extend(1, "x"),
            Action::CancelBySubject,
            Action::Assign { to: 7 },
            Action::Message,
            Action::SubjectWrites,
        ] {
            assert_eq!(
                pending.apply(&action),
                Err(TransitionError::NotVerified),
                "{action:?}"
            );
        }
    }

    #[test]
    fn asking_the_subject_waits_for_their_answer_and_keeps_the_clock_running() {
        let asked = state(Status::InProgress)
            .apply(&Action::AskSubject)
            .unwrap()
            .state;
        assert_eq!(asked.status, Status::AwaitingSubject);
        assert_eq!(
            asked.due,
            Some(date!(2027 - 01 - 31)),
            "the deadline does not move"
        );
        let answered = asked.apply(&Action::SubjectWrites).unwrap();
        assert_eq!(answered.state.status, Status::InProgress);
        assert_eq!(answered.event, EventKind::SubjectAnswered);
        assert_eq!(
            state(Status::Received).apply(&Action::AskSubject),
            Err(TransitionError::NotInThisStatus)
        );
        // Unasked, the subject's words are a message: nothing moves.
        let unasked = state(Status::InProgress)
            .apply(&Action::SubjectWrites)
            .unwrap();
        assert_eq!(unasked.state, state(Status::InProgress));
        assert_eq!(unasked.event, EventKind::Message);
    }

    #[test]
    fn the_deadline_extends_once_by_at_most_two_months_with_a_reason() {
        let extended = state(Status::InProgress)
            .apply(&extend(2, "Many systems to search"))
            .unwrap()
            .state;
        assert_eq!(extended.due, Some(date!(2027 - 03 - 31)));
        assert!(extended.extended);
        assert_eq!(
            extended.apply(&extend(1, "More")),
            Err(TransitionError::AlreadyExtended)
        );
        let one = state(Status::Received)
            .apply(&extend(1, "Complex"))
            .unwrap()
            .state;
        assert_eq!(one.due, Some(date!(2027 - 02 - 28)), "month ends clamp");
        assert_eq!(
            state(Status::InProgress).apply(&extend(3, "Long")),
            Err(TransitionError::ExtensionTooLong)
        );
        assert_eq!(
            state(Status::InProgress).apply(&extend(0, "None")),
            Err(TransitionError::ExtensionTooLong)
        );
        assert_eq!(
            state(Status::InProgress).apply(&extend(1, "  ")),
            Err(TransitionError::ReasonRequired)
        );
    }

    #[test]
    fn a_rejection_needs_a_reason_and_a_legal_ground() {
        let reject = |reason: &str, ground: &str| Action::Reject {
            reason: reason.into(),
            legal_ground: ground.into(),
        };
        assert_eq!(
            state(Status::InProgress)
                .apply(&reject("Manifestly unfounded", "GDPR Art. 12(5)(b)"))
                .unwrap()
                .state
                .status,
            Status::Rejected
        );
        assert_eq!(
            state(Status::InProgress).apply(&reject("", "Art. 12(5)")),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            state(Status::InProgress).apply(&reject("Unfounded", " ")),
            Err(TransitionError::LegalGroundRequired)
        );
    }

    #[test]
    fn art_12_3_an_extension_is_made_within_the_first_month_only() {
        let due = date!(2027 - 01 - 31);
        let on = |today| RequestState {
            today,
            ..state(Status::InProgress)
        };
        // Up to and on the deadline day, the subject can still be told.
        assert!(on(date!(2027 - 01 - 31))
            .apply(&extend(2, "Many systems"))
            .is_ok());
        assert!(on(date!(2026 - 12 - 31)).allows(Move::Extend).is_ok());
        // The day after, the month is over: no extension, whatever the reason.
        assert_eq!(
            on(due + time::Duration::days(1)).apply(&extend(1, "Late")),
            Err(TransitionError::FirstMonthOver)
        );
        assert_eq!(
            on(date!(2027 - 03 - 01)).allows(Move::Extend),
            Err(TransitionError::FirstMonthOver)
        );
        // Everything else stays possible past the deadline.
        assert!(on(date!(2027 - 03 - 01)).apply(&Action::Complete).is_ok());
    }

    #[test]
    fn the_subject_may_cancel_until_something_was_carried_out() {
        for status in [
            Status::Received,
            Status::InProgress,
            Status::AwaitingSubject,
        ] {
            assert_eq!(
                state(status)
                    .apply(&Action::CancelBySubject)
                    .unwrap()
                    .state
                    .status,
                Status::Cancelled
            );
        }
        let executed = RequestState {
            executed: true,
            ..state(Status::InProgress)
        };
        assert_eq!(
            executed.apply(&Action::CancelBySubject),
            Err(TransitionError::AlreadyExecuted)
        );
    }

    #[test]
    fn closed_requests_refuse_every_action() {
        for status in [Status::Completed, Status::Rejected, Status::Cancelled] {
            for action in [
                Action::Start,
                Action::AskSubject,
                Action::Complete,
                extend(1, "x"),
                Action::CancelBySubject,
                Action::Assign { to: 7 },
                Action::Message,
                Action::SubjectWrites,
            ] {
                assert_eq!(
                    state(status).apply(&action),
                    Err(TransitionError::NotInThisStatus),
                    "{status} {action:?}"
                );
            }
        }
    }

    #[test]
    fn assigning_and_writing_change_nothing_but_the_assignee_and_tell_whom_they_should() {
        for status in [
            Status::Received,
            Status::InProgress,
            Status::AwaitingSubject,
        ] {
            let assigned = state(status).apply(&Action::Assign { to: 7 }).unwrap();
            assert_eq!(
                assigned.state,
                RequestState {
                    assignee: Some(7),
                    ..state(status)
                }
            );
            assert_eq!(assigned.event, EventKind::Assigned);
            assert!(!assigned.tells_subject, "the team's business");
            let written = state(status).apply(&Action::Message).unwrap();
            assert_eq!(written.state, state(status));
            assert_eq!(written.event, EventKind::Message);
            assert!(written.tells_subject);
        }
        assert!(
            state(Status::InProgress)
                .apply(&Action::Complete)
                .unwrap()
                .tells_subject
        );
    }

    #[test]
    fn what_a_page_offers_is_what_the_rules_accept() {
        let actions = [
            Action::Assign { to: 7 },
            Action::Start,
            Action::AskSubject,
            Action::Message,
            Action::SubjectWrites,
            extend(1, "Reason"),
            Action::Complete,
            Action::Reject {
                reason: "Reason".into(),
                legal_ground: "Ground".into(),
            },
            Action::CancelBySubject,
        ];
        for status in Status::ALL {
            for extended in [false, true] {
                for executed in [false, true] {
                    let state = RequestState {
                        extended,
                        executed,
                        ..state(status)
                    };
                    for action in &actions {
                        assert_eq!(
                            state.allows(action.as_move()).is_ok(),
                            state.apply(action).is_ok(),
                            "{state:?} {action:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn overdue_and_due_soon_flags_follow_the_calendar() {
        let open = state(Status::InProgress);
        assert!(
            !open.is_overdue(date!(2027 - 01 - 31)),
            "due today is not overdue"
        );
        assert!(open.is_overdue(date!(2027 - 02 - 01)));
        assert!(open.is_due_within(date!(2027 - 01 - 24), 7));
        assert!(!open.is_due_within(date!(2027 - 01 - 23), 7));
        assert!(!state(Status::Completed).is_overdue(date!(2027 - 06 - 01)));
    }
}
