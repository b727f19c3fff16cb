//! Attendances in the admin: list, add, change, delete.

use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{AttendanceStatus, EventId, EventSummary, User, UserId};
use maud::{html, Markup};
use store::admin_log::Action;
use store::attendance_admin::{AttendanceEntry, AttendanceFilter, AttendanceSortField};
use store::events::{EventOrder, EventQuery, EventSortField};
use store::OptionalExt;
use store::StoreError;

use super::forms::{csrf_token, Posted};
use super::guard::require_staff;
use super::layout::{
    csrf_input, delete_confirmation, field_row, page, redirect_with, respond, take_messages, Frame,
};
use super::listing::{
    self, date_hierarchy, filter, header, pagination, search_box, Params, PER_PAGE,
};
use super::{log, AdminError};
use crate::fields::FieldErrors;
use crate::identity::State;
use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/attendances/", web::get().to(list))
        .route("/attendances/add/", web::get().to(add_form))
        .route("/attendances/add/", web::post().to(add))
        .route("/attendances/{id}/change/", web::get().to(change_form))
        .route("/attendances/{id}/change/", web::post().to(change))
        .route("/attendances/{id}/delete/", web::get().to(delete_form))
        .route("/attendances/{id}/delete/", web::post().to(delete));
}

/// Users and events offered in selects and filters.
const CHOICES_LIMIT: i64 = 500;

fn crumbs(last: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut crumbs = vec![(
        "Attendances".to_owned(),
        Some("/admin/attendances/".to_owned()),
    )];
    crumbs.extend(last.map(|l| (l.to_owned(), None)));
    crumbs
}

fn describe(entry: &AttendanceEntry) -> String {
    format!(
        "Event '{}' - Attendance '{}'",
        entry.event.name, entry.user.username
    )
}

/// The users and events the selects offer: the first users and the latest
/// events, plus those already chosen (`values`), so editing never loses them.
async fn choices(
    state: &ApiState,
    values: Option<&Values>,
) -> Result<(Vec<User>, Vec<EventSummary>), AdminError> {
    let chosen_user = values.and_then(|v| v.user.parse::<i64>().ok()).map(UserId);
    let chosen_event = values.and_then(|v| v.event.parse::<EventId>().ok());
    let recent = EventQuery {
        ordering: vec![EventOrder {
            field: EventSortField::Date,
            descending: true,
        }],
        limit: Some(CHOICES_LIMIT),
        ..EventQuery::default()
    };
    Ok(with_conn(&state.pool, move |conn| {
        let mut users = store::users::list(conn, CHOICES_LIMIT, 0)?;
        let mut events = store::events::list(conn, &recent)?;
        if let Some(id) = chosen_user.filter(|id| !users.iter().any(|u| u.id == *id)) {
            users.extend(store::users::get(conn, id).optional()?);
        }
        if let Some(id) = chosen_event.filter(|id| !events.iter().any(|e| e.event.id == *id)) {
            let event = store::events::get(conn, id).optional()?;
            events.extend(event.map(|event| EventSummary {
                event,
                organizer: None,
            }));
        }
        Ok((users, events))
    })
    .await?)
}

