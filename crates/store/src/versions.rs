//! Versions: numbers that grow with every committed change to what a kind
//! of response shows, kept by triggers in the same transactions as the
//! changes. Responses derive their `ETag` from them, so checking one costs
//! a single small read and never renders anything.
//!
//! They have the grain of what responses show ([`Scope`]): each event has
//! its own (its row, its answers, the usernames and addresses of its
//! organizer and attendees), and listings share one (event rows and
//! organizers), which an answer does not move.
//!
//! Read a version *before* the data it stands for: a change committed in
//! between then makes the data newer than the version, and the next check
//! sees a higher version and answers in full. The other order could pair
//! old data with a new version, which would later pass for current.

use diesel::prelude::*;
use domain::EventId;

use crate::sql::schema::{data_version, event_version, event_versions};
use crate::sql::types::DbUuid;
use crate::{DbConnection, StoreResult};

/// What a version covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Event listings: the events' rows and their organizers' usernames
    /// and addresses. Answers don't move it.
    Listings,
    /// One event: its row, its answers, and the usernames and addresses
    /// of its organizer and attendees.
    Event(EventId),
}

/// A value and the version it is at least as new as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// Read in the same statement as the value, or before it.
    pub version: i64,
    /// What was read.
    pub value: T,
}

impl<T> Versioned<T> {
    /// The same version with `f` applied to the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Versioned<U> {
        Versioned {
            version: self.version,
            value: f(self.value),
        }
    }
}

/// The current version of `scope`.
pub fn current(conn: &mut DbConnection, scope: Scope) -> StoreResult<i64> {
    match scope {
        Scope::Listings => Ok(native!(conn, c => data_version::table
            .select(data_version::version)
            .first::<i64>(c))?),
        Scope::Event(id) => Ok(event(conn, id)?.unwrap_or(0)),
    }
}

/// The event's version, `None` before its first change.
fn event(conn: &mut DbConnection, id: EventId) -> StoreResult<Option<i64>> {
    let id = DbUuid(id.0);
    Ok(match conn {
        DbConnection::Pg(pg) => event_version::table
            .find(id)
            .select(event_version::version)
            .first::<i64>(pg)
            .optional()?,
        DbConnection::Sqlite(c) => event_versions::table
            .find((id, 0))
            .select(event_versions::version)
            .first::<i64>(c)
            .optional()?,
    })
}

/// The listings' version as a scalar subquery, to read it in the same
/// statement (and so the same snapshot) as other data.
#[allow(
    clippy::type_complexity,
    reason = "the type diesel's single_value makes"
)]
pub(crate) fn listings_subselect(
) -> diesel::dsl::SingleValue<diesel::dsl::Select<data_version::table, data_version::version>> {
    data_version::table
        .select(data_version::version)
        .single_value()
}
