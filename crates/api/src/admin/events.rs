//! Events in the admin: list, add, change, delete.

use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{Event, EventId, EventName, User, UserId};
use maud::{html, Markup};
use store::admin_log::Action;
use store::events::{EventChanges, EventFilter, EventOrder, EventQuery, EventSortField, NewEvent};
use store::OptionalExt;

use super::forms::{csrf_token, Posted};
use super::guard::require_staff;
use super::layout::{
    csrf_input, delete_confirmation, field_row, page, redirect_with, respond, take_messages, Frame,
};
use super::listing::{
    self, date_hierarchy, filter, header, pagination, search_box, Params, PER_PAGE,
};
use super::{log, AdminError};
use crate::fields::{FieldErrors, Form};
use crate::identity::State;
use crate::{with_conn, ApiError};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/events/", web::get().to(list))
        .route("/events/add/", web::get().to(add_form))
        .route("/events/add/", web::post().to(add))
        .route("/events/{id}/change/", web::get().to(change_form))
        .route("/events/{id}/change/", web::post().to(change))
        .route("/events/{id}/delete/", web::get().to(delete_form))
        .route("/events/{id}/delete/", web::post().to(delete));
}

/// Users offered as organizers (and as the organizer filter).
const CHOICES_LIMIT: i64 = 500;

fn crumbs(last: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut crumbs = vec![("Events".to_owned(), Some("/admin/events/".to_owned()))];
    if let Some(last) = last {
        crumbs.push((last.to_owned(), None));
    }
    crumbs
}

fn event_id(raw: &str) -> Result<EventId, AdminError> {
    raw.parse().map_err(|_| AdminError::NotFound)
}

