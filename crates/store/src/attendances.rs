//! The `attendances` repository.

use diesel::prelude::*;
use domain::{
    Attendance, AttendanceCounts, AttendanceDetail, AttendanceStatus, EventId, User, UserId,
};

use crate::rows::{AttendanceRow, UserRow, ATTENDANCE_COLUMNS, USER_COLUMNS};
use crate::sql::page::page_bounds;
use crate::sql::schema::{attendances, users};
use crate::sql::types::DbUuid;
use crate::time::to_db;
use crate::{now, DbConnection, StoreResult};

/// Which of an event's attendances a listing shows.
#[derive(Debug, Clone, Default)]
pub struct AttendanceQuery {
    /// Only answers with this status.
    pub status: Option<AttendanceStatus>,
    /// Only Going answers waiting for a seat (`true`, listed in queue
    /// order), or only the others (`false`).
    pub waitlisted: Option<bool>,
    /// At most this many; `None` for all.
    pub limit: Option<i64>,
    /// Skip this many first.
    pub offset: i64,
}

/// Sets the user's answer for the event, creating it on the first call,
/// seated and without guests. It ignores the seat rules (capacity, the
/// waitlist): it is for loading data and for tests; answers from people go
/// through [`crate::rsvp::answer`].
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
        created_at: crate::sql::dates::DbTimestamp(at),
        updated_at: crate::sql::dates::DbTimestamp(at),
        guests: 0,
        waitlist_seq: None,
    };
    let saved = upsert_row(conn, &row)?;
    with_position(conn, saved)
}

