//! The attendance form: its fields, the checks of a posted answer, and
//! saving it under the seat rules.

use domain::{AttendanceStatus, EventId, Guests, UserId};
use store::attendance_entries::AttendanceEntry;
use store::rsvp::{self, Answer, Checks, RsvpError};
use store::{DbConnection, OptionalExt, StoreError};

use super::attendances::Attendances;
use crate::admin::site::choices::{EVENTS, STATUSES, USERS};
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader, INVALID_CHOICE};
use crate::admin::site::model::Refusal;

/// The user select.
pub(crate) static USER: Field<Attendances> =
    Field::<Attendances>::new("user", "User", Widget::Select(USERS), |entry| {
        entry.user.id.to_string()
    })
    .required();

/// The event select.
pub(crate) static EVENT: Field<Attendances> =
    Field::<Attendances>::new("event", "Event", Widget::Select(EVENTS), |entry| {
        entry.event.id.to_string()
    })
    .required();

static STATUS: Field<Attendances> =
    Field::<Attendances>::new("status", "Status", Widget::Select(STATUSES), |entry| {
        entry.attendance.status.to_string()
    })
    .required();

static GUESTS: Field<Attendances> = Field::<Attendances>::new(
    "guests",
    "Guests",
    Widget::Number {
        min: 0,
        max: Guests::MAX,
    },
    |entry| entry.attendance.guests.get().to_string(),
)
.help("Seats the answer takes besides its own; the event's seats bound it.");

/// The form's fields.
pub(crate) static FIELDS: [&Field<Attendances>; 4] = [&USER, &EVENT, &STATUS, &GUESTS];

/// A checked answer: who, for which event, what.
pub(crate) struct Entry {
    /// Who answers.
    pub user: UserId,
    /// For which event.
    pub event: EventId,
    /// What.
    pub answer: Answer,
}

const DUPLICATE: &str = "Attendance with this User and Event already exists.";

/// Checks a posted answer.
pub(crate) fn parse(values: &FormValues) -> Result<Entry, FormErrors> {
    let mut form = Reader::new(values);
    let user = form.id_choice(&USER);
    let event = form.id_choice(&EVENT);
    let status = form.choice(&STATUS, |raw| {
        raw.parse::<AttendanceStatus>().map_err(|e| e.to_string())
    });
    let guests = form.optional_number(&GUESTS).and_then(|n| {
        Guests::new(n.unwrap_or(0), Guests::MAX)
            .map_err(|e| form.errors.add(&GUESTS, e.to_string()))
            .ok()
    });
    let entry = match (user, event, status, guests) {
        (Some(user), Some(event), Some(status), Some(guests)) => Some(Entry {
            user,
            event,
            answer: Answer { status, guests },
        }),
        _ => None,
    };
    form.errors.or_ok(entry)
}

/// Checks that the chosen user and event exist and have no other answer.
pub(crate) fn check_choices(
    conn: &mut DbConnection,
    entry: &Entry,
    moving_from: Option<i64>,
) -> Result<(), Refusal> {
    let mut errors = FormErrors::default();
    if store::users::get(conn, entry.user).optional()?.is_none() {
        errors.add(&USER, INVALID_CHOICE);
    }
    if store::events::get(conn, entry.event).optional()?.is_none() {
        errors.add(&EVENT, INVALID_CHOICE);
    }
    if errors.is_empty() {
        let other = store::attendance_entries::find(conn, entry.user, entry.event)?;
        if other.is_some_and(|other| Some(other.id) != moving_from) {
            errors.add_general(DUPLICATE);
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Refusal::Invalid(errors)),
    }
}

/// Takes the answer under the seat rules (staff are not held to the RSVP
/// window or the event's guest limit, only to its seats).
pub(crate) fn answer(conn: &mut DbConnection, entry: &Entry) -> Result<AttendanceEntry, Refusal> {
    let outcome = rsvp::apply(
        conn,
        entry.event,
        entry.user,
        entry.answer,
        Checks::SeatsOnly,
        mailer::seat_available,
        store::now(),
    )
    .map_err(|err| match err {
        RsvpError::NotEnoughSeats { .. } => {
            Refusal::Invalid(FormErrors::on(&GUESTS, err.to_string()))
        }
        RsvpError::Store(err) => Refusal::from(err),
        other => Refusal::Invalid({
            let mut errors = FormErrors::default();
            errors.add_general(other.to_string());
            errors
        }),
    })?;
    let found = store::attendance_entries::find(conn, entry.user, entry.event)?;
    found
        .ok_or_else(|| Refusal::from(StoreError::NotFound))
        .map(|mut stored| {
            stored.attendance = outcome.attendance;
            stored
        })
}
