use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;

use crate::{DatabaseUrl, DbConnection, StoreError};

/// A pool of database connections.
pub type DbPool = r2d2::Pool<ConnectionManager>;

/// A connection borrowed from a [`DbPool`]; it returns to the pool when dropped.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How large the pool is and how long a caller waits for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// The most connections open at once.
    pub max_size: u32,
    /// How long to wait for a free connection before reporting the database unavailable.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens connections of the backend the URL names, with the per-connection
/// settings that backend needs.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager opening connections to `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.ping().map_err(StoreError::from)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Builds a pool for `url` after checking that one connection can be opened,
/// so a wrong URL or an unreachable server is reported with the driver's
/// own reason, at once.
pub fn build_pool(url: &DatabaseUrl, options: PoolOptions) -> Result<DbPool, StoreError> {
    url.prepare()?;
    r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        // A PostgreSQL connection can die with its server or network, so it
        // is checked before use; a SQLite file cannot, so its check is skipped.
        .test_on_check_out(url.backend() == crate::Backend::Postgres)
        .connection_timeout(options.connection_timeout)
        .build(ConnectionManager::new(url.clone()))
        .map_err(StoreError::from)
}

/// Checks that the database answers a trivial query.
pub fn check_health(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1").map_err(StoreError::from)
}
