//! The `attendances` repository.

use diesel::prelude::*;
use diesel::upsert::excluded;
use domain::{Attendance, AttendanceDetail, AttendanceStatus, EventId, User, UserId};

use crate::events::page_bounds;
use crate::rows::{AttendanceRow, UserRow, ATTENDANCE_COLUMNS, USER_COLUMNS};
use crate::schema::{attendances, users};
use crate::sql_types::DbUuid;
use crate::time::to_db;
use crate::{now, DbConnection, StoreResult};

/// Which of an event's attendances a listing shows.
#[derive(Debug, Clone, Default)]
pub struct AttendanceQuery {
    /// Only answers with this status.
    pub status: Option<AttendanceStatus>,
    /// At most this many; `None` for all.
    pub limit: Option<i64>,
    /// Skip this many first.
    pub offset: i64,
}

/// Sets the user's answer for the event, creating it on the first call.
///
/// One statement (`INSERT .. ON CONFLICT DO UPDATE`), so concurrent calls
/// for the same user and event never create two rows or fail; the last
/// write wins. An unknown user or event gives [`crate::StoreError::Conflict`].
pub fn upsert(
    conn: &mut DbConnection,
    user_id: UserId,
    event_id: EventId,
    status: AttendanceStatus,
) -> StoreResult<Attendance> {
    let at = to_db(now());
    let row = AttendanceRow {
        user_id: user_id.0,
        event_id: DbUuid(event_id.0),
        status: status.as_str().to_owned(),
        created_at: at,
        updated_at: at,
    };
    // Diesel's upsert does not compile on the multi-backend connection, so
    // the same statement runs on each concrete connection.
    macro_rules! upsert_on {
        ($inner:expr) => {
            diesel::insert_into(attendances::table)
                .values(&row)
                .on_conflict((attendances::user_id, attendances::event_id))
                .do_update()
                .set((
                    attendances::status.eq(excluded(attendances::status)),
                    attendances::updated_at.eq(excluded(attendances::updated_at)),
                ))
                .returning(ATTENDANCE_COLUMNS)
                .get_result::<AttendanceRow>($inner)
        };
    }
    let saved = match conn {
        DbConnection::Pg(inner) => upsert_on!(inner),
        DbConnection::Sqlite(inner) => upsert_on!(inner),
    }?;
    saved.try_into()
}

/// Adds many answers at once (bulk loads, seeding), in batches; each
/// (user, event) pair must be new.
pub fn create_many(
    conn: &mut DbConnection,
    answers: &[(UserId, EventId, AttendanceStatus)],
) -> StoreResult<()> {
    // Five parameters a row; PostgreSQL allows 65535 per statement.
    const BATCH: usize = 5_000;
    let at = to_db(now());
    for chunk in answers.chunks(BATCH) {
        let rows: Vec<AttendanceRow> = chunk
            .iter()
            .map(|(user, event, status)| AttendanceRow {
                user_id: user.0,
                event_id: DbUuid(event.0),
                status: status.as_str().to_owned(),
                created_at: at,
                updated_at: at,
            })
            .collect();
        // Multi-row inserts do not compile on the multi-backend connection.
        match conn {
            DbConnection::Pg(inner) => diesel::insert_into(attendances::table)
                .values(&rows)
                .execute(inner)?,
            DbConnection::Sqlite(inner) => diesel::insert_into(attendances::table)
                .values(&rows)
                .execute(inner)?,
        };
    }
    Ok(())
}

/// The user's answer for the event.
pub fn get(conn: &mut DbConnection, user_id: UserId, event_id: EventId) -> StoreResult<Attendance> {
    attendances::table
        .filter(attendances::user_id.eq(user_id.0))
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .select(ATTENDANCE_COLUMNS)
        .first::<AttendanceRow>(conn)?
        .try_into()
}

/// The event's attendances with their users, oldest answer first, in one query.
pub fn list_for_event(
    conn: &mut DbConnection,
    event_id: EventId,
    query: &AttendanceQuery,
) -> StoreResult<Vec<AttendanceDetail>> {
    let bounds = page_bounds(query.limit, query.offset);
    let rows = if query.status.is_none() && bounds.is_none() {
        // Diesel keeps prepared statements only for fixed (unboxed) SQL; the
        // common case, every answer of an event, takes that path.
        attendances::table
            .inner_join(users::table)
            .filter(attendances::event_id.eq(DbUuid(event_id.0)))
            .order((attendances::created_at, attendances::id))
            .select((ATTENDANCE_COLUMNS, USER_COLUMNS))
            .load::<(AttendanceRow, UserRow)>(conn)?
    } else {
        filtered_for_event(event_id, query.status, bounds).load::<(AttendanceRow, UserRow)>(conn)?
    };
    rows.into_iter()
        .map(|(attendance, user)| {
            Ok(AttendanceDetail {
                attendance: Attendance::try_from(attendance)?,
                user: User::try_from(user)?,
            })
        })
        .collect()
}

type EventAttendances = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::Select<
        diesel::dsl::Order<
            diesel::dsl::Filter<
                diesel::dsl::InnerJoin<attendances::table, users::table>,
                diesel::dsl::Eq<attendances::event_id, DbUuid>,
            >,
            (attendances::created_at, attendances::id),
        >,
        (crate::rows::AttendanceColumns, crate::rows::UserColumns),
    >,
    crate::connection::MultiBackend,
>;

fn filtered_for_event(
    event_id: EventId,
    status: Option<AttendanceStatus>,
    bounds: Option<(i64, i64)>,
) -> EventAttendances {
    let mut select = attendances::table
        .inner_join(users::table)
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .order((attendances::created_at, attendances::id))
        .select((ATTENDANCE_COLUMNS, USER_COLUMNS))
        .into_boxed();
    if let Some(status) = status {
        select = select.filter(attendances::status.eq(status.as_str()));
    }
    if let Some((limit, offset)) = bounds {
        select = select.limit(limit).offset(offset);
    }
    select
}

/// How many of the event's attendances have the status (or any, for `None`).
pub fn count_for_event(
    conn: &mut DbConnection,
    event_id: EventId,
    status: Option<AttendanceStatus>,
) -> StoreResult<i64> {
    let mut select = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .count()
        .into_boxed();
    if let Some(status) = status {
        select = select.filter(attendances::status.eq(status.as_str()));
    }
    Ok(select.get_result(conn)?)
}
