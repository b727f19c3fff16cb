//! `/api/events/`: list, create, retrieve, replace, patch and delete events.

use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use auth::Decision;
use domain::{EventDetail, UserId};
use futures_util::future::LocalBoxFuture;
use serde_json::{json, Value};
use store::events::{EventChanges, NewEvent};
use store::versions::Scope;
use store::OptionalExt;

use crate::http::body::read_fields;
use crate::http::conditional::{respond, Validator};
use crate::http::event_path::{event_id, event_not_found};
use crate::http::identity::{AuthUser, Caller};
use crate::http::json::{json_response, ATTENDANCE_BYTES, EVENT_BYTES};
use crate::http::routes::{get, resource_with_actions, Access};
use crate::rest::event_input::{event_fields_metadata, read_event, EventInput, PatchedEventInput};
use crate::rest::representations::{DetailBody, EventDetailBody};
use crate::state::State;
use crate::{with_conn, with_write, ApiError};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource_with_actions(
            "/events/",
            "Event List",
            "GET, POST, HEAD, OPTIONS",
            Access::ReadOnlyForAnonymous,
            Some(super::event_list::list_actions),
        )
        .route(get().to(super::event_list::list))
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
