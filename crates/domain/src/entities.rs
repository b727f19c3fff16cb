use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    AttendanceStatus, Capacity, Email, EventId, EventName, Guests, RsvpWindow, Schedule, TimeZone,
    UserId, Username,
};

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
    /// Wants change notices, reminders and seat mails.
    pub email_notifications: bool,
    /// Which calendar feed address is current; a new one ends the old.
    pub calendar_generation: i64,
    /// The hash of the current feed address's token, once it was shown.
    pub calendar_token_hash: Option<String>,
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
    /// Its time, place, seats and RSVP window.
    pub plan: EventPlan,
    /// When the event was created.
    pub created_at: DateTime<Utc>,
    /// When the event was last changed.
    pub updated_at: DateTime<Utc>,
    /// The calendar revision: grows by one each time the name, date,
    /// times, location or cancellation change (iCalendar's `SEQUENCE`).
    pub sequence: i64,
}

impl Event {
    /// Whether a calendar showing `self` must be told about `other`: the
    /// name, date, times, location or cancellation differ (what
    /// [`Event::sequence`] counts, and what change notices report).
    pub fn calendar_differs(&self, other: &Event) -> bool {
        self.name != other.name
            || self.date != other.date
            || self.plan.schedule != other.plan.schedule
            || self.plan.location != other.plan.location
            || self.plan.cancelled != other.plan.cancelled
    }
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
    /// The guests the user brings.
    pub guests: Guests,
    /// Where a Going answer without a seat waits (1 for the head of the
    /// queue); `None` for everyone else.
    pub waitlist_position: Option<u32>,
    /// When the user first answered.
    pub created_at: DateTime<Utc>,
    /// When the user last changed the answer.
    pub updated_at: DateTime<Utc>,
}

/// What an event is planned with, beyond its name and date. The defaults
/// are an old-style event: untimed, in UTC, nowhere, without a seat limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventPlan {
    /// What the event is about (at most 5,000 characters).
    pub description: String,
    /// Where it happens (at most 255 characters).
    pub location: String,
    /// The zone its times are shown in; its `date` is a date there.
    pub timezone: TimeZone,
    /// When it starts and ends.
    pub schedule: Schedule,
    /// Seats in all, guests included; `None` for no limit.
    pub capacity: Option<Capacity>,
    /// The guests one RSVP may bring.
    pub max_guests: Guests,
    /// When RSVPs are taken.
    pub rsvp: RsvpWindow,
    /// Called off by its organizer: it takes no RSVPs.
    pub cancelled: bool,
}

impl EventPlan {
    /// Checks that a timed event starts on `date` in its zone (its date is
    /// a local calendar date).
    pub fn check_date(&self, date: NaiveDate) -> Result<(), crate::ValidationError> {
        match self.schedule.starts_at() {
            Some(start) if self.timezone.local_date(start) != date => {
                Err(crate::ValidationError::OffDate)
            }
            _ => Ok(()),
        }
    }
}

/// How an event's attendances split, as EventDetail counts them
/// (attendances, not people).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceCounts {
    /// Seated Going answers.
    pub going: i64,
    /// Maybe answers.
    pub maybe: i64,
    /// Not Going answers.
    pub not_going: i64,
    /// Going answers waiting for a seat.
    pub waitlisted: i64,
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
    /// How the answers split.
    pub counts: AttendanceCounts,
    /// Seats taken by seated Going parties (`1 + guests` each).
    pub seats_taken: u32,
}
