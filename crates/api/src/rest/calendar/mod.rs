//! Calendars: one event as iCalendar, and each user's personal feed of the
//! events they organize or answered Going or Maybe, at an address that
//! works without login (calendar apps cannot log in).

mod ics;
mod vevent;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::client::origin;
use crate::http::event_path::{event_id, event_not_found};
use crate::http::identity::AuthUser;
use crate::http::routes::{get, resource, Access};
use crate::rest::representations::me_body;
use crate::state::State;
use crate::{with_conn, ApiError, ApiState};

use vevent::{write_event, Attendee};

/// The name the personal feed's route is registered under, for its URL.
pub(crate) const FEED_ROUTE: &str = "calendar-feed";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(
            "/events/{id}/calendar.ics",
            "Event Calendar",
            "GET, HEAD, OPTIONS",
            Access::Anyone,
        )
        .route(get().to(event_calendar)),
    )
    .service(
        resource(
            "/calendar/{token}.ics",
            "Calendar Feed",
            "GET, HEAD, OPTIONS",
            Access::Unauthenticated,
        )
        .name(FEED_ROUTE)
        .route(get().to(feed)),
    )
    .service(
        resource(
            "/auth/me/calendar/",
            "Calendar Address",
            "POST, OPTIONS",
            Access::Users,
        )
        .route(web::post().to(rotate)),
    );
}

/// The event as an iCalendar file with one VEVENT.
#[utoipa::path(
    get, path = "/api/events/{id}/calendar.ics", tag = "calendars", operation_id = "events_calendar_retrieve",
    params(("id" = uuid::Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, content_type = "text/calendar", body = String, description = "One VEVENT"),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 404, description = "No such event", body = crate::rest::representations::DetailBody),
    )
)]
pub(crate) async fn event_calendar(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let summary = with_conn(&state.pool, move |conn| {
        let event = store::events::get(conn, id).map_err(event_not_found)?;
        let organizer = match event.organizer_id {
            Some(organizer) => Some(store::users::get(conn, organizer)?),
            None => None,
        };
        Ok(domain::EventSummary { event, organizer })
    })
    .await?;
    let base = origin(&req);
    let mut calendar = ics::Ics::calendar(summary.event.name.as_str());
    write_event(&mut calendar, &base, &summary, None);
    Ok(ics_response(&req, calendar.finish()))
}

/// A user's personal feed.
#[utoipa::path(
    get, path = "/api/calendar/{token}.ics", tag = "calendars", operation_id = "calendar_retrieve",
    params(("token" = String, Path, description = "The secret part of the user's calendar_url")),
    responses(
        (status = 200, content_type = "text/calendar", body = String, description = "The user's events, with alarms"),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 404, description = "No such feed (or a rotated one)", body = crate::rest::representations::DetailBody),
    )
)]
pub(crate) async fn feed(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let hash = auth::feed_token_hash(&path.into_inner());
    let (user, entries) = with_conn(&state.pool, move |conn| {
        let user = match store::users::get_by_calendar_token_hash(conn, &hash) {
            Err(store::StoreError::NotFound) => return Ok(None),
            other => other?,
        };
        let entries = store::calendar::feed(conn, user.id)?;
        Ok(Some((user, entries)))
    })
    .await?
    .ok_or(ApiError::NotFound("Not found."))?;
    let base = origin(&req);
    let mut calendar = ics::Ics::calendar(&format!("Events: {}", user.username));
    for entry in &entries {
        let attendee = entry.answer.map(|answer| Attendee {
            user: &user,
            answer,
        });
        write_event(&mut calendar, &base, &entry.event, Some(attendee));
    }
    Ok(ics_response(&req, calendar.finish()))
}

/// `user`, with the hash of their current feed token on record, so that
/// the address Me shows works. Written once a generation.
pub(crate) async fn with_feed_address(
    state: &ApiState,
    user: domain::User,
) -> Result<domain::User, ApiError> {
    let hash = auth::feed_token_hash(&state.feed_key.token(user.id, user.calendar_generation));
    if user.calendar_token_hash.as_deref() == Some(hash.as_str()) {
        return Ok(user);
    }
    let (id, generation) = (user.id, user.calendar_generation);
    with_conn(&state.pool, move |conn| {
        Ok(store::users::set_calendar_token_hash(
            conn, id, generation, &hash,
        )?)
    })
    .await
}

/// Moves the caller's feed to a new address; the old one answers 404.
#[utoipa::path(
    post, path = "/api/auth/me/calendar/", tag = "calendars", operation_id = "auth_me_calendar_create",
    responses((status = 200, description = "The account with its new calendar_url", body = crate::rest::representations::MeBody)),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn rotate(
    req: HttpRequest,
    AuthUser(user): AuthUser,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let (id, from) = (user.id, user.calendar_generation);
    let hash = auth::feed_token_hash(&state.feed_key.token(id, from + 1));
    let user = with_conn(&state.pool, move |conn| {
        Ok(store::users::rotate_calendar(conn, id, from, &hash)?)
    })
    .await?;
    let user = with_feed_address(&state, user).await?;
    Ok(HttpResponse::Ok().json(me_body(&req, &state, &user)))
}

/// `text/calendar` with a strong ETag over the body; 304 when the client
/// already holds it.
fn ics_response(req: &HttpRequest, body: String) -> HttpResponse {
    let etag = format!("\"{}\"", &auth::sha256_hex(body.as_bytes())[..32]);
    let held = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag);
    if held {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(body)
}
