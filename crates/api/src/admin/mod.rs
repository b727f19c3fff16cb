//! The admin site: staff manage users, events, attendance and the mail
//! outbox in the browser. Server-rendered HTML with one stylesheet, served
//! by the binary; every page works without JavaScript.

mod error;
mod home;
mod login;
mod models;
mod site;

use actix_web::{web, HttpResponse};
pub(crate) use error::AdminError;
use models::{attendances::Attendances, events::Events, users::Users};

use crate::ApiState;

const STYLESHEET: &str = include_str!("../../assets/admin.css");

/// Mounts the admin site at `/admin/`, with its session handling. The
/// REST API is mounted separately, by [`crate::configure`]; an application
/// may mount either or both.
pub fn configure(cfg: &mut web::ServiceConfig, state: &ApiState) {
    cfg.app_data(web::Data::new(state.clone())).service(
        web::scope("/admin")
            .wrap(crate::session_middleware(state))
            .configure(routes),
    );
}

fn routes(scope: &mut web::ServiceConfig) {
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
        .configure(site::model_routes::<Events>)
        .configure(site::model_routes::<Attendances>)
        .configure(models::passwords::configure)
        .configure(site::model_routes::<Users>)
        .configure(models::outbox::configure);
}
