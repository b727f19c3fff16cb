//! The `events` repository: creating, reading, changing and deleting
//! events; listings are in `list.rs`.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::{Event, EventDetail, EventId, EventName, EventPlan, User, UserId};

use crate::attendances::{self, AttendanceQuery};
use crate::rows::{capacity_to_db, guests_to_db, EventRow, UserRow, USER_COLUMNS};
use crate::sql::schema::{event_version, event_versions, events, users};
use crate::sql::types::DbUuid;
use crate::time::to_db;
use crate::users::found;
use crate::versions::Versioned;
use crate::{now, DbConnection, StoreResult};

mod filter;
mod list;

pub use list::{
    count, distinct_dates, list, list_page, page_counted, plain_page_versioned, EventFilter,
    EventOrder, EventPage, EventQuery, EventSortField,
};

/// An event to create.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// What the event is called.
    pub name: EventName,
    /// The day it happens.
    pub date: NaiveDate,
    /// Who organizes it.
    pub organizer_id: Option<UserId>,
    /// Its time, place, seats and RSVP window.
    pub plan: EventPlan,
}

/// Changes to an event; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EventChanges {
    /// A new name.
    pub name: Option<EventName>,
    /// A new date.
    pub date: Option<NaiveDate>,
    /// A new organizer (`Some(None)` removes it).
    pub organizer_id: Option<Option<UserId>>,
    /// A new plan, replacing the whole of the old one. A capacity change
    /// frees seats: make it through [`crate::seats::update_event`], which
    /// promotes the waitlist in the same transaction.
    pub plan: Option<EventPlan>,
}

/// Creates an event with a fresh id.
pub fn create(conn: &mut DbConnection, new: &NewEvent) -> StoreResult<Event> {
    let row = EventRow::new(EventId::new_random(), new, to_db(now()));
    native!(conn, c => diesel::insert_into(events::table)
        .values(&row)
        .returning(events::all_columns)
        .get_result::<EventRow>(c))?
    .try_into()
}

/// Creates many events at once (bulk loads, seeding), in batches, and
/// returns their ids in order.
pub fn create_many(conn: &mut DbConnection, new: &[NewEvent]) -> StoreResult<Vec<EventId>> {
    // Sixteen parameters a row; PostgreSQL allows 65535 per statement.
    const BATCH: usize = 4_000;
    let at = to_db(now());
    let mut ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(BATCH) {
        let rows: Vec<EventRow> = chunk
            .iter()
            .map(|event| EventRow::new(EventId::new_random(), event, at))
            .collect();
        ids.extend(rows.iter().map(|row| EventId(row.id.0)));
        // Multi-row inserts do not compile on the multi-backend connection.
        native!(conn, c => diesel::insert_into(events::table).values(&rows).execute(c))?;
    }
    Ok(ids)
}

/// The event with this id.
pub fn get(conn: &mut DbConnection, id: EventId) -> StoreResult<Event> {
    native!(conn, c => events::table.find(DbUuid(id.0)).first::<EventRow>(c))?.try_into()
}

/// The event with its organizer, every attendance with its user (oldest
/// answer first), the counts and the seats taken, in a constant number of
/// queries whatever the number of attendances.
pub fn get_detail(conn: &mut DbConnection, id: EventId) -> StoreResult<EventDetail> {
    Ok(get_detail_versioned(conn, id)?.value)
}