/// The event list.
pub(crate) async fn list(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let params = Params::of(&req);
    let (date_after, date_before) = params.date_range();
    let order = params.order(&["name", "date", "organizer"]);
    let base_filter = EventFilter {
        search: params.get("q").map(str::to_owned),
        organizer: params.number::<i64>("organizer").map(UserId),
        ..EventFilter::default()
    };
    let query = EventQuery {
        filter: EventFilter {
            date_after,
            date_before,
            ..base_filter.clone()
        },
        ordering: order.map_or_else(Vec::new, |(key, descending)| {
            let field = match key {
                "name" => EventSortField::Name,
                "organizer" => EventSortField::Organizer,
                _ => EventSortField::Date,
            };
            vec![EventOrder { field, descending }]
        }),
        limit: Some(PER_PAGE),
        offset: listing::offset(&params),
    };
    let (found, dates, organizers) = with_conn(&state.pool, move |conn| {
        Ok((
            store::events::list_page(conn, &query)?,
            store::events::distinct_dates(conn, &base_filter)?,
            store::users::list(conn, CHOICES_LIMIT, 0)?,
        ))
    })
    .await?;
    let organizer_choices: Vec<(String, String)> = organizers
        .iter()
        .map(|u| (u.id.to_string(), u.username.to_string()))
        .collect();
    let content = html! {
        div.toolbar { a.addlink href="/admin/events/add/" { "Add event" } (search_box(&params, "Search events by name")) }
        div.changelist {
            div.results {
                (date_hierarchy(&params, &dates))
                table {
                    thead { tr {
                        (header(&params, "Name", Some("name"), order))
                        (header(&params, "Date", Some("date"), order))
                        (header(&params, "Organizer", Some("organizer"), order))
                    } }
                    tbody {
                        @for summary in &found.events {
                            tr {
                                th scope="row" { a href=(format!("/admin/events/{}/change/", summary.event.id)) { (summary.event.name) } }
                                td { (summary.event.date) }
                                td { (summary.organizer.as_ref().map_or("-".to_owned(), |u| u.username.to_string())) }
                            }
                        }
                    }
                }
                (pagination(&params, found.total, "events"))
            }
            aside.filters aria-label="Filters" { h2 { "Filter" } (filter(&params, "organizer", "organizer", &organizer_choices)) }
        }
    };
    let frame = Frame {
        title: "Select event to change",
        crumbs: crumbs(None),
        user: &user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    Ok(respond(page(&frame, content), cookie))
}

/// What the form shows: the values typed (or stored) and their errors.
struct EventForm {
    name: String,
    date: String,
    organizer: String,
    errors: FieldErrors,
}

impl EventForm {
    fn of(event: &Event) -> Self {
        Self {
            name: event.name.to_string(),
            date: event.date.to_string(),
            organizer: event
                .organizer_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            errors: FieldErrors::default(),
        }
    }

    fn render(&self, action: &str, csrf: &str, users: &[User], delete: Option<String>) -> Markup {
        let described = |id: &str, field: &str| {
            if self.errors.messages(field).is_empty() {
                String::new()
            } else {
                format!("{id}-errors")
            }
        };
        html! {
            form.edit method="post" action=(action) novalidate {
                (csrf_input(csrf))
                @if !self.errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
                (field_row("id_name", "Name", html! {
                    input type="text" id="id_name" name="name" value=(self.name) maxlength="100" required aria-describedby=(described("id_name", "name"));
                }, &self.errors.messages("name"), None))
                (field_row("id_date", "Date", html! {
                    input type="date" id="id_date" name="date" value=(self.date) required aria-describedby=(described("id_date", "date"));
                }, &self.errors.messages("date"), Some("YYYY-MM-DD")))
                (field_row("id_organizer", "Organizer", html! {
                    select id="id_organizer" name="organizer" {
                        option value="" { "---------" }
                        @for user in users {
                            @let id = user.id.to_string();
                            option value=(id) selected[id == self.organizer] { (user.username) }
                        }
                    }
                }, &self.errors.messages("organizer"), None))
                div.submit-row {
                    button type="submit" { "Save" }
                    @if let Some(delete) = delete { a.deletelink href=(delete) { "Delete" } }
                }
            }
        }
    }
}

/// Validates a posted event form: the name and date rules of the API, and
/// an organizer that exists (or none).
async fn validate(
    state: &crate::ApiState,
    posted: &Posted,
) -> Result<Result<NewEvent, EventForm>, AdminError> {
    let fields = posted.fields();
    let mut form = Form::new(&fields, false);
    let name = form.text("name", EventName::parse);
    let date = form.date("date");
    let mut errors = form.errors;
    let organizer_raw = posted
        .get("organizer")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let organizer = if organizer_raw.is_empty() {
        None
    } else {
        let id = organizer_raw.parse::<i64>().ok().map(UserId);
        let exists = match id {
            Some(id) => {
                with_conn(&state.pool, move |conn| {
                    Ok(store::users::get(conn, id).optional()?.is_some())
                })
                .await?
            }
            None => false,
        };
        if !exists {
            errors.add(
                "organizer",
                "Select a valid choice. That choice is not one of the available choices.",
            );
        }
        id
    };
    Ok(match (name, date, errors.is_empty()) {
        (Some(name), Some(date), true) => Ok(NewEvent {
            name,
            date,
            organizer_id: organizer,
        }),
        _ => Err(EventForm {
            name: posted.get("name").unwrap_or_default().to_owned(),
            date: posted.get("date").unwrap_or_default().to_owned(),
            organizer: organizer_raw,
            errors,
        }),
    })
}

async fn form_page(
    req: &HttpRequest,
    state: &crate::ApiState,
    user: &User,
    title: &str,
    form: &EventForm,
    action: &str,
    invalid: bool,
) -> Result<HttpResponse, AdminError> {
    // The change form (…/change/) offers the delete page beside Save.
    let delete = action
        .strip_suffix("change/")
        .map(|base| format!("{base}delete/"));
    let (csrf, cookie) = csrf_token(req, state.config.secure_cookies);
    // The select lists the first users; the chosen organizer is always offered.
    let chosen = form.organizer.parse::<i64>().ok().map(UserId);
    let users = with_conn(&state.pool, move |conn| {
        let mut users = store::users::list(conn, CHOICES_LIMIT, 0)?;
        if let Some(id) = chosen.filter(|id| !users.iter().any(|u| u.id == *id)) {
            users.extend(store::users::get(conn, id).optional()?);
        }
        Ok(users)
    })
    .await?;
    let frame = Frame {
        title,
        crumbs: crumbs(Some(title)),
        user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    let mut response = respond(
        page(&frame, form.render(action, &csrf, &users, delete)),
        cookie,
    );
    if invalid {
        *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

pub(crate) async fn add_form(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let empty = EventForm {
        name: String::new(),
        date: String::new(),
        organizer: user.id.to_string(),
        errors: FieldErrors::default(),
    };
    form_page(
        &req,
        &state,
        &user,
        "Add event",
        &empty,
        "/admin/events/add/",
        false,
    )
    .await
}

pub(crate) async fn add(
    req: HttpRequest,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let posted = Posted::read(&req, &body)?;
    let new = match validate(&state, &posted).await? {
        Ok(new) => new,
        Err(form) => {
            return form_page(
                &req,
                &state,
                &user,
                "Add event",
                &form,
                "/admin/events/add/",
                true,
            )
            .await
        }
    };
    let staff = user.clone();
    let event = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let event = store::events::create(conn, &new)?;
            log(
                conn,
                &staff,
                Action::Add,
                "event",
                &event.id.to_string(),
                event.name.as_str(),
                "Added.",
            )?;
            Ok::<_, ApiError>(event)
        })
    })
    .await?;
    Ok(redirect_with(
        &req.get_session(),
        "/admin/events/",
        format!("The event “{}” was added successfully.", event.name),
    ))
}