pub(crate) async fn list(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let params = Params::of(&req);
    let (date_after, date_before) = params.date_range();
    let order = params.order(&["user", "event", "status", "date"]);
    let sort = order.map(|(key, descending)| {
        let field = match key {
            "user" => AttendanceSortField::User,
            "event" => AttendanceSortField::Event,
            "status" => AttendanceSortField::Status,
            _ => AttendanceSortField::Date,
        };
        (field, descending)
    });
    let base = AttendanceFilter {
        user: params.number::<i64>("user").map(UserId),
        event: params.get("event").and_then(|e| e.parse::<EventId>().ok()),
        status: params.get("status").and_then(|s| s.parse().ok()),
        search: params.get("q").map(str::to_owned),
        ..AttendanceFilter::default()
    };
    let ranged = AttendanceFilter {
        date_after,
        date_before,
        ..base.clone()
    };
    let offset = listing::offset(&params);
    let ((total, entries), dates) = with_conn(&state.pool, move |conn| {
        Ok((
            store::attendance_admin::page(conn, &ranged, sort, PER_PAGE, offset)?,
            store::attendance_admin::distinct_event_dates(conn, &base)?,
        ))
    })
    .await?;
    let (users, events) = choices(&state, None).await?;
    let user_choices: Vec<(String, String)> = users
        .iter()
        .map(|u| (u.id.to_string(), u.username.to_string()))
        .collect();
    let event_choices: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e.event.id.to_string(),
                format!("{} ({})", e.event.name, e.event.date),
            )
        })
        .collect();
    let status_choices: Vec<(String, String)> = AttendanceStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.as_str().to_owned()))
        .collect();
    let content = html! {
        div.toolbar { a.addlink href="/admin/attendances/add/" { "Add attendance" } (search_box(&params, "Search by username or event name")) }
        div.changelist {
            div.results {
                (date_hierarchy(&params, &dates))
                table {
                    thead { tr {
                        (header(&params, "User", Some("user"), order))
                        (header(&params, "Event", Some("event"), order))
                        (header(&params, "Event date", Some("date"), order))
                        (header(&params, "Status", Some("status"), order))
                    } }
                    tbody {
                        @for entry in &entries {
                            tr {
                                th scope="row" { a href=(format!("/admin/attendances/{}/change/", entry.id)) { (entry.user.username) } }
                                td { (entry.event.name) }
                                td { (entry.event.date) }
                                td { (entry.attendance.status) }
                            }
                        }
                    }
                }
                (pagination(&params, total, "attendances"))
            }
            aside.filters aria-label="Filters" {
                h2 { "Filter" }
                (filter(&params, "status", "status", &status_choices))
                (filter(&params, "user", "user", &user_choices))
                (filter(&params, "event", "event", &event_choices))
            }
        }
    };
    let frame = Frame {
        title: "Select attendance to change",
        crumbs: crumbs(None),
        user: &user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    Ok(respond(page(&frame, content), cookie))
}

struct Values {
    user: String,
    event: String,
    status: String,
}

fn form_fields(
    values: &Values,
    errors: &FieldErrors,
    users: &[User],
    events: &[EventSummary],
) -> Markup {
    html! {
        @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
        @if !errors.messages("non_field_errors").is_empty() { ul.errors role="alert" { @for e in errors.messages("non_field_errors") { li { (e) } } } }
        (field_row("id_user", "User", html! {
            select id="id_user" name="user" required {
                option value="" { "---------" }
                @for u in users { @let id = u.id.to_string(); option value=(id) selected[id == values.user] { (u.username) } }
            }
        }, &errors.messages("user"), None))
        (field_row("id_event", "Event", html! {
            select id="id_event" name="event" required {
                option value="" { "---------" }
                @for e in events { @let id = e.event.id.to_string(); option value=(id) selected[id == values.event] { (e.event.name) " (" (e.event.date) ")" } }
            }
        }, &errors.messages("event"), None))
        (field_row("id_status", "Status", html! {
            select id="id_status" name="status" required {
                option value="" { "---------" }
                @for s in AttendanceStatus::ALL { option value=(s.as_str()) selected[s.as_str() == values.status] { (s.as_str()) } }
            }
        }, &errors.messages("status"), None))
    }
}

