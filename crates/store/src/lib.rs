#![doc = include_str!("../README.md")]
//!
//! # Items by topic
//!
//! - Opening a database: [`DatabaseUrl`], [`build_pool`], [`PoolOptions`],
//!   [`DbPool`] (lending [`PoolEntry`]), [`run_pending_migrations`], [`DbConnection`],
//!   [`check_health`].
//! - Writing safely: [`write_transaction`], [`DbPool::write`] (SQLite writes
//!   sharing commits) and [`Writer`]; answers and the waitlist in
//!   [`rsvp`] and [`seats`].
//! - The repositories: [`users`], [`events`], [`attendances`],
//!   [`attendance_entries`], [`sessions`], [`token_blacklist`],
//!   [`login_attempts`], [`registration_throttle`], [`outbox`] and
//!   [`mail_wake`], [`calendar`], [`reminders`], [`admin_log`],
//!   [`maintenance`], [`django_import`].
//! - Conditional requests: [`versions`].
//! - Errors: [`StoreError`], [`OptionalExt`].

/// Runs `$body` with `$c` bound to the backend's own connection, for the
/// hot, fixed queries: through the MultiConnection wrapper Diesel writes a
/// query's whole SQL text on every call just to decide whether its prepared
/// statement may be reused; the backend's own connection looks that up by
/// the query's type.
macro_rules! native {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::DbConnection::Pg($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}

mod db;
mod rows;
mod sql;
mod time;

pub mod admin_log;
pub mod attendance_entries;
pub mod attendances;
pub mod calendar;
pub mod django_import;
pub mod events;
pub mod login_attempts;
pub mod mail_wake;
pub mod maintenance;
pub mod outbox;
pub mod registration_throttle;
pub mod reminders;
pub mod rsvp;
pub mod seats;
pub mod sessions;
pub mod token_blacklist;
pub mod users;
pub mod versions;

#[cfg(feature = "testing")]
pub mod testing;

pub use db::connection::{Backend, DatabaseUrl, DbConnection};
pub use db::error::{OptionalExt, StoreError, StoreResult};
pub use db::migrate::run_pending_migrations;
pub use db::pool::{
    build_pool, check_health, ConnectionManager, DbPool, PoolEntry, PoolOptions, PooledConnection,
    OUTAGE_WAIT,
};
pub use db::tx::{write_transaction, Writer};
pub use time::now;
