//! The refresh-token blacklist.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::UserId;

use crate::sql::schema::token_blacklist;
use crate::time::to_db;
use crate::{now, DbConnection, StoreResult};

/// Blacklists a token id until `expires_at`. Blacklisting the same id
/// twice gives [`crate::StoreError::Conflict`].
pub fn add(
    conn: &mut DbConnection,
    jti: &str,
    user_id: UserId,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(token_blacklist::table)
        .values((
            token_blacklist::jti.eq(jti),
            token_blacklist::user_id.eq(user_id.0),
            token_blacklist::expires_at.eq(to_db(expires_at)),
            token_blacklist::blacklisted_at.eq(to_db(now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the token id is blacklisted.
pub fn contains(conn: &mut DbConnection, jti: &str) -> StoreResult<bool> {
    let found = token_blacklist::table
        .find(jti)
        .select(token_blacklist::jti)
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Forgets entries whose tokens have expired (they are refused anyway);
/// returns how many were removed.
pub fn purge_expired(conn: &mut DbConnection, at: DateTime<Utc>) -> StoreResult<usize> {
    Ok(
        diesel::delete(token_blacklist::table.filter(token_blacklist::expires_at.lt(to_db(at))))
            .execute(conn)?,
    )
}
