//! The `events` repository.

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use domain::{Event, EventDetail, EventId, EventName, EventPlan, EventSummary, User, UserId};

use crate::attendances::{self, AttendanceQuery};
use crate::connection::MultiBackend;
use crate::literal_page::LiteralLimit;
use crate::rows::{capacity_to_db, guests_to_db, EventRow, UserRow, USER_COLUMNS};
use crate::schema::{
    event_total, event_version, event_versions, events, events_name_search, users,
};
use crate::search::{like_pattern, terms, trigram_query, TRIGRAM};
use crate::sql_functions::lower;
use crate::sql_types::DbUuid;
use crate::time::to_db;
use crate::users::found;
use crate::versions::{self, Versioned};
use crate::{now, Backend, DbConnection, StoreResult};

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

/// A field events can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSortField {
    /// The event's date.
    Date,
    /// The event's name.
    Name,
    /// The organizer's username.
    Organizer,
}

/// One sort key of an event listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventOrder {
    /// The field sorted by.
    pub field: EventSortField,
    /// Largest first.
    pub descending: bool,
}

impl EventOrder {
    /// Smallest first by `field`.
    pub fn ascending(field: EventSortField) -> Self {
        Self {
            field,
            descending: false,
        }
    }

    /// Largest first by `field`.
    pub fn descending(field: EventSortField) -> Self {
        Self {
            field,
            descending: true,
        }
    }
}

/// Which events a listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EventFilter {
    /// Terms (separated by whitespace or commas) that must each be a
    /// case-insensitive substring of the name.
    pub search: Option<String>,
    /// Exactly this date.
    pub date: Option<NaiveDate>,
    /// On or after this date.
    pub date_after: Option<NaiveDate>,
    /// On or before this date.
    pub date_before: Option<NaiveDate>,
    /// Organized by this user.
    pub organizer: Option<UserId>,
}

impl EventFilter {
    /// Whether the filter lets every event through.
    pub fn is_empty(&self) -> bool {
        search_terms(self.search.as_deref()).is_empty() && self.searches_only()
    }

    /// Whether nothing but the search narrows the listing.
    fn searches_only(&self) -> bool {
        self.date.is_none()
            && self.date_after.is_none()
            && self.date_before.is_none()
            && self.organizer.is_none()
    }
}

/// A listing request: filter, sort keys and page bounds.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Which events.
    pub filter: EventFilter,
    /// Sort keys, most significant first; empty means by date. Ties are broken by id.
    pub ordering: Vec<EventOrder>,
    /// At most this many events; `None` for all.
    pub limit: Option<i64>,
    /// Skip this many events first.
    pub offset: i64,
}

/// One page of a listing and the number of events matching the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    /// Events matching the filter, on every page.
    pub total: i64,
    /// This page's events.
    pub events: Vec<EventSummary>,
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

/// Events matching the query, each with its organizer, in one query.
pub fn list(conn: &mut DbConnection, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
    list_planned(conn, query, SearchPlan::ByMatches)
}

/// How a SQLite listing with indexed search terms finds its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchPlan {
    /// Look up every match, then sort them: for few matches.
    ByMatches,
    /// Walk the sort order's index, keeping matches, until the page is
    /// full: for many matches, where that stops after a few rows.
    InOrder,
}

fn list_planned(
    conn: &mut DbConnection,
    query: &EventQuery,
    plan: SearchPlan,
) -> StoreResult<Vec<EventSummary>> {
    let default_order = [EventOrder {
        field: EventSortField::Date,
        descending: false,
    }];
    if let Some((limit, offset)) = plain_page(query) {
        let rows = plain_page_rows(conn, limit, offset)?
            .into_iter()
            .map(|(event, organizer, _, _)| (event, organizer))
            .collect();
        return summaries(rows);
    }
    let mut select = filtered(&query.filter, conn.backend(), plan)
        .select((events::all_columns, USER_COLUMNS.nullable()));
    if let Some((limit, offset)) = page_bounds(query.limit, query.offset) {
        select = select.limit(limit).offset(offset);
    }
    let keys = if query.ordering.is_empty() {
        &default_order[..]
    } else {
        &query.ordering[..]
    };
    for key in keys {
        select = match (key.field, key.descending) {
            (EventSortField::Date, false) => select.then_order_by(events::date.asc()),
            (EventSortField::Date, true) => select.then_order_by(events::date.desc()),
            (EventSortField::Name, false) => select.then_order_by(events::name.asc()),
            (EventSortField::Name, true) => select.then_order_by(events::name.desc()),
            (EventSortField::Organizer, false) => select.then_order_by(users::username.asc()),
            (EventSortField::Organizer, true) => select.then_order_by(users::username.desc()),
        };
    }
    // Ties go by id ascending whatever the keys' direction, as Django's
    // ordering does; indexes on (date DESC, id) and (name DESC, id) serve
    // the descending sorts.
    select = select.then_order_by(events::id.asc());
    summaries(select.load::<(EventRow, Option<UserRow>)>(conn)?)
}

