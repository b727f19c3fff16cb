//! Time zones from the IANA database compiled into the binary (no system
//! tz files needed), and date-times shown in an event's zone.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

use crate::ValidationError;

/// An IANA time zone, e.g. `Europe/Paris` or `UTC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    /// UTC, the default zone of an event.
    pub const UTC: Self = Self(chrono_tz::Tz::UTC);

    /// The zone with this IANA name; anything else is not a valid choice.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        raw.parse::<chrono_tz::Tz>()
            .map(Self)
            .map_err(|_| ValidationError::InvalidChoice(raw.to_owned()))
    }

    /// The zone's IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The calendar date of `at` in this zone.
    pub fn local_date(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// `at` in RFC 3339 with this zone's offset there and then
    /// (`2030-05-04T18:00:00+02:00`; UTC shows as `Z`).
    pub fn rfc3339(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// `at` for people: `Sat 4 May 2030, 18:00 CEST`.
    pub fn human(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0)
            .format("%a %-d %b %Y, %H:%M %Z")
            .to_string()
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses an RFC 3339 date-time with any offset or `Z`, into UTC truncated
/// to microseconds (what both databases keep).
pub fn parse_date_time(raw: &str) -> Result<DateTime<Utc>, ValidationError> {
    let parsed = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| ValidationError::DateTimeFormat)?
        .with_timezone(&Utc);
    let micros = parsed.timestamp_micros();
    DateTime::from_timestamp_micros(micros)
        // Python's datetimes, and so Django's, hold years 1 to 9999 only.
        .filter(|at| (1..=9999).contains(&at.year()))
        .ok_or(ValidationError::DateTimeFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_come_from_the_compiled_in_database() {
        let paris = TimeZone::parse("Europe/Paris").expect("known zone");
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(
            TimeZone::parse("Mars/Base"),
            Err(ValidationError::InvalidChoice("Mars/Base".to_owned()))
        );
        assert_eq!(TimeZone::default().name(), "UTC");
    }

    #[test]
    fn times_are_shown_in_the_zone_with_its_offset() {
        let paris = TimeZone::parse("Europe/Paris").expect("known zone");
        let at = parse_date_time("2030-05-04T16:00:00Z").expect("valid");
        assert_eq!(paris.rfc3339(at), "2030-05-04T18:00:00+02:00");
        assert_eq!(TimeZone::UTC.rfc3339(at), "2030-05-04T16:00:00Z");
        assert_eq!(paris.human(at), "Sat 4 May 2030, 18:00 CEST");
        let winter = parse_date_time("2030-01-04T23:30:00-01:00").expect("valid");
        assert_eq!(paris.rfc3339(winter), "2030-01-05T01:30:00+01:00");
        assert_eq!(paris.local_date(winter).to_string(), "2030-01-05");
    }

    #[test]
    fn date_times_need_an_offset_and_keep_microseconds() {
        assert_eq!(
            parse_date_time("2030-05-04 18:00"),
            Err(ValidationError::DateTimeFormat)
        );
        assert_eq!(
            parse_date_time("2030-05-04T18:00:00"),
            Err(ValidationError::DateTimeFormat),
            "no offset"
        );
        for outside in ["0000-12-31T23:00:00Z", "0001-01-01T00:30:00+01:00"] {
            assert_eq!(
                parse_date_time(outside),
                Err(ValidationError::DateTimeFormat),
                "{outside}: before year 1"
            );
        }
        assert!(parse_date_time("9999-12-31T23:59:59Z").is_ok());
        let precise = parse_date_time("2030-05-04T18:00:00.1234567+00:00").expect("valid");
        assert_eq!(precise.timestamp_subsec_micros(), 123_456);
    }
}
