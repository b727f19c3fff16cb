//! The mail outbox in the admin: listed only, with "Retry now" for failures.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use store::outbox::{Message, MessageFilter, MessageState};
use store::{DbConnection, StoreResult};

use crate::admin::site::changelog::{record, Action, Change, ObjectType};
use crate::admin::site::fields::{Choice, Choices};
use crate::admin::site::forms::Posted;
use crate::admin::site::layout::csrf_input;
use crate::admin::site::model::{AdminList, Column, ListQuery, Sidebar, SortKey};
use crate::admin::site::params::Params;
use crate::admin::site::staff::Staff;
use crate::admin::AdminError;
use crate::{with_pool, ApiError};

/// The outbox admin.
pub(crate) struct Outbox;

/// Mounts the list and the retry action.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::admin::site::list_routes::<Outbox>)
        .route("/outbox/{id}/retry/", web::post().to(retry));
}

const STATES: [MessageState; 4] = [
    MessageState::Pending,
    MessageState::Sending,
    MessageState::Sent,
    MessageState::Failed,
];

fn states(_: &mut DbConnection, _: Option<&str>) -> StoreResult<Vec<Choice>> {
    Ok(STATES
        .iter()
        .map(|s| (s.as_str().to_owned(), s.as_str().to_owned()))
        .collect())
}

static BY_STATE: Sidebar = Sidebar::new("state", "state", Choices(states));

/// The outbox lists newest first only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsorted {}

impl SortKey for Unsorted {
    const ALL: &'static [Self] = &[];

    fn key(self) -> &'static str {
        match self {}
    }
}

impl AdminList for Outbox {
    const OBJECT: ObjectType = ObjectType::Message;
    const SIDEBAR: &'static [&'static Sidebar] = &[&BY_STATE];
    const SEARCH_LABEL: Option<&'static str> = Some("Search by recipient or subject");
    type Row = Message;
    type Sort = Unsorted;
    type Filter = Option<MessageState>;

    fn filter(params: &Params) -> Option<MessageState> {
        BY_STATE.chosen(params)
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::<Self>::plain("Recipient", |m, _| html! { (m.recipient) }),
            Column::<Self>::plain("Subject", |m, _| html! { (m.subject) }),
            Column::<Self>::plain(
                "State",
                |m, _| html! { span.(format!("state-{}", m.state)) { (m.state) } },
            ),
            Column::<Self>::plain("Attempts", |m, _| html! { (m.attempts) }),
            Column::<Self>::plain(
                "Created",
                |m, _| html! { time datetime=(m.created_at.to_rfc3339()) { (m.created_at.format("%Y-%m-%d %H:%M UTC")) } },
            ),
            Column::<Self>::plain(
                "Last error",
                |m, _| html! { (m.last_error.as_deref().unwrap_or("")) },
            ),
            Column::<Self>::plain("Actions", |m, cx| {
                html! {
                    @if m.state == MessageState::Failed {
                        form method="post" action=(format!("/admin/outbox/{}/retry/", m.id)) {
                            (csrf_input(cx.csrf))
                            button type="submit" aria-label=(format!("Retry the message to {} now", m.recipient)) { "Retry now" }
                        }
                    }
                }
            }),
        ]
    }

    fn row_id(message: &Message) -> String {
        message.id.to_string()
    }

    fn row_label(message: &Message) -> String {
        format!("{}: {}", message.recipient, message.subject)
    }

    fn page(conn: &mut DbConnection, query: &ListQuery<Self>) -> StoreResult<(i64, Vec<Message>)> {
        let filter = MessageFilter {
            state: query.filter,
            search: query.search.clone(),
        };
        store::outbox::page(conn, &filter, query.limit, query.offset)
    }

    fn list_title() -> String {
        "Outbox".to_owned()
    }
}

/// Sends a failed message again; a second click is harmless.
pub(crate) async fn retry(
    staff: Staff,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    Posted::read(&req, &body)?;
    let id: i64 = path.parse().map_err(|_| AdminError::NotFound)?;
    let actor = staff.user.clone();
    let retried = with_pool(&staff.state.pool, move |pool| {
        pool.write(move |conn| {
            let message = store::outbox::get(conn, id)?;
            if message.state != MessageState::Failed {
                // Already retried (a second click) or never failed: nothing to do.
                return Ok::<_, ApiError>(Err(message.recipient));
            }
            store::outbox::retry_now(conn, id, store::now())?;
            record(
                conn,
                &Change {
                    staff: &actor,
                    action: Action::Change,
                    object: ObjectType::Message,
                    id: &id.to_string(),
                    repr: &message.recipient,
                    message: "Retry requested.",
                },
            )?;
            Ok(Ok(message.recipient))
        })
    })
    .await?;
    let notice = match retried {
        Ok(recipient) => {
            staff.state.wake_mailer();
            format!("The message to {recipient} will be sent again.")
        }
        Err(recipient) => format!("The message to {recipient} is not failed; nothing to retry."),
    };
    Ok(staff.redirect(ObjectType::Message.url(), notice))
}
