//! Copying `auth_user` into `users`, keeping ids and password hashes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Username;

use super::report::{RowProblem, TableReport};
use super::source::DjangoUser;
use super::Copied;
use crate::schema::users;
use crate::time::{from_db, to_db};
use crate::{DbConnection, StoreResult};

const TABLE: &str = "auth_user";

/// A user already here, with the fields the import compares.
#[derive(Queryable)]
struct Here {
    id: i64,
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    is_staff: bool,
    is_superuser: bool,
    is_active: bool,
    date_joined: NaiveDateTime,
}

impl Here {
    /// Whether the Django row says the same. The password hash and last
    /// login are not compared: logging in here changes both.
    fn matches(&self, row: &DjangoUser) -> bool {
        self.first_name == row.first_name
            && self.last_name == row.last_name
            && self.email == row.email
            && (self.is_staff, self.is_superuser, self.is_active)
                == (row.is_staff, row.is_superuser, row.is_active)
            && self.date_joined == microseconds(row.date_joined)
    }
}

/// Both databases keep microseconds; Django's SQLite text may hold more.
fn microseconds(at: NaiveDateTime) -> NaiveDateTime {
    to_db(from_db(at))
}

pub(super) fn copy(
    conn: &mut DbConnection,
    rows: &[DjangoUser],
    copied: &mut Copied,
    problems: &mut Vec<RowProblem>,
) -> StoreResult<TableReport> {
    let here: HashMap<i64, Here> = users::table
        .select((
            users::id,
            users::username,
            users::first_name,
            users::last_name,
            users::email,
            users::is_staff,
            users::is_superuser,
            users::is_active,
            users::date_joined,
        ))
        .load::<Here>(conn)?
        .into_iter()
        .map(|user| (user.id, user))
        .collect();
    let id_of: HashMap<&str, i64> = here
        .values()
        .map(|user| (user.username.as_str(), user.id))
        .collect();
    let mut report = TableReport::new(TABLE, rows.len());
    for row in rows {
        let problem = |message: String| RowProblem {
            table: TABLE,
            id: row.id.to_string(),
            message,
        };
        let refusal = if let Err(err) = Username::parse(&row.username) {
            Some(format!("username {:?}: {err}", row.username))
        } else if let Some(other) = id_of.get(row.username.as_str()).filter(|&&id| id != row.id) {
            Some(format!(
                "username {:?} belongs to user {other} in this database",
                row.username
            ))
        } else {
            match here.get(&row.id) {
                Some(user) if user.username != row.username => Some(format!(
                    "user {} in this database is {:?}, not {:?}",
                    row.id, user.username, row.username
                )),
                Some(user) => {
                    if user.matches(row) {
                        report.unchanged += 1;
                    } else {
                        report.kept += 1;
                    }
                    None
                }
                None => {
                    insert(conn, row)?;
                    report.created += 1;
                    None
                }
            }
        };
        match refusal {
            Some(message) => {
                report.invalid += 1;
                copied.refused_users.insert(row.id);
                problems.push(problem(message));
            }
            None => {
                copied.users.insert(row.id);
            }
        }
    }
    Ok(report)
}

fn insert(conn: &mut DbConnection, row: &DjangoUser) -> StoreResult<()> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(row.id),
            users::username.eq(&row.username),
            users::first_name.eq(&row.first_name),
            users::last_name.eq(&row.last_name),
            users::email.eq(&row.email),
            users::password_hash.eq(&row.password),
            users::is_staff.eq(row.is_staff),
            users::is_superuser.eq(row.is_superuser),
            users::is_active.eq(row.is_active),
            users::date_joined.eq(microseconds(row.date_joined)),
            users::last_login.eq(row.last_login.map(microseconds)),
        ))
        .execute(conn)?;
    Ok(())
}