/// [`get_detail`] with the event's version it is at least as new as: read in
/// the same statement as the event, and the answers after it.
pub fn get_detail_versioned(
    conn: &mut DbConnection,
    id: EventId,
) -> StoreResult<Versioned<EventDetail>> {
    // The event's version comes in the same statement as the event; its
    // answers are read after it, so they are at least as new.
    let found = events::table.find(DbUuid(id.0)).left_join(users::table);
    let (event, organizer, version) = match conn {
        DbConnection::Pg(pg) => found
            .left_join(event_version::table.on(event_version::event_id.eq(events::id)))
            .select((
                events::all_columns,
                USER_COLUMNS.nullable(),
                event_version::version.nullable(),
            ))
            .first::<(EventRow, Option<UserRow>, Option<i64>)>(pg)?,
        DbConnection::Sqlite(c) => found
            .left_join(
                event_versions::table.on(event_versions::event_id
                    .eq(events::id)
                    .and(event_versions::shard.eq(0))),
            )
            .select((
                events::all_columns,
                USER_COLUMNS.nullable(),
                event_versions::version.nullable(),
            ))
            .first::<(EventRow, Option<UserRow>, Option<i64>)>(c)?,
    };
    // An event never changed since its creation has no version row.
    let version = version.unwrap_or(0);
    let event = Event::try_from(event)?;
    let attendances = attendances::list_for_event(conn, id, &AttendanceQuery::default())?;
    // Counted from the rows already loaded: no further query.
    let mut counts = domain::AttendanceCounts::default();
    let mut seats_taken = 0u32;
    for detail in &attendances {
        let answer = &detail.attendance;
        match (answer.status, answer.waitlist_position) {
            (domain::AttendanceStatus::Going, None) => {
                counts.going += 1;
                seats_taken = seats_taken.saturating_add(answer.guests.party());
            }
            (domain::AttendanceStatus::Going, Some(_)) => counts.waitlisted += 1,
            (domain::AttendanceStatus::Maybe, _) => counts.maybe += 1,
            (domain::AttendanceStatus::NotGoing, _) => counts.not_going += 1,
        }
    }
    Ok(Versioned {
        version,
        value: EventDetail {
            event,
            organizer: organizer.map(User::try_from).transpose()?,
            attendances,
            counts,
            seats_taken,
        },
    })
}

/// Applies `changes` to the event and bumps its `updated_at`, and its
/// calendar `sequence` when the name, date, times, location or
/// cancellation change.
pub fn update(conn: &mut DbConnection, id: EventId, changes: &EventChanges) -> StoreResult<Event> {
    let before = get(conn, id)?;
    let updated: Event = diesel::update(events::table.find(DbUuid(id.0)))
        .set((
            changes
                .name
                .as_ref()
                .map(|name| events::name.eq(name.as_str())),
            changes.date.map(|date| events::date.eq(date)),
            changes
                .organizer_id
                .map(|organizer| events::organizer_id.eq(organizer.map(|id| id.0))),
            changes.plan.as_ref().map(plan_columns),
            events::updated_at.eq(to_db(now())),
        ))
        .returning(events::all_columns)
        .get_result::<EventRow>(conn)?
        .try_into()?;
    if !before.calendar_differs(&updated) {
        return Ok(updated);
    }
    diesel::update(events::table.find(DbUuid(id.0)))
        .set(events::sequence.eq(events::sequence + 1))
        .returning(events::all_columns)
        .get_result::<EventRow>(conn)?
        .try_into()
}

/// The columns of a plan, for an update.
#[allow(clippy::type_complexity, reason = "the tuple diesel's changeset takes")]
fn plan_columns(
    plan: &EventPlan,
) -> (
    diesel::dsl::Eq<events::description, String>,
    diesel::dsl::Eq<events::location, String>,
    diesel::dsl::Eq<events::timezone, &'static str>,
    diesel::dsl::Eq<events::starts_at, Option<chrono::NaiveDateTime>>,
    diesel::dsl::Eq<events::ends_at, Option<chrono::NaiveDateTime>>,
    diesel::dsl::Eq<events::capacity, Option<i32>>,
    diesel::dsl::Eq<events::max_guests, i32>,
    diesel::dsl::Eq<events::rsvp_opens_at, Option<chrono::NaiveDateTime>>,
    diesel::dsl::Eq<events::rsvp_closes_at, Option<chrono::NaiveDateTime>>,
    diesel::dsl::Eq<events::cancelled, bool>,
) {
    (
        events::description.eq(plan.description.clone()),
        events::location.eq(plan.location.clone()),
        events::timezone.eq(plan.timezone.name()),
        events::starts_at.eq(plan.schedule.starts_at().map(to_db)),
        events::ends_at.eq(plan.schedule.ends_at().map(to_db)),
        events::capacity.eq(plan.capacity.map(capacity_to_db)),
        events::max_guests.eq(guests_to_db(plan.max_guests)),
        events::rsvp_opens_at.eq(plan.rsvp.opens_at().map(to_db)),
        events::rsvp_closes_at.eq(plan.rsvp.closes_at().map(to_db)),
        events::cancelled.eq(plan.cancelled),
    )
}

/// Deletes the event and, by cascade, its attendances.
pub fn delete(conn: &mut DbConnection, id: EventId) -> StoreResult<()> {
    let deleted = diesel::delete(events::table.find(DbUuid(id.0))).execute(conn)?;
    found(deleted)
}
