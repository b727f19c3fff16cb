//! Event listings: filters, orderings and pages, with the number of events
//! a filter matches; the filter's SQL is in `filter.rs`.

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use domain::{EventSummary, User, UserId};

use super::filter::{by_trigram_reach, filtered, search_terms, SearchPlan};
use crate::rows::{EventRow, UserRow, USER_COLUMNS};
use crate::sql::literal_page::LiteralLimit;
use crate::sql::page::page_bounds;
use crate::sql::schema::{event_total, events, events_name_search, users};
use crate::sql::search::trigram_query;
use crate::versions::{self, Versioned};
use crate::{Backend, DbConnection, StoreResult};

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

/// Events matching the query, each with its organizer, in one query.
pub fn list(conn: &mut DbConnection, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
    list_planned(conn, query, SearchPlan::ByMatches)
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
    if offset > 0 {
        // Past the first page, the skipped events are walked in the
        // (date, id) index alone and only the page's rows are read from
        // the table (a deferred join); a plain OFFSET reads every skipped
        // row from the table too.
        let walked = diesel::alias!(events as walked);
        let page_ids = walked
            .select(walked.field(events::id))
            .order((
                walked.field(events::date).asc(),
                walked.field(events::id).asc(),
            ))
            .limit(limit)
            .offset(offset);
        let deferred = page.filter(events::id.eq_any(page_ids));
        return Ok(native!(conn, c => deferred.load(c))?);
    }
    Ok(match conn {
        DbConnection::Pg(pg) => match LiteralLimit::first_page(page, limit, offset) {
            Some(first) => first.load(pg)?,
            None => page.limit(limit).load(pg)?,
        },
        // SQLite keeps one plan whatever is bound (QPSG).
        DbConnection::Sqlite(c) => page.limit(limit).load(c)?,
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
