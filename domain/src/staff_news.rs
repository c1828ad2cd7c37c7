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
}

impl StaffNews {
    pub const ALL: [StaffNews; 3] = [
        StaffNews::NewRequest,
        StaffNews::SubjectWrote,
        StaffNews::Assigned,
    ];

    /// Its name: the settings' column, the form field, the mail's `what`.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffNews::NewRequest => "new_request",
            StaffNews::SubjectWrote => "subject_wrote",
            StaffNews::Assigned => "assigned",
        }
    }
}

/// A member's choice for one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMailSettings {
    pub new_request: bool,
    pub subject_wrote: bool,
    pub assigned: bool,
}

impl Default for StaffMailSettings {
    fn default() -> StaffMailSettings {
        StaffMailSettings {
            new_request: true,
            subject_wrote: true,
            assigned: true,
        }
    }
}

impl StaffMailSettings {
    pub fn wants(&self, news: StaffNews) -> bool {
        match news {
            StaffNews::NewRequest => self.new_request,
            StaffNews::SubjectWrote => self.subject_wrote,
            StaffNews::Assigned => self.assigned,
        }
    }
}
