#![doc = include_str!("../README.md")]
//!
//! # Items by topic
//!
//! - Values and their rules: [`EventName`], [`Username`], [`Email`],
//!   [`TimeZone`], [`Capacity`], [`Guests`], [`Schedule`], [`RsvpWindow`],
//!   [`parse_date`], [`parse_date_time`], and their [`ValidationError`].
//! - Entities: [`User`], [`Event`] with its [`EventPlan`], [`Attendance`]
//!   and [`AttendanceStatus`], [`EventDetail`], [`EventSummary`],
//!   [`AttendanceCounts`].
//! - Identifiers: [`UserId`], [`EventId`].
//! - The seat arithmetic: [`seats`].

mod date;
mod email;
mod entities;
mod error;
mod event_name;
mod ids;
mod limits;
pub mod rsvp;
pub mod seats;
mod status;
mod time_zone;
mod username;

pub use date::parse_date;
pub use email::Email;
pub use entities::{
    Attendance, AttendanceCounts, AttendanceDetail, Event, EventDetail, EventPlan, EventSummary,
    User,
};
pub use error::ValidationError;
pub use event_name::EventName;
pub use ids::{EventId, UserId};
pub use limits::{Capacity, Guests, RsvpRefusal, RsvpWindow, Schedule};
pub use status::AttendanceStatus;
pub use time_zone::{parse_date_time, TimeZone};
pub use username::{normalize_username, Username};
