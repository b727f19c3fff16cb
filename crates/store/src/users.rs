//! The `users` repository.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{Email, User, UserId, Username};

use crate::rows::{UserRow, USER_COLUMNS};
use crate::sql::functions::lower;
use crate::sql::schema::users;
use crate::sql::search::like_patterns;
use crate::time::to_db;
use crate::{DbConnection, StoreError, StoreResult};

/// A user to create. The password must already be hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// The unique login name.
    pub username: &'a Username,
    /// The mail address, if any.
    pub email: Option<&'a Email>,
    /// Given name, possibly empty.
    pub first_name: &'a str,
    /// Family name, possibly empty.
    pub last_name: &'a str,
    /// The password hash (never the password itself).
    pub password_hash: &'a str,
    /// May use the admin site.
    pub is_staff: bool,
    /// Has every permission.
    pub is_superuser: bool,
    /// May log in.
    pub is_active: bool,
    /// When the account is created.
    pub date_joined: DateTime<Utc>,
}

/// A user together with their password hash, for checking a login.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// The stored password hash.
    pub password_hash: String,
}

/// Creates a user; a taken username gives [`StoreError::Conflict`].
pub fn create(conn: &mut DbConnection, new: &NewUser<'_>) -> StoreResult<User> {
    let row: UserRow = diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username.as_str()),
            users::email.eq(new.email.map_or("", Email::as_str)),
            users::first_name.eq(new.first_name),
            users::last_name.eq(new.last_name),
            users::password_hash.eq(new.password_hash),
            users::is_staff.eq(new.is_staff),
            users::is_superuser.eq(new.is_superuser),
            users::is_active.eq(new.is_active),
            users::date_joined.eq(to_db(new.date_joined)),
        ))
        .returning(USER_COLUMNS)
        .get_result(conn)?;
    row.try_into()
}

/// The user with this id.
pub fn get(conn: &mut DbConnection, id: UserId) -> StoreResult<User> {
    native!(conn, c => users::table.find(id.0).select(USER_COLUMNS).first::<UserRow>(c))?.try_into()
}

/// The user with this exact (case-sensitive) username.
pub fn get_by_username(conn: &mut DbConnection, username: &str) -> StoreResult<User> {
    users::table
        .filter(users::username.eq(username))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)?
        .try_into()
}

/// The user with this username and their password hash.
pub fn get_credentials(conn: &mut DbConnection, username: &str) -> StoreResult<UserCredentials> {
    let (row, password_hash) = users::table
        .filter(users::username.eq(username))
        .select((USER_COLUMNS, users::password_hash))
        .first::<(UserRow, String)>(conn)?;
    Ok(UserCredentials {
        user: row.try_into()?,
        password_hash,
    })
}

/// The user with this id and their password hash.
pub fn get_credentials_by_id(conn: &mut DbConnection, id: UserId) -> StoreResult<UserCredentials> {
    let (row, password_hash) = users::table
        .find(id.0)
        .select((USER_COLUMNS, users::password_hash))
        .first::<(UserRow, String)>(conn)?;
    Ok(UserCredentials {
        user: row.try_into()?,
        password_hash,
    })
}

