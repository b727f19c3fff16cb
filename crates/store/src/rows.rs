//! Rows as the database holds them, and their conversion to domain types.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::{
    Attendance, AttendanceStatus, Email, Event, EventId, EventName, User, UserId, Username,
};

use crate::schema::{attendances, events, users};
use crate::sql_types::DbUuid;
use crate::time::from_db;
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
    date_joined: NaiveDateTime,
    last_login: Option<NaiveDateTime>,
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
            date_joined: from_db(row.date_joined),
            last_login: row.last_login.map(from_db),
        })
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = events)]
pub(crate) struct EventRow {
    pub id: DbUuid,
    pub organizer_id: Option<i64>,
    pub name: String,
    pub date: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Event {
            id: EventId(row.id.0),
            name: EventName::from_stored(row.name),
            date: row.date,
            organizer_id: row.organizer_id.map(UserId),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
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
);

pub(crate) const ATTENDANCE_COLUMNS: AttendanceColumns = (
    attendances::user_id,
    attendances::event_id,
    attendances::status,
    attendances::created_at,
    attendances::updated_at,
);

#[derive(Queryable, Insertable)]
#[diesel(table_name = attendances)]
pub(crate) struct AttendanceRow {
    pub user_id: i64,
    pub event_id: DbUuid,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
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
        Ok(Attendance {
            user_id: UserId(row.user_id),
            event_id: EventId(row.event_id.0),
            status,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}
