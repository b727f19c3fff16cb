use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;

use crate::{DatabaseUrl, DbConnection, StoreError};

/// A connection borrowed from a [`DbPool`]; it returns to the pool when dropped.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How large the pool is and how long a caller waits for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// The most connections open at once.
    pub max_size: u32,
    /// How long to wait for a free connection before reporting the database
    /// unavailable, while the database answers. While it does not, a
    /// checkout fails after [`OUTAGE_WAIT`].
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

/// How long a checkout waits while the pool holds no connection at all
/// (the database is down, or every connection to it just broke): long
/// enough for a reconnect that is under way, short enough that callers get
/// their 503 at once instead of queueing for the full wait.
pub const OUTAGE_WAIT: Duration = Duration::from_millis(150);

/// r2d2 retries a failed connect after a delay that doubles up to half of
/// its own connection timeout; this one keeps that delay at 200 ms, so a
/// database that comes back is found again within a fifth of a second.
/// (The pool's callers wait [`PoolOptions::connection_timeout`] instead.)
const RECONNECT_TIMEOUT: Duration = Duration::from_millis(400);

/// A pool of database connections.
#[derive(Clone)]
pub struct DbPool {
    connections: r2d2::Pool<ConnectionManager>,
    url: DatabaseUrl,
    checkout_wait: Duration,
}

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbPool")
            .field("state", &self.connections.state())
            .field("checkout_wait", &self.checkout_wait)
            .finish()
    }
}

impl DbPool {
    /// Wraps an r2d2 pool of connections to `url` whose callers wait up to
    /// `checkout_wait` for a connection. Build it with
    /// [`reconnecting_builder`], so a lost database is found again quickly.
    pub fn new(
        connections: r2d2::Pool<ConnectionManager>,
        url: DatabaseUrl,
        checkout_wait: Duration,
    ) -> Self {
        Self {
            connections,
            url,
            checkout_wait,
        }
    }

    /// The database the pool connects to (for a connection of one's own,
    /// such as a LISTEN).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Borrows a connection: waits up to the pool's checkout wait while the
    /// pool holds connections (they are busy), and only [`OUTAGE_WAIT`]
    /// while it holds none (the database is unreachable); either way a
    /// timeout is [`StoreError::Unavailable`].
    pub fn get(&self) -> Result<PooledConnection, StoreError> {
        let wait = if self.connections.state().connections == 0 {
            OUTAGE_WAIT
        } else {
            self.checkout_wait
        };
        self.connections.get_timeout(wait).map_err(StoreError::from)
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
    let connections = reconnecting_builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        // A PostgreSQL connection can die with its server or network, so it
        // is checked before use; a SQLite file cannot, so its check is skipped.
        .test_on_check_out(url.backend() == crate::Backend::Postgres)
        .build_unchecked(ConnectionManager::new(url.clone()));
    // The first connection may take the full wait (a remote server).
    drop(connections.get_timeout(options.connection_timeout)?);
    Ok(DbPool::new(
        connections,
        url.clone(),
        options.connection_timeout,
    ))
}

/// Checks that the database answers a trivial query.
pub fn check_health(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1").map_err(StoreError::from)
}

/// An r2d2 builder whose reconnects after a failure are at most 200 ms
/// apart.
pub fn reconnecting_builder() -> r2d2::Builder<ConnectionManager> {
    r2d2::Pool::builder().connection_timeout(RECONNECT_TIMEOUT)
}
