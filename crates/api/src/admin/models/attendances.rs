//! Attendances in the admin: every user's answer for every event.

use chrono::NaiveDate;
use domain::{AttendanceStatus, EventId, Guests, User, UserId};
use maud::html;
use store::attendance_entries::{AttendanceEntry, EntryFilter, EntryQuery, EntrySortField};
use store::rsvp::{self, Answer, Checks, RsvpError};
use store::{DbConnection, OptionalExt, StoreError, StoreResult};

use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{yes_no_value, EVENTS, STATUSES, USERS, YES_NO};
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader, INVALID_CHOICE};
use crate::admin::site::model::sort_keys;
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Refusal, Sidebar,
};
use crate::admin::site::params::Params;

/// The attendances admin.
pub(crate) struct Attendances;

static USER: Field<Attendances> =
    Field::<Attendances>::new("user", "User", Widget::Select(USERS), |entry| {
        entry.user.id.to_string()
    })
    .required();

static EVENT: Field<Attendances> =
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

static FIELDS: [&Field<Attendances>; 4] = [&USER, &EVENT, &STATUS, &GUESTS];

/// A checked answer: who, for which event, what.
pub(crate) struct Entry {
    user: UserId,
    event: EventId,
    answer: Answer,
}

static BY_STATUS: Sidebar = Sidebar::new("status", "status", STATUSES);
static BY_USER: Sidebar = Sidebar::new("user", "user", USERS);
static BY_EVENT: Sidebar = Sidebar::new("event", "event", EVENTS);
static BY_WAITLISTED: Sidebar = Sidebar::new("waitlisted", "waitlisted", YES_NO);

const DUPLICATE: &str = "Attendance with this User and Event already exists.";

sort_keys!(EntrySortField {
    Waitlist => "waitlist",
    User => "user",
    Event => "event",
    Date => "date",
    Status => "status",
});

fn entry_filter(query: &ListQuery<Attendances>) -> EntryFilter {
    EntryFilter {
        search: query.search.clone(),
        date_after: query.dates.0,
        date_before: query.dates.1,
        ..query.filter.clone()
    }
}

impl AdminList for Attendances {
    const OBJECT: ObjectType = ObjectType::Attendance;
    const SIDEBAR: &'static [&'static Sidebar] = &[&BY_STATUS, &BY_WAITLISTED, &BY_USER, &BY_EVENT];
    const SEARCH_LABEL: Option<&'static str> = Some("Search by username or event name");
    const DATE_HIERARCHY: bool = true;
    type Row = AttendanceEntry;
    type Sort = EntrySortField;
    type Filter = EntryFilter;

    fn filter(params: &Params) -> EntryFilter {
        EntryFilter {
            user: BY_USER.chosen(params),
            event: BY_EVENT.chosen(params),
            status: BY_STATUS.chosen(params),
            waitlisted: yes_no_value(params.get(BY_WAITLISTED.key)),
            ..EntryFilter::default()
        }
    }

    fn columns() -> Vec<Column<Self>> {
        let sorted = Column::<Self>::sorted;
        vec![
            sorted(
                "User",
                EntrySortField::User,
                |row, _| html! { (row.user.username) },
            ),
            sorted(
                "Event",
                EntrySortField::Event,
                |row, _| html! { (row.event.name) },
            ),
            sorted(
                "Event date",
                EntrySortField::Date,
                |row, _| html! { (row.event.date) },
            ),
            sorted(
                "Status",
                EntrySortField::Status,
                |row, _| html! { (row.attendance.status) },
            ),
            Column::<Self>::plain("Guests", |row, _| html! { (row.attendance.guests.get()) }),
            sorted("Waitlist", EntrySortField::Waitlist, |row, _| {
                html! { @if let Some(place) = row.attendance.waitlist_position { "#" (place) } @else { "-" } }
            }),
        ]
    }

    fn row_id(row: &AttendanceEntry) -> String {
        row.id.to_string()
    }

    fn row_label(row: &AttendanceEntry) -> String {
        Self::describe(row)
    }

    fn page(
        conn: &mut DbConnection,
        query: &ListQuery<Self>,
    ) -> StoreResult<(i64, Vec<AttendanceEntry>)> {
        store::attendance_entries::page(
            conn,
            &EntryQuery {
                filter: entry_filter(query),
                // The waitlist alone lists in queue order unless sorted otherwise.
                order: query.sort.or(query
                    .filter
                    .waitlisted
                    .filter(|waiting| *waiting)
                    .map(|_| (EntrySortField::Waitlist, false))),
                limit: query.limit,
                offset: query.offset,
            },
        )
    }

    fn dates(conn: &mut DbConnection, query: &ListQuery<Self>) -> StoreResult<Vec<NaiveDate>> {
        store::attendance_entries::distinct_event_dates(conn, &entry_filter(query))
    }
}

/// Checks that the chosen user and event exist and have no other answer.
fn check_choices(
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
fn answer(conn: &mut DbConnection, entry: &Entry) -> Result<AttendanceEntry, Refusal> {
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

impl AdminModel for Attendances {
    type Id = i64;
    type Object = AttendanceEntry;
    type Input = Entry;
    const FIELDS: &'static [&'static Field<Self>] = &FIELDS;

    fn id(entry: &AttendanceEntry) -> i64 {
        entry.id
    }

    fn describe(entry: &AttendanceEntry) -> String {
        format!(
            "Event '{}' - Attendance '{}'",
            entry.event.name, entry.user.username
        )
    }

    fn load(conn: &mut DbConnection, id: i64) -> StoreResult<AttendanceEntry> {
        store::attendance_entries::get(conn, id)
    }

    fn initial(_: &User, params: &Params) -> FormValues {
        let mut values = FormValues::default();
        for field in [&USER, &EVENT] {
            values.set(field, params.get(field.name).unwrap_or_default());
        }
        values
    }

    fn parse(values: &FormValues, _: &FormContext<Self>) -> Result<Entry, FormErrors> {
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

    fn create(conn: &mut DbConnection, entry: Entry) -> Result<AttendanceEntry, Refusal> {
        check_choices(conn, &entry, None)?;
        answer(conn, &entry)
    }

    fn update(
        conn: &mut DbConnection,
        before: &AttendanceEntry,
        entry: Entry,
    ) -> Result<AttendanceEntry, Refusal> {
        check_choices(conn, &entry, Some(before.id))?;
        if (entry.user, entry.event) != (before.user.id, before.event.id) {
            // Moved to another user or event: the old answer's seat is freed first.
            store::seats::delete_attendance(conn, before.id, mailer::seat_available)?;
        }
        answer(conn, &entry)
    }

    fn delete(conn: &mut DbConnection, entry: &AttendanceEntry) -> StoreResult<()> {
        // A freed seat goes to the head of the waitlist, in this transaction.
        store::seats::delete_attendance(conn, entry.id, mailer::seat_available).map(|_| ())
    }
}