/// The bounds of a page of every event by date, the most common listing,
/// which has fixed (statement-cached) queries of its own.
fn plain_page(query: &EventQuery) -> Option<(i64, i64)> {
    let by_date = match query.ordering.as_slice() {
        [] => true,
        [only] => *only == EventOrder::ascending(EventSortField::Date),
        _ => false,
    };
    match (query.filter.is_empty(), by_date) {
        (true, true) => page_bounds(query.limit, query.offset),
        _ => None,
    }
}

/// An event of a plain page, its organizer, and the listings' version and the
/// events total, read in the same statement.
type PlainRow = (EventRow, Option<UserRow>, Option<i64>, Option<i64>);

/// A page of every event by date. Diesel keeps prepared statements only for
/// fixed (unboxed) SQL, and this, the most common listing, has its own.
fn plain_page_rows(conn: &mut DbConnection, limit: i64, offset: i64) -> StoreResult<Vec<PlainRow>> {
    let page = events::table
        .left_join(users::table)
        .select((
            events::all_columns,
            USER_COLUMNS.nullable(),
            versions::listings_subselect(),
            event_total::table
                .select(event_total::row_count)
                .single_value(),
        ))
        .order((events::date.asc(), events::id.asc()));
    Ok(match conn {
        DbConnection::Pg(pg) => match LiteralLimit::first_page(page, limit, offset) {
            Some(first) => first.load(pg)?,
            None => page.limit(limit).offset(offset).load(pg)?,
        },
        // SQLite keeps one plan whatever is bound (QPSG).
        DbConnection::Sqlite(c) => page.limit(limit).offset(offset).load(c)?,
    })
}

fn summaries(rows: Vec<(EventRow, Option<UserRow>)>) -> StoreResult<Vec<EventSummary>> {
    rows.into_iter()
        .map(|(event, organizer)| {
            Ok(EventSummary {
                event: event.try_into()?,
                organizer: organizer.map(User::try_from).transpose()?,
            })
        })
        .collect()
}

/// The distinct dates of the events matching the filter, in order.
pub fn distinct_dates(
    conn: &mut DbConnection,
    filter: &EventFilter,
) -> StoreResult<Vec<NaiveDate>> {
    Ok(filtered(filter, conn.backend(), SearchPlan::ByMatches)
        .select(events::date)
        .distinct()
        .order(events::date)
        .load(conn)?)
}

/// How many events match the filter.
pub fn count(conn: &mut DbConnection, filter: &EventFilter) -> StoreResult<i64> {
    if filter.is_empty() {
        // Kept by triggers on `events`: one row instead of a full count.
        return total(conn);
    }
    let terms = search_terms(filter.search.as_deref());
    let (indexed, scanned) = by_trigram_reach(&terms);
    if let (DbConnection::Sqlite(c), true) =
        (&mut *conn, filter.searches_only() && scanned.is_empty())
    {
        // The trigram index alone counts its matches, reading no event.
        return Ok(events_name_search::table
            .filter(
                sql::<Bool>("events_name_search MATCH ").bind::<Text, _>(trigram_query(&indexed)),
            )
            .count()
            .get_result(c)?);
    }
    Ok(filtered(filter, conn.backend(), SearchPlan::ByMatches)
        .count()
        .get_result(conn)?)
}

/// The number of events, kept by triggers.
fn total(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(native!(conn, c => event_total::table
        .select(event_total::row_count)
        .first(c))?)
}

/// One page of events and the total matching, in two queries (three for
/// a SQLite search, which picks its plan by how many events match).
pub fn list_page(conn: &mut DbConnection, query: &EventQuery) -> StoreResult<EventPage> {
    let matching = count(conn, &query.filter)?;
    page_counted(conn, query, matching)
}

/// The page of `query`, whose filter `matching` events match (see
/// [`count`]; a caller may have kept it).
pub fn page_counted(
    conn: &mut DbConnection,
    query: &EventQuery,
    matching: i64,
) -> StoreResult<EventPage> {
    let plan = match (conn.backend(), page_bounds(query.limit, query.offset)) {
        (Backend::Sqlite, Some((limit, offset)))
            if query.filter.search.is_some() && sorted_by_an_index(&query.ordering) =>
        {
            // Walking the order until the page is full visits about
            // (offset + limit) * total / matching rows; looking the matches
            // up visits `matching`. Take the smaller.
            let wanted = offset.saturating_add(limit);
            let all = total(conn)?;
            if wanted.saturating_mul(all) < matching.saturating_mul(matching) {
                SearchPlan::InOrder
            } else {
                SearchPlan::ByMatches
            }
        }
        _ => SearchPlan::ByMatches,
    };
    Ok(EventPage {
        total: matching,
        events: list_planned(conn, query, plan)?,
    })
}

