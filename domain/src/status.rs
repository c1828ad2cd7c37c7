//! Request statuses and the transitions between them. The legal clock starts
//! at verification: until then nothing is executed and no deadline runs.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    PendingVerification,
    Received,
    InProgress,
    AwaitingSubject,
    Completed,
    Rejected,
    Cancelled,
}

impl Status {
    /// The status as privacy staff name it: the subject's page says
    /// "Waiting for your answer", the console "Waiting for the subject".
    pub fn staff_name(self) -> &'static str {
        match self {
            Status::PendingVerification => "Not confirmed by the subject",
            Status::Received => "Received",
            Status::InProgress => "In progress",
            Status::AwaitingSubject => "Waiting for the subject",
            Status::Completed => "Completed",
            Status::Rejected => "Rejected",
            Status::Cancelled => "Cancelled",
        }
    }

    pub const ALL: [Status; 7] = [
        Status::PendingVerification,
        Status::Received,
        Status::InProgress,
        Status::AwaitingSubject,
        Status::Completed,
        Status::Rejected,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::PendingVerification => "pending_verification",
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::AwaitingSubject => "awaiting_subject",
            Status::Completed => "completed",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
        }
    }

    /// The statuses in which staff still owe the subject an answer: verified
    /// and not closed.
    pub const OPEN: [Status; 3] = [
        Status::Received,
        Status::InProgress,
        Status::AwaitingSubject,
    ];

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// Completed, rejected and cancelled requests are closed for good.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Rejected | Status::Cancelled
        )
    }

    /// Whether the lifecycle allows moving from `self` to `next`.
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        match (self, next) {
            // Verification opens the request; an unverified one may only expire.
            (PendingVerification, Received | Cancelled) => true,
            (Received, InProgress | Completed | Rejected | Cancelled) => true,
            (InProgress, AwaitingSubject | Completed | Rejected | Cancelled) => true,
            (AwaitingSubject, InProgress | Completed | Rejected | Cancelled) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus;

impl TryFrom<String> for Status {
    type Error = String;

    fn try_from(name: String) -> Result<Status, String> {
        name.parse().map_err(|_| format!("unknown status {name:?}"))
    }
}

impl FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or(UnknownStatus)
    }
}

#[cfg(test)]
mod tests {
    use super::Status::{self, *};

    #[test]
    fn verification_moves_a_pending_request_to_received() {
        assert!(PendingVerification.can_become(Received));
    }

    #[test]
    fn an_unverified_request_can_only_be_verified_or_expire() {
        for next in [InProgress, AwaitingSubject, Completed, Rejected] {
            assert!(!PendingVerification.can_become(next), "{next}");
        }
        assert!(PendingVerification.can_become(Cancelled));
    }

    #[test]
    fn closed_requests_never_reopen() {
        for closed in [Completed, Rejected, Cancelled] {
            assert!(closed.is_closed());
            assert!(!closed.is_open());
            for next in Status::ALL {
                assert!(!closed.can_become(next), "{closed} -> {next}");
            }
        }
    }

    #[test]
    fn nothing_goes_back_to_pending_verification() {
        for from in Status::ALL {
            assert!(!from.can_become(PendingVerification), "{from}");
        }
    }

    #[test]
    fn staff_can_ask_the_subject_and_resume() {
        assert!(InProgress.can_become(AwaitingSubject));
        assert!(AwaitingSubject.can_become(InProgress));
        assert!(!Received.can_become(AwaitingSubject));
    }

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        assert!("expired".parse::<Status>().is_err());
    }
}
