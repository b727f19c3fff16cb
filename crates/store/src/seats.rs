//! Seats and the waitlist of an event, under the event's lock.
//!
//! Every change that can take or free a seat runs in one write transaction
//! that first locks the event: on PostgreSQL with `SELECT ... FOR UPDATE` on
//! its row, on SQLite by the writer lock `BEGIN IMMEDIATE` takes (see
//! [`crate::write_transaction`]). Counting seats, joining the queue and
//! promoting from it therefore never interleave with another change to the
//! same event, in this process or any other.
//!
//! The queue is ordered by `waitlist_seq`, one past the event's largest,
//! taken under the lock, so two parties never share a place; a unique index
//! on `(event_id, waitlist_seq)` guards it too. Positions (1 for the head)
//! are ranks in that order, so they close up by themselves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, max, sum};
use diesel::prelude::*;
use domain::seats::{promotions, Seats};
use domain::{AttendanceStatus, Event, EventId, User};

use crate::events::EventChanges;
use crate::outbox::NewMessage;
use crate::rows::{EventRow, UserRow, USER_COLUMNS};
use crate::sql::schema::{attendances, events, users};
use crate::sql::types::DbUuid;
use crate::{DbConnection, StoreResult};

/// Writes the mail telling a promoted attendee they have a seat, or `None`
/// for no mail (the store does not word mail; the mailer does).
pub type PromotionMail = fn(&Event, &User) -> Option<NewMessage>;

/// Writes the notice telling an attendee what changed between the event
/// before and after, or `None` for no mail.
pub type ChangeMail = fn(&Event, &Event, &User) -> Option<NewMessage>;

/// The mails an event change may send.
#[derive(Debug, Clone, Copy)]
pub struct ChangeMails {
    /// To each attendee a raised capacity seats.
    pub promotion: PromotionMail,
    /// To each Going or Maybe attendee (not the organizer) when the name,
    /// date, times or location change or the event is cancelled.
    pub change: ChangeMail,
}

/// Locks the event against other seat changes until the transaction ends,
/// and returns it as it is now.
pub fn lock_event(conn: &mut DbConnection, id: EventId) -> StoreResult<Event> {
    match conn {
        DbConnection::Pg(pg) => events::table
            .find(DbUuid(id.0))
            .for_update()
            .first::<EventRow>(pg)?
            .try_into(),
        // BEGIN IMMEDIATE already holds the database's one writer lock.
        DbConnection::Sqlite(_) => crate::events::get(conn, id),
    }
}

/// PostgreSQL: locks the events as [`lock_event`] does, in the order of
/// their ids (so two such locks can't deadlock), and returns those found.
pub fn lock_events(pg: &mut diesel::PgConnection, ids: &[EventId]) -> StoreResult<Vec<Event>> {
    let mut ids: Vec<DbUuid> = ids.iter().map(|id| DbUuid(id.0)).collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    events::table
        .filter(events::id.eq_any(ids))
        .order(events::id)
        .for_update()
        .load::<EventRow>(pg)?
        .into_iter()
        .map(Event::try_from)
        .collect()
}

/// Reads the event, holding it against seat changes (`FOR SHARE` on
/// PostgreSQL: answers to an event without a capacity don't block each
/// other, while a capacity change waits for them and they for it).
pub fn share_event(conn: &mut DbConnection, id: EventId) -> StoreResult<Event> {
    match conn {
        DbConnection::Pg(pg) => events::table
            .find(DbUuid(id.0))
            .for_share()
            .first::<EventRow>(pg)?
            .try_into(),
        DbConnection::Sqlite(_) => crate::events::get(conn, id),
    }
}

/// The seats of the event: its capacity and the seats its seated Going
/// parties take (`1 + guests` each).
pub fn seats(conn: &mut DbConnection, event: &Event) -> StoreResult<Seats> {
    let (parties, guests): (i64, Option<i64>) = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event.id.0)))
        .filter(attendances::status.eq(AttendanceStatus::Going.as_str()))
        .filter(attendances::waitlist_seq.is_null())
        .select((count_star(), sum(attendances::guests)))
        .first(conn)?;
    let taken = parties.saturating_add(guests.unwrap_or(0));
    Ok(Seats {
        capacity: event.plan.capacity.map(domain::Capacity::get),
        taken: u32::try_from(taken).unwrap_or(u32::MAX),
    })
}

/// A party waiting for a seat.
struct Waiting {
    attendance_id: i64,
    guests: i32,
    user: UserRow,
}

/// The event's queue, head first.
fn queue(conn: &mut DbConnection, event_id: EventId) -> StoreResult<Vec<Waiting>> {
    let rows = attendances::table
        .inner_join(users::table)
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .filter(attendances::waitlist_seq.is_not_null())
        .order(attendances::waitlist_seq)
        .select((attendances::id, attendances::guests, USER_COLUMNS))
        .load::<(i64, i32, UserRow)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(attendance_id, guests, user)| Waiting {
            attendance_id,
            guests,
            user,
        })
        .collect())
}