/// Adds many answers at once (bulk loads, seeding), in batches; each
/// (user, event) pair must be new.
pub fn create_many(
    conn: &mut DbConnection,
    answers: &[(UserId, EventId, AttendanceStatus)],
) -> StoreResult<()> {
    // Seven parameters a row; PostgreSQL allows 65535 per statement.
    const BATCH: usize = 5_000;
    let at = to_db(now());
    for chunk in answers.chunks(BATCH) {
        let rows: Vec<AttendanceRow> = chunk
            .iter()
            .map(|(user, event, status)| AttendanceRow {
                user_id: user.0,
                event_id: DbUuid(event.0),
                status: status.as_str().to_owned(),
                created_at: crate::sql::dates::DbTimestamp(at),
                updated_at: crate::sql::dates::DbTimestamp(at),
                guests: 0,
                waitlist_seq: None,
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

/// What an upsert of an answer overwrites when the user answered before:
/// all but the row's identity and when it was first written. A macro, as
/// Diesel's `Excluded` type cannot be named outside Diesel.
macro_rules! answer_overwrites {
    () => {{
        use diesel::upsert::excluded;
        use diesel::ExpressionMethods;
        use $crate::sql::schema::attendances::{guests, status, updated_at, waitlist_seq};
        (
            status.eq(excluded(status)),
            guests.eq(excluded(guests)),
            waitlist_seq.eq(excluded(waitlist_seq)),
            updated_at.eq(excluded(updated_at)),
        )
    }};
}

/// Writes `row` as the user's answer for its event in one statement
/// (`INSERT .. ON CONFLICT DO UPDATE` of status, guests, queue key and
/// `updated_at`; `created_at` stays the first answer's), and returns it.
pub(crate) fn upsert_row(
    conn: &mut DbConnection,
    row: &AttendanceRow,
) -> StoreResult<AttendanceRow> {
    // Diesel's upsert does not compile on the multi-backend connection.
    Ok(native!(conn, c => diesel::insert_into(attendances::table)
        .values(row)
        .on_conflict((attendances::user_id, attendances::event_id))
        .do_update()
        .set(answer_overwrites!())
        .returning(ATTENDANCE_COLUMNS)
        .get_result::<AttendanceRow>(c))?)
}

/// PostgreSQL: writes many answers' rows, to distinct (user, event) pairs,
/// as [`upsert_row`] writes one, in one statement, and returns them.
pub(crate) fn upsert_rows(
    pg: &mut diesel::PgConnection,
    rows: &[AttendanceRow],
) -> StoreResult<Vec<AttendanceRow>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::insert_into(attendances::table)
        .values(rows)
        .on_conflict((attendances::user_id, attendances::event_id))
        .do_update()
        .set(answer_overwrites!())
        .returning(ATTENDANCE_COLUMNS)
        .get_results::<AttendanceRow>(pg)?)
}

/// The user's answer for the event, with its waitlist position.
pub fn get(conn: &mut DbConnection, user_id: UserId, event_id: EventId) -> StoreResult<Attendance> {
    let row = native!(conn, c => attendances::table
        .filter(attendances::user_id.eq(user_id.0))
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .select(ATTENDANCE_COLUMNS)
        .first::<AttendanceRow>(c))?;
    with_position(conn, row)
}

/// The attendance of `row`, with its rank in the queue when it waits.
pub(crate) fn with_position(
    conn: &mut DbConnection,
    row: AttendanceRow,
) -> StoreResult<Attendance> {
    let (event_id, key) = (row.event_id, row.waitlist_seq);
    let mut attendance = Attendance::try_from(row)?;
    if let Some(key) = key {
        let ahead: i64 = attendances::table
            .filter(attendances::event_id.eq(event_id))
            .filter(attendances::waitlist_seq.le(key))
            .count()
            .get_result(conn)?;
        attendance.waitlist_position = u32::try_from(ahead).ok();
    }
    Ok(attendance)
}

/// The event's attendances with their users and waitlist positions, oldest
/// answer first (the waitlist alone in queue order), in two queries.
pub fn list_for_event(
    conn: &mut DbConnection,
    event_id: EventId,
    query: &AttendanceQuery,
) -> StoreResult<Vec<AttendanceDetail>> {
    let bounds = page_bounds(query.limit, query.offset);
    let rows = if query.status.is_none() && query.waitlisted.is_none() && bounds.is_none() {
        // Diesel keeps prepared statements only for fixed (unboxed) SQL; the
        // common case, every answer of an event, takes that path.
        native!(conn, c => attendances::table
            .inner_join(users::table)
            .filter(attendances::event_id.eq(DbUuid(event_id.0)))
            .order((attendances::created_at, attendances::id))
            .select((ATTENDANCE_COLUMNS, USER_COLUMNS))
            .load::<(AttendanceRow, UserRow)>(c))?
    } else {
        filtered_for_event(event_id, query).load::<(AttendanceRow, UserRow)>(conn)?
    };
    let positions = if rows.iter().any(|(a, _)| a.waitlist_seq.is_some()) {
        crate::seats::positions(conn, event_id)?
    } else {
        Default::default()
    };
    rows.into_iter()
        .map(|(row, user)| {
            let key = row.waitlist_seq;
            let mut attendance = Attendance::try_from(row)?;
            attendance.waitlist_position = key.and_then(|k| positions.get(&k).copied());
            Ok(AttendanceDetail {
                attendance,
                user: User::try_from(user)?,
            })
        })
        .collect()
}

type EventAttendances = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::Select<
        diesel::dsl::Filter<
            diesel::dsl::InnerJoin<attendances::table, users::table>,
            diesel::dsl::Eq<attendances::event_id, DbUuid>,
        >,
        (crate::rows::AttendanceColumns, crate::rows::UserColumns),
    >,
    crate::db::connection::MultiBackend,
>;

fn filtered_for_event(event_id: EventId, query: &AttendanceQuery) -> EventAttendances {
    let mut select = attendances::table
        .inner_join(users::table)
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .select((ATTENDANCE_COLUMNS, USER_COLUMNS))
        .into_boxed();
    if let Some(status) = query.status {
        select = select.filter(attendances::status.eq(status.as_str()));
    }
    select = match query.waitlisted {
        Some(true) => select
            .filter(attendances::waitlist_seq.is_not_null())
            .order(attendances::waitlist_seq),
        Some(false) => select
            .filter(attendances::waitlist_seq.is_null())
            .order((attendances::created_at, attendances::id)),
        None => select.order((attendances::created_at, attendances::id)),
    };
    if let Some((limit, offset)) = page_bounds(query.limit, query.offset) {
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
    count_matching(
        conn,
        event_id,
        &AttendanceQuery {
            status,
            ..AttendanceQuery::default()
        },
    )
}

/// How many of the event's attendances the query's filters let through.
pub fn count_matching(
    conn: &mut DbConnection,
    event_id: EventId,
    query: &AttendanceQuery,
) -> StoreResult<i64> {
    let mut select = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .count()
        .into_boxed();
    if let Some(status) = query.status {
        select = select.filter(attendances::status.eq(status.as_str()));
    }
    select = match query.waitlisted {
        Some(true) => select.filter(attendances::waitlist_seq.is_not_null()),
        Some(false) => select.filter(attendances::waitlist_seq.is_null()),
        None => select,
    };
    Ok(select.get_result(conn)?)
}

/// How the event's answers split: seated Going, Maybe, Not Going, waiting.
pub fn counts(conn: &mut DbConnection, event_id: EventId) -> StoreResult<AttendanceCounts> {
    let by_status: Vec<(String, i64)> = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .group_by(attendances::status)
        .select((attendances::status, diesel::dsl::count_star()))
        .load(conn)?;
    let waitlisted = count_matching(
        conn,
        event_id,
        &AttendanceQuery {
            waitlisted: Some(true),
            ..AttendanceQuery::default()
        },
    )?;
    let mut counts = AttendanceCounts {
        waitlisted,
        ..AttendanceCounts::default()
    };
    for (status, count) in by_status {
        match status.parse::<AttendanceStatus>() {
            Ok(AttendanceStatus::Going) => counts.going = count - waitlisted,
            Ok(AttendanceStatus::Maybe) => counts.maybe = count,
            Ok(AttendanceStatus::NotGoing) => counts.not_going = count,
            Err(e) => {
                return Err(crate::StoreError::Corrupt(format!(
                    "attendance status: {e}"
                )))
            }
        }
    }
    Ok(counts)
}
