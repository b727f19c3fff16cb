//! Reading a Django database built from the workshop's models: the rows of
//! `auth_user`, `event_event` and `event_attendance`, in id order.
//!
//! The SQL differs by engine only to give both the same column types:
//! PostgreSQL's `integer` ids, `uuid` and `timestamptz` columns become
//! `bigint`, text and UTC timestamps; SQLite already stores UUIDs as text
//! (32 hex digits) and timestamps as UTC text.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::sql_types::{BigInt, Bool, Date, Nullable, Text, Timestamp};
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
    #[diesel(sql_type = Timestamp)]
    pub date_joined: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_login: Option<NaiveDateTime>,
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
     date_joined AT TIME ZONE 'UTC' AS date_joined, \
     last_login AT TIME ZONE 'UTC' AS last_login FROM auth_user ORDER BY id";
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
    let (users, events, attendances) = match conn.backend() {
        Backend::Sqlite => (SQLITE_USERS, SQLITE_EVENTS, SQLITE_ATTENDANCES),
        Backend::Postgres => (PG_USERS, PG_EVENTS, PG_ATTENDANCES),
    };
    Ok(DjangoRows {
        users: load(&mut conn, "auth_user", users)?,
        events: load(&mut conn, "event_event", events)?,
        attendances: load(&mut conn, "event_attendance", attendances)?,
    })
}

fn load<T>(conn: &mut DbConnection, table: &str, sql: &str) -> StoreResult<Vec<T>>
where
    T: QueryableByName<crate::connection::MultiBackend> + 'static,
{
    diesel::sql_query(sql).load::<T>(conn).map_err(|err| {
        StoreError::Config(format!(
            "cannot read {table} from the Django database ({err}); \
             is it a database of the workshop's models, migrated?"
        ))
    })
}