async fn show(
    req: &HttpRequest,
    state: &ApiState,
    staff: &User,
    title: &str,
    values: &Values,
    errors: &FieldErrors,
    extra: Markup,
) -> Result<HttpResponse, AdminError> {
    let (users, events) = choices(state, Some(values)).await?;
    let (csrf, cookie) = csrf_token(req, state.config.secure_cookies);
    let frame = Frame {
        title,
        crumbs: crumbs(Some(title)),
        user: staff,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    let content = html! {
        form.edit method="post" novalidate {
            (csrf_input(&csrf))
            (form_fields(values, errors, &users, &events))
            div.submit-row { button type="submit" { "Save" } (extra) }
        }
    };
    let mut response = respond(page(&frame, content), cookie);
    if !errors.is_empty() {
        *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

/// Checks the posted user, event and status; exactly one attendance per
/// user and event is enforced by the store.
async fn validate(
    state: &ApiState,
    posted: &Posted,
) -> Result<Result<(UserId, EventId, AttendanceStatus), FieldErrors>, AdminError> {
    let invalid = "Select a valid choice. That choice is not one of the available choices.";
    let mut errors = FieldErrors::default();
    let user = posted
        .get("user")
        .and_then(|u| u.parse::<i64>().ok())
        .map(UserId);
    let event = posted.get("event").and_then(|e| e.parse::<EventId>().ok());
    let status = match posted.get("status").unwrap_or_default() {
        "" => {
            errors.add("status", "This field is required.");
            None
        }
        raw => raw
            .parse::<AttendanceStatus>()
            .map_err(|e| errors.add("status", e.to_string()))
            .ok(),
    };
    let (user_exists, event_exists) = with_conn(&state.pool, move |conn| {
        let user_exists = match user {
            Some(id) => store::users::get(conn, id).optional()?.is_some(),
            None => false,
        };
        let event_exists = match event {
            Some(id) => store::events::get(conn, id).optional()?.is_some(),
            None => false,
        };
        Ok((user_exists, event_exists))
    })
    .await?;
    if !user_exists {
        errors.add(
            "user",
            if posted.get("user").unwrap_or_default().is_empty() {
                "This field is required."
            } else {
                invalid
            },
        );
    }
    if !event_exists {
        errors.add(
            "event",
            if posted.get("event").unwrap_or_default().is_empty() {
                "This field is required."
            } else {
                invalid
            },
        );
    }
    Ok(match (user, event, status, errors.is_empty()) {
        (Some(u), Some(e), Some(s), true) => Ok((u, e, s)),
        _ => Err(errors),
    })
}

fn values_of(posted: &Posted) -> Values {
    Values {
        user: posted.get("user").unwrap_or_default().to_owned(),
        event: posted.get("event").unwrap_or_default().to_owned(),
        status: posted.get("status").unwrap_or_default().to_owned(),
    }
}

const DUPLICATE: &str = "Attendance with this User and Event already exists.";

pub(crate) async fn add_form(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let params = Params::of(&req);
    let values = Values {
        user: params.get("user").unwrap_or_default().to_owned(),
        event: params.get("event").unwrap_or_default().to_owned(),
        status: String::new(),
    };
    show(
        &req,
        &state,
        &staff,
        "Add attendance",
        &values,
        &FieldErrors::default(),
        html! {},
    )
    .await
}

pub(crate) async fn add(
    req: HttpRequest,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let posted = Posted::read(&req, &body)?;
    let (user, event, status) = match validate(&state, &posted).await? {
        Ok(valid) => valid,
        Err(errors) => {
            return show(
                &req,
                &state,
                &staff,
                "Add attendance",
                &values_of(&posted),
                &errors,
                html! {},
            )
            .await
        }
    };
    let actor = staff.clone();
    let added = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            match store::attendance_admin::create(conn, user, event, status) {
                Ok(id) => {
                    let entry = store::attendance_admin::get(conn, id)?;
                    log(
                        conn,
                        &actor,
                        Action::Add,
                        "attendance",
                        &id.to_string(),
                        &describe(&entry),
                        "Added.",
                    )?;
                    Ok(Some(entry))
                }
                Err(StoreError::Conflict(_)) => Ok(None),
                Err(other) => Err(ApiError::from(other)),
            }
        })
    })
    .await?;
    match added {
        Some(entry) => Ok(redirect_with(
            &req.get_session(),
            "/admin/attendances/",
            format!(
                "The attendance “{}” was added successfully.",
                describe(&entry)
            ),
        )),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("non_field_errors", DUPLICATE);
            show(
                &req,
                &state,
                &staff,
                "Add attendance",
                &values_of(&posted),
                &errors,
                html! {},
            )
            .await
        }
    }
}

