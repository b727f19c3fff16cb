//! The event backend's HTTP API.
//!
//! [`configure`] mounts every route onto an actix-web `ServiceConfig`, so the
//! API can be served by this project's server or inside another actix-web
//! application:
//!
//! ```
//! use actix_web::{web, App};
//!
//! fn mount(pool: store::DbPool) {
//!     let state = web::Data::new(api::ApiState::new(pool));
//!     let _app = App::new().app_data(state).configure(api::configure);
//! }
//! ```

mod blocking;
mod error;
mod health;
mod state;

pub use blocking::with_conn;
pub use error::ApiError;
pub use state::ApiState;

use actix_web::web;

/// Mounts every route of the API. The application must provide
/// `web::Data<ApiState>`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure);
}
