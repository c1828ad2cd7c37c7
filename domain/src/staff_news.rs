//! What staff are mailed about, each on by default and switched per member
//! and organisation. A mail names the reference and the kind and links to
//! the console; it never carries the subject's data.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffNews {
    /// A request was verified and waits for the team (opt-outs, which take
    /// effect by themselves, are not news).
    NewRequest,
    /// The subject wrote: to the assignee, or the team while nobody is.
    SubjectWrote,
    /// A colleague assigned a request to this member.
    Assigned,
    /// Once a day, at the member's hour in their time zone: the requests
    /// due within a week and the overdue ones (nothing due: no mail).
    Digest,
}

impl StaffNews {
    pub const ALL: [StaffNews; 4] = [
        StaffNews::NewRequest,
        StaffNews::SubjectWrote,
        StaffNews::Assigned,
        StaffNews::Digest,
    ];

    /// Its name: the settings' column, the form field, the mail's `what`.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffNews::NewRequest => "new_request",
            StaffNews::SubjectWrote => "subject_wrote",
            StaffNews::Assigned => "assigned",
            StaffNews::Digest => "digest",
        }
    }
}

/// A member's choice for one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMailSettings {
    pub new_request: bool,
    pub subject_wrote: bool,
    pub assigned: bool,
    pub digest: bool,
}

impl Default for StaffMailSettings {
    fn default() -> StaffMailSettings {
        StaffMailSettings {
            new_request: true,
            subject_wrote: true,
            assigned: true,
            digest: true,
        }
    }
}

impl StaffMailSettings {
    pub fn wants(&self, news: StaffNews) -> bool {
        match news {
            StaffNews::NewRequest => self.new_request,
            StaffNews::SubjectWrote => self.subject_wrote,
            StaffNews::Assigned => self.assigned,
            StaffNews::Digest => self.digest,
        }
    }
}

/// The hour of the member's day their digest is sent at (0–23).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DigestHour(u8);

impl DigestHour {
    pub const DEFAULT: DigestHour = DigestHour(8);

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for DigestHour {
    type Error = crate::AppError;

    fn try_from(hour: u8) -> Result<DigestHour, crate::AppError> {
        if hour < 24 {
            Ok(DigestHour(hour))
        } else {
            Err(crate::AppError::validation(
                "digest_hour",
                crate::FieldErrorCode::InvalidChoice,
            ))
        }
    }
}

impl From<DigestHour> for u8 {
    fn from(hour: DigestHour) -> u8 {
        hour.0
    }
}

/// When a member's digest goes: an hour of their day in their time zone
/// (an IANA name such as `Europe/Oslo`, checked by the server, which holds
/// the time zone database).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestTime {
    pub time_zone: String,
    pub hour: DigestHour,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_is_one_of_the_days_twenty_four() {
        assert_eq!(DigestHour::try_from(0).map(DigestHour::get), Ok(0));
        assert_eq!(DigestHour::try_from(23).map(DigestHour::get), Ok(23));
        assert!(DigestHour::try_from(24).is_err());
        assert!(serde_json::from_str::<DigestHour>("24").is_err());
    }

    #[test]
    fn every_kind_of_news_is_on_until_the_member_says_otherwise() {
        let settings = StaffMailSettings::default();
        assert!(StaffNews::ALL.into_iter().all(|news| settings.wants(news)));
        let quiet = StaffMailSettings {
            digest: false,
            ..settings
        };
        assert!(!quiet.wants(StaffNews::Digest) && quiet.wants(StaffNews::Assigned));
    }
}
