//! Legal deadlines. GDPR Art. 12(3) gives the controller "one month of receipt
//! of the request", extendable by two further months. Periods expressed in
//! months follow Regulation 1182/71 Art. 3(2)(c): the period ends on the same
//! day of the later month, or on its last day when that month is shorter
//! (31 January + one month = 28 or 29 February).

use time::{Date, Month};

/// The date `months` calendar months after `date`, clamped to the month's end.
pub fn add_months(date: Date, months: u8) -> Date {
    let zero_based = date.month() as i32 - 1 + i32::from(months);
    let year = date.year() + zero_based.div_euclid(12);
    let month = Month::try_from((zero_based.rem_euclid(12) + 1) as u8)
        .expect("rem_euclid(12) + 1 is always a valid month");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("day clamped to the month's length")
}

/// The day a request is due: one month after its clock started, or later
/// when extended (Art. 12(3)). Stored and shown as ISO 8601 (`2026-03-01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DueDate(pub Date);

impl DueDate {
    pub fn date(self) -> Date {
        self.0
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn parse(iso: &str) -> Option<DueDate> {
        Date::parse(iso, &time::format_description::well_known::Iso8601::DATE)
            .ok()
            .map(DueDate)
    }
}

impl std::fmt::Display for DueDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Date`'s display is ISO 8601's calendar date.
        write!(f, "{}", self.0)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl TryFrom<String> for DueDate {
    type Error = String;

    fn try_from(iso: String) -> Result<DueDate, String> {
        DueDate::parse(&iso).ok_or_else(|| format!("not a date: {iso:?}"))
    }
}

/// The due date of a request whose clock started on `date` (GDPR Art. 12(3)).
pub fn one_month_after(date: Date) -> Date {
    add_months(date, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn due_dates_are_written_and_read_as_iso_dates() {
        let due = DueDate(date!(2026 - 03 - 01));
        assert_eq!(due.to_string(), "2026-03-01");
        assert_eq!(DueDate::parse("2026-03-01"), Some(due));
        assert_eq!(DueDate::try_from("2026-02-30".to_owned()).ok(), None);
    }

    #[test]
    fn a_mid_month_request_is_due_the_same_day_next_month() {
        assert_eq!(
            one_month_after(date!(2026 - 03 - 15)),
            date!(2026 - 04 - 15)
        );
    }

    #[test]
    fn the_31st_of_january_is_due_on_the_last_day_of_february() {
        assert_eq!(
            one_month_after(date!(2026 - 01 - 31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            one_month_after(date!(2028 - 01 - 31)),
            date!(2028 - 02 - 29)
        );
    }

    #[test]
    fn month_ends_clamp_but_do_not_spill_into_the_next_month() {
        assert_eq!(
            one_month_after(date!(2026 - 03 - 31)),
            date!(2026 - 04 - 30)
        );
        assert_eq!(
            one_month_after(date!(2026 - 05 - 31)),
            date!(2026 - 06 - 30)
        );
        assert_eq!(
            one_month_after(date!(2026 - 08 - 31)),
            date!(2026 - 09 - 30)
        );
        assert_eq!(
            one_month_after(date!(2026 - 02 - 28)),
            date!(2026 - 03 - 28)
        );
        assert_eq!(
            one_month_after(date!(2028 - 02 - 29)),
            date!(2028 - 03 - 29)
        );
    }

    #[test]
    fn december_rolls_over_into_the_next_year() {
        assert_eq!(
            one_month_after(date!(2026 - 12 - 22)),
            date!(2027 - 01 - 22)
        );
        assert_eq!(
            one_month_after(date!(2026 - 12 - 31)),
            date!(2027 - 01 - 31)
        );
    }

    #[test]
    fn an_extension_adds_up_to_two_further_months_from_the_original_due_date() {
        let due = one_month_after(date!(2026 - 11 - 30));
        assert_eq!(due, date!(2026 - 12 - 30));
        assert_eq!(add_months(due, 2), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 10 - 31), 14), date!(2027 - 12 - 31));
    }
}
