//! The admin home: what can be managed, and the recent changes.

use actix_web::HttpResponse;
use maud::html;
use store::outbox::MessageState;

use super::site::changelog::ObjectType;
use super::site::staff::Staff;
use super::AdminError;
use crate::with_conn;

/// The home page.
pub(crate) async fn index(staff: Staff) -> Result<HttpResponse, AdminError> {
    let (recent, failed_mail) = with_conn(&staff.state.pool, |conn| {
        Ok((
            store::admin_log::recent(conn, 10)?,
            store::outbox::count(conn, Some(MessageState::Failed))?,
        ))
    })
    .await?;
    let sections = [ObjectType::Event, ObjectType::Attendance, ObjectType::User];
    let content = html! {
        div.home {
            section.models aria-label="Site administration" {
                table {
                    caption { "Site administration" }
                    @for section in sections {
                        tr {
                            th scope="row" { a href=(section.url()) { (section.title()) } }
                            td { a.addlink href=(format!("{}add/", section.url())) { "Add" } }
                        }
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
    Ok(staff.page("Site administration", Vec::new(), content))
}
