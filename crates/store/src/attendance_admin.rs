//! Attendances across all events, as the admin site lists and edits them.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::{Attendance, AttendanceStatus, Event, EventId, User, UserId};

use crate::connection::MultiBackend;
use crate::events::escape_like;
use crate::rows::{AttendanceRow, EventRow, UserRow, ATTENDANCE_COLUMNS, USER_COLUMNS};
use crate::schema::{attendances, events, users};
use crate::sql_functions::lower;
use crate::sql_types::DbUuid;
use crate::time::to_db;
use crate::users::found;
use crate::{now, DbConnection, StoreResult};

/// An attendance with its user and event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceEntry {
    /// The attendance row's id.
    pub id: i64,
    /// Who answered.
    pub user: User,
    /// For which event.
    pub event: Event,
    /// The answer.
    pub attendance: Attendance,
}

/// Which attendances the admin list shows.
#[derive(Debug, Clone, Default)]
pub struct AttendanceFilter {
    /// Only this user's.
    pub user: Option<UserId>,
    /// Only this event's.
    pub event: Option<EventId>,
    /// Only this answer.
    pub status: Option<AttendanceStatus>,
    /// Terms each found in the username or the event name (case-insensitive).
    pub search: Option<String>,
    /// Events on or after this date.
    pub date_after: Option<NaiveDate>,
    /// Events on or before this date.
    pub date_before: Option<NaiveDate>,
}

/// A column the admin list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceSortField {
    /// The username.
    User,
    /// The event's name.
    Event,
    /// The answer.
    Status,
    /// The event's date.
    Date,
}

type Joined =
    diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<attendances::table, users::table>, events::table>;

fn filtered(filter: &AttendanceFilter) -> diesel::dsl::IntoBoxed<'static, Joined, MultiBackend> {
    let mut query = attendances::table
        .inner_join(users::table)
        .inner_join(events::table)
        .into_boxed();
    if let Some(user) = filter.user {
        query = query.filter(attendances::user_id.eq(user.0));
    }
    if let Some(event) = filter.event {
        query = query.filter(attendances::event_id.eq(DbUuid(event.0)));
    }
    if let Some(status) = filter.status {
        query = query.filter(attendances::status.eq(status.as_str()));
    }
    if let Some(after) = filter.date_after {
        query = query.filter(events::date.ge(after));
    }
    if let Some(before) = filter.date_before {
        query = query.filter(events::date.le(before));
    }
    let terms = filter
        .search
        .as_deref()
        .unwrap_or_default()
        .replace('\0', "");
    for term in terms.split_whitespace() {
        let pattern = format!("%{}%", escape_like(term));
        query = query.filter(
            lower(users::username)
                .like(lower(pattern.clone()))
                .escape('\\')
                .or(lower(events::name).like(lower(pattern)).escape('\\')),
        );
    }
    query
}

type EntryRow = (i64, AttendanceRow, UserRow, EventRow);

fn into_entry((id, attendance, user, event): EntryRow) -> StoreResult<AttendanceEntry> {
    Ok(AttendanceEntry {
        id,
        user: user.try_into()?,
        event: event.try_into()?,
        attendance: attendance.try_into()?,
    })
}

/// A page of attendances and how many match, sorted by `order` (field and
/// whether descending), newest first by default.
pub fn page(
    conn: &mut DbConnection,
    filter: &AttendanceFilter,
    order: Option<(AttendanceSortField, bool)>,
    limit: i64,
    offset: i64,
) -> StoreResult<(i64, Vec<AttendanceEntry>)> {
    let total = filtered(filter).count().get_result(conn)?;
    let mut query = filtered(filter)
        .select((
            attendances::id,
            ATTENDANCE_COLUMNS,
            USER_COLUMNS,
            events::all_columns,
        ))
        .limit(limit)
        .offset(offset);
    query = match order {
        Some((AttendanceSortField::User, false)) => query.order(users::username.asc()),
        Some((AttendanceSortField::User, true)) => query.order(users::username.desc()),
        Some((AttendanceSortField::Event, false)) => query.order(events::name.asc()),
        Some((AttendanceSortField::Event, true)) => query.order(events::name.desc()),
        Some((AttendanceSortField::Status, false)) => query.order(attendances::status.asc()),
        Some((AttendanceSortField::Status, true)) => query.order(attendances::status.desc()),
        Some((AttendanceSortField::Date, false)) => query.order(events::date.asc()),
        Some((AttendanceSortField::Date, true)) => query.order(events::date.desc()),
        None => query.order(attendances::id.desc()),
    };
    let rows = query
        .then_order_by(attendances::id.desc())
        .load::<EntryRow>(conn)?;
    Ok((
        total,
        rows.into_iter()
            .map(into_entry)
            .collect::<StoreResult<_>>()?,
    ))
}

/// The distinct dates of the events of matching attendances, in order.
pub fn distinct_event_dates(
    conn: &mut DbConnection,
    filter: &AttendanceFilter,
) -> StoreResult<Vec<NaiveDate>> {
    Ok(filtered(filter)
        .select(events::date)
        .distinct()
        .order(events::date)
        .load(conn)?)
}

/// The attendance with this id.
pub fn get(conn: &mut DbConnection, id: i64) -> StoreResult<AttendanceEntry> {
    let row = attendances::table
        .inner_join(users::table)
        .inner_join(events::table)
        .filter(attendances::id.eq(id))
        .select((
            attendances::id,
            ATTENDANCE_COLUMNS,
            USER_COLUMNS,
            events::all_columns,
        ))
        .first::<EntryRow>(conn)?;
    into_entry(row)
}

/// Adds an attendance; one that exists for the user and event already
/// gives [`crate::StoreError::Conflict`].
pub fn create(
    conn: &mut DbConnection,
    user: UserId,
    event: EventId,
    status: AttendanceStatus,
) -> StoreResult<i64> {
    let at = to_db(now());
    Ok(diesel::insert_into(attendances::table)
        .values(&AttendanceRow {
            user_id: user.0,
            event_id: DbUuid(event.0),
            status: status.as_str().to_owned(),
            created_at: at,
            updated_at: at,
        })
        .returning(attendances::id)
        .get_result(conn)?)
}

/// Changes every field of an attendance.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    user: UserId,
    event: EventId,
    status: AttendanceStatus,
) -> StoreResult<()> {
    let changed = diesel::update(attendances::table.find(id))
        .set((
            attendances::user_id.eq(user.0),
            attendances::event_id.eq(DbUuid(event.0)),
            attendances::status.eq(status.as_str()),
            attendances::updated_at.eq(to_db(now())),
        ))
        .execute(conn)?;
    found(changed)
}

/// Deletes an attendance.
pub fn delete(conn: &mut DbConnection, id: i64) -> StoreResult<()> {
    let deleted = diesel::delete(attendances::table.find(id)).execute(conn)?;
    found(deleted)
}
