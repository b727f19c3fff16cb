//! An answer to an event (`change_attendee_status`): one entry point
//! ([`answer`], or [`apply`] inside a caller's transaction) for every path
//! that takes one, the REST API and the admin alike. The event's row is
//! read once, under its lock (see [`crate::seats`]); the event's rules come
//! from [`domain::rsvp::check`]; then the answer is seated, queued or
//! frees seats and promotes, in one transaction.
//!
//! On PostgreSQL, answers that arrive together through a pool are taken in
//! one transaction (`together.rs`), by the same functions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::rsvp::AnswerRefusal;
use domain::seats::{place, resize, Placement};
use domain::{Attendance, AttendanceStatus, EventId, Guests, RsvpRefusal, UserId};

use crate::rows::{AttendanceRow, ATTENDANCE_COLUMNS};
use crate::seats::{self, PromotionMail};
use crate::sql::schema::attendances;
use crate::sql::types::DbUuid;
use crate::time::to_db;
use crate::{Backend, DbConnection, StoreError, Writer};

mod together;

/// What a user answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// Going, Maybe or Not Going.
    pub status: AttendanceStatus,
    /// The guests they bring.
    pub guests: Guests,
}

pub use domain::rsvp::Checks;

/// Why an answer was not taken.
#[derive(Debug, thiserror::Error)]
pub enum RsvpError {
    /// Cancelled, or outside the RSVP window.
    #[error(transparent)]
    Refused(RsvpRefusal),
    /// More guests than the event allows.
    #[error("Ensure this value is less than or equal to {max}.")]
    TooManyGuests {
        /// The event's `max_guests`.
        max: u32,
    },
    /// A seated attendee asked for more guests than fit; they keep their seat.
    #[error("Only {left} seats are left.")]
    NotEnoughSeats {
        /// The seats left.
        left: u32,
    },
    /// The database failed, or the event or user is gone.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AnswerRefusal> for RsvpError {
    fn from(refusal: AnswerRefusal) -> Self {
        match refusal {
            AnswerRefusal::Refused(refusal) => Self::Refused(refusal),
            AnswerRefusal::TooManyGuests { max } => Self::TooManyGuests { max },
        }
    }
}

impl From<diesel::result::Error> for RsvpError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}

/// The answer as stored, and how many waiting attendees it seated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The user's attendance, with its waitlist position.
    pub attendance: Attendance,
    /// Attendees promoted from the waitlist by this answer.
    pub promoted: usize,
}

/// Takes the user's answer for the event in its own write transaction,
/// run by `writer`: a connection, or a pool (whose SQLite writes share
/// commits, see [`crate::DbPool::write`], and whose PostgreSQL answers
/// arriving together share a transaction, see `together.rs`).
pub fn answer<W: Writer + ?Sized>(
    writer: &mut W,
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    mail: PromotionMail,
) -> Result<Outcome, RsvpError> {
    let request = Request {
        event_id,
        user_id,
        answer,
    };
    match writer.pool() {
        Some(pool) if writer.backend() == Backend::Postgres => together::take(pool, request, mail),
        _ => writer.write(move |conn| {
            apply(
                conn,
                event_id,
                user_id,
                answer,
                Checks::All,
                mail,
                crate::now(),
            )
        }),
    }
}

/// One user's answer to one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Request {
    pub event_id: EventId,
    pub user_id: UserId,
    pub answer: Answer,
}

impl Request {
    /// Which row it writes: one per user and event.
    pub(crate) fn key(&self) -> (i64, uuid::Uuid) {
        (self.user_id.0, self.event_id.0)
    }
}

/// Takes the answer inside the caller's write transaction (which must not
/// have written to the event's seats before): locks and reads the event,
/// checks its rules, seats or queues or frees, then promotes.
pub fn apply(
    conn: &mut DbConnection,
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    checks: Checks,
    mail: PromotionMail,
    now: DateTime<Utc>,
) -> Result<Outcome, RsvpError> {
    let event = seats::lock_event(conn, event_id)?;
    match take_locked(conn, &event, user_id, answer, checks, mail, now)? {
        Taken::Done(outcome) => Ok(outcome),
        Taken::Upsert(row) => upserted(crate::attendances::upsert_row(conn, &row)?),
    }
}

