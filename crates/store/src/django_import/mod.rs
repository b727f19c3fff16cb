//! Moving a deployment of the Django version over: copies its users (with
//! their ids and password hashes), events (with their UUIDs) and
//! attendances into this database, in one transaction.
//!
//! The import only adds: a row that is already here (same user id and
//! username, same event id, same user and event) is left as it is here, so
//! running it again changes nothing. Rows it cannot copy (a username taken
//! by another id, a status outside the three choices, a reference to a row
//! that is not copied) are reported one by one, and then nothing is written
//! unless the caller asked to leave those rows out.

mod attendances;
mod events;
mod report;
mod source;
mod users;

use std::collections::HashSet;

use diesel::RunQueryDsl;

pub use report::{ImportReport, Outcome, RowProblem, TableReport};

use crate::time::to_db;
use crate::{now, write_transaction, DatabaseUrl, DbConnection, StoreError, StoreResult};

/// How to run an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Work everything out and report it, then roll back.
    pub dry_run: bool,
    /// Leave out the rows that cannot be copied instead of refusing them all.
    pub skip_invalid: bool,
}

/// What the tables read so far left here, for checking the next table's
/// references.
#[derive(Debug, Default)]
struct Copied {
    /// Django user ids that are users here after the import.
    users: HashSet<i64>,
    /// Django user ids that were left out.
    refused_users: HashSet<i64>,
    /// Event ids that are events here after the import.
    events: HashSet<uuid::Uuid>,
    /// Event ids (as Django stored them) that were left out.
    refused_events: HashSet<String>,
}

/// Why the write transaction ended without committing.
enum Abort {
    Failed(StoreError),
    RolledBack(ImportReport),
}

impl From<StoreError> for Abort {
    fn from(err: StoreError) -> Self {
        Self::Failed(err)
    }
}

/// Imports the Django database at `source` into `target`, calling
/// `progress` once each table is worked out.
///
/// Returns the report whatever the outcome; an error means the import could
/// not run at all (the source is unreadable, the target failed).
pub fn import(
    source: &DatabaseUrl,
    target: &mut DbConnection,
    options: ImportOptions,
    progress: &mut dyn FnMut(&TableReport),
) -> StoreResult<ImportReport> {
    let rows = source::read(source)?;
    let at = to_db(now());
    let outcome = write_transaction(target, |conn| {
        let mut copied = Copied::default();
        let mut problems = Vec::new();
        let mut tables = Vec::new();
        let mut step = |table: TableReport| {
            progress(&table);
            tables.push(table);
        };
        step(users::copy(conn, &rows.users, &mut copied, &mut problems)?);
        step(events::copy(
            conn,
            &rows.events,
            at,
            &mut copied,
            &mut problems,
        )?);
        step(attendances::copy(
            conn,
            &rows.attendances,
            at,
            &copied,
            &mut problems,
        )?);
        let refused = !problems.is_empty() && !options.skip_invalid;
        let outcome = if refused {
            Outcome::Refused
        } else if options.dry_run {
            Outcome::DryRun
        } else {
            Outcome::Written
        };
        let report = ImportReport {
            tables,
            problems,
            outcome,
        };
        match outcome {
            Outcome::Written => {
                // Not transactional on PostgreSQL: only once it is certain.
                continue_user_ids(conn)?;
                Ok(report)
            }
            Outcome::DryRun | Outcome::Refused => Err(Abort::RolledBack(report)),
        }
    });
    match outcome {
        Ok(report) | Err(Abort::RolledBack(report)) => Ok(report),
        Err(Abort::Failed(err)) => Err(err),
    }
}

/// Moves PostgreSQL's id sequence past the highest user id, so users who
/// register next get fresh ids; it never moves back, so no id is handed out
/// twice. (SQLite's AUTOINCREMENT does both by itself.) Events and
/// attendances get no explicit serial ids.
fn continue_user_ids(conn: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), MAX(id)) FROM users \
             HAVING MAX(id) >= COALESCE((SELECT last_value FROM pg_sequences \
                 WHERE schemaname = current_schema() AND sequencename = 'users_id_seq'), 0)",
        )
        .execute(pg)?;
    }
    Ok(())
}
