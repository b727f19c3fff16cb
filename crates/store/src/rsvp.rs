//! An answer to an event (`change_attendee_status`) under the seat rules:
//! one operation, in one transaction under the event's lock (see
//! [`crate::seats`]), that seats, queues or frees and promotes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::seats::{place, resize, Placement};
use domain::{Attendance, AttendanceStatus, EventId, Guests, RsvpRefusal, UserId};

use crate::answer_at_once::AtOnce;
use crate::rows::{AttendanceRow, ATTENDANCE_COLUMNS};
use crate::schema::attendances;
use crate::seats::{self, PromotionMail};
use crate::sql_types::DbUuid;
use crate::time::to_db;
use crate::{Backend, DbConnection, StoreError, Writer};

/// What a user answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// Going, Maybe or Not Going.
    pub status: AttendanceStatus,
    /// The guests they bring.
    pub guests: Guests,
}

/// Which of the event's rules an answer is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Everything: cancelled events and the RSVP window refuse, and guests
    /// are bounded by the event's `max_guests` (an attendee's answer).
    All,
    /// Only the seats (staff correcting an answer in the admin).
    SeatsOnly,
}

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
/// commits, see [`crate::DbPool::write`]).
pub fn answer<W: Writer + ?Sized>(
    writer: &mut W,
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    mail: PromotionMail,
) -> Result<Outcome, RsvpError> {
    if writer.backend() == Backend::Postgres {
        // One statement when the event has no seat rules to apply.
        let request = AtOnce {
            event_id,
            user_id,
            answer,
            at: crate::time::to_db(crate::now()),
        };
        let at_once = match writer.pool() {
            Some(pool) => pool.answer_at_once(request)?,
            None => writer.connection(move |conn| match conn {
                DbConnection::Pg(pg) => crate::answer_at_once::answer(pg, &request),
                DbConnection::Sqlite(_) => Ok(None),
            })??,
        };
        if let Some(saved) = at_once {
            return Ok(Outcome {
                attendance: saved.try_into()?,
                promoted: 0,
            });
        }
    }
    let unlimited =
        writer.write(move |conn| apply_unlimited(conn, event_id, user_id, answer, crate::now()))?;
    match unlimited {
        Some(outcome) => Ok(outcome),
        None => writer.write(move |conn| {
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

/// The fast path, for an event without a capacity: nobody can wait for a
/// seat there (removing a capacity seats the whole queue), so an answer is
/// one upsert under a shared hold on the event. `None` when the event has
/// a capacity: then [`apply`] decides, under the exclusive lock.
fn apply_unlimited(
    conn: &mut DbConnection,
    event_id: EventId,
    user_id: UserId,
    answer: Answer,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, RsvpError> {
    let event = seats::share_event(conn, event_id)?;
    if event.plan.capacity.is_some() {
        return Ok(None);
    }
    check_rules(&event, answer, now)?;
    let saved =
        crate::attendances::upsert_row(conn, &answer_row(event_id, user_id, answer, None, now))?;
    Ok(Some(Outcome {
        attendance: saved.try_into()?,
        promoted: 0,
    }))
}

/// The event's own rules for an attendee's answer: not cancelled, inside
/// the RSVP window, no more guests than it allows.
fn check_rules(event: &domain::Event, answer: Answer, now: DateTime<Utc>) -> Result<(), RsvpError> {
    if event.plan.cancelled {
        return Err(RsvpError::Refused(RsvpRefusal::Cancelled));
    }
    event.plan.rsvp.check(now).map_err(RsvpError::Refused)?;
    if answer.guests > event.plan.max_guests {
        let max = event.plan.max_guests.get();
        return Err(RsvpError::TooManyGuests { max });
    }
    Ok(())
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
        created_at: crate::sql_dates::DbTimestamp(at),
        updated_at: crate::sql_dates::DbTimestamp(at),
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

/// Takes the answer inside the caller's write transaction (which must not
/// have written to the event's seats before): locks the event, checks the
/// rules, seats or queues or frees, then promotes.
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
    if checks == Checks::All {
        check_rules(&event, answer, now)?;
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
            let seats_now = seats::seats(conn, &event)?;
            resize(seats_now, old_party, answer.guests.party())
                .map_err(|refused| RsvpError::NotEnoughSeats { left: refused.left })?;
            None
        }
        // Answering Going again keeps one's place in the queue.
        AttendanceStatus::Going if waiting_place.is_some() => waiting_place,
        AttendanceStatus::Going => {
            let seats_now = seats::seats(conn, &event)?;
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
        true => seats::promote(conn, &event, mail, now)?,
        false => 0,
    };
    let attendance = crate::attendances::get(conn, user_id, event_id)?;
    Ok(Outcome {
        attendance,
        promoted,
    })
}