/// What an answer under the event's lock comes to.
pub(crate) enum Taken {
    /// Stored, seats and waitlist settled.
    Done(Outcome),
    /// To be stored as this row, and nothing else: an event without a
    /// capacity has no seats to count and nobody waiting (removing a
    /// capacity seats the whole queue). Rows of many answers can be
    /// stored in one statement.
    Upsert(AttendanceRow),
}

/// The outcome of an answer stored as `row` by an upsert.
pub(crate) fn upserted(row: AttendanceRow) -> Result<Outcome, RsvpError> {
    Ok(Outcome {
        attendance: row.try_into()?,
        promoted: 0,
    })
}

/// The rules and the seats of an answer to `event`, which the caller's
/// transaction holds locked.
pub(crate) fn take_locked(
    conn: &mut DbConnection,
    event: &domain::Event,
    user_id: UserId,
    answer: Answer,
    checks: Checks,
    mail: PromotionMail,
    now: DateTime<Utc>,
) -> Result<Taken, RsvpError> {
    domain::rsvp::check(&event.plan, answer.guests, checks, now)?;
    let event_id = event.id;
    if event.plan.capacity.is_none() {
        return Ok(Taken::Upsert(answer_row(
            event_id, user_id, answer, None, now,
        )));
    }
    let before = current(conn, event_id, user_id)?;
    let was_seated = before.as_ref().is_some_and(|row| {
        row.status == AttendanceStatus::Going.as_str() && row.waitlist_seq.is_none()
    });
    let waiting_place = before.as_ref().and_then(|row| row.waitlist_seq);
    let old_party = before
        .as_ref()
        .map_or(1, |row| 1 + u32::try_from(row.guests).unwrap_or(0));
    // Seats free up only when a seated party leaves or shrinks; the queue's
    // head changes only when a waiting party leaves or changes. Otherwise
    // there is nobody to promote.
    let may_promote = waiting_place.is_some()
        || (was_seated
            && (answer.status != AttendanceStatus::Going || answer.guests.party() < old_party));
    let place_key = match answer.status {
        AttendanceStatus::Going if was_seated => {
            let seats_now = seats::seats(conn, event)?;
            resize(seats_now, old_party, answer.guests.party())
                .map_err(|refused| RsvpError::NotEnoughSeats { left: refused.left })?;
            None
        }
        // Answering Going again keeps one's place in the queue.
        AttendanceStatus::Going if waiting_place.is_some() => waiting_place,
        AttendanceStatus::Going => {
            let seats_now = seats::seats(conn, event)?;
            let waiting = seats::waiting(conn, event_id)?;
            match place(seats_now, waiting, answer.guests.party()) {
                Placement::Seated => None,
                Placement::Waitlisted => Some(seats::next_place(conn, event_id)?),
            }
        }
        AttendanceStatus::Maybe | AttendanceStatus::NotGoing => None,
    };
    // Under the event's lock nobody else writes this row meanwhile.
    crate::attendances::upsert_row(conn, &answer_row(event_id, user_id, answer, place_key, now))?;
    let promoted = match may_promote {
        true => seats::promote(conn, event, mail, now)?,
        false => 0,
    };
    let attendance = crate::attendances::get(conn, user_id, event_id)?;
    Ok(Taken::Done(Outcome {
        attendance,
        promoted,
    }))
}

/// The row of an answer, waiting at `place_key` (or not waiting).
fn answer_row(
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    place_key: Option<i64>,
    now: DateTime<Utc>,
) -> AttendanceRow {
    let at = to_db(now);
    AttendanceRow {
        user_id: user_id.0,
        event_id: DbUuid(event_id.0),
        status: answer.status.as_str().to_owned(),
        created_at: crate::sql::dates::DbTimestamp(at),
        updated_at: crate::sql::dates::DbTimestamp(at),
        guests: crate::rows::guests_to_db(answer.guests),
        waitlist_seq: place_key,
    }
}

/// The user's row for the event, if they answered before.
fn current(
    conn: &mut DbConnection,
    event_id: EventId,
    user_id: UserId,
) -> Result<Option<AttendanceRow>, StoreError> {
    Ok(attendances::table
        .filter(attendances::user_id.eq(user_id.0))
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .select(ATTENDANCE_COLUMNS)
        .first::<AttendanceRow>(conn)
        .optional()?)
}
