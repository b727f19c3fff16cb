//! Logging in and out of the admin.

use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, DOCTYPE};

use super::site::forms::{csrf_token, Posted};
use super::site::layout::csrf_input;
use super::site::staff::{respond, session_user, take_notices};
use super::AdminError;
use crate::http::identity::start_session;
use crate::rest::accounts::authenticate_credentials;
use crate::rest::throttle::check_throttle;
use crate::state::State;
use crate::ApiError;

const STAFF_ONLY: &str = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.";

/// Only paths inside the admin are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with("/admin/") && !path.starts_with("//") => path.to_owned(),
        _ => "/admin/".to_owned(),
    }
}

fn login_page(
    req: &HttpRequest,
    secure: bool,
    error: Option<&str>,
    username: &str,
    next: &str,
) -> HttpResponse {
    let (csrf, cookie) = csrf_token(req, secure);
    let notices = take_notices(&req.get_session());
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Log in | Events administration" }
                link rel="stylesheet" href="/admin/static/admin.css";
            }
            body.login {
                header.site { span { "Events administration" } }
                main id="content" {
                    h1 { "Log in" }
                    @for notice in &notices { p.message role="status" { (notice) } }
                    @if let Some(error) = error { p.errornote role="alert" { (error) } }
                    form method="post" action="/admin/login/" {
                        (csrf_input(&csrf))
                        input type="hidden" name="next" value=(next);
                        div.field {
                            label for="id_username" { "Username" }
                            input type="text" id="id_username" name="username" value=(username) autocomplete="username" required autofocus;
                        }
                        div.field {
                            label for="id_password" { "Password" }
                            input type="password" id="id_password" name="password" autocomplete="current-password" required;
                        }
                        button type="submit" { "Log in" }
                    }
                }
            }
        }
    };
    respond(page, cookie)
}

/// The login form (or the admin home, for staff already logged in).
pub(crate) async fn form(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let next = safe_next(
        params
            .iter()
            .find(|(k, _)| k == "next")
            .map(|(_, v)| v.as_str()),
    );
    if session_user(&req, &state)
        .await?
        .is_some_and(|u| u.is_staff)
    {
        return Err(AdminError::Redirect(next));
    }
    Ok(login_page(
        &req,
        state.config.secure_cookies,
        None,
        "",
        &next,
    ))
}

/// Checks the credentials; staff get a session.
pub(crate) async fn submit(
    req: HttpRequest,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let posted = Posted::read(&req, &body)?;
    let next = safe_next(posted.get("next"));
    let username = posted.get("username").unwrap_or_default().to_owned();
    let secure = state.config.secure_cookies;
    let throttled = |seconds: u64| {
        let message = format!("Too many failed logins. Try again in {seconds} seconds.");
        let mut page = login_page(&req, secure, Some(&message), &username, &next);
        *page.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
        page
    };
    if let Err(ApiError::Throttled(seconds)) = check_throttle(&req, &state).await {
        return Ok(throttled(seconds));
    }
    let credentials = match authenticate_credentials(&req, &state, &posted.fields()).await {
        Ok(credentials) if credentials.user.is_staff => credentials,
        Err(ApiError::Throttled(seconds)) => return Ok(throttled(seconds)),
        Ok(_) | Err(ApiError::AuthenticationFailed { .. } | ApiError::Validation(_)) => {
            return Ok(login_page(&req, secure, Some(STAFF_ONLY), &username, &next));
        }
        Err(other) => return Err(other.into()),
    };
    start_session(&req, &credentials)?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", next))
        .finish())
}

/// Ends the session.
pub(crate) async fn logout(req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, AdminError> {
    Posted::read(&req, &body)?;
    let session = req.get_session();
    session.purge();
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/admin/login/"))
        .finish())
}
