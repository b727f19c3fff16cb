//! The event backend's HTTP API: Django REST Framework's URLs, bodies,
//! status codes and messages, served by actix-web.
//!
//! [`configure`] mounts every route, so the API can be served by this
//! project's server or inside another actix-web application:
//!
//! ```
//! use actix_web::{web, App};
//!
//! fn mount(pool: store::DbPool) {
//!     let state = api::ApiState::new(pool, api::ApiConfig::default(), "a long random secret");
//!     let _app = App::new().configure(|cfg| api::configure(cfg, &state));
//! }
//! ```

mod accounts;
mod admin;
mod attendance;
mod blocking;
mod body;
mod client;
mod error;
mod events;
mod fields;
mod health;
mod identity;
mod listing;
mod openapi;
mod representations;
mod routes;
mod session_store;
mod state;
mod tokens;

pub use blocking::with_conn;
pub use error::ApiError;
pub use identity::{AuthUser, Caller};
pub use openapi::ApiDoc;
pub use state::{ApiConfig, ApiState};

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{time::Duration as CookieDuration, SameSite};
use actix_web::web;
use session_store::DbSessionStore;

/// The session cookie's name (Django's).
const SESSION_COOKIE: &str = "sessionid";

/// Mounts every route of the API, its session handling and a JSON 404 for
/// unknown paths.
pub fn configure(cfg: &mut web::ServiceConfig, state: &ApiState) {
    cfg.app_data(web::Data::new(state.clone()))
        .configure(health::configure)
        .configure(openapi::configure)
        .service(
            web::scope("/admin")
                .wrap(session_middleware(state))
                .configure(|scope| admin::configure(scope, state)),
        )
        .service(
            web::scope("/api")
                .wrap(session_middleware(state))
                .configure(|scope| {
                    scope
                        .configure(events::configure)
                        .configure(attendance::configure)
                        .configure(accounts::configure)
                        .configure(tokens::configure);
                }),
        )
        .default_service(web::to(routes::not_found));
}

fn session_middleware(state: &ApiState) -> SessionMiddleware<DbSessionStore> {
    SessionMiddleware::builder(
        DbSessionStore::new(state.pool.clone()),
        state.session_key.clone(),
    )
    .cookie_name(SESSION_COOKIE.to_owned())
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_secure(state.config.secure_cookies)
    .cookie_content_security(CookieContentSecurity::Private)
    .session_lifecycle(
        PersistentSession::default()
            .session_ttl(CookieDuration::weeks(2))
            .session_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
    )
    .build()
}
