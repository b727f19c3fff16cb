//! Attendances in the admin: every user's answer for every event.

use chrono::NaiveDate;
use domain::User;
use maud::html;
use store::attendance_entries::{AttendanceEntry, EntryFilter, EntryQuery, EntrySortField};
use store::{DbConnection, StoreResult};

use super::attendance_form::{self, Entry};
use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{yes_no_value, EVENTS, STATUSES, USERS, YES_NO};
use crate::admin::site::fields::Field;
use crate::admin::site::forms::{FormErrors, FormValues};
use crate::admin::site::model::sort_keys;
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Refusal, Sidebar,
};
use crate::admin::site::params::Params;

/// The attendances admin.
pub(crate) struct Attendances;

static BY_STATUS: Sidebar = Sidebar::new("status", "status", STATUSES);
static BY_USER: Sidebar = Sidebar::new("user", "user", USERS);
static BY_EVENT: Sidebar = Sidebar::new("event", "event", EVENTS);
static BY_WAITLISTED: Sidebar = Sidebar::new("waitlisted", "waitlisted", YES_NO);

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

impl AdminModel for Attendances {
    type Id = i64;
    type Object = AttendanceEntry;
    type Input = Entry;
    const FIELDS: &'static [&'static Field<Self>] = &attendance_form::FIELDS;

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
        for field in [&attendance_form::USER, &attendance_form::EVENT] {
            values.set(field, params.get(field.name).unwrap_or_default());
        }
        values
    }

    fn parse(values: &FormValues, _: &FormContext<Self>) -> Result<Entry, FormErrors> {
        attendance_form::parse(values)
    }

    fn create(conn: &mut DbConnection, entry: Entry) -> Result<AttendanceEntry, Refusal> {
        attendance_form::check_choices(conn, &entry, None)?;
        attendance_form::answer(conn, &entry)
    }

    fn update(
        conn: &mut DbConnection,
        before: &AttendanceEntry,
        entry: Entry,
    ) -> Result<AttendanceEntry, Refusal> {
        attendance_form::check_choices(conn, &entry, Some(before.id))?;
        if (entry.user, entry.event) != (before.user.id, before.event.id) {
            // Moved to another user or event: the old answer's seat is freed first.
            store::seats::delete_attendance(conn, before.id, mailer::seat_available)?;
        }
        attendance_form::answer(conn, &entry)
    }

    fn delete(conn: &mut DbConnection, entry: &AttendanceEntry) -> StoreResult<()> {
        // A freed seat goes to the head of the waitlist, in this transaction.
        store::seats::delete_attendance(conn, entry.id, mailer::seat_available).map(|_| ())
    }
}
