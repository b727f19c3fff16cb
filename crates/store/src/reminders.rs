//! Reminders: one mail to each seated Going attendee of a timed event,
//! shortly before it starts.
//!
//! Each reminder is a row keyed by (event, user, start time), inserted in
//! the transaction that queues its mail. However many workers scan at once,
//! the key lets one insert win and the others insert nothing, so each
//! person is reminded once per start time; an event that moves has a new
//! start time, so it reminds again.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::{AttendanceStatus, EventId, UserId};

use crate::outbox::NewMessage;
use crate::sql::schema::{attendances, events, reminders, users};
use crate::sql::types::DbUuid;
use crate::time::{from_db, to_db};
use crate::{write_transaction, DbConnection, StoreError, StoreResult};

/// Words the reminder for an attendee, or `None` for no mail.
pub type ReminderMail = fn(&domain::Event, &domain::User) -> Option<NewMessage>;

/// Writes the reminders due at `now`: for seated Going attendees (active,
/// with notices on) of events that are not cancelled and start after `now`
/// and at most `lead` later, each in its own short transaction. Returns how
/// many were written.
pub fn schedule(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lead: Duration,
    mail: ReminderMail,
) -> StoreResult<usize> {
    let mut written = 0;
    for (event_id, user_id, starts_at) in due(conn, now, lead)? {
        let one = write_transaction(conn, |conn| {
            remind(
                conn,
                EventId(event_id.0),
                UserId(user_id),
                from_db(starts_at),
                now,
                mail,
            )
        });
        match one {
            Ok(true) => written += 1,
            Ok(false) => {}
            // The event or the user went away meanwhile: nothing to remind.
            Err(StoreError::NotFound) => {}
            // The database is gone: the next scan tries again.
            Err(err @ StoreError::Unavailable(_)) => return Err(err),
            // One bad row must not hold back the reminders after it.
            Err(err) => tracing::warn!(
                event = %event_id.0, user = user_id, error = %err,
                "cannot write a reminder"
            ),
        }
    }
    Ok(written)
}

/// (event, user, start) of every reminder due and not yet written.
fn due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lead: Duration,
) -> StoreResult<Vec<(DbUuid, i64, chrono::NaiveDateTime)>> {
    let until = now
        .checked_add_signed(lead)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let (from, until) = (to_db(now), to_db(until));
    let already = reminders::table
        .filter(reminders::event_id.eq(events::id))
        .filter(reminders::user_id.eq(attendances::user_id))
        .filter(reminders::starts_at.nullable().eq(events::starts_at));
    Ok(attendances::table
        .inner_join(events::table)
        .inner_join(users::table)
        .filter(attendances::status.eq(AttendanceStatus::Going.as_str()))
        .filter(attendances::waitlist_seq.is_null())
        .filter(events::cancelled.eq(false))
        .filter(events::starts_at.gt(from))
        .filter(events::starts_at.le(until))
        .filter(users::is_active.eq(true))
        .filter(users::email_notifications.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(already)))
        .select((
            events::id,
            attendances::user_id,
            events::starts_at.assume_not_null(),
        ))
        .order((events::starts_at, events::id, attendances::user_id))
        .load(conn)?)
}

/// Writes one reminder and its mail, after checking under the event's
/// lock that it is still due; `false` when it is not, or another worker
/// wrote it first.
fn remind(
    conn: &mut DbConnection,
    event_id: EventId,
    user_id: UserId,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    mail: ReminderMail,
) -> StoreResult<bool> {
    let event = crate::seats::share_event(conn, event_id)?;
    if event.plan.cancelled || event.plan.schedule.starts_at() != Some(starts_at) {
        return Ok(false);
    }
    let answer = crate::attendances::get(conn, user_id, event_id)?;
    if answer.status != AttendanceStatus::Going || answer.waitlist_position.is_some() {
        return Ok(false);
    }
    let row = (
        reminders::event_id.eq(DbUuid(event_id.0)),
        reminders::user_id.eq(user_id.0),
        reminders::starts_at.eq(to_db(starts_at)),
        reminders::sent_at.eq(to_db(now)),
    );
    // Diesel's ON CONFLICT does not compile on the multi-backend connection.
    let inserted = match conn {
        DbConnection::Pg(inner) => diesel::insert_into(reminders::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(inner)?,
        DbConnection::Sqlite(inner) => diesel::insert_into(reminders::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(inner)?,
    };
    if inserted == 0 {
        return Ok(false);
    }
    let user = crate::users::get(conn, user_id)?;
    if let Some(message) = mail(&event, &user) {
        crate::outbox::enqueue_notice(conn, &message, &user, now)?;
    }
    Ok(true)
}
