//! Users in the admin: list, add, change, set a password.

use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{Email, User, UserId, Username};
use maud::{html, Markup};
use store::admin_log::Action;
use store::users::{NewUser, UserChanges, UserSortField};
use store::StoreError;

use super::forms::{csrf_token, Posted};
use super::guard::require_staff;
use super::layout::{csrf_input, field_row, page, redirect_with, respond, take_messages, Frame};
use super::listing::{self, header, pagination, search_box, Params, PER_PAGE};
use super::{log, AdminError};
use crate::blocking::off_executor;
use crate::fields::{FieldErrors, Form};
use crate::identity::State;
use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/", web::get().to(list))
        .route("/users/add/", web::get().to(add_form))
        .route("/users/add/", web::post().to(add))
        .route("/users/{id}/change/", web::get().to(change_form))
        .route("/users/{id}/change/", web::post().to(change))
        .route("/users/{id}/password/", web::get().to(password_form))
        .route("/users/{id}/password/", web::post().to(password));
}

fn crumbs(last: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut crumbs = vec![("Users".to_owned(), Some("/admin/users/".to_owned()))];
    crumbs.extend(last.map(|l| (l.to_owned(), None)));
    crumbs
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

pub(crate) async fn list(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let params = Params::of(&req);
    let order = params.order(&["username", "email", "staff", "active"]);
    let sort = order.map(|(key, descending)| {
        let field = match key {
            "email" => UserSortField::Email,
            "staff" => UserSortField::Staff,
            "active" => UserSortField::Active,
            _ => UserSortField::Username,
        };
        (field, descending)
    });
    let search = params.get("q").map(str::to_owned);
    let offset = listing::offset(&params);
    let (total, users) = with_conn(&state.pool, move |conn| {
        Ok(store::users::search_page(
            conn,
            search.as_deref(),
            sort,
            PER_PAGE,
            offset,
        )?)
    })
    .await?;
    let content = html! {
        div.toolbar { a.addlink href="/admin/users/add/" { "Add user" } (search_box(&params, "Search users")) }
        table {
            thead { tr {
                (header(&params, "Username", Some("username"), order))
                (header(&params, "Email address", Some("email"), order))
                (header(&params, "Staff status", Some("staff"), order))
                (header(&params, "Active", Some("active"), order))
            } }
            tbody {
                @for u in &users {
                    tr {
                        th scope="row" { a href=(format!("/admin/users/{}/change/", u.id)) { (u.username) } }
                        td { (u.email.as_ref().map(ToString::to_string).unwrap_or_default()) }
                        td { (yes_no(u.is_staff)) }
                        td { (yes_no(u.is_active)) }
                    }
                }
            }
        }
        (pagination(&params, total, "users"))
    };
    let frame = Frame {
        title: "Select user to change",
        crumbs: crumbs(None),
        user: &user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    Ok(respond(page(&frame, content), cookie))
}

fn text_input(id: &str, name: &str, value: &str, kind: &str, errors: &FieldErrors) -> Markup {
    let described = if errors.messages(name).is_empty() {
        String::new()
    } else {
        format!("{id}-errors")
    };
    html! { input type=(kind) id=(id) name=(name) value=(value) aria-describedby=(described); }
}

fn checkbox(id: &str, name: &str, label: &str, checked: bool) -> Markup {
    html! {
        div.field.checkbox {
            input type="checkbox" id=(id) name=(name) value="on" checked[checked];
            label for=(id) { (label) }
        }
    }
}

async fn show(
    req: &HttpRequest,
    state: &ApiState,
    user: &User,
    title: &str,
    form: Markup,
    invalid: bool,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(req, state.config.secure_cookies);
    let frame = Frame {
        title,
        crumbs: crumbs(Some(title)),
        user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    let content = html! { form.edit method="post" novalidate { (csrf_input(&csrf)) (form) div.submit-row { button type="submit" { "Save" } } } };
    let mut response = respond(page(&frame, content), cookie);
    if invalid {
        *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    response
}

fn add_fields(posted: Option<&Posted>, errors: &FieldErrors) -> Markup {
    let value = |name: &str| {
        posted
            .and_then(|p| p.get(name))
            .unwrap_or_default()
            .to_owned()
    };
    html! {
        @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
        (field_row("id_username", "Username", text_input("id_username", "username", &value("username"), "text", errors), &errors.messages("username"), Some("150 characters or fewer. Letters, digits and @/./+/-/_ only.")))
        (field_row("id_email", "Email address", text_input("id_email", "email", &value("email"), "email", errors), &errors.messages("email"), None))
        (field_row("id_password1", "Password", text_input("id_password1", "password1", "", "password", errors), &errors.messages("password1"), Some("At least 8 characters, not entirely numeric, not like the username.")))
        (field_row("id_password2", "Password confirmation", text_input("id_password2", "password2", "", "password", errors), &errors.messages("password2"), None))
        (checkbox("id_is_staff", "is_staff", "Staff status", posted.is_some_and(|p| p.checked("is_staff"))))
        (checkbox("id_is_active", "is_active", "Active", posted.is_none_or(|p| p.checked("is_active"))))
    }
}

pub(crate) async fn add_form(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    Ok(show(
        &req,
        &state,
        &user,
        "Add user",
        add_fields(None, &FieldErrors::default()),
        false,
    )
    .await)
}

/// Checks two password fields against the rules; the password, or errors added.
fn check_passwords(
    posted: &Posted,
    attributes: &auth::UserAttributes<'_>,
    errors: &mut FieldErrors,
) -> Option<String> {
    let first = posted.get("password1").unwrap_or_default();
    let second = posted.get("password2").unwrap_or_default();
    if first.is_empty() {
        errors.add("password1", "This field is required.");
        return None;
    }
    if first != second {
        errors.add("password2", "The two password fields didn’t match.");
        return None;
    }
    let problems = auth::validate_password(first, attributes);
    for problem in &problems {
        errors.add("password2", problem.clone());
    }
    problems.is_empty().then(|| first.to_owned())
}

pub(crate) async fn add(
    req: HttpRequest,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let posted = Posted::read(&req, &body)?;
    let fields = posted.fields();
    let mut form = Form::new(&fields, false);
    let username = form.text("username", Username::parse);
    let email = match posted.get("email").map(str::trim).filter(|e| !e.is_empty()) {
        Some(raw) => form.text("email", |_| Email::parse(raw)).map(Some),
        None => Some(None),
    };
    let mut errors = form.errors;
    let attributes = auth::UserAttributes {
        username: username.as_ref().map_or("", Username::as_str),
        email: email
            .as_ref()
            .and_then(|e| e.as_ref())
            .map_or("", Email::as_str),
        ..auth::UserAttributes::default()
    };
    let password = check_passwords(&posted, &attributes, &mut errors);
    let (Some(username), Some(email), Some(password), true) =
        (username, email, password, errors.is_empty())
    else {
        return Ok(show(
            &req,
            &state,
            &staff,
            "Add user",
            add_fields(Some(&posted), &errors),
            true,
        )
        .await);
    };
    let cost = state.config.bcrypt_cost;
    let hash = off_executor(move || auth::hash_password(&password, cost))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let (is_staff, is_active) = (posted.checked("is_staff"), posted.checked("is_active"));
    let actor = staff.clone();
    let name = username.to_string();
    let created = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let new = NewUser {
                username: &username,
                email: email.as_ref(),
                first_name: "",
                last_name: "",
                password_hash: &hash,
                is_staff,
                is_superuser: false,
                is_active,
                date_joined: store::now(),
            };
            match store::users::create(conn, &new) {
                Ok(user) => {
                    log(
                        conn,
                        &actor,
                        Action::Add,
                        "user",
                        &user.id.to_string(),
                        user.username.as_str(),
                        "Added.",
                    )?;
                    Ok(Some(user))
                }
                Err(StoreError::Conflict(_)) => Ok(None),
                Err(other) => Err(ApiError::from(other)),
            }
        })
    })
    .await?;
    match created {
        Some(user) => Ok(redirect_with(
            &req.get_session(),
            &format!("/admin/users/{}/change/", user.id),
            format!("The user “{name}” was added successfully."),
        )),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("username", "A user with that username already exists.");
            Ok(show(
                &req,
                &state,
                &staff,
                "Add user",
                add_fields(Some(&posted), &errors),
                true,
            )
            .await)
        }
    }
}

