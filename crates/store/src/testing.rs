//! Per-test databases, for this crate's tests and those of crates above it.
//!
//! Each [`TestDb`] is a fresh, migrated database: a SQLite file in its own
//! temporary directory, or a PostgreSQL schema of its own on the server
//! `TEST_DATABASE_URL` names. Tests therefore run in parallel without seeing
//! each other's rows. The schema is dropped when the `TestDb` is.
#![allow(
    clippy::expect_used,
    reason = "a fixture that cannot set up must fail the test loudly"
)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::{Connection, PgConnection};

use crate::{run_pending_migrations, DatabaseUrl, DbPool, PoolEntry, PooledConnection, StoreError};

/// A migrated database that exists for one test.
pub struct TestDb {
    pool: DbPool,
    url: String,
    queries: Arc<AtomicUsize>,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(PathBuf),
    /// Held so that it drops (with its tables) after the pool closes.
    Schema(#[allow(dead_code, reason = "held for its Drop")] PgSchema),
}

/// An empty PostgreSQL schema of its own on the server `TEST_DATABASE_URL`
/// names, dropped with everything in it when this is dropped: for a test's
/// own database, or for another program's tables a test sets up.
pub struct PgSchema {
    admin_url: String,
    name: String,
    url: String,
}

impl PgSchema {
    /// A new empty schema, or `None` when `TEST_DATABASE_URL` is unset.
    ///
    /// Panics when `REQUIRE_POSTGRES=1` and PostgreSQL is not configured or
    /// not reachable, so CI fails instead of silently skipping.
    pub fn create() -> Option<Self> {
        let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                !required,
                "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
            );
            report_skip();
            return None;
        };
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|err| panic!("PostgreSQL at TEST_DATABASE_URL is unreachable: {err}"));
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create the test schema");
        let separator = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{separator}options=-csearch_path%3D{name}");
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL whose connections see this schema first.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// The connections a test pool holds: enough for the concurrency tests.
const TEST_POOL_SIZE: u32 = 20;

impl TestDb {
    /// A fresh SQLite database file.
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("store-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory for the test database");
        let url = dir.join("test.sqlite3").to_string_lossy().into_owned();
        Self::open(url, Cleanup::Directory(dir))
    }

    /// A fresh PostgreSQL schema, or `None` when `TEST_DATABASE_URL` is unset.
    ///
    /// Panics when `REQUIRE_POSTGRES=1` and PostgreSQL is not configured or
    /// not reachable, so CI fails instead of silently skipping.
    pub fn postgres() -> Option<Self> {
        let schema = PgSchema::create()?;
        Some(Self::open(schema.url().to_owned(), Cleanup::Schema(schema)))
    }

    fn open(url: String, cleanup: Cleanup) -> Self {
        let parsed = DatabaseUrl::parse(&url).expect("a valid test database URL");
        parsed.prepare().expect("prepare the test database");
        let queries = Arc::new(AtomicUsize::new(0));
        let builder = r2d2::Pool::builder()
            .max_size(TEST_POOL_SIZE)
            // As in production pools: checks happen in `DbPool::get`, when needed.
            .test_on_check_out(false)
            .connection_customizer(Box::new(CountQueries(Arc::clone(&queries))));
        let pool = DbPool::new(builder, parsed, std::time::Duration::from_secs(10));
        let mut conn = pool.get().expect("a test database connection");
        run_pending_migrations(&mut conn).expect("migrate the test database");
        drop(conn);
        Self {
            pool,
            url,
            queries,
            cleanup,
        }
    }

    /// How many SQL statements this database's pool has run so far.
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::SeqCst)
    }

    /// The pool of connections to this database.
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// A connection to this database.
    pub fn conn(&self) -> PooledConnection {
        self.pool.get().expect("a test database connection")
    }

    /// The URL that reaches this database (with its schema, for PostgreSQL).
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Counts the statements the pool's connections start, liveness checks aside.
#[derive(Debug)]
struct CountQueries(Arc<AtomicUsize>);

impl r2d2::CustomizeConnection<PoolEntry, StoreError> for CountQueries {
    fn on_acquire(&self, conn: &mut PoolEntry) -> Result<(), StoreError> {
        let counter = Arc::clone(&self.0);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            // The pool's liveness check (`SELECT 1`, run only on connections
            // that sat idle) is not the work being counted.
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                if query.to_string().trim() != "SELECT 1" {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        Ok(())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            // Dropping the schema is PgSchema's own drop.
            Cleanup::Schema(_) => {}
        }
    }
}

/// Tells the person running the tests, once per test binary and outside the
/// test harness's output capture, that PostgreSQL tests did not run.
fn report_skip() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: PostgreSQL tests skipped: TEST_DATABASE_URL is not set"
        );
    });
}

/// Defines each named test function (taking `&TestDb`) twice: once in a
/// `sqlite` module and once in a `postgres` module.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::testing::TestDb::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres() {
                        super::$name(&db);
                    }
                }
            )*
        }
    };
}
