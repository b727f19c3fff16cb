use actix_web::web;
use store::{DbConnection, DbPool, StoreError};

use crate::ApiError;

/// Runs `work` with a pooled connection on actix's blocking thread pool: the
/// one place the API crosses from async handlers to synchronous Diesel.
/// The connection is taken inside the closure, so waiting for a free
/// connection never stalls the async executor either.
pub async fn with_conn<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
    .map_err(ApiError::from)
}
