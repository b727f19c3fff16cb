//! Server-side session state, by hashed session key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::sql::schema::sessions;
use crate::time::to_db;
use crate::{DbConnection, StoreResult};

/// The session's data, unless it is missing or expired.
pub fn load(
    conn: &mut DbConnection,
    key_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    Ok(sessions::table
        .find(key_hash)
        .filter(sessions::expires_at.gt(to_db(now)))
        .select(sessions::data)
        .first::<String>(conn)
        .optional()?)
}

/// Stores a session's data until `expires_at`, replacing what the key held.
pub fn save(
    conn: &mut DbConnection,
    key_hash: &str,
    data: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    let expires_at = to_db(expires_at);
    let updated = diesel::update(sessions::table.find(key_hash))
        .set((sessions::data.eq(data), sessions::expires_at.eq(expires_at)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(sessions::table)
            .values((
                sessions::key_hash.eq(key_hash),
                sessions::data.eq(data),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the data of a session that still exists; returns whether it
/// did. Never inserts: a session ended (logout) while a request that had
/// loaded it was running must stay ended.
pub fn update(
    conn: &mut DbConnection,
    key_hash: &str,
    data: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<bool> {
    let updated = diesel::update(sessions::table.find(key_hash))
        .set((
            sessions::data.eq(data),
            sessions::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(updated > 0)
}

/// Moves a session's expiry.
pub fn touch(
    conn: &mut DbConnection,
    key_hash: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(sessions::table.find(key_hash))
        .set(sessions::expires_at.eq(to_db(expires_at)))
        .execute(conn)?;
    Ok(())
}

/// Ends a session.
pub fn delete(conn: &mut DbConnection, key_hash: &str) -> StoreResult<()> {
    diesel::delete(sessions::table.find(key_hash)).execute(conn)?;
    Ok(())
}

/// Forgets expired sessions; returns how many.
pub fn purge_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<usize> {
    Ok(
        diesel::delete(sessions::table.filter(sessions::expires_at.le(to_db(now))))
            .execute(conn)?,
    )
}