/// Users ordered by id, a page at a time.
pub fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> StoreResult<Vec<User>> {
    users::table
        .select(USER_COLUMNS)
        .order(users::id)
        .limit(limit)
        .offset(offset)
        .load::<UserRow>(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// How many users exist.
pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Replaces a user's password hash.
pub fn set_password_hash(conn: &mut DbConnection, id: UserId, hash: &str) -> StoreResult<()> {
    let changed = diesel::update(users::table.find(id.0))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    found(changed)
}

/// Records a successful login.
pub fn record_login(conn: &mut DbConnection, id: UserId, at: DateTime<Utc>) -> StoreResult<()> {
    let changed = diesel::update(users::table.find(id.0))
        .set(users::last_login.eq(Some(to_db(at))))
        .execute(conn)?;
    found(changed)
}

/// Deletes a user; their events lose their organizer and their attendances go.
pub fn delete(conn: &mut DbConnection, id: UserId) -> StoreResult<()> {
    let deleted = diesel::delete(users::table.find(id.0)).execute(conn)?;
    found(deleted)
}

/// Records the hash of the user's one-click unsubscribe token (the
/// mailer derives the token when it sends a notice). Writes only when the
/// hash changed, so sending notices does not keep rewriting the row.
pub fn set_unsubscribe_token_hash(
    conn: &mut DbConnection,
    id: UserId,
    hash: &str,
) -> StoreResult<()> {
    diesel::update(users::table.find(id.0))
        .filter(
            users::unsubscribe_token_hash
                .is_null()
                .or(users::unsubscribe_token_hash.ne(hash)),
        )
        .set(users::unsubscribe_token_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Turns notices off for the holder of the token hashed to `token_hash`;
/// an unknown one gives [`StoreError::NotFound`].
pub fn unsubscribe(conn: &mut DbConnection, token_hash: &str) -> StoreResult<()> {
    let changed = diesel::update(users::table)
        .filter(users::unsubscribe_token_hash.eq(token_hash))
        .set(users::email_notifications.eq(false))
        .execute(conn)?;
    found(changed)
}

/// Records the hash of the user's feed token for `generation` (the feed
/// is found by it); nothing when the user has moved on to another
/// generation meanwhile.
pub fn set_calendar_token_hash(
    conn: &mut DbConnection,
    id: UserId,
    generation: i64,
    hash: &str,
) -> StoreResult<User> {
    diesel::update(users::table.find(id.0))
        .filter(users::calendar_generation.eq(generation))
        .set(users::calendar_token_hash.eq(hash))
        .execute(conn)?;
    get(conn, id)
}

/// Moves the user to the feed generation after `from`, whose token hashes
/// to `hash`; the old address stops working. Nothing when another
/// request moved it first.
pub fn rotate_calendar(
    conn: &mut DbConnection,
    id: UserId,
    from: i64,
    hash: &str,
) -> StoreResult<User> {
    diesel::update(users::table.find(id.0))
        .filter(users::calendar_generation.eq(from))
        .set((
            users::calendar_generation.eq(from + 1),
            users::calendar_token_hash.eq(hash),
        ))
        .execute(conn)?;
    get(conn, id)
}

/// The active user whose feed token hashes to `hash`.
pub fn get_by_calendar_token_hash(conn: &mut DbConnection, hash: &str) -> StoreResult<User> {
    users::table
        .filter(users::calendar_token_hash.eq(hash))
        .filter(users::is_active.eq(true))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)?
        .try_into()
}

pub(crate) fn found(rows: usize) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    /// New address (`Some(None)` removes it).
    pub email: Option<Option<Email>>,
    /// New given name.
    pub first_name: Option<String>,
    /// New family name.
    pub last_name: Option<String>,
    /// May use the admin site.
    pub is_staff: Option<bool>,
    /// May log in.
    pub is_active: Option<bool>,
    /// Wants notices.
    pub email_notifications: Option<bool>,
}

/// Applies `changes` to the user.
pub fn update(conn: &mut DbConnection, id: UserId, changes: &UserChanges) -> StoreResult<User> {
    if *changes == UserChanges::default() {
        // An UPDATE without columns is not SQL; nothing to change is no error.
        return get(conn, id);
    }
    let email = changes
        .email
        .as_ref()
        .map(|email| users::email.eq(email.as_ref().map_or("", Email::as_str).to_owned()));
    diesel::update(users::table.find(id.0))
        .set((
            email,
            changes.first_name.as_ref().map(|v| users::first_name.eq(v)),
            changes.last_name.as_ref().map(|v| users::last_name.eq(v)),
            changes.is_staff.map(|v| users::is_staff.eq(v)),
            changes.is_active.map(|v| users::is_active.eq(v)),
            changes
                .email_notifications
                .map(|v| users::email_notifications.eq(v)),
        ))
        .returning(USER_COLUMNS)
        .get_result::<UserRow>(conn)?
        .try_into()
}

/// A field users can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSortField {
    /// The login name.
    Username,
    /// The address.
    Email,
    /// The staff flag.
    Staff,
    /// The active flag.
    Active,
    /// When the account was made.
    Joined,
}

/// Which users a listing shows.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Terms each found (case-insensitive) in the username, address or names.
    pub search: Option<String>,
    /// Only staff (`true`) or only non-staff (`false`).
    pub is_staff: Option<bool>,
    /// Only active (`true`) or only inactive (`false`) accounts.
    pub is_active: Option<bool>,
}

/// A listing request: filter, sort key and page bounds.
#[derive(Debug, Clone)]
pub struct UserQuery {
    /// Which users.
    pub filter: UserFilter,
    /// The sort key and whether descending; `None` is by username.
    /// Ties are broken by id.
    pub order: Option<(UserSortField, bool)>,
    /// At most this many users.
    pub limit: i64,
    /// Skip this many users first.
    pub offset: i64,
}

type BoxedUsers =
    diesel::dsl::IntoBoxed<'static, users::table, crate::db::connection::MultiBackend>;

fn filtered(filter: &UserFilter) -> BoxedUsers {
    let mut query = users::table.into_boxed();
    for pattern in like_patterns(filter.search.as_deref(), &[]) {
        let like = || lower(pattern.clone());
        query = query.filter(
            lower(users::username)
                .like(like())
                .escape('\\')
                .or(lower(users::email).like(like()).escape('\\'))
                .or(lower(users::first_name).like(like()).escape('\\'))
                .or(lower(users::last_name).like(like()).escape('\\')),
        );
    }
    if let Some(staff) = filter.is_staff {
        query = query.filter(users::is_staff.eq(staff));
    }
    if let Some(active) = filter.is_active {
        query = query.filter(users::is_active.eq(active));
    }
    query
}

/// A page of users and how many match the filter, in two queries.
pub fn page(conn: &mut DbConnection, query: &UserQuery) -> StoreResult<(i64, Vec<User>)> {
    let total = filtered(&query.filter).count().get_result(conn)?;
    let mut select = filtered(&query.filter)
        .select(USER_COLUMNS)
        .limit(query.limit)
        .offset(query.offset);
    select = match query.order {
        Some((UserSortField::Username, false)) | None => select.order(users::username.asc()),
        Some((UserSortField::Username, true)) => select.order(users::username.desc()),
        Some((UserSortField::Email, false)) => select.order(users::email.asc()),
        Some((UserSortField::Email, true)) => select.order(users::email.desc()),
        Some((UserSortField::Staff, false)) => select.order(users::is_staff.asc()),
        Some((UserSortField::Staff, true)) => select.order(users::is_staff.desc()),
        Some((UserSortField::Active, false)) => select.order(users::is_active.asc()),
        Some((UserSortField::Active, true)) => select.order(users::is_active.desc()),
        Some((UserSortField::Joined, false)) => select.order(users::date_joined.asc()),
        Some((UserSortField::Joined, true)) => select.order(users::date_joined.desc()),
    };
    let users = select
        .then_order_by(users::id)
        .load::<UserRow>(conn)?
        .into_iter()
        .map(User::try_from)
        .collect::<StoreResult<_>>()?;
    Ok((total, users))
}
