#![doc = include_str!("../README.md")]
//!
//! # Items by topic
//!
//! - Mounting: [`configure`], [`admin::configure`], with [`ApiState`] and
//!   [`ApiConfig`]; [`security_headers`] for the headers the server adds.
//! - Writing handlers of your own: [`Caller`], [`AuthUser`], [`with_conn`],
//!   [`with_write`] and [`with_pool`] (writes that share SQLite commits),
//!   [`ApiError`], [`client_address`].
//! - The OpenAPI document: [`ApiDoc`].

pub mod admin;
mod http;
mod rest;
mod state;

pub use http::blocking::{with_conn, with_pool, with_write};
pub use http::client::address as client_address;
pub use http::error::ApiError;
pub use http::identity::{AuthUser, Caller};
pub use http::security_headers::security_headers;
pub use rest::openapi::ApiDoc;
pub use state::{ApiConfig, ApiState};

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{time::Duration as CookieDuration, SameSite};
use actix_web::web;
use http::session_store::DbSessionStore;

/// The session cookie's name (Django's).
const SESSION_COOKIE: &str = "sessionid";

/// Mounts the REST API (`/api/...`, `/healthz`, `/readyz`, the OpenAPI
/// document and Swagger UI), its session handling and a JSON 404 for paths
/// nothing else serves. The admin site is mounted separately, by
/// [`admin::configure`].
pub fn configure(cfg: &mut web::ServiceConfig, state: &ApiState) {
    cfg.app_data(web::Data::new(state.clone()))
        .configure(rest::health::configure)
        .configure(rest::openapi::configure)
        .service(
            web::scope("/api")
                .wrap(actix_web::middleware::from_fn(
                    http::csrf_field::lift_form_token,
                ))
                .wrap(session_middleware(state))
                .wrap(actix_web::middleware::from_fn(
                    http::session_store::store_failure_as_unavailable,
                ))
                .configure(|scope| {
                    scope
                        .configure(rest::events::configure)
                        .configure(rest::attendance::configure)
                        .configure(rest::calendar::configure)
                        .configure(rest::accounts::configure)
                        .configure(rest::tokens::configure);
                }),
        )
        .default_service(web::to(http::routes::not_found));
}

pub(crate) fn session_middleware(state: &ApiState) -> SessionMiddleware<DbSessionStore> {
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
