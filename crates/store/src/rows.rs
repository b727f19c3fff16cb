//! Rows as the database holds them, and their conversion to domain types.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{
    Attendance, AttendanceStatus, Capacity, Email, Event, EventId, EventName, EventPlan, Guests,
    RsvpWindow, Schedule, TimeZone, User, UserId, Username, ValidationError,
};

use crate::events::NewEvent;
use crate::sql::dates::{DbDate, DbTimestamp};
use crate::sql::schema::{attendances, events, users};
use crate::sql::types::DbUuid;
use crate::time::{from_db, to_db};
use crate::StoreError;

/// The `users` columns a [`UserRow`] reads: all but the password hash.
pub(crate) type UserColumns = (
    users::id,
    users::username,
    users::first_name,
    users::last_name,
    users::email,
    users::is_staff,
    users::is_superuser,
    users::is_active,
    users::date_joined,
    users::last_login,
    users::email_notifications,
    users::calendar_generation,
    users::calendar_token_hash,
);

pub(crate) const USER_COLUMNS: UserColumns = (
    users::id,
    users::username,
    users::first_name,
    users::last_name,
    users::email,
    users::is_staff,
    users::is_superuser,
    users::is_active,
    users::date_joined,
    users::last_login,
    users::email_notifications,
    users::calendar_generation,
    users::calendar_token_hash,
);

#[derive(Queryable)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    is_staff: bool,
    is_superuser: bool,
    is_active: bool,
    date_joined: DbTimestamp,
    last_login: Option<DbTimestamp>,
    email_notifications: bool,
    calendar_generation: i64,
    calendar_token_hash: Option<String>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        // Django stores "no address" as an empty string.
        let email = (!row.email.is_empty()).then(|| Email::from_stored(row.email));
        Ok(User {
            id: UserId(row.id),
            username: Username::from_stored(row.username),
            email,
            first_name: row.first_name,
            last_name: row.last_name,
            is_staff: row.is_staff,
            is_superuser: row.is_superuser,
            is_active: row.is_active,
            date_joined: from_db(row.date_joined.0),
            last_login: row.last_login.map(|at| from_db(at.0)),
            email_notifications: row.email_notifications,
            calendar_generation: row.calendar_generation,
            calendar_token_hash: row.calendar_token_hash,
        })
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = events)]
pub(crate) struct EventRow {
    pub id: DbUuid,
    pub organizer_id: Option<i64>,
    pub name: String,
    pub date: DbDate,
    pub created_at: DbTimestamp,
    pub updated_at: DbTimestamp,
    pub description: String,
    pub location: String,
    pub timezone: String,
    pub starts_at: Option<DbTimestamp>,
    pub ends_at: Option<DbTimestamp>,
    pub capacity: Option<i32>,
    pub max_guests: i32,
    pub rsvp_opens_at: Option<DbTimestamp>,
    pub rsvp_closes_at: Option<DbTimestamp>,
    pub cancelled: bool,
    pub sequence: i32,
}

impl EventRow {
    /// The row of a new event with this id, created at `at`.
    pub(crate) fn new(id: EventId, new: &NewEvent, at: NaiveDateTime) -> Self {
        let plan = &new.plan;
        Self {
            id: DbUuid(id.0),
            organizer_id: new.organizer_id.map(|id| id.0),
            name: new.name.as_str().to_owned(),
            date: DbDate(new.date),
            created_at: DbTimestamp(at),
            updated_at: DbTimestamp(at),
            description: plan.description.clone(),
            location: plan.location.clone(),
            timezone: plan.timezone.name().to_owned(),
            starts_at: plan.schedule.starts_at().map(db_timestamp),
            ends_at: plan.schedule.ends_at().map(db_timestamp),
            capacity: plan.capacity.map(capacity_to_db),
            max_guests: guests_to_db(plan.max_guests),
            rsvp_opens_at: plan.rsvp.opens_at().map(db_timestamp),
            rsvp_closes_at: plan.rsvp.closes_at().map(db_timestamp),
            cancelled: plan.cancelled,
            sequence: 0,
        }
    }
}

