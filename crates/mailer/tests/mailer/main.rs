//! The outbox worker against a real SMTP server and real databases.
#![allow(
    clippy::expect_used,
    reason = "a test fails by panicking with a message"
)]

mod worker;
