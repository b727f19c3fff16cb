//! PostgreSQL: an answer to an event without a capacity as one statement.
//!
//! The general path is four round trips (`BEGIN`, the event `FOR SHARE`,
//! the upsert, `COMMIT`), and for a popular answer row the last two are
//! spent holding its lock, so answers to one row queue behind each other's
//! round trips. Here the event's rules are conditions of an
//! `INSERT ... SELECT ... FOR SHARE ... ON CONFLICT DO UPDATE`, which runs
//! and commits on its own: one round trip, with the row lock held only for
//! the statement and its commit.
//!
//! The conditions only ever accept what [`crate::rsvp`]'s rules accept.
//! When they don't hold (no such event, a capacity, cancelled, outside the
//! RSVP window, too many guests) nothing is written and the caller takes
//! the general path, which finds out why.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use domain::{EventId, UserId};

use crate::attendances::answer_overwrites;
use crate::rows::{guests_to_db, AttendanceRow, ATTENDANCE_COLUMNS};
use crate::rsvp::Answer;
use crate::schema::{attendances, events};
use crate::sql_types::DbUuid;
use crate::time::to_db;

/// Stores the answer when the event takes it without seat rules, and
/// returns the stored row; `None` when the general path must decide.
pub(crate) fn answer(
    pg: &mut PgConnection,
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    now: DateTime<Utc>,
) -> QueryResult<Option<AttendanceRow>> {
    let at = to_db(now);
    let guests = guests_to_db(answer.guests);
    // Held FOR SHARE, as the general path holds it: a capacity set meanwhile
    // waits for this answer, and then sees it.
    let taken_by_the_event = events::table
        .filter(events::id.eq(DbUuid(event_id.0)))
        .filter(events::capacity.is_null())
        .filter(events::cancelled.eq(false))
        .filter(
            events::rsvp_opens_at
                .is_null()
                .or(events::rsvp_opens_at.le(at)),
        )
        .filter(
            events::rsvp_closes_at
                .is_null()
                .or(events::rsvp_closes_at.gt(at)),
        )
        .filter(events::max_guests.ge(guests))
        .select((
            user_id.0.into_sql::<BigInt>(),
            events::id,
            answer.status.as_str().into_sql::<Text>(),
            at.into_sql::<Timestamp>(),
            at.into_sql::<Timestamp>(),
            guests.into_sql::<Integer>(),
            sql::<Nullable<BigInt>>("NULL"),
        ))
        .for_share();
    diesel::insert_into(attendances::table)
        .values(taken_by_the_event)
        .into_columns(ATTENDANCE_COLUMNS)
        .on_conflict((attendances::user_id, attendances::event_id))
        .do_update()
        .set(answer_overwrites!())
        .returning(ATTENDANCE_COLUMNS)
        .get_result::<AttendanceRow>(pg)
        .optional()
}
