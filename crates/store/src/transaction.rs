use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};

use crate::{DbConnection, StoreError};

/// Runs `work` in a transaction that intends to write, committing on `Ok`
/// and rolling back on `Err`.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write
/// lock up front: a deferred transaction that reads first and writes later
/// fails with "database is locked" instead of waiting when another writer
/// got in between.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    let begun = match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
        }
        DbConnection::Pg(_) => Manager::begin_transaction(conn),
    };
    begun.map_err(StoreError::from)?;
    match work(conn) {
        Ok(value) => {
            if let Err(commit_err) = Manager::commit_transaction(conn) {
                // A failed COMMIT may leave the transaction open; close it.
                roll_back(conn);
                return Err(StoreError::from(commit_err).into());
            }
            Ok(value)
        }
        Err(err) => {
            roll_back(conn);
            Err(err)
        }
    }
}

/// Rolls back after a failure. The original error is what the caller needs;
/// a failed rollback marks the connection broken, so the pool discards it.
fn roll_back(conn: &mut DbConnection) {
    if let Err(err) = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn) {
        tracing::warn!(error = %err, "rollback failed; the connection will be discarded");
    }
}