/// How many parties wait at the event.
pub fn waiting(conn: &mut DbConnection, event_id: EventId) -> StoreResult<usize> {
    let count: i64 = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .filter(attendances::waitlist_seq.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// The key of a new place at the tail of the event's queue. Call under the
/// event's lock: that is what makes it unique.
pub fn next_place(conn: &mut DbConnection, event_id: EventId) -> StoreResult<i64> {
    let largest: Option<i64> = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .select(max(attendances::waitlist_seq))
        .first(conn)?;
    Ok(largest.unwrap_or(0) + 1)
}

/// Each waiting party's position (1 for the head), by its queue key.
pub fn positions(conn: &mut DbConnection, event_id: EventId) -> StoreResult<HashMap<i64, u32>> {
    let keys: Vec<Option<i64>> = attendances::table
        .filter(attendances::event_id.eq(DbUuid(event_id.0)))
        .filter(attendances::waitlist_seq.is_not_null())
        .order(attendances::waitlist_seq)
        .select(attendances::waitlist_seq)
        .load(conn)?;
    Ok(keys.into_iter().flatten().zip(1..).collect())
}

/// Seats the head of the queue while its party fits, strictly in order,
/// and writes each promoted attendee's mail to the outbox. Call under the
/// event's lock, after any change that may free seats. Returns how many
/// were promoted.
pub fn promote(
    conn: &mut DbConnection,
    event: &Event,
    mail: PromotionMail,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    if event.plan.cancelled {
        return Ok(0);
    }
    let seats = seats(conn, event)?;
    if seats.left() == Some(0) {
        return Ok(0);
    }
    let queue = queue(conn, event.id)?;
    let sizes: Vec<u32> = queue
        .iter()
        .map(|w| 1 + u32::try_from(w.guests).unwrap_or(0))
        .collect();
    let promoted = promotions(seats, &sizes);
    for waiting in queue.into_iter().take(promoted) {
        diesel::update(attendances::table.find(waiting.attendance_id))
            .set((
                attendances::waitlist_seq.eq(None::<i64>),
                attendances::updated_at.eq(crate::time::to_db(now)),
            ))
            .execute(conn)?;
        let user = User::try_from(waiting.user)?;
        if let Some(message) = mail(event, &user) {
            crate::outbox::enqueue_notice(conn, &message, &user, now)?;
        }
    }
    Ok(promoted)
}

/// Changes the event under its lock and, in the same transaction, tells
/// its Going and Maybe attendees (not the organizer) what changed when a
/// calendar would show it (name, date, times, location, cancellation),
/// and, as a capacity raised or removed frees seats, promotes the
/// waitlist. Call inside a write transaction. Returns the event and how
/// many were promoted.
pub fn update_event(
    conn: &mut DbConnection,
    id: EventId,
    changes: &EventChanges,
    mails: ChangeMails,
) -> StoreResult<(Event, usize)> {
    let before = lock_event(conn, id)?;
    let event = crate::events::update(conn, id, changes)?;
    let now = crate::now();
    if before.calendar_differs(&event) {
        for attendee in interested(conn, &event)? {
            if let Some(message) = (mails.change)(&before, &event, &attendee) {
                crate::outbox::enqueue_notice(conn, &message, &attendee, now)?;
            }
        }
    }
    let promoted = promote(conn, &event, mails.promotion, now)?;
    Ok((event, promoted))
}

/// The event's Going (seated or waiting) and Maybe attendees, but its
/// organizer, in answer order.
fn interested(conn: &mut DbConnection, event: &Event) -> StoreResult<Vec<User>> {
    let organizer = event.organizer_id.map_or(0, |id| id.0);
    attendances::table
        .inner_join(users::table)
        .filter(attendances::event_id.eq(DbUuid(event.id.0)))
        .filter(attendances::status.eq_any([
            AttendanceStatus::Going.as_str(),
            AttendanceStatus::Maybe.as_str(),
        ]))
        .filter(attendances::user_id.ne(organizer))
        .order((attendances::created_at, attendances::id))
        .select(USER_COLUMNS)
        .load::<UserRow>(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// Deletes one attendance and, if it held a seat, promotes its event's
/// waitlist, under the event's lock. Call inside a write transaction.
/// Returns how many were promoted.
pub fn delete_attendance(
    conn: &mut DbConnection,
    attendance_id: i64,
    mail: PromotionMail,
) -> StoreResult<usize> {
    let entry = crate::attendance_entries::get(conn, attendance_id)?;
    let event = lock_event(conn, entry.event.id)?;
    crate::attendance_entries::delete(conn, attendance_id)?;
    promote(conn, &event, mail, crate::now())
}

/// Deletes a user; the seats their attendances held are given to the
/// waitlists of those events, each under its lock (taken in id order, so
/// two such deletions cannot deadlock). Call inside a write transaction.
/// Returns how many were promoted.
pub fn delete_user(
    conn: &mut DbConnection,
    user_id: domain::UserId,
    mail: PromotionMail,
) -> StoreResult<usize> {
    let mut seated_at: Vec<uuid::Uuid> = attendances::table
        .filter(attendances::user_id.eq(user_id.0))
        .filter(attendances::status.eq(AttendanceStatus::Going.as_str()))
        .filter(attendances::waitlist_seq.is_null())
        .select(attendances::event_id)
        .load::<DbUuid>(conn)?
        .into_iter()
        .map(|id| id.0)
        .collect();
    seated_at.sort_unstable();
    let events = seated_at
        .into_iter()
        .map(|id| lock_event(conn, EventId(id)))
        .collect::<StoreResult<Vec<Event>>>()?;
    crate::users::delete(conn, user_id)?;
    let mut promoted = 0;
    for event in &events {
        promoted += promote(conn, event, mail, crate::now())?;
    }
    Ok(promoted)
}
