//! Attendances in the admin: every user's answer for every event.

use chrono::NaiveDate;
use domain::{AttendanceStatus, EventId, User, UserId};
use maud::html;
use store::attendance_entries::{AttendanceEntry, EntryFilter, EntryQuery, EntrySortField};
use store::{DbConnection, OptionalExt, StoreError, StoreResult};

use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::{EVENTS, STATUSES, USERS};
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader, INVALID_CHOICE};
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Mode, Refusal, Sidebar, SortKey,
};
use crate::admin::site::params::Params;

/// The attendances admin.
pub(crate) struct Attendances;

static USER: Field<Attendances> = Field {
    name: "user",
    label: "User",
    widget: Widget::Select(USERS),
    required: true,
    help: None,
    stored: |entry| entry.user.id.to_string(),
};

static EVENT: Field<Attendances> = Field {
    name: "event",
    label: "Event",
    widget: Widget::Select(EVENTS),
    required: true,
    help: None,
    stored: |entry| entry.event.id.to_string(),
};

static STATUS: Field<Attendances> = Field {
    name: "status",
    label: "Status",
    widget: Widget::Select(STATUSES),
    required: true,
    help: None,
    stored: |entry| entry.attendance.status.to_string(),
};

static FIELDS: [&Field<Attendances>; 3] = [&USER, &EVENT, &STATUS];

const DUPLICATE: &str = "Attendance with this User and Event already exists.";

/// The checked form: who, for which event, what answer.
pub(crate) struct Answer {
    user: UserId,
    event: EventId,
    status: AttendanceStatus,
}

/// The filters of the list's sidebar.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chosen {
    user: Option<UserId>,
    event: Option<EventId>,
    status: Option<AttendanceStatus>,
}

impl SortKey for EntrySortField {
    const ALL: &'static [Self] = &[Self::User, Self::Event, Self::Date, Self::Status];

    fn key(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Event => "event",
            Self::Date => "date",
            Self::Status => "status",
        }
    }
}

fn entry_filter(query: &ListQuery<Attendances>) -> EntryFilter {
    EntryFilter {
        user: query.filter.user,
        event: query.filter.event,
        status: query.filter.status,
        search: query.search.clone(),
        date_after: query.dates.0,
        date_before: query.dates.1,
    }
}

impl AdminList for Attendances {
    const OBJECT: ObjectType = ObjectType::Attendance;
    const SEARCH_LABEL: Option<&'static str> = Some("Search by username or event name");
    const DATE_HIERARCHY: bool = true;
    const EDITABLE: bool = true;
    type Row = AttendanceEntry;
    type Sort = EntrySortField;
    type Filter = Chosen;

    fn filter(params: &Params) -> Chosen {
        Chosen {
            user: params.number::<i64>("user").map(UserId),
            event: params.number::<EventId>("event"),
            status: params.get("status").and_then(|s| s.parse().ok()),
        }
    }

    fn sidebar() -> Vec<Sidebar> {
        vec![
            Sidebar {
                title: "status",
                key: "status",
                choices: STATUSES,
            },
            Sidebar {
                title: "user",
                key: "user",
                choices: USERS,
            },
            Sidebar {
                title: "event",
                key: "event",
                choices: EVENTS,
            },
        ]
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                label: "User",
                sort: Some(EntrySortField::User),
                cell: |row, _| html! { (row.user.username) },
            },
            Column {
                label: "Event",
                sort: Some(EntrySortField::Event),
                cell: |row, _| html! { (row.event.name) },
            },
            Column {
                label: "Event date",
                sort: Some(EntrySortField::Date),
                cell: |row, _| html! { (row.event.date) },
            },
            Column {
                label: "Status",
                sort: Some(EntrySortField::Status),
                cell: |row, _| html! { (row.attendance.status) },
            },
        ]
    }

    fn row_id(row: &AttendanceEntry) -> String {
        row.id.to_string()
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
    answer: &Answer,
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
    type Input = Answer;

    fn fields(_: Mode) -> &'static [&'static Field<Self>] {
        &FIELDS
    }

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

    fn parse(values: &FormValues, _: &FormContext<Self>) -> Result<Answer, FormErrors> {
        let mut form = Reader::new(values);
        let user = form.choice(&USER, |raw| {
            raw.parse::<i64>()
                .map(UserId)
                .map_err(|_| INVALID_CHOICE.to_owned())
        });
        let event = form.choice(&EVENT, |raw| {
            raw.parse::<EventId>()
                .map_err(|_| INVALID_CHOICE.to_owned())
        });
        let status = form.choice(&STATUS, |raw| {
            raw.parse::<AttendanceStatus>().map_err(|e| e.to_string())
        });
        let answer = match (user, event, status) {
            (Some(user), Some(event), Some(status)) => Some(Answer {
                user,
                event,
                status,
            }),
            _ => None,
        };
        form.errors.or_ok(answer)
    }

    fn create(conn: &mut DbConnection, answer: Answer) -> Result<AttendanceEntry, Refusal> {
        save(conn, &answer, |conn| {
            store::attendance_entries::create(conn, answer.user, answer.event, answer.status)
        })
    }

    fn update(
        conn: &mut DbConnection,
        before: &AttendanceEntry,
        answer: Answer,
    ) -> Result<AttendanceEntry, Refusal> {
        save(conn, &answer, |conn| {
            store::attendance_entries::update(
                conn,
                before.id,
                answer.user,
                answer.event,
                answer.status,
            )
            .map(|()| before.id)
        })
    }

    fn delete(conn: &mut DbConnection, entry: &AttendanceEntry) -> StoreResult<()> {
        store::attendance_entries::delete(conn, entry.id)
    }
}
