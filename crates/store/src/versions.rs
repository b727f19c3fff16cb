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

/// The current data version.
pub fn current(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(native!(conn, c => data_version::table
        .select(data_version::version)
        .first::<i64>(c))?)
}
