//! The connection pool: r2d2 with checks that find dead PostgreSQL
//! connections, quick 503s while the database is down, and the pool's
//! shared state (its write group, its per-type values).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;

use std::any::{Any, TypeId};
use std::collections::HashMap;

use parking_lot::Mutex;

use crate::db::suspicion::Suspicion;
use crate::db::wal::Checkpointer;
use crate::db::write_group::WriteGroup;
use crate::{write_transaction, Backend, DatabaseUrl, DbConnection, StoreError};

/// A connection borrowed from a [`DbPool`]; it returns to the pool when
/// dropped. It dereferences to [`DbConnection`] (through [`PoolEntry`]).
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// A pooled connection with what the pool knows of its health.
pub struct PoolEntry {
    conn: DbConnection,
    /// When it last went back to the pool.
    idle_since: Instant,
    /// Found dead at checkout: the pool drops it instead of keeping it.
    broken: bool,
}

impl std::ops::Deref for PoolEntry {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PoolEntry {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// A PostgreSQL connection idle this long is checked before it is handed
/// out; one in steady use is not (a check is a round trip per request).
const IDLE_CHECK: Duration = Duration::from_secs(1);

impl PoolEntry {
    fn new(conn: DbConnection) -> Self {
        Self {
            conn,
            idle_since: Instant::now(),
            broken: false,
        }
    }

    /// Whether to check the connection before handing it out. A SQLite
    /// file cannot go away, so only PostgreSQL connections are checked.
    fn needs_check(&self, suspicion: &Suspicion) -> bool {
        matches!(self.conn, DbConnection::Pg(_))
            && (self.idle_since.elapsed() >= IDLE_CHECK || suspicion.active())
    }
}

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

/// While the last attempt to reach the database failed, a checkout gives
/// up after this instead of queueing for the full wait: long enough for a
/// reconnect that is under way, short enough that callers get their 503 at
/// once. It is also how often a waiting checkout looks at that state.
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
    unreachable: Arc<AtomicBool>,
    writes: Arc<WriteGroup>,
    /// Whether to check every checkout for a while (see [`Self::suspect_connections`]).
    suspicion: Arc<Suspicion>,
    /// State its callers share per pool, by type (see [`DbPool::shared`]).
    shared: Arc<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>,
    /// SQLite: checkpoints the log while the pool lives.
    _checkpointer: Option<Checkpointer>,
}

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbPool")
            .field("state", &self.connections.state())
            .field("checkout_wait", &self.checkout_wait)
            .field("unreachable", &self.unreachable.load(Ordering::Relaxed))
            .finish()
    }
}

impl DbPool {
    /// A pool of connections to `url`, configured by `builder` (size,
    /// checks, customizers), whose callers wait up to `checkout_wait` for a
    /// connection. It opens its connections in the background.
    pub fn new(
        builder: r2d2::Builder<ConnectionManager>,
        url: DatabaseUrl,
        checkout_wait: Duration,
    ) -> Self {
        let manager = ConnectionManager::new(url.clone());
        let unreachable = Arc::clone(&manager.unreachable);
        let connections = builder
            .connection_timeout(RECONNECT_TIMEOUT)
            // The manager reports outages once each, not every retry.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        let checkpointer = (url.backend() == Backend::Sqlite).then(|| Checkpointer::start(&url));
        Self {
            connections,
            url,
            checkout_wait,
            unreachable,
            writes: Arc::default(),
            suspicion: Arc::default(),
            shared: Arc::default(),
            _checkpointer: checkpointer,
        }
    }

