//! The admin site: staff manage users, events, attendance and the mail
//! outbox in the browser. Server-rendered HTML with one stylesheet, served
//! by the binary; every page works without JavaScript.

mod attendances;
mod error;
mod events;
mod forms;
mod guard;
mod home;
mod layout;
mod listing;
mod login;
mod outbox;
mod users;

use actix_web::{web, HttpResponse};
pub(crate) use error::AdminError;

use crate::ApiState;

const STYLESHEET: &str = include_str!("../../assets/admin.css");

/// Mounts `/admin/` (the caller wraps it with the session middleware).
pub(crate) fn configure(scope: &mut web::ServiceConfig, _state: &ApiState) {
    scope
        .route(
            "/static/admin.css",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("text/css; charset=utf-8")
                    .insert_header(("Cache-Control", "public, max-age=3600"))
                    .body(STYLESHEET)
            }),
        )
        .route(
            "",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("Location", "/admin/"))
                    .finish()
            }),
        )
        .route("/", web::get().to(home::index))
        .route("/login/", web::get().to(login::form))
        .route("/login/", web::post().to(login::submit))
        .route("/logout/", web::post().to(login::logout))
        .configure(events::configure)
        .configure(attendances::configure)
        .configure(users::configure)
        .configure(outbox::configure);
}

/// "Changed a, b." for the fields that differ, or "No fields changed.".
fn change_message(fields: &[(bool, &str)]) -> String {
    let changed: Vec<&str> = fields
        .iter()
        .filter_map(|(differs, name)| differs.then_some(*name))
        .collect();
    if changed.is_empty() {
        "No fields changed.".to_owned()
    } else {
        format!("Changed {}.", changed.join(", "))
    }
}

/// A numeric id from the path; anything else names no object.
fn numeric_id(raw: &str) -> Result<i64, AdminError> {
    raw.parse().map_err(|_| AdminError::NotFound)
}

/// Records a change in the admin log, inside the change's transaction.
fn log(
    conn: &mut store::DbConnection,
    user: &domain::User,
    action: store::admin_log::Action,
    object_type: &str,
    object_id: &str,
    object_repr: &str,
    message: &str,
) -> store::StoreResult<()> {
    store::admin_log::record(
        conn,
        &store::admin_log::NewEntry {
            user_id: user.id,
            action,
            object_type,
            object_id,
            object_repr,
            message,
        },
    )
}
