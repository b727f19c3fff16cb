//! Database URLs and connections: which backend a URL names, opening a
//! connection with the settings that backend needs, and the one connection
//! type (`DbConnection`) both backends share.

use std::fmt;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::db::wal::BACKSTOP_PAGES;
use crate::StoreError;

/// A connection to either supported database; the variant is chosen from the URL.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A PostgreSQL connection.
    Pg(PgConnection),
    /// A SQLite connection. Must stay the last variant: SQLite accepts any path.
    Sqlite(SqliteConnection),
}

impl DbConnection {
    /// The engine behind this connection.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Pg(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (`postgres://` or `postgresql://`).
    Postgres,
    /// SQLite (`sqlite://path`, `sqlite:path` or a plain file path).
    Sqlite,
}

/// A database location, parsed far enough to know its backend.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What the driver receives: the whole URL for PostgreSQL, the path for SQLite.
    target: String,
}

/// The page cache of each SQLite connection, in KiB.
const SQLITE_CACHE_KIB: u32 = 1024;

/// How long a SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

impl DatabaseUrl {
    /// Reads a database URL, refusing empty strings and unknown schemes.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        let (backend, target) = if url.starts_with("postgres://")
            || url.starts_with("postgresql://")
        {
            (Backend::Postgres, url)
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            (Backend::Sqlite, path)
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            (Backend::Sqlite, path)
        } else if let Some((scheme, _)) = url.split_once("://") {
            return Err(StoreError::Config(format!(
                "unsupported database URL scheme `{scheme}://` (use postgres://, sqlite:// or a file path)"
            )));
        } else {
            (Backend::Sqlite, url)
        };
        if target.is_empty() {
            return Err(StoreError::Config("the database URL is empty".to_owned()));
        }
        Ok(Self {
            backend,
            target: target.to_owned(),
        })
    }

    /// The backend this URL names.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database file, for SQLite URLs.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        (self.backend == Backend::Sqlite).then(|| std::path::Path::new(&self.target))
    }

    /// Opens one connection, reporting the driver's own reason on failure.
    pub fn connect(&self) -> Result<DbConnection, StoreError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Pg)
                .map_err(|e| StoreError::Unavailable(e.to_string())),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                // busy_timeout first, so the other pragmas already wait for locks.
                // Each pooled connection keeps a page cache of its own: at
                // SQLite's default 2 MiB, ten of them could hold 20 MiB,
                // while the operating system caches the file for all of them.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA cache_size = -{SQLITE_CACHE_KIB}; \
                     PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES};"
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// Switches a SQLite database file to write-ahead logging. Done once,
    /// before the pool opens connections: many connections switching at
    /// once fail with "database is locked".
    pub(crate) fn prepare(&self) -> Result<(), StoreError> {
        if let (Backend::Sqlite, DbConnection::Sqlite(conn)) = (self.backend, &mut self.connect()?)
        {
            conn.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Shows the URL without any password it carries.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend {
            Backend::Sqlite => write!(f, "sqlite://{}", self.target),
            Backend::Postgres => f.write_str(&redact_password(&self.target)),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let credentials = &rest[..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_backend_from_scheme() {
        let cases = [
            ("postgres://u@localhost/db", Backend::Postgres),
            ("postgresql://localhost/db", Backend::Postgres),
            ("sqlite://data/app.db", Backend::Sqlite),
            ("sqlite:app.db", Backend::Sqlite),
            ("db.sqlite3", Backend::Sqlite),
        ];
        for (url, backend) in cases {
            assert_eq!(
                DatabaseUrl::parse(url).map(|u| u.backend()).ok(),
                Some(backend),
                "{url}"
            );
        }
    }

    #[test]
    fn refuses_unknown_schemes_and_empty_urls() {
        assert!(matches!(
            DatabaseUrl::parse("mysql://localhost/db"),
            Err(StoreError::Config(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("  "),
            Err(StoreError::Config(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("sqlite://"),
            Err(StoreError::Config(_))
        ));
    }

    #[test]
    fn display_hides_passwords() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/events").expect("valid");
        assert_eq!(url.to_string(), "postgres://app:***@db:5432/events");
        let url = DatabaseUrl::parse("postgres://app@db/events").expect("valid");
        assert_eq!(url.to_string(), "postgres://app@db/events");
    }
}