    /// Runs `work` in a write transaction on one of the pool's connections,
    /// as [`write_transaction`] does on a connection of one's own, and
    /// returns once it has committed or failed.
    ///
    /// On SQLite, writes that arrive while another runs share the next
    /// transaction and its one commit, each in a savepoint of its own: the
    /// work sees what was written before it and fails alone. A failed commit
    /// fails every write it held. Call it without holding a connection of
    /// this pool: the thread that runs a batch takes one.
    pub fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        match self.url.backend() {
            Backend::Sqlite => self.writes.write(self, work),
            Backend::Postgres => {
                let mut conn = self.get()?;
                write_transaction(&mut conn, work)
            }
        }
    }

    /// Tells the pool that a caller's work failed in a way that may mean
    /// the server dropped its connections (see [`StoreError::may_mean_lost_connection`]):
    /// for a while, every PostgreSQL checkout is checked first, so dead
    /// connections are replaced instead of failing one request each.
    pub fn suspect_connections(&self) {
        self.suspicion.raise();
    }

    /// The pool's one value of type `T`, made on first use: state that the
    /// pool's callers share, such as a queue of writes waiting to be taken
    /// together. Two pools never share it, even in one process.
    pub fn shared<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut shared = self.shared.lock();
        let value = shared
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()));
        match Arc::clone(value).downcast::<T>() {
            Ok(value) => value,
            // Keyed by its own type id: the value is always a `T`.
            Err(_) => Arc::new(T::default()),
        }
    }

    /// The database the pool connects to (for a connection of one's own,
    /// such as a LISTEN).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Borrows a connection, waiting up to the pool's checkout wait while
    /// the database answers (its connections are busy), and giving up
    /// within [`OUTAGE_WAIT`] once connecting to it fails; a timeout is
    /// [`StoreError::Unavailable`].
    pub fn get(&self) -> Result<PooledConnection, StoreError> {
        let deadline = Instant::now() + self.checkout_wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.connections.get_timeout(left.min(OUTAGE_WAIT)) {
                Ok(mut conn) => {
                    if conn.needs_check(&self.suspicion) && conn.conn.ping().is_err() {
                        // Dropped, it is replaced by a new connection.
                        conn.broken = true;
                        drop(conn);
                        if left <= OUTAGE_WAIT {
                            return Err(StoreError::Unavailable(
                                "the database connection was lost".to_owned(),
                            ));
                        }
                        continue;
                    }
                    // A connection in use or checked: the database answers.
                    self.unreachable.store(false, Ordering::Relaxed);
                    return Ok(conn);
                }
                Err(err) if self.unreachable.load(Ordering::Relaxed) || left <= OUTAGE_WAIT => {
                    return Err(err.into());
                }
                Err(_) => {}
            }
        }
    }
}

/// Opens connections of the backend the URL names, with the per-connection
/// settings that backend needs, and notes whether the last attempt failed.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    unreachable: Arc<AtomicBool>,
}

impl ConnectionManager {
    /// A manager opening connections to `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            unreachable: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PoolEntry;
    type Error = StoreError;

    fn connect(&self) -> Result<PoolEntry, StoreError> {
        let connected = self.url.connect().map(PoolEntry::new);
        match &connected {
            Ok(_) => {
                if self.unreachable.swap(false, Ordering::Relaxed) {
                    tracing::info!("the database answers again");
                }
            }
            Err(err) => {
                if !self.unreachable.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %err, "cannot connect to the database; retrying every 200 ms");
                }
            }
        }
        connected
    }

    fn is_valid(&self, entry: &mut PoolEntry) -> Result<(), StoreError> {
        entry.conn.ping().map_err(StoreError::from)
    }

    /// Called as the connection goes back to the pool.
    fn has_broken(&self, entry: &mut PoolEntry) -> bool {
        entry.idle_since = Instant::now();
        entry.broken || entry.conn.is_broken()
    }
}

/// Builds a pool for `url` after checking that one connection can be opened,
/// so a wrong URL or an unreachable server is reported with the driver's
/// own reason, at once.
pub fn build_pool(url: &DatabaseUrl, options: PoolOptions) -> Result<DbPool, StoreError> {
    url.prepare()?;
    let builder = r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        // A PostgreSQL connection can die with its server or network; the
        // pool checks it when it was idle or errors were seen, not on every
        // checkout (see `PoolEntry::needs_check`).
        .test_on_check_out(false);
    let pool = DbPool::new(builder, url.clone(), options.connection_timeout);
    // The first connection may take the full wait (a remote server).
    drop(pool.get()?);
    Ok(pool)
}

/// Checks that the database answers a trivial query.
pub fn check_health(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1").map_err(StoreError::from)
}
