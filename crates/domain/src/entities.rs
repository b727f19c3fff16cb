use chrono::{DateTime, NaiveDate, Utc};

use crate::{AttendanceStatus, Email, EventId, EventName, UserId, Username};

/// An account, as Django's `auth_user` holds it (without the password hash,
/// which never leaves the store and auth layers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account's identifier.
    pub id: UserId,
    /// The unique login name.
    pub username: Username,
    /// The address mail goes to; accounts may have none.
    pub email: Option<Email>,
    /// Given name, possibly empty.
    pub first_name: String,
    /// Family name, possibly empty.
    pub last_name: String,
    /// May use the admin site.
    pub is_staff: bool,
    /// Has every permission.
    pub is_superuser: bool,
    /// May log in at all.
    pub is_active: bool,
    /// When the account was created.
    pub date_joined: DateTime<Utc>,
    /// When the user last logged in, if ever.
    pub last_login: Option<DateTime<Utc>>,
}

/// An event, with its organizer referred to by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event's identifier.
    pub id: EventId,
    /// What the event is called.
    pub name: EventName,
    /// The day it happens.
    pub date: NaiveDate,
    /// Who organizes it; `None` once the organizer's account is deleted.
    pub organizer_id: Option<UserId>,
    /// When the event was created.
    pub created_at: DateTime<Utc>,
    /// When the event was last changed.
    pub updated_at: DateTime<Utc>,
}

/// One user's answer for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// Who answered.
    pub user_id: UserId,
    /// Which event the answer is for.
    pub event_id: EventId,
    /// The answer.
    pub status: AttendanceStatus,
    /// When the user first answered.
    pub created_at: DateTime<Utc>,
    /// When the user last changed the answer.
    pub updated_at: DateTime<Utc>,
}

/// An event with its organizer's account, as event lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    /// The event.
    pub event: Event,
    /// The organizer, when the event still has one.
    pub organizer: Option<User>,
}

/// An attendance with the account of the user who answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceDetail {
    /// The attending user.
    pub user: User,
    /// The answer.
    pub attendance: Attendance,
}

/// An event with its organizer and every attendance, as the detail view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetail {
    /// The event.
    pub event: Event,
    /// The organizer, when the event still has one.
    pub organizer: Option<User>,
    /// Every user's answer, oldest first.
    pub attendances: Vec<AttendanceDetail>,
}
