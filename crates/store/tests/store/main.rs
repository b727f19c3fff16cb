//! Store integration tests, each run on SQLite and on PostgreSQL.

mod attendances;
mod events;
mod fixtures;
mod listing;
mod setup;
mod users;
