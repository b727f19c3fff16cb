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
//!
//! [`answer_all`] takes many answers in one such statement (and so one
//! commit, see [`crate::answer_group`]), in the order of their keys, so two
//! of them running at once lock the rows they share in the same order.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
use domain::{EventId, UserId};

use crate::rows::{guests_to_db, AttendanceRow};
use crate::rsvp::Answer;
use crate::sql_types::{DbUuid, Uuid};

/// One user's answer to one event, at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AtOnce {
    pub event_id: EventId,
    pub user_id: UserId,
    pub answer: Answer,
    /// When it was given, as stored (see [`crate::time::to_db`]).
    pub at: NaiveDateTime,
}

impl AtOnce {
    /// Which row it writes: one per user and event.
    pub(crate) fn key(&self) -> (i64, uuid::Uuid) {
        (self.user_id.0, self.event_id.0)
    }
}

/// Stores the answer when the event takes it without seat rules, and
/// returns the stored row; `None` when the general path must decide.
pub(crate) fn answer(
    pg: &mut PgConnection,
    request: &AtOnce,
) -> QueryResult<Option<AttendanceRow>> {
    Ok(answer_all(pg, std::slice::from_ref(request))?.pop())
}

/// Stores each answer its event takes without seat rules, all in one
/// statement, and returns the stored rows (none for an answer the general
/// path must decide). The answers must be to distinct rows.
pub(crate) fn answer_all(
    pg: &mut PgConnection,
    requests: &[AtOnce],
) -> QueryResult<Vec<AttendanceRow>> {
    let statement = AnswersAtOnce {
        users: requests.iter().map(|r| r.user_id.0).collect(),
        events: requests.iter().map(|r| DbUuid(r.event_id.0)).collect(),
        statuses: requests.iter().map(|r| r.answer.status.as_str()).collect(),
        ats: requests.iter().map(|r| r.at).collect(),
        guests: requests
            .iter()
            .map(|r| guests_to_db(r.answer.guests))
            .collect(),
    };
    statement.load(pg)
}

/// The statement of [`answer_all`]: the answers arrive as arrays, one
/// element per answer, so its text (and prepared statement) is one for
/// any number of them, one answer included.
struct AnswersAtOnce {
    users: Vec<i64>,
    events: Vec<DbUuid>,
    statuses: Vec<&'static str>,
    ats: Vec<NaiveDateTime>,
    guests: Vec<i32>,
}

impl QueryId for AnswersAtOnce {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for AnswersAtOnce {
    type SqlType = (
        BigInt,
        Uuid,
        Text,
        Timestamp,
        Timestamp,
        Integer,
        Nullable<BigInt>,
    );
}

impl QueryFragment<Pg> for AnswersAtOnce {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO attendances \
             (user_id, event_id, status, created_at, updated_at, guests, waitlist_seq) \
             SELECT answer.user_id, events.id, answer.status, answer.at, answer.at, \
             answer.guests, NULL::bigint FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&self.users)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Uuid>, _>(&self.events)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.statuses)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.ats)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.guests)?;
        // Held FOR SHARE, as the general path holds it: a capacity set
        // meanwhile waits for these answers, and then sees them. On conflict
        // it overwrites what `attendances::upsert_row` overwrites.
        out.push_sql(
            ") AS answer(user_id, event_id, status, at, guests) \
             JOIN events ON events.id = answer.event_id \
             WHERE events.capacity IS NULL AND NOT events.cancelled \
             AND (events.rsvp_opens_at IS NULL OR events.rsvp_opens_at <= answer.at) \
             AND (events.rsvp_closes_at IS NULL OR events.rsvp_closes_at > answer.at) \
             AND events.max_guests >= answer.guests \
             ORDER BY answer.user_id, answer.event_id \
             FOR SHARE OF events \
             ON CONFLICT (user_id, event_id) DO UPDATE SET \
             status = excluded.status, guests = excluded.guests, \
             waitlist_seq = excluded.waitlist_seq, updated_at = excluded.updated_at \
             RETURNING user_id, event_id, status, created_at, updated_at, guests, waitlist_seq",
        );
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for AnswersAtOnce {}
