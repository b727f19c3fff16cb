//! Waking every server process's mail worker, not only the one that queued
//! the mail: on PostgreSQL, writing due mail sends a `NOTIFY` that is
//! delivered when the transaction commits (and not at all if it rolls
//! back), and each worker holds a `LISTEN`. SQLite has no such thing; its
//! workers poll.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::{DatabaseUrl, DbConnection, StoreResult};

/// The PostgreSQL channel due mail is announced on. The payload is the
/// announcing connection's schema, so deployments sharing one database in
/// different schemas do not wake each other.
pub const MAIL_CHANNEL: &str = "events_outbox";

/// Announces due mail from inside the transaction that makes it due.
pub(crate) fn announce(conn: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!(
            "SELECT pg_notify('{MAIL_CHANNEL}', current_schema())"
        ))
        .execute(pg)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Schema {
    #[diesel(sql_type = Text)]
    name: String,
}

/// A connection of its own that hears due mail announced by any process
/// on the same database and schema.
pub struct MailListener {
    conn: diesel::PgConnection,
    schema: String,
}

impl MailListener {
    /// Listens on `url`'s database, or `None` for SQLite, which cannot.
    pub fn open(url: &DatabaseUrl) -> StoreResult<Option<Self>> {
        match url.connect()? {
            DbConnection::Pg(mut conn) => {
                diesel::sql_query(format!("LISTEN {MAIL_CHANNEL}")).execute(&mut conn)?;
                let schema = diesel::sql_query("SELECT current_schema() AS name")
                    .get_result::<Schema>(&mut conn)?
                    .name;
                Ok(Some(Self { conn, schema }))
            }
            DbConnection::Sqlite(_) => Ok(None),
        }
    }

    /// Whether mail was announced for this schema since the last call;
    /// never blocks. An error means the connection is lost: open a new
    /// listener.
    pub fn announced(&mut self) -> StoreResult<bool> {
        let mut heard = false;
        for notification in self.conn.notifications_iter() {
            heard |= notification?.payload == self.schema;
        }
        Ok(heard)
    }

    /// Checks the connection with a round trip: a listener only reads, so
    /// it would not notice a connection the network silently dropped.
    pub fn check(&mut self) -> StoreResult<()> {
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }
}
