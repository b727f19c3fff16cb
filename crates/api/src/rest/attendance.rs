//! `/api/events/{id}/change_attendee_status/` and `/api/events/{id}/attendances/`.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::{AttendanceDetail, AttendanceStatus};
use store::attendances::AttendanceQuery;
use store::StoreError;

use crate::http::body::read_fields;
use crate::http::fields::{FieldErrors, Form};
use crate::http::identity::{AuthUser, Caller};
use crate::http::query::{Pagination, QueryParams};
use crate::http::routes::{get, resource, Access};
use crate::rest::events::{event_id, event_not_found};
use crate::rest::representations::{AttendanceBody, AttendancePageBody};
use crate::state::State;
use crate::{with_conn, ApiError};

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
    /// `Going`, `Maybe` or `Not Going`.
    #[schema(example = "Going")]
    status: String,
}

/// Sets the caller's answer for the event (one row per user and event).
#[utoipa::path(
    post, path = "/api/events/{id}/change_attendee_status/", tag = "attendance",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    request_body(content(
        (StatusInput = "application/json"),
        (StatusInput = "application/x-www-form-urlencoded"),
        (StatusInput = "multipart/form-data"),
    )),
    responses(
        (status = 200, body = AttendanceBody),
        (status = 400, body = crate::rest::representations::FieldErrorsBody),
        (status = 401, body = crate::rest::representations::DetailBody),
        (status = 404, body = crate::rest::representations::DetailBody),
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
    let attendance = with_conn(&state.pool, move |conn| {
        store::events::get(conn, id).map_err(event_not_found)?;
        let data = body?;
        let mut form = Form::new(&data, false);
        let status = form.choice("status", str::parse::<AttendanceStatus>);
        let status = form.finish_with(|| status)?;
        // A concurrent delete of the event surfaces as a broken reference.
        store::attendances::upsert(conn, user_id, id, status).map_err(|err| match err {
            StoreError::Conflict(_) => ApiError::NotFound(crate::http::error::NO_EVENT),
            other => other.into(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(AttendanceBody::from(&AttendanceDetail { user, attendance })))
}

/// The event's attendances, optionally by status, optionally paginated.
#[utoipa::path(
    get, path = "/api/events/{id}/attendances/", tag = "attendance",
    params(
        ("id" = uuid::Uuid, Path, description = "The event's id"),
        ("status" = Option<String>, Query, description = "`Going`, `Maybe` or `Not Going`"),
        ("limit" = Option<i64>, Query, description = "Page size (at most 1000); turns on the paginated envelope"),
        ("offset" = Option<i64>, Query, description = "Attendances to skip"),
    ),
    responses(
        (status = 200, description = "A bare array, or a page when `limit` is given or PAGE_SIZE is set", body = Vec<AttendanceBody>),
        (status = 400, body = crate::rest::representations::FieldErrorsBody),
        (status = 404, body = crate::rest::representations::DetailBody),
    )
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
    let page = Pagination::of(&params, state.config.page_size);
    let (count, rows) = with_conn(&state.pool, move |conn| {
        store::events::get(conn, id).map_err(event_not_found)?;
        let status = status?;
        let query = AttendanceQuery {
            status,
            limit: page.map(|p| p.limit),
            offset: page.map_or(0, |p| p.offset),
        };
        let count = match page {
            Some(_) => Some(store::attendances::count_for_event(conn, id, status)?),
            None => None,
        };
        Ok((count, store::attendances::list_for_event(conn, id, &query)?))
    })
    .await?;
    let results: Vec<AttendanceBody> = rows.iter().map(AttendanceBody::from).collect();
    Ok(match (page, count) {
        (Some(page), Some(count)) => {
            let (next, previous) = page.links(&req, count);
            HttpResponse::Ok().json(AttendancePageBody {
                count,
                next,
                previous,
                results,
            })
        }
        _ => HttpResponse::Ok().json(results),
    })
}
