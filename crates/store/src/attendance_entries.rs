//! Attendances across all events, each with its user and event: listed,
//! filtered and sorted over every event at once, and edited by row id.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::{Attendance, AttendanceStatus, Event, EventId, User, UserId};

use crate::db::connection::MultiBackend;
use crate::rows::{AttendanceRow, EventRow, UserRow, ATTENDANCE_COLUMNS, USER_COLUMNS};
use crate::sql::functions::lower;
use crate::sql::schema::{attendances, events, users};
use crate::sql::search::like_patterns;
use crate::sql::types::DbUuid;
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

/// Which attendance entries a listing shows.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
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
    /// Only Going answers waiting for a seat (`true`), or only the others.
    pub waitlisted: Option<bool>,
}

/// A field attendance entries can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntrySortField {
    /// The place in the event's waitlist (the waiting first, in queue order).
    Waitlist,
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

fn filtered(filter: &EntryFilter) -> diesel::dsl::IntoBoxed<'static, Joined, MultiBackend> {
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
    query = match filter.waitlisted {
        Some(true) => query.filter(attendances::waitlist_seq.is_not_null()),
        Some(false) => query.filter(attendances::waitlist_seq.is_null()),
        None => query,
    };
    if let Some(status) = filter.status {
        query = query.filter(attendances::status.eq(status.as_str()));
    }
    if let Some(after) = filter.date_after {
        query = query.filter(events::date.ge(after));
    }
    if let Some(before) = filter.date_before {
        query = query.filter(events::date.le(before));
    }
    for pattern in like_patterns(filter.search.as_deref(), &[]) {
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

/// The entries of `rows`, waiting ones with their place in their event's
/// queue (one query per event with someone waiting on the page).
fn with_positions(
    conn: &mut DbConnection,
    rows: Vec<EntryRow>,
) -> StoreResult<Vec<AttendanceEntry>> {
    let mut queues: std::collections::HashMap<uuid::Uuid, std::collections::HashMap<i64, u32>> =
        Default::default();
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let (event_id, key) = (row.1.event_id.0, row.1.waitlist_seq);
        let mut entry = into_entry(row)?;
        if let Some(key) = key {
            let positions = match queues.entry(event_id) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(crate::seats::positions(conn, EventId(event_id))?)
                }
            };
            entry.attendance.waitlist_position = positions.get(&key).copied();
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn into_entry((id, attendance, user, event): EntryRow) -> StoreResult<AttendanceEntry> {
    Ok(AttendanceEntry {
        id,
        user: user.try_into()?,
        event: event.try_into()?,
        attendance: attendance.try_into()?,
    })
}

/// A listing request: filter, sort key and page bounds.
#[derive(Debug, Clone)]
pub struct EntryQuery {
    /// Which entries.
    pub filter: EntryFilter,
    /// The sort key and whether descending; `None` is newest first.
    /// Ties are broken by id, newest first.
    pub order: Option<(EntrySortField, bool)>,
    /// At most this many entries.
    pub limit: i64,
    /// Skip this many entries first.
    pub offset: i64,
}

/// How many entries match the filter.
pub fn count(conn: &mut DbConnection, filter: &EntryFilter) -> StoreResult<i64> {
    Ok(filtered(filter).count().get_result(conn)?)
}

/// A page of entries and how many match the filter, in two queries.
pub fn page(
    conn: &mut DbConnection,
    query: &EntryQuery,
) -> StoreResult<(i64, Vec<AttendanceEntry>)> {
    let total = count(conn, &query.filter)?;
    let mut select = filtered(&query.filter)
        .select((
            attendances::id,
            ATTENDANCE_COLUMNS,
            USER_COLUMNS,
            events::all_columns,
        ))
        .limit(query.limit)
        .offset(query.offset);
    select = match query.order {
        Some((EntrySortField::Waitlist, false)) => select.order((
            attendances::waitlist_seq.is_null(),
            attendances::event_id,
            attendances::waitlist_seq,
        )),
        Some((EntrySortField::Waitlist, true)) => select.order((
            attendances::waitlist_seq.is_null(),
            attendances::event_id,
            attendances::waitlist_seq.desc(),
        )),
        Some((EntrySortField::User, false)) => select.order(users::username.asc()),
        Some((EntrySortField::User, true)) => select.order(users::username.desc()),
        Some((EntrySortField::Event, false)) => select.order(events::name.asc()),
        Some((EntrySortField::Event, true)) => select.order(events::name.desc()),
        Some((EntrySortField::Status, false)) => select.order(attendances::status.asc()),
        Some((EntrySortField::Status, true)) => select.order(attendances::status.desc()),
        Some((EntrySortField::Date, false)) => select.order(events::date.asc()),
        Some((EntrySortField::Date, true)) => select.order(events::date.desc()),
        None => select.order(attendances::id.desc()),
    };
    let rows = select
        .then_order_by(attendances::id.desc())
        .load::<EntryRow>(conn)?;
    Ok((total, with_positions(conn, rows)?))
}

/// The distinct dates of the events of matching attendances, in order.
pub fn distinct_event_dates(
    conn: &mut DbConnection,
    filter: &EntryFilter,
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
    with_positions(conn, vec![row])?
        .pop()
        .ok_or(crate::StoreError::NotFound)
}

/// The entry of this user for this event, if they answered.
pub fn find(
    conn: &mut DbConnection,
    user: UserId,
    event: EventId,
) -> StoreResult<Option<AttendanceEntry>> {
    let id: Option<i64> = attendances::table
        .filter(attendances::user_id.eq(user.0))
        .filter(attendances::event_id.eq(DbUuid(event.0)))
        .select(attendances::id)
        .first(conn)
        .optional()?;
    id.map(|id| get(conn, id)).transpose()
}

/// An entry's values: who answers what for which event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryValues {
    /// Who answers.
    pub user: UserId,
    /// For which event.
    pub event: EventId,
    /// The answer.
    pub status: AttendanceStatus,
}

/// Adds an attendance and returns its id; one that exists for the user and
/// event already gives [`crate::StoreError::Conflict`]. It ignores the seat
/// rules: it is for loading data and tests; staff edits go through
/// [`crate::rsvp::apply`].
pub fn create(conn: &mut DbConnection, values: &EntryValues) -> StoreResult<i64> {
    let at = to_db(now());
    Ok(diesel::insert_into(attendances::table)
        .values(&AttendanceRow {
            user_id: values.user.0,
            event_id: DbUuid(values.event.0),
            status: values.status.as_str().to_owned(),
            created_at: crate::sql::dates::DbTimestamp(at),
            updated_at: crate::sql::dates::DbTimestamp(at),
            guests: 0,
            waitlist_seq: None,
        })
        .returning(attendances::id)
        .get_result(conn)?)
}

/// Changes every value of an attendance (a clash with another entry of
/// the same user and event gives [`crate::StoreError::Conflict`]). Like
/// [`create`], it ignores the seat rules.
pub fn update(conn: &mut DbConnection, id: i64, values: &EntryValues) -> StoreResult<()> {
    let changed = diesel::update(attendances::table.find(id))
        .set((
            attendances::user_id.eq(values.user.0),
            attendances::event_id.eq(DbUuid(values.event.0)),
            attendances::status.eq(values.status.as_str()),
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
