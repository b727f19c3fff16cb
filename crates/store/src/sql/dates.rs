//! Dates and timestamps as they cross the database boundary. SQLite keeps
//! them as text (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.ffffff]`), which Diesel
//! reads by trying chrono format strings one after another, a large share
//! of a listing's CPU; these read the fixed-width forms the store writes
//! directly, and hand anything else (offsets, julian days, other layouts)
//! to Diesel's own reader, as before. PostgreSQL's binary values go
//! through Diesel unchanged.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Date, Timestamp};
use diesel::sqlite::Sqlite;

use crate::db::connection::MultiBackend;

/// A `Date` column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Date)]
pub(crate) struct DbDate(pub NaiveDate);

/// A `Timestamp` column's value (UTC, without a zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub(crate) struct DbTimestamp(pub NaiveDateTime);

/// The decimal value of ASCII digits, or `None` for anything else.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0_u32, |value, byte| {
        let digit = byte.is_ascii_digit().then(|| u32::from(byte - b'0'))?;
        value.checked_mul(10)?.checked_add(digit)
    })
}

/// `YYYY-MM-DD`.
fn parse_date(text: &[u8]) -> Option<NaiveDate> {
    match text {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => NaiveDate::from_ymd_opt(
            i32::try_from(number(y)?).ok()?,
            number(&[*m1, *m2])?,
            number(&[*d1, *d2])?,
        ),
        _ => None,
    }
}

/// `YYYY-MM-DD HH:MM:SS`, with `T` for the space too, and an optional
/// fraction of up to nine digits.
fn parse_timestamp(text: &[u8]) -> Option<NaiveDateTime> {
    let (date, rest) = text.split_at_checked(10)?;
    let date = parse_date(date)?;
    let (time, fraction) = rest.split_at_checked(9)?;
    let [b' ' | b'T', h1, h2, b':', m1, m2, b':', s1, s2] = time else {
        return None;
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let scale = 10_u32.pow(9 - u32::try_from(digits.len()).ok()?);
            number(digits)? * scale
        }
        _ => return None,
    };
    date.and_hms_nano_opt(
        number(&[*h1, *h2])?,
        number(&[*m1, *m2])?,
        number(&[*s1, *s2])?,
        nanos,
    )
}

impl FromSql<Date, Sqlite> for DbDate {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(date) = parse_date(value.read_text().as_bytes()) {
            return Ok(Self(date));
        }
        <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Sqlite> for DbTimestamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(at) = parse_timestamp(value.read_text().as_bytes()) {
            return Ok(Self(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Date, Pg> for DbDate {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for DbTimestamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl ToSql<Date, Sqlite> for DbDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        <NaiveDate as ToSql<Date, Sqlite>>::to_sql(&self.0, out)
    }
}

impl ToSql<Timestamp, Sqlite> for DbTimestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.0, out)
    }
}

impl ToSql<Date, Pg> for DbDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDate as ToSql<Date, Pg>>::to_sql(&self.0, out)
    }
}

impl ToSql<Timestamp, Pg> for DbTimestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<Date, MultiBackend> for DbDate {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<DbDate, Date>()
    }
}

impl FromSql<Timestamp, MultiBackend> for DbTimestamp {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<DbTimestamp, Timestamp>()
    }
}

impl ToSql<Date, MultiBackend> for DbDate {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Date, self));
        Ok(serialize::IsNull::No)
    }
}

impl ToSql<Timestamp, MultiBackend> for DbTimestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(serialize::IsNull::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<NaiveDateTime> {
        parse_timestamp(text.as_bytes())
    }

    #[test]
    fn reads_what_chrono_reads_for_the_fixed_forms() {
        for text in [
            "2030-05-04 18:00:00",
            "2030-05-04 18:00:00.5",
            "2030-05-04 18:00:00.123456",
            "2030-05-04T18:00:00.123456789",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59.999999",
        ] {
            let chrono =
                NaiveDateTime::parse_from_str(&text.replace('T', " "), "%Y-%m-%d %H:%M:%S%.f").ok();
            assert_eq!(at(text), chrono, "{text}");
            assert!(chrono.is_some(), "{text}");
        }
        assert_eq!(
            parse_date(b"2030-02-28"),
            NaiveDate::from_ymd_opt(2030, 2, 28)
        );
    }

    #[test]
    fn leaves_anything_else_to_chrono() {
        for text in [
            "",
            "2030-5-04 18:00:00",
            "2030-05-04",
            "2030-05-04 18:00",
            "2030-05-04 18:00:00.",
            "2030-05-04 18:00:00.1234567890",
            "2030-02-30 00:00:00",
            "2030-05-04 25:00:00",
            "2030-05-04x18:00:00",
            "2030-05-04 18:00:00Z",
            "２０３0-05-04 18:00:00",
        ] {
            assert_eq!(at(text), None, "{text}");
        }
        assert_eq!(parse_date(b"2030-02-30"), None);
        assert_eq!(parse_date("2030-0é-01".as_bytes()), None);
        assert_eq!(number(b"99999999999999999999"), None, "no overflow");
    }

    /// Through SQLite itself: every value decodes exactly as Diesel's own
    /// reader decodes it, and fails where it fails.
    #[test]
    fn decodes_what_diesel_decodes() {
        use diesel::dsl::sql;
        use diesel::{Connection, RunQueryDsl, SqliteConnection};

        let mut conn = SqliteConnection::establish(":memory:").expect("an in-memory database");
        for literal in [
            "'2030-05-04 18:00:00'",
            "'2030-05-04 18:00:00.123456'",
            "'2030-05-04T18:00:00.5'",
            "'2030-05-04T18:00'",
            "'2030-05-04 18:00:00+02:00'",
            "'2030-05-04T18:00:00Z'",
            "'2030-05-04 23:59:60'",
            "'2030-05-04 18:00:00.1234567890'",
            "'2030-05-04'",
            "'not a time'",
            "2460000.5",
        ] {
            let ours = sql::<Timestamp>(literal)
                .get_result::<DbTimestamp>(&mut conn)
                .ok();
            let diesels = sql::<Timestamp>(literal)
                .get_result::<NaiveDateTime>(&mut conn)
                .ok();
            assert_eq!(ours.map(|at| at.0), diesels, "{literal}");
        }
        for literal in [
            "'2030-05-04'",
            "'2030-5-4'",
            "'2030-02-30'",
            "'x'",
            "2460000.5",
        ] {
            let ours = sql::<Date>(literal).get_result::<DbDate>(&mut conn).ok();
            let diesels = sql::<Date>(literal).get_result::<NaiveDate>(&mut conn).ok();
            assert_eq!(ours.map(|date| date.0), diesels, "{literal}");
        }
    }
}
