//! Requests that reach the organisation another way than the portal: by
//! post, phone, e-mail or in person. Staff enter them with the channel and
//! the day they arrived, from which the deadline runs (Art. 12(3): "one
//! month of receipt"), not from the day they were typed in.

#[cfg(not(target_arch = "wasm32"))]
use crate::{AppError, FieldErrorCode};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Post,
    Phone,
    Email,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Post,
        Channel::Phone,
        Channel::Email,
        Channel::InPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Post => "post",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::InPerson => "in_person",
        }
    }

    /// As staff name it in the console.
    pub fn staff_name(self) -> &'static str {
        match self {
            Channel::Post => "By post",
            Channel::Phone => "By phone",
            Channel::Email => "By e-mail",
            Channel::InPerson => "In person",
        }
    }

    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl TryFrom<String> for Channel {
    type Error = String;

    fn try_from(name: String) -> Result<Channel, String> {
        Channel::parse(&name).ok_or_else(|| format!("unknown channel {name:?}"))
    }
}

/// A request older than this is refused as a likely typing error: a year.
pub const MAX_ARRIVAL_AGE_DAYS: i64 = 366;

/// How and when a request arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub channel: Channel,
    pub on: Date,
}

impl Arrival {
    /// The channel and the day from a staff form (`YYYY-MM-DD`), checked
    /// against `today`: not in the future, not more than a year ago.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn parse(channel: &str, on: &str, today: Date) -> Result<Arrival, AppError> {
        let mut fields = Vec::new();
        let channel = Channel::parse(channel.trim());
        if channel.is_none() {
            fields.push(crate::FieldError::new(
                "channel",
                FieldErrorCode::InvalidChoice,
            ));
        }
        let on = match on.trim() {
            "" => {
                fields.push(crate::FieldError::new(
                    "arrived_on",
                    FieldErrorCode::Required,
                ));
                None
            }
            text => match crate::DueDate::parse(text).map(crate::DueDate::date) {
                Some(day) if day <= today && (today - day).whole_days() <= MAX_ARRIVAL_AGE_DAYS => {
                    Some(day)
                }
                _ => {
                    fields.push(crate::FieldError::new(
                        "arrived_on",
                        FieldErrorCode::InvalidChoice,
                    ));
                    None
                }
            },
        };
        match (channel, on) {
            (Some(channel), Some(on)) => Ok(Arrival { channel, on }),
            _ => Err(AppError::Validation { fields }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_letter_that_arrived_last_week_is_taken_in_as_of_that_day() {
        let today = date!(2026 - 12 - 03);
        let arrival = Arrival::parse("post", "2026-11-26", today).unwrap();
        assert_eq!(
            arrival,
            Arrival {
                channel: Channel::Post,
                on: date!(2026 - 11 - 26)
            }
        );
        assert!(Arrival::parse("in_person", "2026-12-03", today).is_ok());
    }

    #[test]
    fn the_future_a_year_ago_and_unknown_channels_are_refused() {
        let today = date!(2026 - 12 - 03);
        for (channel, on, field) in [
            ("post", "2026-12-04", "arrived_on"),
            ("post", "2025-11-30", "arrived_on"),
            ("post", "3 December", "arrived_on"),
            ("post", "", "arrived_on"),
            ("fax", "2026-12-01", "channel"),
        ] {
            let Err(AppError::Validation { fields }) = Arrival::parse(channel, on, today) else {
                panic!("{channel} {on} was taken");
            };
            assert_eq!(fields[0].field, field, "{channel} {on}");
        }
    }
}
