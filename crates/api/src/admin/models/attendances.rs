//! Attendances in the admin: every user's answer for every event.

use chrono::NaiveDate;
use domain::{AttendanceStatus, User};
use maud::html;
use store::attendance_entries::{
    AttendanceEntry, EntryFilter, EntryQuery, EntrySortField, EntryValues,
};
use store::{DbConnection, OptionalExt, StoreError, StoreResult};

use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{EVENTS, STATUSES, USERS};
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

static FIELDS: [&Field<Attendances>; 3] = [&USER, &EVENT, &STATUS];

static BY_STATUS: Sidebar = Sidebar::new("status", "status", STATUSES);
static BY_USER: Sidebar = Sidebar::new("user", "user", USERS);
static BY_EVENT: Sidebar = Sidebar::new("event", "event", EVENTS);

const DUPLICATE: &str = "Attendance with this User and Event already exists.";

sort_keys!(EntrySortField {
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
    const SIDEBAR: &'static [&'static Sidebar] = &[&BY_STATUS, &BY_USER, &BY_EVENT];
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
                order: query.sort,
                limit: query.limit,
                offset: query.offset,
            },
        )
    }

    fn dates(conn: &mut DbConnection, query: &ListQuery<Self>) -> StoreResult<Vec<NaiveDate>> {
        store::attendance_entries::distinct_event_dates(conn, &entry_filter(query))
    }
}

/// Checks that the chosen user and event exist, then saves with `write`;
/// a second answer for the same user and event is refused on the form.
fn save(
    conn: &mut DbConnection,
    answer: &EntryValues,
    write: impl FnOnce(&mut DbConnection) -> StoreResult<i64>,
) -> Result<AttendanceEntry, Refusal> {
    let mut errors = FormErrors::default();
    if store::users::get(conn, answer.user).optional()?.is_none() {
        errors.add(&USER, INVALID_CHOICE);
    }
    if store::events::get(conn, answer.event).optional()?.is_none() {
        errors.add(&EVENT, INVALID_CHOICE);
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    match write(conn) {
        Ok(id) => Ok(store::attendance_entries::get(conn, id)?),
        Err(StoreError::Conflict(_)) => {
            let mut errors = FormErrors::default();
            errors.add_general(DUPLICATE);
            Err(Refusal::Invalid(errors))
        }
        Err(other) => Err(other.into()),
    }
}

impl AdminModel for Attendances {
    type Id = i64;
    type Object = AttendanceEntry;
    type Input = EntryValues;
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

    fn parse(values: &FormValues, _: &FormContext<Self>) -> Result<EntryValues, FormErrors> {
        let mut form = Reader::new(values);
        let user = form.id_choice(&USER);
        let event = form.id_choice(&EVENT);
        let status = form.choice(&STATUS, |raw| {
            raw.parse::<AttendanceStatus>().map_err(|e| e.to_string())
        });
        let answer = match (user, event, status) {
            (Some(user), Some(event), Some(status)) => Some(EntryValues {
                user,
                event,
                status,
            }),
            _ => None,
        };
        form.errors.or_ok(answer)
    }

    fn create(conn: &mut DbConnection, values: EntryValues) -> Result<AttendanceEntry, Refusal> {
        save(conn, &values, |conn| {
            store::attendance_entries::create(conn, &values)
        })
    }

    fn update(
        conn: &mut DbConnection,
        before: &AttendanceEntry,
        values: EntryValues,
    ) -> Result<AttendanceEntry, Refusal> {
        save(conn, &values, |conn| {
            store::attendance_entries::update(conn, before.id, &values).map(|()| before.id)
        })
    }

    fn delete(conn: &mut DbConnection, entry: &AttendanceEntry) -> StoreResult<()> {
        store::attendance_entries::delete(conn, entry.id)
    }
}
