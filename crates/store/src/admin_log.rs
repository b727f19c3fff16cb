//! The admin log: who changed what, and when.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::UserId;

use crate::sql::schema::{admin_actions, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, StoreResult};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Created.
    Add,
    /// Changed.
    Change,
    /// Deleted.
    Delete,
}

impl Action {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Change => "change",
            Self::Delete => "delete",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "add" => Self::Add,
            "delete" => Self::Delete,
            _ => Self::Change,
        }
    }
}

/// An entry to record.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Who did it.
    pub user_id: UserId,
    /// What was done.
    pub action: Action,
    /// The kind of object, e.g. `event`.
    pub object_type: &'a str,
    /// The object's id.
    pub object_id: &'a str,
    /// How the object reads, e.g. its name.
    pub object_repr: &'a str,
    /// What changed, in words.
    pub message: &'a str,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Who did it, if their account still exists.
    pub username: Option<String>,
    /// When.
    pub action_time: DateTime<Utc>,
    /// What was done.
    pub action: Action,
    /// The kind of object.
    pub object_type: String,
    /// The object's id.
    pub object_id: String,
    /// How the object read.
    pub object_repr: String,
    /// What changed.
    pub message: String,
}

/// Records an entry; call it in the transaction that makes the change.
pub fn record(conn: &mut DbConnection, entry: &NewEntry<'_>) -> StoreResult<()> {
    let repr: String = entry.object_repr.chars().take(200).collect();
    diesel::insert_into(admin_actions::table)
        .values((
            admin_actions::user_id.eq(Some(entry.user_id.0)),
            admin_actions::action_time.eq(to_db(crate::now())),
            admin_actions::action.eq(entry.action.as_str()),
            admin_actions::object_type.eq(entry.object_type),
            admin_actions::object_id.eq(entry.object_id),
            admin_actions::object_repr.eq(repr),
            admin_actions::message.eq(entry.message),
        ))
        .execute(conn)?;
    Ok(())
}

/// The latest entries, newest first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> StoreResult<Vec<Entry>> {
    let rows = admin_actions::table
        .left_join(users::table)
        .order((admin_actions::action_time.desc(), admin_actions::id.desc()))
        .limit(limit)
        .select((
            users::username.nullable(),
            admin_actions::action_time,
            admin_actions::action,
            admin_actions::object_type,
            admin_actions::object_id,
            admin_actions::object_repr,
            admin_actions::message,
        ))
        .load::<(
            Option<String>,
            NaiveDateTime,
            String,
            String,
            String,
            String,
            String,
        )>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(username, at, action, object_type, object_id, object_repr, message)| Entry {
                username,
                action_time: from_db(at),
                action: Action::parse(&action),
                object_type,
                object_id,
                object_repr,
                message,
            },
        )
        .collect())
}