pub(crate) async fn change_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = super::numeric_id(&path)?;
    let entry = with_conn(&state.pool, move |conn| {
        Ok(store::attendance_admin::get(conn, id)?)
    })
    .await?;
    let values = Values {
        user: entry.user.id.to_string(),
        event: entry.event.id.to_string(),
        status: entry.attendance.status.to_string(),
    };
    let delete = html! { a href=(format!("/admin/attendances/{id}/delete/")) { "Delete" } };
    show(
        &req,
        &state,
        &staff,
        "Change attendance",
        &values,
        &FieldErrors::default(),
        delete,
    )
    .await
}

pub(crate) async fn change(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = super::numeric_id(&path)?;
    let posted = Posted::read(&req, &body)?;
    let (user, event, status) = match validate(&state, &posted).await? {
        Ok(valid) => valid,
        Err(errors) => {
            return show(
                &req,
                &state,
                &staff,
                "Change attendance",
                &values_of(&posted),
                &errors,
                html! {},
            )
            .await
        }
    };
    let actor = staff.clone();
    let changed = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let before = store::attendance_admin::get(conn, id)?;
            match store::attendance_admin::update(conn, id, user, event, status) {
                Ok(()) => {
                    let entry = store::attendance_admin::get(conn, id)?;
                    let message = super::change_message(&[
                        (before.user.id != entry.user.id, "user"),
                        (before.event.id != entry.event.id, "event"),
                        (
                            before.attendance.status != entry.attendance.status,
                            "status",
                        ),
                    ]);
                    log(
                        conn,
                        &actor,
                        Action::Change,
                        "attendance",
                        &id.to_string(),
                        &describe(&entry),
                        &message,
                    )?;
                    Ok(Some(entry))
                }
                Err(StoreError::Conflict(_)) => Ok(None),
                Err(other) => Err(ApiError::from(other)),
            }
        })
    })
    .await?;
    match changed {
        Some(entry) => Ok(redirect_with(
            &req.get_session(),
            "/admin/attendances/",
            format!(
                "The attendance “{}” was changed successfully.",
                describe(&entry)
            ),
        )),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("non_field_errors", DUPLICATE);
            show(
                &req,
                &state,
                &staff,
                "Change attendance",
                &values_of(&posted),
                &errors,
                html! {},
            )
            .await
        }
    }
}

pub(crate) async fn delete_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = super::numeric_id(&path)?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let entry = with_conn(&state.pool, move |conn| {
        Ok(store::attendance_admin::get(conn, id)?)
    })
    .await?;
    let details = html! {
        p { "Are you sure you want to delete the attendance “" (describe(&entry)) "”? Nothing else will be deleted." }
    };
    let content = delete_confirmation(&format!("/admin/attendances/{id}/"), &csrf, details);
    let frame = Frame {
        title: "Are you sure?",
        crumbs: crumbs(Some("Delete")),
        user: &staff,
        csrf: &csrf,
        messages: Vec::new(),
    };
    Ok(respond(page(&frame, content), cookie))
}

pub(crate) async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = super::numeric_id(&path)?;
    Posted::read(&req, &body)?;
    let description = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let entry = store::attendance_admin::get(conn, id)?;
            store::attendance_admin::delete(conn, id)?;
            log(
                conn,
                &staff,
                Action::Delete,
                "attendance",
                &id.to_string(),
                &describe(&entry),
                "Deleted.",
            )?;
            Ok::<_, ApiError>(describe(&entry))
        })
    })
    .await?;
    Ok(redirect_with(
        &req.get_session(),
        "/admin/attendances/",
        format!("The attendance “{description}” was deleted successfully."),
    ))
}
