//! Reading a Django database built from the workshop's models: the rows of
//! `auth_user`, `event_event` and `event_attendance`, in id order.
//!
//! The SQL differs by engine only to give both the same column types:
//! PostgreSQL's `integer` ids, `uuid` and `timestamptz` columns become
//! `bigint`, text and UTC timestamp text; SQLite already stores UUIDs as
//! text (32 hex digits) and timestamps as text (UTC without an offset when
//! Django's `USE_TZ` is on; see [`parse_timestamp`] for the other forms).
//! The three tables are read in one read-only transaction, so they are one
//! snapshot even while Django still writes.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Bool, Date, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::{Backend, DatabaseUrl, DbConnection, StoreError, StoreResult};

/// One row of Django's `auth_user`.
#[derive(Debug, Clone, QueryableByName)]
pub(crate) struct DjangoUser {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub first_name: String,
    #[diesel(sql_type = Text)]
    pub last_name: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub password: String,
    #[diesel(sql_type = Bool)]
    pub is_staff: bool,
    #[diesel(sql_type = Bool)]
    pub is_superuser: bool,
    #[diesel(sql_type = Bool)]
    pub is_active: bool,
    /// As stored; see [`parse_timestamp`].
    #[diesel(sql_type = Text)]
    pub date_joined: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_login: Option<String>,
}

/// One row of the workshop's `event_event`.
#[derive(Debug, Clone, QueryableByName)]
pub(crate) struct DjangoEvent {
    /// As stored: hyphenated on PostgreSQL, 32 hex digits on SQLite.
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Date)]
    pub date: NaiveDate,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub organizer_id: Option<i64>,
}

/// One row of the workshop's `event_attendance`.
#[derive(Debug, Clone, QueryableByName)]
pub(crate) struct DjangoAttendance {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub event_id: String,
    #[diesel(sql_type = Text)]
    pub status: String,
}

/// Everything the import copies, read before anything is written.
#[derive(Debug, Clone, Default)]
pub(crate) struct DjangoRows {
    pub users: Vec<DjangoUser>,
    pub events: Vec<DjangoEvent>,
    pub attendances: Vec<DjangoAttendance>,
}

const SQLITE_USERS: &str = "SELECT id, username, first_name, last_name, email, password, \
     is_staff, is_superuser, is_active, date_joined, last_login FROM auth_user ORDER BY id";
const SQLITE_EVENTS: &str = "SELECT id, name, date, organizer_id FROM event_event ORDER BY id";
const SQLITE_ATTENDANCES: &str =
    "SELECT id, user_id, event_id, status FROM event_attendance ORDER BY id";

const PG_USERS: &str = "SELECT CAST(id AS BIGINT) AS id, username, first_name, last_name, \
     email, password, is_staff, is_superuser, is_active, \
     to_char(date_joined AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS date_joined, \
     to_char(last_login AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS last_login \
     FROM auth_user ORDER BY id";
const PG_EVENTS: &str = "SELECT CAST(id AS TEXT) AS id, name, date, \
     CAST(organizer_id AS BIGINT) AS organizer_id FROM event_event ORDER BY id";
const PG_ATTENDANCES: &str =
    "SELECT CAST(id AS BIGINT) AS id, CAST(user_id AS BIGINT) AS user_id, \
     CAST(event_id AS TEXT) AS event_id, status FROM event_attendance ORDER BY id";

/// Opens the Django database at `url` and reads the three tables.
pub(crate) fn read(url: &DatabaseUrl) -> StoreResult<DjangoRows> {
    if let Some(path) = url.sqlite_path() {
        // Opening a missing SQLite file would create an empty one.
        if !path.is_file() {
            return Err(StoreError::Config(format!(
                "no Django database at {}: the file does not exist",
                path.display()
            )));
        }
    }
    let mut conn = url.connect()?;
    let (begin, users, events, attendances) = match conn.backend() {
        Backend::Sqlite => ("BEGIN", SQLITE_USERS, SQLITE_EVENTS, SQLITE_ATTENDANCES),
        Backend::Postgres => (
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            PG_USERS,
            PG_EVENTS,
            PG_ATTENDANCES,
        ),
    };
    // Ended by dropping the connection: nothing was written to roll back.
    conn.batch_execute(begin)?;
    Ok(DjangoRows {
        users: load(&mut conn, "auth_user", users)?,
        events: load(&mut conn, "event_event", events)?,
        attendances: load(&mut conn, "event_attendance", attendances)?,
    })
}

/// A Django timestamp as UTC: `2026-12-01 12:56:09.514463` (what Django
/// writes with `USE_TZ`, and what the PostgreSQL query gives), with or
/// without fractional seconds, a `T` or an offset (`+02:00` is converted).
pub(crate) fn parse_timestamp(stored: &str) -> Result<NaiveDateTime, String> {
    let stored = stored.trim();
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(at) = DateTime::parse_from_str(stored, format) {
            return Ok(at.naive_utc());
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(stored, format) {
            return Ok(at);
        }
    }
    Err(format!("{stored:?} is not a date and time"))
}

fn load<T>(conn: &mut DbConnection, table: &str, sql: &str) -> StoreResult<Vec<T>>
where
    T: QueryableByName<crate::db::connection::MultiBackend> + 'static,
{
    diesel::sql_query(sql).load::<T>(conn).map_err(|err| {
        StoreError::Config(format!(
            "cannot read {table} from the Django database ({err}); \
             is it a database of the workshop's models, migrated?"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn django_timestamps_read_as_utc() {
        let utc = |s: &str| parse_timestamp(s).map(|at| at.to_string());
        assert_eq!(
            utc("2026-12-01 12:56:09.514463").as_deref(),
            Ok("2026-12-01 12:56:09.514463")
        );
        assert_eq!(
            utc("2026-12-01 12:56:09").as_deref(),
            Ok("2026-12-01 12:56:09")
        );
        assert_eq!(
            utc("2026-12-01T12:56:09.5+02:00").as_deref(),
            Ok("2026-12-01 10:56:09.500")
        );
        assert!(utc("yesterday").is_err());
    }
}
