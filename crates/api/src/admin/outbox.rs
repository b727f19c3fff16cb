//! The mail outbox in the admin: read-only, with "retry now" for failures.

use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use store::admin_log::Action;
use store::outbox::MessageState;

use super::forms::{csrf_token, Posted};
use super::guard::require_staff;
use super::layout::{csrf_input, page, redirect_with, respond, take_messages, Frame};
use super::listing::{self, filter, pagination, Params, PER_PAGE};
use super::{log, AdminError};
use crate::identity::State;
use crate::{with_conn, ApiError};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/outbox/", web::get().to(list))
        .route("/outbox/{id}/retry/", web::post().to(retry));
}

const STATES: [MessageState; 4] = [
    MessageState::Pending,
    MessageState::Sending,
    MessageState::Sent,
    MessageState::Failed,
];

pub(crate) async fn list(
    req: HttpRequest,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    let (csrf, cookie) = csrf_token(&req, state.config.secure_cookies);
    let params = Params::of(&req);
    let wanted = params
        .get("state")
        .and_then(|s| STATES.into_iter().find(|st| st.as_str() == s));
    let offset = listing::offset(&params);
    let (total, messages) = with_conn(&state.pool, move |conn| {
        Ok((
            store::outbox::count(conn, wanted)?,
            store::outbox::list(conn, wanted, PER_PAGE, offset)?,
        ))
    })
    .await?;
    let choices: Vec<(String, String)> = STATES
        .iter()
        .map(|s| (s.as_str().to_owned(), s.as_str().to_owned()))
        .collect();
    let content = html! {
        div.changelist {
            div.results {
                table {
                    thead { tr { th scope="col" { "Recipient" } th scope="col" { "Subject" } th scope="col" { "State" } th scope="col" { "Attempts" } th scope="col" { "Created" } th scope="col" { "Last error" } th scope="col" { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for message in &messages {
                            tr {
                                td { (message.recipient) }
                                td { (message.subject) }
                                td.(format!("state-{}", message.state)) { (message.state) }
                                td { (message.attempts) }
                                td { (message.created_at.format("%Y-%m-%d %H:%M")) }
                                td { (message.last_error.as_deref().unwrap_or("")) }
                                td {
                                    @if message.state == MessageState::Failed {
                                        form method="post" action=(format!("/admin/outbox/{}/retry/", message.id)) {
                                            (csrf_input(&csrf))
                                            button type="submit" aria-label=(format!("Retry the message to {} now", message.recipient)) { "Retry now" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pagination(&params, total, "messages"))
            }
            aside.filters aria-label="Filters" { h2 { "Filter" } (filter(&params, "state", "state", &choices)) }
        }
    };
    let frame = Frame {
        title: "Outbox",
        crumbs: vec![("Outbox".to_owned(), None)],
        user: &user,
        csrf: &csrf,
        messages: take_messages(&req.get_session()),
    };
    Ok(respond(page(&frame, content), cookie))
}

pub(crate) async fn retry(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    State(state): State,
) -> Result<HttpResponse, AdminError> {
    let user = require_staff(&req, &state).await?;
    Posted::read(&req, &body)?;
    let id = super::numeric_id(&path)?;
    let retried = with_conn(&state.pool, move |conn| {
        store::write_transaction(conn, |conn| {
            let message = store::outbox::get(conn, id)?;
            if message.state != MessageState::Failed {
                // Already retried (a second click) or never failed: nothing to do.
                return Ok::<_, ApiError>(Err(message.recipient));
            }
            store::outbox::retry_now(conn, id, store::now())?;
            log(
                conn,
                &user,
                Action::Change,
                "message",
                &id.to_string(),
                &message.recipient,
                "Retry requested.",
            )?;
            Ok(Ok(message.recipient))
        })
    })
    .await?;
    let notice = match retried {
        Ok(recipient) => {
            state.wake_mailer();
            format!("The message to {recipient} will be sent again.")
        }
        Err(recipient) => format!("The message to {recipient} is not failed; nothing to retry."),
    };
    Ok(redirect_with(&req.get_session(), "/admin/outbox/", notice))
}
