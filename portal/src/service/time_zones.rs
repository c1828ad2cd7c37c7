//! Members' time zones, by IANA name (`Europe/Oslo`), from the time zone
//! database jiff finds (the system's, or its bundled copy).

use domain::{AppError, FieldErrorCode};
use jiff::tz::TimeZone;

/// The zone called `name`, or a field error naming `time_zone`.
pub fn zone(name: &str) -> Result<TimeZone, AppError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(AppError::validation(
            "time_zone",
            FieldErrorCode::InvalidChoice,
        ));
    }
    TimeZone::get(name)
        .map_err(|_| AppError::validation("time_zone", FieldErrorCode::InvalidChoice))
}

/// The zone a stored name means; UTC should the database have lost it
/// (a zone withdrawn from a later tzdata release), so a digest still goes.
pub fn stored_zone(name: &str) -> TimeZone {
    zone(name).unwrap_or(TimeZone::UTC)
}

/// Every zone's name, for the settings form's suggestions.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        // Legacy aliases (`US/Pacific`, `Etc/GMT+5`) only confuse the list.
        .filter(|name| {
            name.contains('/')
                && !name.starts_with("Etc/")
                && !name.starts_with("posix/")
                && !name.starts_with("right/")
        })
        .collect();
    names.sort();
    names.dedup();
    if !names.iter().any(|n| n == "UTC") {
        names.insert(0, "UTC".to_owned());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_are_zones_and_anything_else_a_field_error() {
        assert!(zone("Europe/Oslo").is_ok());
        assert!(zone("UTC").is_ok());
        for bad in ["", "Mars/Olympus", "../../etc/passwd", &"A/".repeat(40)] {
            assert!(
                matches!(zone(bad), Err(AppError::Validation { .. })),
                "{bad:?}"
            );
        }
        assert!(zone_names().iter().any(|n| n == "Europe/Amsterdam"));
    }
}
