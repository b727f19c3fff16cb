//! A first page whose bounds are written into the SQL on PostgreSQL.
//!
//! PostgreSQL plans a prepared statement with a bound `LIMIT` afresh on
//! every execution: its generic plan assumes an unknown limit fetches a
//! tenth of the table, which never looks cheaper than the custom plan for
//! the real limit. Planning the page of every event by date cost more than
//! the statement itself. With the bounds as literals the statement has no
//! parameter, and PostgreSQL reuses its one plan.
//!
//! Each distinct SQL text is its own prepared statement, so only the first
//! pages of the page sizes clients can ask for take this path: at most
//! [`MAX_LITERAL_LIMIT`] statements per connection, in practice one or two.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{PgConnection, QueryResult, RunQueryDsl};

/// The largest limit written as a literal (the API's largest page).
pub(crate) const MAX_LITERAL_LIMIT: i64 = 1000;

/// `query LIMIT n` with `n` in the SQL text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LiteralLimit<Q> {
    query: Q,
    limit: i64,
}

impl<Q> LiteralLimit<Q> {
    /// `query` limited to `limit` rows from the first, when the limit is
    /// one a client can ask for; `None` otherwise (bind it instead).
    pub(crate) fn first_page(query: Q, limit: i64, offset: i64) -> Option<Self> {
        (offset == 0 && (1..=MAX_LITERAL_LIMIT).contains(&limit)).then_some(Self { query, limit })
    }
}

impl<Q: Query> Query for LiteralLimit<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> QueryId for LiteralLimit<Q> {
    type QueryId = ();
    // The SQL differs by limit: Diesel's statement cache keys it by its text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for LiteralLimit<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.limit.to_string());
        Ok(())
    }
}

impl<Q> RunQueryDsl<PgConnection> for LiteralLimit<Q> {}
