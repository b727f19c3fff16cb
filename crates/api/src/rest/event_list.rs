//! `GET /api/events/`: the event listing, filtered, searched, ordered and
//! paged, with its `ETag`, kept bodies and kept counts.

use actix_web::{FromRequest, HttpRequest, HttpResponse};
use domain::UserId;
use futures_util::future::LocalBoxFuture;
use serde_json::{json, Value};
use store::events::{EventFilter, EventQuery};
use store::versions::{Scope, Versioned};
use store::OptionalExt;
use store::StoreError;

use crate::http::conditional::{respond, Validator};
use crate::http::fields::FieldErrors;
use crate::http::identity::Caller;
use crate::http::json::EVENT_BYTES;
use crate::http::kept::Kept;
use crate::http::query::{event_ordering, Pagination, QueryParams};
use crate::rest::event_input::event_fields_metadata;
use crate::rest::page::listing_response;
use crate::rest::representations::{EventBody, EventListBody, FieldErrorsBody};
use crate::state::State;
use crate::{with_conn, ApiError};

const INVALID_ORGANIZER: &str =
    "Select a valid choice. That choice is not one of the available choices.";

/// Lists events, filtered, searched, ordered and optionally paginated.
#[utoipa::path(
    get, path = "/api/events/", tag = "events", operation_id = "events_list",
    params(
        ("search" = Option<String>, Query, description = "Terms that must each appear in the name (case-insensitive)"),
        ("ordering" = Option<String>, Query, description = "`date`, `-date`, `name`, `-name`, comma-separated"),
        ("date" = Option<chrono::NaiveDate>, Query, description = "Exactly this date (YYYY-MM-DD)"),
        ("date_after" = Option<chrono::NaiveDate>, Query, description = "On or after this date"),
        ("date_before" = Option<chrono::NaiveDate>, Query, description = "On or before this date"),
        ("organizer" = Option<i64>, Query, description = "Organizer's user id"),
        ("limit" = Option<i64>, Query, description = "Page size (at most 1000); turns on the paginated envelope"),
        ("offset" = Option<i64>, Query, description = "Events to skip"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer: 304 while it is current"),
    ),
    responses(
        (status = 200, description = "A bare array, or a page when `limit` is given or PAGE_SIZE is set", body = EventListBody, headers(("ETag" = String, description = "Send it back in `If-None-Match` to get a 304 while nothing changed"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is still current", headers(("ETag" = String, description = "The current tag"))),
        (status = 400, description = "A bad filter value", body = FieldErrorsBody),
    ),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn list(
    req: HttpRequest,
    State(state): State,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let params = QueryParams::of(&req);
    let mut errors = FieldErrors::default();
    let filter = EventFilter {
        search: params.get("search").map(str::to_owned),
        date: params.date("date", &mut errors),
        date_after: params.date("date_after", &mut errors),
        date_before: params.date("date_before", &mut errors),
        organizer: None,
    };
    let organizer = match params.non_empty("organizer").map(str::parse::<i64>) {
        Some(Ok(id)) => Some(UserId(id)),
        Some(Err(_)) => {
            errors.add("organizer", INVALID_ORGANIZER);
            None
        }
        None => None,
    };
    errors.into_result()?;
    let page = Pagination::of(&params, state.config.page_size);
    let query = EventQuery {
        filter: EventFilter {
            organizer,
            ..filter
        },
        ordering: params
            .get("ordering")
            .map(event_ordering)
            .unwrap_or_default(),
        limit: page.map(|p| p.limit),
        offset: page.map_or(0, |p| p.offset),
    };
    let validator = Validator::of(&req, &state.bodies);
    let counts = state.event_counts.clone();
    let fresh = with_conn(&state.pool, move |conn| {
        if let Some(id) = organizer {
            if store::users::get(conn, id).optional()?.is_none() {
                return Err(ApiError::field("organizer", INVALID_ORGANIZER));
            }
        }
        let counted = |found: store::events::EventPage| (Some(found.total), found.events);
        match page {
            Some(_) => validator.load_versioned(conn, Scope::Listings, |conn| {
                Ok(listing_page(conn, &query, &counts)?.map(counted))
            }),
            None => validator.load(conn, Scope::Listings, |conn| {
                Ok((None, store::events::list(conn, &query)?))
            }),
        }
    })
    .await?;
    Ok(respond(fresh, |(count, events)| {
        let results: Vec<EventBody> = events.iter().map(EventBody::from).collect();
        let size = 256 + EVENT_BYTES * results.len();
        let paged = page.zip(count);
        listing_response(
            &req,
            paged,
            results,
            size,
            EventListBody::Page,
            EventListBody::All,
        )
    }))
}

/// A page of `query` with the listings' version it is at least as new as:
/// a page of every event by date in one statement; another listing takes
/// its count from `counts` while the version is the one it was counted at.
fn listing_page(
    conn: &mut store::DbConnection,
    query: &EventQuery,
    counts: &Kept<EventFilter, i64>,
) -> Result<Versioned<store::events::EventPage>, StoreError> {
    if let Some(read) = store::events::plain_page_versioned(conn, query)? {
        return Ok(read);
    }
    let version = store::versions::current(conn, Scope::Listings)?;
    let matching = match counts.get(&query.filter, version) {
        Some(kept) => kept,
        None => {
            let counted = store::events::count(conn, &query.filter)?;
            counts.put(query.filter.clone(), version, counted, 1);
            counted
        }
    };
    Ok(Versioned {
        version,
        value: store::events::page_counted(conn, query, matching)?,
    })
}

/// OPTIONS on the list: any logged-in caller may POST.
pub(crate) fn list_actions(
    req: HttpRequest,
) -> LocalBoxFuture<'static, Result<Option<Value>, ApiError>> {
    Box::pin(async move {
        let caller = Caller::extract(&req).await?;
        Ok(caller
            .user
            .is_some()
            .then(|| json!({ "POST": event_fields_metadata() })))
    })
}
