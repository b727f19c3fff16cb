//! The registration throttle, shared by every server process:
//! registrations per client address within a window, in the database
//! (each one costs a password hash).
//!
//! A registration is counted when it is admitted, under a lock per client
//! address (an advisory lock on PostgreSQL, the writer lock on SQLite), so
//! concurrent ones from many processes together get exactly the allowed
//! number.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use crate::sql::schema::registrations_by_client;
use crate::time::{from_db, to_db};
use crate::{write_transaction, DbConnection, StoreResult};

/// The longest client address kept; longer ones are cut.
const CLIENT_MAX: usize = 64;

/// Counts a registration from `client` unless `allowed` were counted within
/// `window` before `now`; then returns how long to wait instead (`None`:
/// admitted).
pub fn admit(
    conn: &mut DbConnection,
    client: &str,
    allowed: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> StoreResult<Option<std::time::Duration>> {
    let client: String = client.chars().take(CLIENT_MAX).collect();
    write_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            // Apart from the login throttle's locks on the same address.
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))")
                .bind::<diesel::sql_types::Text, _>(&client)
                .execute(pg)?;
        }
        diesel::delete(
            registrations_by_client::table
                .filter(registrations_by_client::created_at.lt(to_db(now - window))),
        )
        .execute(conn)?;
        let (count, oldest): (i64, Option<chrono::NaiveDateTime>) = registrations_by_client::table
            .filter(registrations_by_client::client.eq(&client))
            .select((count_star(), min(registrations_by_client::created_at)))
            .first(conn)?;
        if count >= i64::from(allowed) {
            let free_at = oldest.map_or(now, |at| from_db(at) + window);
            return Ok(Some((free_at - now).to_std().unwrap_or_default()));
        }
        diesel::insert_into(registrations_by_client::table)
            .values((
                registrations_by_client::client.eq(&client),
                registrations_by_client::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        Ok(None)
    })
}