/// A stored timestamp as the UTC instant it is.
fn utc(at: DbTimestamp) -> chrono::DateTime<chrono::Utc> {
    from_db(at.0)
}

/// An instant as a timestamp column holds it.
pub(crate) fn db_timestamp(at: chrono::DateTime<chrono::Utc>) -> DbTimestamp {
    DbTimestamp(to_db(at))
}

/// A capacity as the column holds it (it is at most `i32::MAX` by construction).
pub(crate) fn capacity_to_db(capacity: Capacity) -> i32 {
    i32::try_from(capacity.get()).unwrap_or(i32::MAX)
}

/// A guest count as the column holds it (at most 20 by construction).
pub(crate) fn guests_to_db(guests: Guests) -> i32 {
    i32::try_from(guests.get()).unwrap_or(i32::MAX)
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str, err: ValidationError| {
            StoreError::Corrupt(format!("event {}: {what}: {err}", row.id.0))
        };
        let plan = EventPlan {
            timezone: TimeZone::parse(&row.timezone).map_err(|e| corrupt("timezone", e))?,
            schedule: Schedule::new(row.starts_at.map(utc), row.ends_at.map(utc))
                .map_err(|e| corrupt("schedule", e))?,
            capacity: row
                .capacity
                .map(|c| Capacity::new(i64::from(c)))
                .transpose()
                .map_err(|e| corrupt("capacity", e))?,
            max_guests: Guests::new(i64::from(row.max_guests), Guests::MAX)
                .map_err(|e| corrupt("max_guests", e))?,
            rsvp: RsvpWindow::new(row.rsvp_opens_at.map(utc), row.rsvp_closes_at.map(utc))
                .map_err(|e| corrupt("RSVP window", e))?,
            cancelled: row.cancelled,
            description: row.description,
            location: row.location,
        };
        Ok(Event {
            id: EventId(row.id.0),
            name: EventName::from_stored(row.name),
            date: row.date.0,
            organizer_id: row.organizer_id.map(UserId),
            plan,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            sequence: i64::from(row.sequence),
        })
    }
}

/// The `attendances` columns an [`AttendanceRow`] reads: all but the surrogate id.
pub(crate) type AttendanceColumns = (
    attendances::user_id,
    attendances::event_id,
    attendances::status,
    attendances::created_at,
    attendances::updated_at,
    attendances::guests,
    attendances::waitlist_seq,
);

pub(crate) const ATTENDANCE_COLUMNS: AttendanceColumns = (
    attendances::user_id,
    attendances::event_id,
    attendances::status,
    attendances::created_at,
    attendances::updated_at,
    attendances::guests,
    attendances::waitlist_seq,
);

#[derive(Clone, Queryable, Insertable)]
#[diesel(table_name = attendances)]
pub(crate) struct AttendanceRow {
    pub user_id: i64,
    pub event_id: DbUuid,
    pub status: String,
    pub created_at: DbTimestamp,
    pub updated_at: DbTimestamp,
    pub guests: i32,
    /// The queue key while waiting; see [`crate::seats`].
    pub waitlist_seq: Option<i64>,
}

impl TryFrom<AttendanceRow> for Attendance {
    type Error = StoreError;

    fn try_from(row: AttendanceRow) -> Result<Self, StoreError> {
        let status: AttendanceStatus = row.status.parse().map_err(|e| {
            StoreError::Corrupt(format!(
                "attendance ({}, {}): {e}",
                row.user_id, row.event_id.0
            ))
        })?;
        let guests = Guests::new(i64::from(row.guests), Guests::MAX).map_err(|e| {
            StoreError::Corrupt(format!(
                "attendance ({}, {}): guests: {e}",
                row.user_id, row.event_id.0
            ))
        })?;
        Ok(Attendance {
            user_id: UserId(row.user_id),
            event_id: EventId(row.event_id.0),
            status,
            guests,
            // Positions are ranks in the queue, filled in by the listing.
            waitlist_position: None,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}
