//! Time as stored: UTC, truncated to microseconds, on both backends.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The current time in UTC, truncated to microseconds so that it reads back
/// unchanged from either database (PostgreSQL keeps only microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub(crate) fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.trunc_subsecs(6).naive_utc()
}

pub(crate) fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
