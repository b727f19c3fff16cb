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
        work(&mut conn)
    })
    .await?
}

/// Runs CPU-heavy work (bcrypt) on the blocking thread pool.
pub async fn off_executor<T, F>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Ok(web::block(work).await?)
}
