//! Persistence for the event backend on SQLite and PostgreSQL from one codebase.
//!
//! Repository functions are plain and synchronous: they take a
//! `&mut DbConnection` and leave the transaction to the caller
//! ([`write_transaction`] for anything that writes more than one row).
//! Callers on an async executor must run them on a blocking thread pool.

mod connection;
mod error;
mod migrate;
mod pool;
mod rows;
mod schema;
mod search;
mod sql_functions;
mod sql_types;
mod time;
mod transaction;

pub mod admin_log;
pub mod attendance_entries;
pub mod attendances;
pub mod calendar;
pub mod django_import;
pub mod events;
pub mod login_attempts;
pub mod maintenance;
pub mod outbox;
pub mod reminders;
pub mod rsvp;
pub mod seats;
pub mod sessions;
pub mod token_blacklist;
pub mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use connection::{Backend, DatabaseUrl, DbConnection};
pub use error::{OptionalExt, StoreError, StoreResult};
pub use migrate::run_pending_migrations;
pub use pool::{
    build_pool, check_health, reconnecting_builder, ConnectionManager, DbPool, PoolOptions,
    PooledConnection, OUTAGE_WAIT,
};
pub use time::now;
pub use transaction::write_transaction;
