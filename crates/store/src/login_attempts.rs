//! The login throttle, shared by every server process: failed attempts
//! per client address within a window, in the database.
//!
//! An attempt is admitted, and recorded, before the password is checked,
//! under a lock per client address (an advisory lock on PostgreSQL, the
//! writer lock on SQLite): attempts still running count against the limit
//! too, so concurrent guesses from many processes together get exactly the
//! allowed number of tries. A successful attempt is then forgotten; a
//! failed one counts until the window has passed it.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use crate::sql::schema::login_attempts;
use crate::time::{from_db, to_db};
use crate::{write_transaction, DbConnection, StoreResult};

/// The longest client address kept; longer ones are cut.
const CLIENT_MAX: usize = 64;

/// An attempt still running after this long died with its process.
const ABANDONED_AFTER: Duration = Duration::minutes(1);

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// It may: the attempt's id, to record how it ended.
    Admitted(i64),
    /// Attempts still running fill what is left of the limit: ask again
    /// once they end.
    Busy,
    /// Too many recent failures: try again after this long.
    Refused(std::time::Duration),
}

/// Admits an attempt from `client` unless `allowed` failed or running
/// attempts happened within `window` before `now`.
pub fn admit(
    conn: &mut DbConnection,
    client: &str,
    allowed: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> StoreResult<Admission> {
    let client = clip(client);
    write_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(&client)
                .execute(pg)?;
        }
        diesel::delete(
            login_attempts::table.filter(
                login_attempts::started_at
                    .lt(to_db(now - window))
                    .or(login_attempts::failed
                        .eq(false)
                        .and(login_attempts::started_at.lt(to_db(now - ABANDONED_AFTER)))),
            ),
        )
        .execute(conn)?;
        // One read of the client's rows: an attempt ending meanwhile (a
        // running row turning failed) must not be missed by both counts.
        let rows: Vec<(bool, chrono::NaiveDateTime)> = login_attempts::table
            .filter(login_attempts::client.eq(&client))
            .select((login_attempts::failed, login_attempts::started_at))
            .load(conn)?;
        let failures = rows.iter().filter(|(failed, _)| *failed).count();
        let oldest = rows
            .iter()
            .filter(|(failed, _)| *failed)
            .map(|(_, at)| *at)
            .min();
        let allowed = usize::try_from(allowed).unwrap_or(usize::MAX);
        if failures >= allowed {
            return Ok(Admission::Refused(wait_until_free(oldest, window, now)));
        }
        if rows.len() >= allowed {
            return Ok(Admission::Busy);
        }
        let id = diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::client.eq(&client),
                login_attempts::started_at.eq(to_db(now)),
            ))
            .returning(login_attempts::id)
            .get_result(conn)?;
        Ok(Admission::Admitted(id))
    })
}

/// How long `client` must wait before trying again (`None`: it may try
/// now), without recording anything: the early answer before a request's
/// body is read; [`admit`] decides for real.
pub fn waiting(
    conn: &mut DbConnection,
    client: &str,
    allowed: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> StoreResult<Option<std::time::Duration>> {
    let (failures, oldest) = failures(conn, &clip(client), window, now)?;
    Ok((failures >= i64::from(allowed)).then(|| wait_until_free(oldest, window, now)))
}

/// Records that an admitted attempt failed: it counts for the window.
pub fn failed(conn: &mut DbConnection, attempt: i64) -> StoreResult<()> {
    diesel::update(login_attempts::table.find(attempt))
        .set(login_attempts::failed.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Forgets an admitted attempt that did not fail (it succeeded, or never
/// got to check a password).
pub fn forget(conn: &mut DbConnection, attempt: i64) -> StoreResult<()> {
    diesel::delete(login_attempts::table.find(attempt)).execute(conn)?;
    Ok(())
}

fn clip(client: &str) -> String {
    client.chars().take(CLIENT_MAX).collect()
}

/// The client's failures within the window, and when the oldest was.
fn failures(
    conn: &mut DbConnection,
    client: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Option<chrono::NaiveDateTime>)> {
    Ok(login_attempts::table
        .filter(login_attempts::client.eq(client))
        .filter(login_attempts::failed.eq(true))
        .filter(login_attempts::started_at.ge(to_db(now - window)))
        .select((count_star(), min(login_attempts::started_at)))
        .first(conn)?)
}

fn wait_until_free(
    oldest: Option<chrono::NaiveDateTime>,
    window: Duration,
    now: DateTime<Utc>,
) -> std::time::Duration {
    let free_at = oldest.map_or(now, |at| from_db(at) + window);
    (free_at - now).to_std().unwrap_or_default()
}