pub(crate) async fn change_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let id = event_id(&path)?;
    let event = with_conn(&state.pool, move |conn| Ok(store::events::get(conn, id)?)).await?;
    let action = format!("/admin/events/{id}/change/");
    form_page(
        &req,
        &state,
        &user,
        "Change event",
        &EventForm::of(&event),
        &action,
        false,
    )
    .await
}

pub(crate) async fn change(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let id = event_id(&path)?;
    let posted = Posted::read(&req, &body)?;
    let action = format!("/admin/events/{id}/change/");
    let new = match validate(&state, &posted).await? {
        Ok(new) => new,
        Err(form) => {
            return form_page(&req, &state, &user, "Change event", &form, &action, true).await
        }
    };
    let staff = user.clone();
    let event = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let before = store::events::get(conn, id)?;
            let changes = EventChanges {
                name: Some(new.name.clone()),
                date: Some(new.date),
                organizer_id: Some(new.organizer_id),
            };
            let event = store::events::update(conn, id, &changes)?;
            let message = super::change_message(&[
                (before.name != event.name, "name"),
                (before.date != event.date, "date"),
                (before.organizer_id != event.organizer_id, "organizer"),
            ]);
            log(
                conn,
                &staff,
                Action::Change,
                "event",
                &id.to_string(),
                event.name.as_str(),
                &message,
            )?;
            Ok::<_, ApiError>(event)
        })
    })
    .await?;
    Ok(redirect_with(
        &req.get_session(),
        "/admin/events/",
        format!("The event “{}” was changed successfully.", event.name),
    ))
}

pub(crate) async fn delete_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let id = event_id(&path)?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let (event, attendances) = with_conn(&state.pool, move |conn| {
        Ok((
            store::events::get(conn, id)?,
            store::attendances::count_for_event(conn, id, None)?,
        ))
    })
    .await?;
    let details = html! {
        p { "Are you sure you want to delete the event “" (event.name) "”? All of the following related items will be deleted:" }
        ul.deleted-objects {
            li { "Event: " (event.name) " (" (event.date) ")" }
            li { (attendances) " attendance" @if attendances != 1 { "s" } }
        }
    };
    let content = delete_confirmation(&format!("/admin/events/{id}/"), &csrf, details);
    let frame = Frame {
        title: "Are you sure?",
        crumbs: crumbs(Some("Delete")),
        user: &user,
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
    let user = require_staff(&req, &state).await?;
    let id = event_id(&path)?;
    Posted::read(&req, &body)?;
    let event = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let event = store::events::get(conn, id)?;
            let attendances = store::attendances::count_for_event(conn, id, None)?;
            store::events::delete(conn, id)?;
            let message = format!("Deleted with {attendances} attendance(s).");
            log(
                conn,
                &user,
                Action::Delete,
                "event",
                &id.to_string(),
                event.name.as_str(),
                &message,
            )?;
            Ok::<_, ApiError>(event)
        })
    })
    .await?;
    Ok(redirect_with(
        &req.get_session(),
        "/admin/events/",
        format!("The event “{}” was deleted successfully.", event.name),
    ))
}
