//! Database upkeep.

use diesel::connection::SimpleConnection;

use crate::{DbConnection, StoreResult};

/// Refreshes the query planner's statistics (and, on PostgreSQL, the
/// visibility map that index-only scans need). Worth running after a bulk
/// load; servers otherwise rely on autovacuum (PostgreSQL) or run it rarely.
pub fn analyze(conn: &mut DbConnection) -> StoreResult<()> {
    match conn {
        DbConnection::Pg(inner) => inner.batch_execute("VACUUM ANALYZE")?,
        DbConnection::Sqlite(inner) => inner.batch_execute("ANALYZE")?,
    }
    Ok(())
}
