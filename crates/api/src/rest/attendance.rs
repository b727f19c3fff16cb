//! `/api/events/{id}/change_attendee_status/` and `/api/events/{id}/attendances/`.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::{AttendanceDetail, AttendanceStatus, Guests};
use store::attendances::AttendanceQuery;
use store::rsvp::{Answer, RsvpError};
use store::versions::Scope;
use store::StoreError;

use crate::http::body::read_fields;
use crate::http::conditional::{respond, Validator};
use crate::http::event_path::{event_id, event_not_found};
use crate::http::fields::{FieldErrors, Form};
use crate::http::identity::{AuthUser, Caller};
use crate::http::json::ATTENDANCE_BYTES;
use crate::http::query::{Pagination, QueryParams};
use crate::http::routes::{get, resource, Access};
use crate::http::values::{boolean, integer};
use crate::rest::page::listing_response;
use crate::rest::representations::{
    AttendanceBody, AttendanceListBody, DetailBody, FieldErrorsBody, StatusChoice,
};
use crate::state::State;
use crate::{with_conn, with_pool, ApiError};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(
            "/events/{id}/change_attendee_status/",
            "Change Attendee Status",
            "POST, OPTIONS",
            Access::ReadOnlyForAnonymous,
        )
        .route(web::post().to(change_status)),
    )
    .service(
        resource(
            "/events/{id}/attendances/",
            "Attendances",
            "GET, HEAD, OPTIONS",
            Access::ReadOnlyForAnonymous,
        )
        .route(get().to(list)),
    );
}

/// The body of `change_attendee_status`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct StatusInput {
    /// The answer.
    #[schema(value_type = StatusChoice)]
    status: String,
    /// Guests brought along (default 0, at most the event's `max_guests`).
    #[schema(minimum = 0, maximum = 20)]
    guests: Option<u32>,
}

/// Sets the caller's answer for the event (one row per user and event).
#[utoipa::path(
    post, path = "/api/events/{id}/change_attendee_status/", tag = "attendance",
    operation_id = "events_change_attendee_status_create",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    request_body = StatusInput,
    responses(
        (status = 200, description = "The caller's answer as saved", body = AttendanceBody),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn change_status(
    req: HttpRequest,
    payload: web::Payload,
    path: web::Path<String>,
    State(state): State,
    AuthUser(user): AuthUser,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let body = read_fields(&req, payload, state.config.max_body_bytes).await;
    let user_id = user.id;
    let outcome = with_pool(&state.pool, move |pool| {
        let answer = match body.and_then(|data| parse_answer(&data)) {
            Ok(answer) => answer,
            Err(invalid) => {
                // A missing event is a 404 whatever the body says. The
                // answer itself finds the event missing too, so a valid
                // body costs no separate lookup.
                let mut conn = pool.get()?;
                store::events::get(&mut conn, id).map_err(event_not_found)?;
                return Err(invalid);
            }
        };
        store::rsvp::answer(pool, id, user_id, answer, mailer::seat_available).map_err(rsvp_error)
    })
    .await?;
    if outcome.promoted > 0 {
        state.wake_mailer();
    }
    let attendance = outcome.attendance;
    Ok(HttpResponse::Ok().json(AttendanceBody::from(&AttendanceDetail { user, attendance })))
}

/// The answer in a `change_attendee_status` body, checked field by field.
fn parse_answer(data: &serde_json::Map<String, serde_json::Value>) -> Result<Answer, ApiError> {
    let mut form = Form::new(data, false);
    let status = form.choice("status", str::parse::<AttendanceStatus>);
    let guests = form
        .optional("guests", |raw| Guests::new(integer(raw)?, Guests::MAX))
        .unwrap_or_default();
    let status = form.finish_with(|| status)?;
    Ok(Answer { status, guests })
}

/// The contract's answer to a refused RSVP.
fn rsvp_error(err: RsvpError) -> ApiError {
    let field_error = |field: &str, message: String| {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        ApiError::Validation(errors)
    };
    match err {
        RsvpError::Refused(refusal) => field_error("non_field_errors", refusal.to_string()),
        too_many @ RsvpError::TooManyGuests { .. } => field_error("guests", too_many.to_string()),
        full @ RsvpError::NotEnoughSeats { .. } => field_error("guests", full.to_string()),
        // The event deleted meanwhile: gone, or a broken reference.
        RsvpError::Store(StoreError::NotFound | StoreError::Conflict(_)) => {
            ApiError::NotFound(crate::http::error::NO_EVENT)
        }
        RsvpError::Store(other) => other.into(),
    }
}

/// The event's attendances, optionally by status, optionally paginated.
#[utoipa::path(
    get, path = "/api/events/{id}/attendances/", tag = "attendance",
    operation_id = "events_attendances_list",
    params(
        ("id" = uuid::Uuid, Path, description = "The event's id"),
        ("status" = Option<StatusChoice>, Query, description = "Only this answer"),
        ("waitlisted" = Option<bool>, Query, description = "`true`: only the waitlist, in queue order; `false`: everyone else"),
        ("limit" = Option<i64>, Query, description = "Page size (at most 1000); turns on the paginated envelope"),
        ("offset" = Option<i64>, Query, description = "Attendances to skip"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer: 304 while it is current"),
    ),
    responses(
        (status = 200, description = "A bare array, or a page when `limit` is given or PAGE_SIZE is set", body = AttendanceListBody, headers(("ETag" = String, description = "Send it back in `If-None-Match` to get a 304 while nothing changed"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is still current", headers(("ETag" = String, description = "The current tag"))),
        (status = 400, description = "A bad filter value", body = FieldErrorsBody),
        (status = 404, description = "No such event", body = DetailBody),
    ),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn list(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let params = QueryParams::of(&req);
    // Judged after the event is found, as DRF looks up the object first.
    let status = match params.non_empty("status") {
        Some(raw) => raw.parse::<AttendanceStatus>().map(Some).map_err(|_| {
            let mut errors = FieldErrors::default();
            errors.add(
                "status",
                format!("Select a valid choice. {raw} is not one of the available choices."),
            );
            ApiError::Validation(errors)
        }),
        None => Ok(None),
    };
    let waitlisted = match params.non_empty("waitlisted") {
        Some(raw) => boolean(&serde_json::Value::String(raw.to_owned()))
            .map(Some)
            .map_err(|err| {
                let mut errors = FieldErrors::default();
                errors.add("waitlisted", err.to_string());
                ApiError::Validation(errors)
            }),
        None => Ok(None),
    };
    let page = Pagination::of(&params, state.config.page_size);
    let validator = Validator::of(&req, &state.bodies);
    let fresh = with_conn(&state.pool, move |conn| {
        validator.load(conn, Scope::Event(id), |conn| {
            store::events::get(conn, id).map_err(event_not_found)?;
            let query = AttendanceQuery {
                status: status?,
                waitlisted: waitlisted?,
                limit: page.map(|p| p.limit),
                offset: page.map_or(0, |p| p.offset),
            };
            let count = match page {
                Some(_) => Some(store::attendances::count_matching(conn, id, &query)?),
                None => None,
            };
            Ok((count, store::attendances::list_for_event(conn, id, &query)?))
        })
    })
    .await?;
    Ok(respond(fresh, |(count, rows)| {
        let results: Vec<AttendanceBody> = rows.iter().map(AttendanceBody::from).collect();
        let size = 256 + ATTENDANCE_BYTES * results.len();
        let paged = page.zip(count);
        listing_response(
            &req,
            paged,
            results,
            size,
            AttendanceListBody::Page,
            AttendanceListBody::All,
        )
    }))
}
