//! `/api/events/`: list, create, retrieve, replace, patch and delete events.

use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use auth::Decision;
use domain::{EventDetail, UserId};
use futures_util::future::LocalBoxFuture;
use serde_json::{json, Value};
use store::events::{EventChanges, EventFilter, EventQuery, NewEvent};
use store::versions::{Scope, Versioned};
use store::OptionalExt;
use store::StoreError;

use crate::http::body::read_fields;
use crate::http::conditional::{respond, Validator};
use crate::http::event_path::{event_id, event_not_found};
use crate::http::fields::FieldErrors;
use crate::http::identity::{AuthUser, Caller};
use crate::http::json::{json_response, ATTENDANCE_BYTES, EVENT_BYTES};
use crate::http::kept::Kept;
use crate::http::query::{event_ordering, Pagination, QueryParams};
use crate::http::routes::{get, resource_with_actions, Access};
use crate::rest::event_input::{event_fields_metadata, read_event, EventInput, PatchedEventInput};
use crate::rest::representations::{
    DetailBody, EventBody, EventDetailBody, EventListBody, FieldErrorsBody, Page,
};
use crate::state::State;
use crate::{with_conn, with_write, ApiError};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource_with_actions(
            "/events/",
            "Event List",
            "GET, POST, HEAD, OPTIONS",
            Access::ReadOnlyForAnonymous,
            Some(list_actions),
        )
        .route(get().to(list))
        .route(web::post().to(create)),
    )
    .service(
        resource_with_actions(
            "/events/{id}/",
            "Event Instance",
            "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
            Access::ReadOnlyForAnonymous,
            Some(detail_actions),
        )
        .route(get().to(retrieve))
        .route(web::put().to(update))
        .route(web::patch().to(partial_update))
        .route(web::delete().to(destroy)),
    );
}

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
        match (page, count) {
            (Some(page), Some(count)) => {
                let (next, previous) = page.links(&req, count);
                let page = EventListBody::Page(Page {
                    count,
                    next,
                    previous,
                    results,
                });
                json_response(StatusCode::OK, &page, size)
            }
            _ => json_response(StatusCode::OK, &EventListBody::All(results), size),
        }
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
fn list_actions(req: HttpRequest) -> LocalBoxFuture<'static, Result<Option<Value>, ApiError>> {
    Box::pin(async move {
        let caller = Caller::extract(&req).await?;
        Ok(caller
            .user
            .is_some()
            .then(|| json!({ "POST": event_fields_metadata() })))
    })
}

/// OPTIONS on an event: its organizer may PUT (DRF checks the object's
/// permission for it); others see no actions.
fn detail_actions(req: HttpRequest) -> LocalBoxFuture<'static, Result<Option<Value>, ApiError>> {
    Box::pin(async move {
        let caller = Caller::extract(&req).await?;
        let Some(caller_id) = caller.id() else {
            return Ok(None);
        };
        let Ok(id) = event_id(req.match_info().get("id").unwrap_or_default()) else {
            return Ok(None);
        };
        let state = crate::state::state_of(&req)?;
        // DRF leaves the actions out when the object is not found.
        let event = with_conn(&state.pool, move |conn| {
            Ok(store::events::get(conn, id).optional()?)
        })
        .await?;
        let organizes = event.is_some_and(|event| event.organizer_id == Some(caller_id));
        Ok(organizes.then(|| json!({ "PUT": event_fields_metadata() })))
    })
}

/// Creates an event organized by the caller.
#[utoipa::path(
    post, path = "/api/events/", tag = "events", operation_id = "events_create",
    request_body = EventInput,
    responses((status = 201, description = "Created, with the caller as organizer", body = EventDetailBody)),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn create(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
    AuthUser(user): AuthUser,
) -> Result<HttpResponse, ApiError> {
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let written = read_event(&data, false, None, false)?;
    let (Some(name), Some(date)) = (written.name, written.date) else {
        return Err(ApiError::Internal(
            "a full event write passed without its name or date".to_owned(),
        ));
    };
    let new = NewEvent {
        name,
        date,
        organizer_id: Some(user.id),
        plan: written.plan,
    };
    let organizer = user.clone();
    // The organizer's mail is queued in the event's own transaction: both
    // are saved, or neither.
    let event = with_write(&state.pool, move |conn| {
        let event = store::events::create(conn, &new)?;
        if let Some(message) = mailer::event_created(&event, &organizer) {
            store::outbox::enqueue(conn, &message, store::now())?;
        }
        Ok(event)
    })
    .await?;
    state.wake_mailer();
    let detail = EventDetail {
        event,
        organizer: Some(user),
        attendances: Vec::new(),
        counts: Default::default(),
        seats_taken: 0,
    };
    Ok(detail_response(StatusCode::CREATED, &detail))
}

