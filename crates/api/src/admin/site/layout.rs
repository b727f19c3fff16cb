//! The page shell and the pieces every admin page shares.

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

/// A delete confirmation: what will be deleted (`details`), then "Yes"
/// (posting `hidden` to `action`) and a way back to `back`.
pub(crate) fn delete_confirmation(
    action: &str,
    back: &str,
    csrf: &str,
    details: Markup,
    hidden: Markup,
) -> Markup {
    html! {
        (details)
        form method="post" action=(action) {
            (csrf_input(csrf))
            (hidden)
            div.submit-row {
                button.danger type="submit" { "Yes, I’m sure" }
                a href=(back) { "No, take me back" }
            }
        }
    }
}
