//! The async boundary: database work, writes and bcrypt run on actix's
//! blocking thread pool, never on the async executor.

use actix_web::web;
use store::{DbConnection, DbPool};

use crate::ApiError;

/// Runs `work` with a pooled connection on actix's blocking thread pool: the
/// one place the API crosses from async handlers to synchronous Diesel (and
/// bcrypt). The connection is taken inside the closure, so waiting for a
/// free connection never stalls the async executor either.
pub async fn with_conn<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        noting_failure(&pool, work(&mut conn))
    })
    .await?
}

/// Runs `work` in a write transaction on the blocking thread pool, through
/// [`DbPool::write`]: on SQLite, writes that arrive together share one
/// commit, each in a savepoint of its own. The result comes back once the
/// write has committed or failed.
pub async fn with_write<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || noting_failure(&pool, pool.write(work))).await?
}

/// Runs `work` with the pool itself on the blocking thread pool, for work
/// that writes through [`DbPool::write`] (or a [`store::Writer`]) and so
/// must not hold one of its connections meanwhile.
pub async fn with_pool<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbPool) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let mut pool = pool.clone();
    web::block(move || {
        let done = work(&mut pool);
        noting_failure(&pool, done)
    })
    .await?
}

/// Tells the pool when work failed as it would on a connection the server
/// dropped (a 503 or a 500), so it checks its connections for a while.
fn noting_failure<T>(pool: &DbPool, done: Result<T, ApiError>) -> Result<T, ApiError> {
    if matches!(done, Err(ApiError::Unavailable(_) | ApiError::Internal(_))) {
        pool.suspect_connections();
    }
    done
}

/// Runs CPU-heavy work (bcrypt) on the blocking thread pool.
pub async fn off_executor<T, F>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Ok(web::block(work).await?)
}