fn change_fields(target: &User, posted: Option<&Posted>, errors: &FieldErrors) -> Markup {
    let value = |name: &str, stored: String| {
        posted.map_or(stored, |p| p.get(name).unwrap_or_default().to_owned())
    };
    let flag = |name: &str, stored: bool| posted.map_or(stored, |p| p.checked(name));
    html! {
        @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
        p { "Username: " strong { (target.username) } " · " a href=(format!("/admin/users/{}/password/", target.id)) { "Set a new password" } }
        (field_row("id_first_name", "First name", text_input("id_first_name", "first_name", &value("first_name", target.first_name.clone()), "text", errors), &errors.messages("first_name"), None))
        (field_row("id_last_name", "Last name", text_input("id_last_name", "last_name", &value("last_name", target.last_name.clone()), "text", errors), &errors.messages("last_name"), None))
        (field_row("id_email", "Email address", text_input("id_email", "email", &value("email", target.email.as_ref().map(ToString::to_string).unwrap_or_default()), "email", errors), &errors.messages("email"), None))
        (checkbox("id_is_staff", "is_staff", "Staff status", flag("is_staff", target.is_staff)))
        @if !errors.messages("is_staff").is_empty() { ul.errors role="alert" { @for e in errors.messages("is_staff") { li { (e) } } } }
        (checkbox("id_is_active", "is_active", "Active", flag("is_active", target.is_active)))
    }
}

fn user_id(raw: &str) -> Result<UserId, AdminError> {
    raw.parse::<i64>()
        .map(UserId)
        .map_err(|_| AdminError::NotFound)
}

