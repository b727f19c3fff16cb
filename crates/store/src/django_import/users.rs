//! Copying `auth_user` into `users`, keeping ids and password hashes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Username;

use super::report::{RowProblem, TableReport};
use super::source::{parse_timestamp, DjangoUser};
use super::Copied;
use crate::sql::schema::users;
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
    fn matches(&self, row: &DjangoUser, date_joined: NaiveDateTime) -> bool {
        self.first_name == row.first_name
            && self.last_name == row.last_name
            && self.email == row.email
            && (self.is_staff, self.is_superuser, self.is_active)
                == (row.is_staff, row.is_superuser, row.is_active)
            && self.date_joined == date_joined
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
    let high_water = highest_id_ever(conn)?;
    let mut report = TableReport::new(TABLE, rows.len());
    for row in rows {
        let outcome =
            check(row, &id_of, here.contains_key(&row.id), high_water).and_then(|times| match here
                .get(&row.id)
            {
                Some(user) if user.username != row.username => Err(format!(
                    "user {} in this database is {:?}, not {:?}",
                    row.id, user.username, row.username
                )),
                Some(user) if user.matches(row, times.0) => Ok(Copy::Unchanged),
                Some(_) => Ok(Copy::Kept),
                None => Ok(Copy::Create(times)),
            });
        match outcome {
            Err(message) => {
                report.invalid += 1;
                copied.refused_users.insert(row.id);
                problems.push(RowProblem {
                    table: TABLE,
                    id: row.id.to_string(),
                    message,
                });
            }
            Ok(copy) => {
                match copy {
                    Copy::Unchanged => report.unchanged += 1,
                    Copy::Kept => report.kept += 1,
                    Copy::Create(times) => {
                        insert(conn, row, times)?;
                        report.created += 1;
                    }
                }
                copied.users.insert(row.id);
            }
        }
    }
    Ok(report)
}

/// What becomes of a valid row.
enum Copy {
    Unchanged,
    Kept,
    Create(Times),
}

/// `date_joined` and `last_login`, read.
type Times = (NaiveDateTime, Option<NaiveDateTime>);

/// The longest values the columns here hold, in characters (Django's own
/// limits, which its SQLite databases do not enforce).
const NAME_MAX: usize = 150;
const EMAIL_MAX: usize = 254;
const PASSWORD_MAX: usize = 128;

/// The row's timestamps, or why it cannot be copied.
fn check(
    row: &DjangoUser,
    id_of: &HashMap<&str, i64>,
    exists_here: bool,
    high_water: i64,
) -> Result<Times, String> {
    Username::parse(&row.username).map_err(|err| format!("username {:?}: {err}", row.username))?;
    if let Some(other) = id_of.get(row.username.as_str()).filter(|&&id| id != row.id) {
        return Err(format!(
            "username {:?} belongs to user {other} in this database",
            row.username
        ));
    }
    if !exists_here && row.id <= high_water {
        // Tokens issued to the deleted user would work for this one.
        return Err(format!(
            "id {} belonged to a user deleted in this database; ids are not reused",
            row.id
        ));
    }
    for (field, value, max) in [
        ("first_name", &row.first_name, NAME_MAX),
        ("last_name", &row.last_name, NAME_MAX),
        ("email", &row.email, EMAIL_MAX),
        ("password", &row.password, PASSWORD_MAX),
    ] {
        if value.chars().count() > max {
            return Err(format!("{field} is longer than {max} characters"));
        }
    }
    let date_joined =
        parse_timestamp(&row.date_joined).map_err(|err| format!("date_joined {err}"))?;
    let last_login = row
        .last_login
        .as_deref()
        .map(parse_timestamp)
        .transpose()
        .map_err(|err| format!("last_login {err}"))?;
    Ok((microseconds(date_joined), last_login.map(microseconds)))
}

/// The highest user id this database ever handed out, deleted users' too.
fn highest_id_ever(conn: &mut DbConnection) -> StoreResult<i64> {
    #[derive(QueryableByName)]
    struct HighWater {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        value: Option<i64>,
    }
    let sql = match conn.backend() {
        crate::Backend::Sqlite => {
            "SELECT CAST(seq AS BIGINT) AS value FROM sqlite_sequence WHERE name = 'users'"
        }
        crate::Backend::Postgres => {
            "SELECT last_value AS value FROM pg_sequences \
             WHERE schemaname = current_schema() AND sequencename = 'users_id_seq'"
        }
    };
    Ok(diesel::sql_query(sql)
        .load::<HighWater>(conn)?
        .into_iter()
        .find_map(|row| row.value)
        .unwrap_or(0))
}

fn insert(conn: &mut DbConnection, row: &DjangoUser, times: Times) -> StoreResult<()> {
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
            users::date_joined.eq(times.0),
            users::last_login.eq(times.1),
        ))
        .execute(conn)?;
    Ok(())
}
