//! Write transactions: `BEGIN IMMEDIATE` on SQLite, savepoints when
//! nested, and the `Writer` trait that runs them on a connection or a pool.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};

use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};

use crate::{Backend, DbConnection, DbPool, PooledConnection, StoreError};

/// This process's SQLite write transactions take turns here before
/// `BEGIN IMMEDIATE`. A writer that finds SQLite's lock taken sleeps in its
/// busy handler (1, 2, 5, 10 ms and longer) although the lock is usually
/// free again within a fraction of a millisecond; a mutex hands it to the
/// next writer at once. SQLite's lock still guards the data: other
/// processes meet there, and so does a writer that waited here too long.
///
/// The one process-wide static left in `db/`: a write transaction runs on
/// a bare connection that knows neither its pool nor its file, and without
/// the turn the mail worker's writes stall the write group's commits in
/// the busy handler (creates 3943 -> 2968 req/s, p99 61 -> 538 ms, in one
/// same-hour pair). Pools on other files wait here at most [`TURN_WAIT`].
static SQLITE_WRITERS: Mutex<()> = parking_lot::const_mutex(());

/// How long a writer waits for its turn before going to SQLite's lock
/// anyway. One process may hold several databases (tests do), and a long
/// transaction on one must not stall the others for more than this.
const TURN_WAIT: Duration = Duration::from_millis(200);

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
    // others), the work gets a savepoint; the turn is already taken.
    let nested = matches!(
        Manager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    );
    // Held until the transaction has ended, whichever way.
    let _turn: Option<MutexGuard<'_, ()>>;
    let begun = match conn {
        _ if nested => {
            _turn = None;
            Manager::begin_transaction(conn)
        }
        DbConnection::Sqlite(inner) => {
            _turn = SQLITE_WRITERS.try_lock_for(TURN_WAIT);
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
        }
        DbConnection::Pg(_) => {
            _turn = None;
            Manager::begin_transaction(conn)
        }
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
