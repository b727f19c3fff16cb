//! The data version: a number that grows with every committed change to
//! what event and attendance responses show (events, answers, and users'
//! names and addresses), kept by triggers in the same transactions as the
//! changes. Responses derive their `ETag` from it, so checking one costs a
//! single small read and never renders anything.
//!
//! Read it *before* the data it stands for: a change committed in between
//! then makes the data newer than the version, and the next check sees a
//! higher version and answers in full. The other order could pair old data
//! with a new version, which would later pass for current.

use diesel::prelude::*;

use crate::schema::data_version;
use crate::{DbConnection, StoreResult};

/// A value and the data version it is at least as new as.
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

/// The current data version.
pub fn current(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(native!(conn, c => data_version::table
        .select(data_version::version)
        .first::<i64>(c))?)
}

/// The data version as a scalar subquery, to read it in the same statement
/// (and so the same snapshot) as other data.
#[allow(
    clippy::type_complexity,
    reason = "the type diesel's single_value makes"
)]
pub(crate) fn version_subselect(
) -> diesel::dsl::SingleValue<diesel::dsl::Select<data_version::table, data_version::version>> {
    data_version::table
        .select(data_version::version)
        .single_value()
}
