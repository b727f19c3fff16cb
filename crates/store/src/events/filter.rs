//! The SQL of an event filter: the search terms (PostgreSQL's trigram
//! index on `lower(name)`, SQLite's FTS5 trigram table or LIKE), the dates
//! and the organizer.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::list::EventFilter;
use crate::db::connection::MultiBackend;
use crate::sql::functions::lower;
use crate::sql::schema::{events, users};
use crate::sql::search::{like_pattern, terms, trigram_query, TRIGRAM};
use crate::Backend;

/// How a SQLite listing with indexed search terms finds its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchPlan {
    /// Look up every match, then sort them: for few matches.
    ByMatches,
    /// Walk the sort order's index, keeping matches, until the page is
    /// full: for many matches, where that stops after a few rows.
    InOrder,
}

pub(super) type FilteredEvents<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::LeftJoin<events::table, users::table>, MultiBackend>;

/// The terms of an event search: separated by whitespace or commas.
pub(super) fn search_terms(search: Option<&str>) -> Vec<String> {
    terms(search, &[','])
}

/// The terms long enough for the trigram index, and the shorter ones.
pub(super) fn by_trigram_reach(terms: &[String]) -> (Vec<&str>, Vec<&str>) {
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

pub(super) fn filtered(
    filter: &EventFilter,
    backend: Backend,
    plan: SearchPlan,
) -> FilteredEvents<'static> {
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