/// A page of every event by date (the most common listing) with the
/// listings' version and the events total, read in the same statement as
/// the page: one query instead of three. `None` for another listing, or a
/// page past the end (which has no row to carry them).
pub fn plain_page_versioned(
    conn: &mut DbConnection,
    query: &EventQuery,
) -> StoreResult<Option<Versioned<EventPage>>> {
    let Some((limit, offset)) = plain_page(query) else {
        return Ok(None);
    };
    let rows = plain_page_rows(conn, limit, offset)?;
    let Some(&(_, _, Some(version), Some(total))) = rows.first() else {
        return Ok(None);
    };
    let rows = rows
        .into_iter()
        .map(|(event, organizer, _, _)| (event, organizer))
        .collect();
    Ok(Some(Versioned {
        version,
        value: EventPage {
            total,
            events: summaries(rows)?,
        },
    }))
}

/// Whether an index serves the sort (date or name, either way; ties by id).
fn sorted_by_an_index(ordering: &[EventOrder]) -> bool {
    match ordering {
        [] => true,
        [only] => only.field != EventSortField::Organizer,
        _ => false,
    }
}

type FilteredEvents<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::LeftJoin<events::table, users::table>, MultiBackend>;

/// The terms of an event search: separated by whitespace or commas.
fn search_terms(search: Option<&str>) -> Vec<String> {
    terms(search, &[','])
}

/// The terms long enough for the trigram index, and the shorter ones.
fn by_trigram_reach(terms: &[String]) -> (Vec<&str>, Vec<&str>) {
    terms
        .iter()
        .map(String::as_str)
        .partition(|term| term.chars().count() >= TRIGRAM)
}

/// `query` narrowed to names holding every term, on SQLite: terms long
/// enough for the trigram index are looked up in it (case folded,
/// Unicode-aware); shorter ones are scanned for with LIKE, which ignores
/// ASCII case.
fn sqlite_search(
    mut query: FilteredEvents<'static>,
    terms: &[String],
    plan: SearchPlan,
) -> FilteredEvents<'static> {
    const MATCHES: &str = "events.rowid IN (SELECT rowid FROM events_name_search \
                           WHERE events_name_search MATCH ";
    let (indexed, scanned) = by_trigram_reach(terms);
    for term in scanned {
        query = query.filter(events::name.like(like_pattern(term)).escape('\\'));
    }
    if indexed.is_empty() {
        return query;
    }
    if plan == SearchPlan::ByMatches {
        return query.filter(
            sql::<Bool>(MATCHES)
                .bind::<Text, _>(trigram_query(&indexed))
                .sql(")"),
        );
    }
    // Walking the order: a unary plus keeps SQLite from starting from the
    // matches' rowids. LIKE is exact for a plain ASCII name and term, so
    // only a name with other characters (which may fold to ASCII) asks
    // the index.
    if !indexed.iter().all(|term| term.is_ascii()) {
        return query.filter(
            sql::<Bool>(&format!("+{MATCHES}"))
                .bind::<Text, _>(trigram_query(&indexed))
                .sql(")"),
        );
    }
    for term in indexed {
        query = query.filter(
            sql::<Bool>("(events.name LIKE ")
                .bind::<Text, _>(like_pattern(term))
                .sql(&format!(
                    " ESCAPE '\\' OR (events.name GLOB '*[^ -~]*' AND +{MATCHES}"
                ))
                .bind::<Text, _>(trigram_query(&[term]))
                .sql(")))"),
        );
    }
    query
}

fn filtered(filter: &EventFilter, backend: Backend, plan: SearchPlan) -> FilteredEvents<'static> {
    let mut query = events::table.left_join(users::table).into_boxed();
    // Like DRF's SearchFilter: every whitespace- or comma-separated term must match.
    let terms = search_terms(filter.search.as_deref());
    match backend {
        // Unicode-aware, and served by the trigram index on lower(name).
        Backend::Postgres => {
            for term in &terms {
                let pattern = like_pattern(term);
                query = query.filter(lower(events::name).like(lower(pattern)).escape('\\'));
            }
        }
        Backend::Sqlite => query = sqlite_search(query, &terms, plan),
    }
    if let Some(date) = filter.date {
        query = query.filter(events::date.eq(date));
    }
    if let Some(after) = filter.date_after {
        query = query.filter(events::date.ge(after));
    }
    if let Some(before) = filter.date_before {
        query = query.filter(events::date.le(before));
    }
    if let Some(organizer) = filter.organizer {
        query = query.filter(events::organizer_id.eq(organizer.0));
    }
    query
}

/// LIMIT and OFFSET for a page, or `None` for "everything". SQLite accepts
/// OFFSET only after a LIMIT, so an offset without a limit gets the largest one.
pub(crate) fn page_bounds(limit: Option<i64>, offset: i64) -> Option<(i64, i64)> {
    match (limit, offset) {
        (None, 0) => None,
        (limit, offset) => Some((limit.unwrap_or(i64::MAX), offset)),
    }
}
