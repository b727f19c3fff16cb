use chrono::NaiveDate;

use crate::ValidationError;

/// Parses a calendar date in a request body as DRF's `DateField` does
/// (Django's `parse_date`): `YYYY-MM-DD`, with one- or two-digit month and
/// day, or the compact `YYYYMMDD`; years 1 to 9999, as Python's dates.
pub fn parse_date(raw: &str) -> Result<NaiveDate, ValidationError> {
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let (year, month, day) = match raw.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) => (*y, *m, *d),
        [compact] if digits(compact, 8..=8) => (&compact[..4], &compact[4..6], &compact[6..]),
        _ => return Err(ValidationError::DateFormat),
    };
    match (year.parse(), month.parse(), day.parse()) {
        // Year 0 exists for chrono (and PostgreSQL, as 1 BC), not for Python.
        (Ok(y), Ok(m), Ok(d)) if y >= 1 => {
            NaiveDate::from_ymd_opt(y, m, d).ok_or(ValidationError::DateFormat)
        }
        _ => Err(ValidationError::DateFormat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn parses_iso_dates_with_short_parts_and_compact_dates() {
        assert_eq!(parse_date("2024-02-29"), Ok(day(2024, 2, 29)));
        assert_eq!(parse_date("2030-1-5"), Ok(day(2030, 1, 5)));
        assert_eq!(parse_date("20300105"), Ok(day(2030, 1, 5)));
    }

    #[test]
    fn refuses_other_shapes_and_impossible_dates() {
        for bad in [
            "29/02/2024",
            "2024-02-30",
            "2023-02-29",
            "",
            "2024-02-29T00:00",
            " 2024-02-29",
            "24-02-29",
            "2024-002-01",
            "0000-01-01",
            "00000101",
            "+2024-01-01",
            "2024-1a-01",
        ] {
            assert_eq!(parse_date(bad), Err(ValidationError::DateFormat), "{bad:?}");
        }
    }

    #[test]
    fn message_is_drfs() {
        assert_eq!(
            ValidationError::DateFormat.to_string(),
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
        );
    }
}
