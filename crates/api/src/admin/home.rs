//! The admin home: what can be managed, and the recent changes.

use actix_session::SessionExt;
use actix_web::{HttpRequest, HttpResponse};
use maud::html;
use store::outbox::MessageState;

use super::forms::csrf_token;
use super::guard::require_staff;
use super::layout::{page, respond, take_messages, Frame};
use super::AdminError;
use crate::identity::State;
use crate::with_conn;

/// The home page.
pub(crate) async fn index(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let (recent, failed_mail) = with_conn(&state.pool, |conn| {
        Ok((
            store::admin_log::recent(conn, 10)?,
            store::outbox::count(conn, Some(MessageState::Failed))?,
        ))
    })
    .await?;
    let sections = [
        ("/admin/events/", "Events", "/admin/events/add/"),
        (
            "/admin/attendances/",
            "Attendances",
            "/admin/attendances/add/",
        ),
        ("/admin/users/", "Users", "/admin/users/add/"),
    ];
    let content = html! {
        div.home {
            section.models aria-label="Site administration" {
                table {
                    caption { "Site administration" }
                    @for (href, label, add) in sections {
                        tr { th scope="row" { a href=(href) { (label) } } td { a.addlink href=(add) { "Add" } } }
                    }
                    tr {
                        th scope="row" { a href="/admin/outbox/" { "Outbox" } }
                        td { @if failed_mail > 0 { a href="/admin/outbox/?state=failed" { (failed_mail) " failed" } } }
                    }
                }
            }
            section.recent aria-labelledby="recent-actions" {
                h2 id="recent-actions" { "Recent actions" }
                @if recent.is_empty() { p { "None available" } }
                @else {
                    ul {
                        @for entry in &recent {
                            li.(entry.action.as_str()) {
                                strong { (entry.object_repr) }
                                " — " (entry.action.as_str()) " " (entry.object_type)
                                " by " (entry.username.as_deref().unwrap_or("a deleted user"))
                                ", " time datetime=(entry.action_time.to_rfc3339()) { (entry.action_time.format("%Y-%m-%d %H:%M UTC")) }
                                @if !entry.message.is_empty() { br; small { (entry.message) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let frame = Frame {
        title: "Site administration",
        crumbs: Vec::new(),
        user: &user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    Ok(respond(page(&frame, content), cookie))
}
