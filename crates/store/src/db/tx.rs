//! Write transactions: `BEGIN IMMEDIATE` on SQLite, savepoints when
//! nested, and the `Writer` trait that runs them on a connection or a pool.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};

use crate::{Backend, DbConnection, DbPool, PooledConnection, StoreError};

/// Runs `work` in a transaction that intends to write, committing on `Ok`
/// and rolling back on `Err`. Called inside a transaction, it runs `work`
/// in a savepoint of that transaction instead.
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
    // Inside a transaction already (a write run by `DbPool::write` with
    // others), the work gets a savepoint.
    let nested = matches!(
        Manager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    );
    // A pool's SQLite writes take turns in its write group (one batch at
    // a time); other writers wait for SQLite's lock in its busy handler.
    let begun = match conn {
        _ if nested => Manager::begin_transaction(conn),
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

/// What runs write transactions: a connection of one's own (through
/// [`write_transaction`]) or a [`DbPool`], whose concurrent SQLite writes
/// share one commit ([`DbPool::write`]).
pub trait Writer {
    /// Runs `work` in a write transaction, committing on `Ok` and rolling
    /// back on `Err`; it returns once the outcome is final.
    fn write<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static;

    /// The engine the writes go to.
    fn backend(&self) -> Backend;

    /// The pool behind the writes, if they go to one: work a pool shares
    /// among its callers (answers taken together on PostgreSQL) finds it.
    fn pool(&self) -> Option<&DbPool> {
        None
    }
}

/// A connection of one's own writes through [`write_transaction`].
macro_rules! connection_writer {
    ($($connection:ty),+) => {$(
        impl Writer for $connection {
            fn write<T, E, F>(&mut self, work: F) -> Result<T, E>
            where
                F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
                T: Send + 'static,
                E: From<StoreError> + Send + 'static,
            {
                write_transaction(self, work)
            }

            fn backend(&self) -> Backend {
                DbConnection::backend(self)
            }
        }
    )+};
}

connection_writer!(DbConnection, PooledConnection);

impl Writer for DbPool {
    fn write<T, E, F>(&mut self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        DbPool::write(self, work)
    }

    fn backend(&self) -> Backend {
        self.url().backend()
    }

    fn pool(&self) -> Option<&DbPool> {
        Some(self)
    }
}
