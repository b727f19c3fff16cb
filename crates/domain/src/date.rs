use chrono::NaiveDate;

use crate::ValidationError;

/// Parses a calendar date written strictly as `YYYY-MM-DD`, as DRF's
/// `DateField` does for request bodies.
pub fn parse_date(raw: &str) -> Result<NaiveDate, ValidationError> {
    let well_shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_shaped {
        return Err(ValidationError::DateFormat);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| ValidationError::DateFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid"))
        );
    }

    #[test]
    fn refuses_other_shapes_and_impossible_dates() {
        for bad in [
            "2024-2-29",
            "29/02/2024",
            "2024-02-30",
            "2023-02-29",
            "",
            "2024-02-29T00:00",
            " 2024-02-29",
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