pub(crate) async fn change_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = user_id(&path)?;
    let target = with_conn(&state.pool, move |conn| Ok(store::users::get(conn, id)?)).await?;
    Ok(show(
        &req,
        &state,
        &staff,
        "Change user",
        change_fields(&target, None, &FieldErrors::default()),
        false,
    )
    .await)
}

pub(crate) async fn change(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = user_id(&path)?;
    let posted = Posted::read(&req, &body)?;
    let target = with_conn(&state.pool, move |conn| Ok(store::users::get(conn, id)?)).await?;
    let fields = posted.fields();
    let mut form = Form::new(&fields, true);
    let first_name = form.optional_text("first_name", 150).unwrap_or_default();
    let last_name = form.optional_text("last_name", 150).unwrap_or_default();
    let email = match posted.get("email").map(str::trim).filter(|e| !e.is_empty()) {
        Some(raw) => form.text("email", |_| Email::parse(raw)).map(Some),
        None => Some(None),
    };
    let mut errors = form.errors;
    let is_staff = posted.checked("is_staff");
    if target.id == staff.id && !is_staff {
        errors.add("is_staff", "You can’t remove your own staff status: you would lose access to this site. Ask another staff member.");
    }
    if target.id == staff.id && !posted.checked("is_active") {
        errors.add("is_staff", "You can’t deactivate your own account: you would lose access to this site. Ask another staff member.");
    }
    let (Some(email), true) = (email, errors.is_empty()) else {
        return Ok(show(
            &req,
            &state,
            &staff,
            "Change user",
            change_fields(&target, Some(&posted), &errors),
            true,
        )
        .await);
    };
    let changes = UserChanges {
        email: Some(email),
        first_name: Some(first_name),
        last_name: Some(last_name),
        is_staff: Some(is_staff),
        is_active: Some(posted.checked("is_active")),
    };
    let actor = staff.clone();
    let before = target.clone();
    let updated = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let user = store::users::update(conn, id, &changes)?;
            let message = super::change_message(&[
                (before.first_name != user.first_name, "first name"),
                (before.last_name != user.last_name, "last name"),
                (before.email != user.email, "email address"),
                (before.is_staff != user.is_staff, "staff status"),
                (before.is_active != user.is_active, "active"),
            ]);
            log(
                conn,
                &actor,
                Action::Change,
                "user",
                &id.to_string(),
                user.username.as_str(),
                &message,
            )?;
            Ok::<_, ApiError>(user)
        })
    })
    .await?;
    Ok(redirect_with(
        &req.get_session(),
        "/admin/users/",
        format!("The user “{}” was changed successfully.", updated.username),
    ))
}

fn password_fields(target: &User, errors: &FieldErrors) -> Markup {
    html! {
        p { "Enter a new password for the user " strong { (target.username) } "." }
        @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
        (field_row("id_password1", "Password", text_input("id_password1", "password1", "", "password", errors), &errors.messages("password1"), None))
        (field_row("id_password2", "Password (again)", text_input("id_password2", "password2", "", "password", errors), &errors.messages("password2"), None))
    }
}

pub(crate) async fn password_form(
    req: HttpRequest,
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = user_id(&path)?;
    let target = with_conn(&state.pool, move |conn| Ok(store::users::get(conn, id)?)).await?;
    Ok(show(
        &req,
        &state,
        &staff,
        "Change password",
        password_fields(&target, &FieldErrors::default()),
        false,
    )
    .await)
}

pub(crate) async fn password(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let staff = require_staff(&req, &state).await?;
    let id = user_id(&path)?;
    let posted = Posted::read(&req, &body)?;
    let target = with_conn(&state.pool, move |conn| Ok(store::users::get(conn, id)?)).await?;
    let email = target
        .email
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let attributes = auth::UserAttributes {
        username: target.username.as_str(),
        first_name: &target.first_name,
        last_name: &target.last_name,
        email: &email,
    };
    let mut errors = FieldErrors::default();
    let Some(password) = check_passwords(&posted, &attributes, &mut errors) else {
        return Ok(show(
            &req,
            &state,
            &staff,
            "Change password",
            password_fields(&target, &errors),
            true,
        )
        .await);
    };
    let cost = state.config.bcrypt_cost;
    let hash = off_executor(move || auth::hash_password(&password, cost))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let username = target.username.to_string();
    let (own_id, new_hash) = (staff.id, hash.clone());
    with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            store::users::set_password_hash(conn, id, &hash)?;
            log(
                conn,
                &staff,
                Action::Change,
                "user",
                &id.to_string(),
                &username,
                "Changed password.",
            )?;
            Ok::<_, ApiError>(())
        })
    })
    .await?;
    if target.id == own_id {
        // Stay logged in: this session is the one that changed the password.
        crate::identity::refresh_session_fingerprint(&req, &new_hash)?;
    }
    Ok(redirect_with(
        &req.get_session(),
        &format!("/admin/users/{}/change/", target.id),
        "Password changed successfully.".to_owned(),
    ))
}
