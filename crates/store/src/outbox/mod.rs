//! The mail outbox: messages written in the same transaction as what caused
//! them, then claimed, sent and marked by a worker.
//!
//! A claim sets the row to `sending` with a lease (`claimed_until`); a
//! worker that dies mid-send leaves a claim that expires, and the row is
//! claimed again. On PostgreSQL the claim skips rows other workers hold
//! (`FOR UPDATE SKIP LOCKED`), so several servers never claim one message
//! twice; SQLite has a single writer, so its claim runs in a write
//! transaction.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::{User, UserId};

use crate::sql::schema::outbox;
use crate::time::{from_db, to_db};
use crate::{DbConnection, StoreError, StoreResult};

mod delivery;

pub use delivery::{claim_due, mark_failed, mark_retry, mark_sent, release, retry_now};

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageState {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker that is sending it.
    Sending,
    /// Delivered to the mail server.
    Sent,
    /// Given up on; kept with its last error.
    Failed,
}

impl MessageState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for MessageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessageState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        [Self::Pending, Self::Sending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown outbox state {s:?}")))
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The recipient's address.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// A queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's id.
    pub id: i64,
    /// The recipient's address.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// Where it is in its life.
    pub state: MessageState,
    /// Delivery attempts started so far (including a claim in progress).
    pub attempts: i32,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it is due (again).
    pub next_attempt_at: DateTime<Utc>,
    /// Until when the current claim holds.
    pub claimed_until: Option<DateTime<Utc>>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// For notices: the recipient's account, whose one-click unsubscribe
    /// link the mailer makes for the `List-Unsubscribe` header (the token is
    /// derived from the server's secret, so the outbox holds none).
    pub unsubscribe_user: Option<UserId>,
}

#[derive(Queryable)]
struct MessageRow {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    state: String,
    attempts: i32,
    created_at: NaiveDateTime,
    next_attempt_at: NaiveDateTime,
    claimed_until: Option<NaiveDateTime>,
    sent_at: Option<NaiveDateTime>,
    last_error: Option<String>,
    unsubscribe_user_id: Option<i64>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> StoreResult<Self> {
        Ok(Self {
            id: row.id,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            state: row.state.parse()?,
            attempts: row.attempts,
            created_at: from_db(row.created_at),
            next_attempt_at: from_db(row.next_attempt_at),
            claimed_until: row.claimed_until.map(from_db),
            sent_at: row.sent_at.map(from_db),
            last_error: row.last_error,
            unsubscribe_user: row.unsubscribe_user_id.map(UserId),
        })
    }
}

fn into_messages(rows: Vec<MessageRow>) -> StoreResult<Vec<Message>> {
    rows.into_iter().map(Message::try_from).collect()
}

/// Queues a message, due at once. Call it inside the transaction that
/// makes the change the message reports.
pub fn enqueue(
    conn: &mut DbConnection,
    message: &NewMessage,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    insert(conn, message, None, at)
}

/// Queues a notice (a change, a reminder, a freed seat) for `user`, with
/// their one-click unsubscribe link, unless they turned notices off or the account
/// is inactive. Call it inside
/// the transaction that makes the change. Returns the message's id, or
/// `None` when nothing was queued.
pub fn enqueue_notice(
    conn: &mut DbConnection,
    message: &NewMessage,
    user: &User,
    at: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    if !user.email_notifications || !user.is_active {
        return Ok(None);
    }
    insert(conn, message, Some(user.id), at).map(Some)
}

fn insert(
    conn: &mut DbConnection,
    message: &NewMessage,
    unsubscribe_user: Option<UserId>,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let at = to_db(at);
    let id = native!(conn, c => diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(&message.recipient),
            outbox::subject.eq(&message.subject),
            outbox::body.eq(&message.body),
            outbox::state.eq(MessageState::Pending.as_str()),
            outbox::created_at.eq(at),
            outbox::next_attempt_at.eq(at),
            outbox::unsubscribe_user_id.eq(unsubscribe_user.map(|id| id.0)),
        ))
        .returning(outbox::id)
        .get_result(c))?;
    crate::mail_wake::announce(conn)?;
    Ok(id)
}

/// The message with this id.
pub fn get(conn: &mut DbConnection, id: i64) -> StoreResult<Message> {
    outbox::table.find(id).first::<MessageRow>(conn)?.try_into()
}

/// Messages, newest first, optionally in one state.
pub fn list(
    conn: &mut DbConnection,
    state: Option<MessageState>,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Message>> {
    let mut query = outbox::table
        .order(outbox::id.desc())
        .limit(limit)
        .offset(offset)
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(outbox::state.eq(state.as_str()));
    }
    into_messages(query.load::<MessageRow>(conn)?)
}

/// How many messages are in the state (or in all, for `None`).
pub fn count(conn: &mut DbConnection, state: Option<MessageState>) -> StoreResult<i64> {
    let mut query = outbox::table.count().into_boxed();
    if let Some(state) = state {
        query = query.filter(outbox::state.eq(state.as_str()));
    }
    Ok(query.get_result(conn)?)
}

/// Which messages a listing shows.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    /// Only messages in this state.
    pub state: Option<MessageState>,
    /// Terms each found (case-insensitive) in the recipient or the subject.
    pub search: Option<String>,
}

type BoxedMessages =
    diesel::dsl::IntoBoxed<'static, outbox::table, crate::db::connection::MultiBackend>;

fn filtered(filter: &MessageFilter) -> BoxedMessages {
    use crate::sql::functions::lower;
    use crate::sql::search::like_patterns;
    let mut query = outbox::table.into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(outbox::state.eq(state.as_str()));
    }
    for pattern in like_patterns(filter.search.as_deref(), &[]) {
        query = query.filter(
            lower(outbox::recipient)
                .like(lower(pattern.clone()))
                .escape('\\')
                .or(lower(outbox::subject).like(lower(pattern)).escape('\\')),
        );
    }
    query
}

/// A page of messages, newest first, and how many match the filter.
pub fn page(
    conn: &mut DbConnection,
    filter: &MessageFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(i64, Vec<Message>)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order(outbox::id.desc())
        .limit(limit)
        .offset(offset)
        .load::<MessageRow>(conn)?;
    Ok((total, into_messages(rows)?))
}
