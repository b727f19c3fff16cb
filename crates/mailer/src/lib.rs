#![doc = include_str!("../README.md")]
//!
//! # Items by topic
//!
//! - Running delivery: [`Worker`], [`WorkerHandle`], [`Waker`], configured
//!   by [`MailConfig`] ([`SmtpConfig`], [`Security`], [`Backend`]).
//! - Sending: [`Transport`], [`SendError`].
//! - The messages: [`event_created`], [`event_changed`], [`reminder`],
//!   [`seat_available`].

mod config;
mod render;
mod transport;
mod worker;

#[cfg(feature = "testing")]
pub mod testing;

pub use config::{Backend, ConfigError, MailConfig, Security, SmtpConfig};
pub use render::{event_changed, event_created, reminder, seat_available};
pub use transport::{SendError, Transport};
pub use worker::{Waker, Worker, WorkerHandle};

/// The mails an event change sends: seats freed by a raised capacity, and
/// change or cancellation notices.
pub const CHANGE_MAILS: store::seats::ChangeMails = store::seats::ChangeMails {
    promotion: seat_available,
    change: event_changed,
};
