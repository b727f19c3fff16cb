//! Delivering the outbox: claiming due messages under a lease, and marking
//! each sent, due again later, or failed.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{into_messages, Message, MessageRow, MessageState};
use crate::sql::schema::outbox;
use crate::time::to_db;
use crate::users::found;
use crate::{write_transaction, DbConnection, StoreError, StoreResult};

/// Claims up to `limit` due messages (pending and due, or with an expired
/// claim) until `lease_until`, counting an attempt for each.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<Message>> {
    let (now, lease_until) = (to_db(now), to_db(lease_until));
    // The subquery reads the same table under another name.
    let candidate = diesel::alias!(outbox as candidate);
    let due = candidate
        .field(outbox::state)
        .eq(MessageState::Pending.as_str())
        .and(candidate.field(outbox::next_attempt_at).le(now))
        .or(candidate
            .field(outbox::state)
            .eq(MessageState::Sending.as_str())
            .and(candidate.field(outbox::claimed_until).lt(now)));
    let order = (
        candidate.field(outbox::next_attempt_at),
        candidate.field(outbox::id),
    );
    let claim = (
        outbox::state.eq(MessageState::Sending.as_str()),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::claimed_until.eq(Some(lease_until)),
    );
    let rows = match conn {
        DbConnection::Pg(inner) => {
            let ids = candidate
                .select(candidate.field(outbox::id))
                .filter(due)
                .order(order)
                .limit(limit)
                .for_update()
                .skip_locked();
            diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                .set(claim)
                .returning(outbox::all_columns)
                .load::<MessageRow>(inner)?
        }
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let ids = candidate
                .select(candidate.field(outbox::id))
                .filter(due)
                .order(order)
                .limit(limit);
            diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                .set(claim)
                .returning(outbox::all_columns)
                .load::<MessageRow>(conn)
                .map_err(StoreError::from)
        })?,
    };
    let mut messages = into_messages(rows)?;
    messages.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(messages)
}

type HeldMessage = diesel::dsl::Filter<
    diesel::dsl::Find<outbox::table, i64>,
    diesel::dsl::And<
        diesel::dsl::Eq<outbox::state, &'static str>,
        diesel::dsl::Eq<outbox::claimed_until, Option<NaiveDateTime>>,
    >,
>;

/// The row of a message this claim still holds: a worker whose lease ran
/// out (and whose message another worker may have claimed since) changes
/// nothing.
fn held(id: i64, lease: DateTime<Utc>) -> HeldMessage {
    outbox::table.find(id).filter(
        outbox::state
            .eq(MessageState::Sending.as_str())
            .and(outbox::claimed_until.eq(Some(to_db(lease)))),
    )
}

/// Records a delivery made under the claim that ends at `lease`;
/// [`StoreError::NotFound`] when that claim was lost.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: i64,
    lease: DateTime<Utc>,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let changed = diesel::update(held(id, lease))
        .set((
            outbox::state.eq(MessageState::Sent.as_str()),
            outbox::sent_at.eq(Some(to_db(at))),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    found(changed)
}

/// Records a failed attempt that will be retried at `next_attempt_at`.
pub fn mark_retry(
    conn: &mut DbConnection,
    id: i64,
    lease: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> StoreResult<()> {
    let changed = diesel::update(held(id, lease))
        .set((
            outbox::state.eq(MessageState::Pending.as_str()),
            outbox::next_attempt_at.eq(to_db(next_attempt_at)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    found(changed)
}

/// Gives up on a message, keeping it with its error.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    lease: DateTime<Utc>,
    error: &str,
) -> StoreResult<()> {
    let changed = diesel::update(held(id, lease))
        .set((
            outbox::state.eq(MessageState::Failed.as_str()),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    found(changed)
}

/// Hands messages claimed until `lease` back unsent (a worker shutting down,
/// or running short of lease), without counting the attempt.
pub fn release(conn: &mut DbConnection, ids: &[i64], lease: DateTime<Utc>) -> StoreResult<()> {
    let released = diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::state.eq(MessageState::Sending.as_str()))
            .filter(outbox::claimed_until.eq(Some(to_db(lease)))),
    )
    .set((
        outbox::state.eq(MessageState::Pending.as_str()),
        outbox::attempts.eq(outbox::attempts - 1),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    // Handed back by a stopping worker: another process's may send them now.
    if released > 0 {
        crate::mail_wake::announce(conn)?;
    }
    Ok(())
}

/// Makes a failed message due again now, with a fresh set of attempts.
pub fn retry_now(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    let changed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::state.eq(MessageState::Failed.as_str())),
    )
    .set((
        outbox::state.eq(MessageState::Pending.as_str()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    found(changed)?;
    crate::mail_wake::announce(conn)
}
