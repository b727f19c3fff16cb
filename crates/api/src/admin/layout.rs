//! The page shell and the pieces every admin page shares.

use actix_session::Session;
use actix_web::cookie::Cookie;
use actix_web::HttpResponse;
use domain::User;
use maud::{html, Markup, DOCTYPE};

use super::forms::CSRF_FIELD;

/// Where a page sits: its title and breadcrumb trail.
pub(crate) struct Frame<'a> {
    /// The page title.
    pub title: &'a str,
    /// Links above the title, outermost first (the last one may have no link).
    pub crumbs: Vec<(String, Option<String>)>,
    /// The logged-in staff user.
    pub user: &'a User,
    /// The CSRF token for the page's forms.
    pub csrf: &'a str,
    /// Notices to show once (e.g. "The event was added").
    pub messages: Vec<String>,
}

/// A whole page.
pub(crate) fn page(frame: &Frame<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " | Events administration" }
                link rel="stylesheet" href="/admin/static/admin.css";
            }
            body {
                a.skip href="#content" { "Skip to content" }
                header.site {
                    a href="/admin/" { "Events administration" }
                    div.user-tools {
                        "Welcome, " strong { (frame.user.username) } ". "
                        form.inline method="post" action="/admin/logout/" {
                            (csrf_input(frame.csrf))
                            button.link type="submit" { "Log out" }
                        }
                    }
                }
                nav.crumbs aria-label="Breadcrumbs" {
                    a href="/admin/" { "Home" }
                    @for (label, href) in &frame.crumbs {
                        " › "
                        @match href {
                            Some(href) => a href=(href) { (label) },
                            None => span { (label) },
                        }
                    }
                }
                main id="content" {
                    @for message in &frame.messages {
                        p.message role="status" { (message) }
                    }
                    h1 { (frame.title) }
                    (content)
                }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub(crate) fn csrf_input(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// An HTML response, setting the CSRF cookie when the browser lacks one.
pub(crate) fn respond(markup: Markup, csrf_cookie: Option<Cookie<'static>>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type("text/html; charset=utf-8");
    if let Some(cookie) = csrf_cookie {
        response.cookie(cookie);
    }
    response.body(markup.into_string())
}

/// A redirect after a successful POST, with a notice for the next page.
pub(crate) fn redirect_with(session: &Session, to: &str, message: String) -> HttpResponse {
    let mut messages: Vec<String> = session
        .get("_admin_messages")
        .ok()
        .flatten()
        .unwrap_or_default();
    messages.push(message);
    // A notice that cannot be stored is not worth failing the change for.
    let _ = session.insert("_admin_messages", messages);
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

/// The notices waiting for this page (shown once).
pub(crate) fn take_messages(session: &Session) -> Vec<String> {
    session
        .remove_as::<Vec<String>>("_admin_messages")
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// A delete confirmation: what will be deleted, then "Yes" (posting to
/// `{object_url}delete/`) and a way back to `{object_url}change/`.
pub(crate) fn delete_confirmation(object_url: &str, csrf: &str, details: Markup) -> Markup {
    html! {
        (details)
        form method="post" action=(format!("{object_url}delete/")) {
            (csrf_input(csrf))
            div.submit-row {
                button.danger type="submit" { "Yes, I’m sure" }
                a href=(format!("{object_url}change/")) { "No, take me back" }
            }
        }
    }
}

/// A labelled form row with its errors beside the input.
pub(crate) fn field_row(
    id: &str,
    label: &str,
    input: Markup,
    errors: &[String],
    help: Option<&str>,
) -> Markup {
    html! {
        div.field.(if errors.is_empty() { "" } else { "has-errors" }) {
            label for=(id) { (label) }
            (input)
            @if let Some(help) = help { small.help id=(format!("{id}-help")) { (help) } }
            @if !errors.is_empty() {
                ul.errors id=(format!("{id}-errors")) role="alert" {
                    @for error in errors { li { (error) } }
                }
            }
        }
    }
}
