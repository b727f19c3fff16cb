//! The store's errors, and how Diesel's and r2d2's map onto them.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use thiserror::Error;

/// What went wrong in the store, sorted by what a caller can do about it.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The write breaks a uniqueness or reference rule (e.g. a taken username).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached right now (pool timeout, lost
    /// connection, lock timeout); retrying later may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The settings name no usable database.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A stored row holds a value the domain refuses.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[source] DieselError),
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Turns "no such row" into `None`, keeping every other error.
pub trait OptionalExt<T> {
    /// `Ok(None)` for [`StoreError::NotFound`], `Ok(Some(..))` for a row.
    fn optional(self) -> StoreResult<Option<T>>;
}

impl<T> OptionalExt<T> for StoreResult<T> {
    fn optional(self) -> StoreResult<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(StoreError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

impl StoreError {
    /// Whether the error may come from a connection the server dropped
    /// (anything but a missing row, a refused value, a conflict or a
    /// refused answer): a pool told of it checks its connections for a
    /// while ([`crate::DbPool::suspect_connections`]).
    pub fn may_mean_lost_connection(&self) -> bool {
        match self {
            Self::Unavailable(_) => true,
            Self::Db(err) => !matches!(
                err,
                DieselError::DatabaseError(
                    DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation,
                    _
                ) | DieselError::RollbackTransaction
                    | DieselError::DeserializationError(_)
            ),
            _ => false,
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation,
                info,
            ) => Self::Conflict(info.message().to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            // SQLite's busy_timeout ran out: another writer held the lock too long.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().contains("database is locked") =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::BrokenTransactionManager => {
                Self::Unavailable("the connection's transaction state is broken".to_owned())
            }
            other => Self::Db(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(err: r2d2::Error) -> Self {
        Self::Unavailable(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_keeps_rows_and_errors_but_not_absence() {
        assert!(matches!(Ok::<_, StoreError>(7).optional(), Ok(Some(7))));
        assert!(matches!(
            Err::<i32, _>(StoreError::NotFound).optional(),
            Ok(None)
        ));
        let unavailable = Err::<i32, _>(StoreError::Unavailable("down".to_owned())).optional();
        assert!(matches!(unavailable, Err(StoreError::Unavailable(_))));
    }
}
