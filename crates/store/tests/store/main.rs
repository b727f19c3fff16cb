//! Store integration tests, each run on SQLite and on PostgreSQL.
#![allow(
    clippy::expect_used,
    reason = "a test fails by panicking with a message"
)]

mod answers_together;
mod attendances;
mod checkpoints;
mod events;
mod fixtures;
mod listing;
mod login_attempts;
mod outbox;
mod pages;
mod readme_steps;
mod reminders;
mod setup;
mod token_blacklist;
mod users;
mod versions;
mod writes;
