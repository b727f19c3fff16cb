//! SQLite's WAL checkpoints, taken off the writers' path.
//!
//! By default the connection whose commit takes the log past 1000 pages
//! copies the log back into the database file before its commit returns:
//! under a run of creates that was the one writer (the group commit's
//! leader) writing to the file while the other core sat idle, 22% of the
//! machine. A thread of the pool's own checkpoints every
//! [`CHECKPOINT_EVERY`] instead, `PASSIVE`ly: it never waits for a reader
//! or a writer, and writers go on appending meanwhile. The connections'
//! own automatic checkpoint stays, at a larger size, as the backstop.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use crate::{DatabaseUrl, DbConnection};

/// How often the log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Pages the log may grow to before a committing connection checkpoints
/// itself (about 40 MiB): reached only if the thread falls behind.
pub(crate) const BACKSTOP_PAGES: u32 = 10_000;

/// Keeps the thread checkpointing while any clone of it is alive.
#[derive(Debug, Clone)]
pub(crate) struct Checkpointer(#[allow(dead_code, reason = "held for its drop")] Arc<()>);

impl Checkpointer {
    /// Starts checkpointing `url`'s log, until the last clone is dropped.
    /// A thread that cannot start leaves the backstop to do the work.
    pub(crate) fn start(url: &DatabaseUrl) -> Self {
        let alive = Arc::new(());
        let watched = Arc::downgrade(&alive);
        let url = url.clone();
        let started = std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || run(&url, &watched));
        if let Err(err) = started {
            tracing::warn!(error = %err, "cannot start the WAL checkpoint thread");
        }
        Self(alive)
    }
}

fn run(url: &DatabaseUrl, alive: &Weak<()>) {
    let mut conn: Option<DbConnection> = None;
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        if alive.strong_count() == 0 {
            return;
        }
        let connected = match conn.take() {
            Some(open) => Ok(open),
            None => url.connect(),
        };
        match connected {
            // SQLITE_BUSY (another checkpoint under way, from this process
            // or another) is no failure: the next round copies the rest.
            Ok(mut open) => match open.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                Ok(()) => conn = Some(open),
                Err(err) => tracing::debug!(error = %err, "WAL checkpoint skipped"),
            },
            Err(err) => tracing::debug!(error = %err, "WAL checkpoint cannot connect"),
        }
    }
}