/// An event with its organizer and attendances.
#[utoipa::path(
    get, path = "/api/events/{id}/", tag = "events", operation_id = "events_retrieve",
    params(
        ("id" = uuid::Uuid, Path, description = "The event's id"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer: 304 while it is current"),
    ),
    responses(
        (status = 200, description = "The event", body = EventDetailBody, headers(("ETag" = String, description = "Send it back in `If-None-Match` to get a 304 while nothing changed"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is still current", headers(("ETag" = String, description = "The current tag"))),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn retrieve(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let validator = Validator::of(&req, &state.bodies);
    let fresh = with_conn(&state.pool, move |conn| {
        validator.load_versioned(conn, Scope::Event(id), |conn| {
            store::events::get_detail_versioned(conn, id).map_err(event_not_found)
        })
    })
    .await?;
    Ok(respond(fresh, |detail| {
        detail_response(StatusCode::OK, &detail)
    }))
}

/// Replaces an event: every writable field, as on create; organizer only.
#[utoipa::path(
    put, path = "/api/events/{id}/", tag = "events", operation_id = "events_update",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    request_body = EventInput,
    responses(
        (status = 200, description = "The event as saved", body = EventDetailBody),
        (status = 403, description = "Not the organizer, or a session caller's CSRF check failed", body = DetailBody),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn update(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    state: State,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    write(req, payload, path, state, caller, false).await
}

/// Changes the fields given and keeps the rest; organizer only.
#[utoipa::path(
    patch, path = "/api/events/{id}/", tag = "events", operation_id = "events_partial_update",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    request_body = PatchedEventInput,
    responses(
        (status = 200, description = "The event as saved", body = EventDetailBody),
        (status = 403, description = "Not the organizer, or a session caller's CSRF check failed", body = DetailBody),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn partial_update(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    state: State,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    write(req, payload, path, state, caller, true).await
}

/// PUT (`partial` false) or PATCH.
async fn write(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    State(state): State,
    caller: Caller,
    partial: bool,
) -> Result<HttpResponse, ApiError> {
    let caller_id = permitted_caller(&req, &caller)?;
    let id = event_id(&path)?;
    // Read now, judged after the permission checks, as DRF orders them.
    let body = read_fields(&req, payload, state.config.max_body_bytes).await;
    let method = method_of(&req);
    let detail = with_write(&state.pool, move |conn| {
        let event = store::seats::lock_event(conn, id).map_err(event_not_found)?;
        check(auth::is_organizer_or_read_only(
            method,
            Some(caller_id),
            Some(event.organizer_id),
        ))?;
        let written = read_event(&body?, partial, Some(&event), true)?;
        let changes = EventChanges {
            name: written.name,
            date: written.date,
            organizer_id: None,
            plan: Some(written.plan),
        };
        // Notices, and seats a raised capacity frees, in this transaction.
        store::seats::update_event(conn, id, &changes, mailer::CHANGE_MAILS)?;
        Ok(store::events::get_detail(conn, id)?)
    })
    .await?;
    state.wake_mailer();
    Ok(detail_response(StatusCode::OK, &detail))
}

/// Deletes an event and its attendances; organizer only.
#[utoipa::path(
    delete, path = "/api/events/{id}/", tag = "events", operation_id = "events_destroy",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    responses(
        (status = 204, description = "Deleted, with its attendances"),
        (status = 403, description = "Not the organizer, or a session caller's CSRF check failed", body = DetailBody),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn destroy(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let caller_id = permitted_caller(&req, &caller)?;
    let id = event_id(&path)?;
    let method = method_of(&req);
    with_write(&state.pool, move |conn| {
        let event = store::events::get(conn, id).map_err(event_not_found)?;
        check(auth::is_organizer_or_read_only(
            method,
            Some(caller_id),
            Some(event.organizer_id),
        ))?;
        Ok(store::events::delete(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An event's detail as the response body.
fn detail_response(status: StatusCode, detail: &EventDetail) -> HttpResponse {
    let size = EVENT_BYTES + ATTENDANCE_BYTES * detail.attendances.len();
    json_response(status, &EventDetailBody::from(detail), size)
}

/// The view-level permission check: only a logged-in user may write.
fn permitted_caller(req: &HttpRequest, caller: &Caller) -> Result<UserId, ApiError> {
    check(auth::is_organizer_or_read_only(
        method_of(req),
        caller.id(),
        None,
    ))?;
    caller.id().ok_or(ApiError::NotAuthenticated)
}

pub(crate) fn method_of(req: &HttpRequest) -> auth::Method {
    auth::Method::parse(req.method().as_str()).unwrap_or(auth::Method::Post)
}

pub(crate) fn check(decision: Decision) -> Result<(), ApiError> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::Unauthenticated => Err(ApiError::NotAuthenticated),
        Decision::Forbidden => Err(ApiError::Forbidden(
            "You do not have permission to perform this action.".to_owned(),
        )),
    }
}
