//! Sessions kept in the database: the cookie carries only a random key,
//! so ending a session (logout) really ends it.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::body::MessageBody;
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use chrono::Utc;
use store::DbPool;

use crate::with_conn;

/// A [`SessionStore`] on the `sessions` table.
#[derive(Clone)]
pub(crate) struct DbSessionStore {
    pool: DbPool,
}

impl DbSessionStore {
    pub(crate) fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

type State = HashMap<String, String>;

fn expiry(ttl: &Duration) -> chrono::DateTime<Utc> {
    let seconds = ttl.whole_seconds().clamp(0, 10 * 365 * 24 * 3600);
    store::now() + chrono::Duration::seconds(seconds)
}

fn other(err: crate::ApiError) -> anyhow::Error {
    anyhow::anyhow!(err.to_string())
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let digest = auth::session_key_digest(session_key.as_ref());
        let data = with_conn(&self.pool, move |conn| {
            Ok(store::sessions::load(conn, &digest, store::now())?)
        })
        .await
        .map_err(|e| LoadError::Other(other(e)))?;
        data.map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(&self, session_state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let json = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let key = auth::new_session_key();
        let digest = auth::session_key_digest(&key);
        let expires_at = expiry(ttl);
        with_conn(&self.pool, move |conn| {
            // New sessions are rare (logins); a good moment to forget old ones.
            store::sessions::purge_expired(conn, store::now())?;
            Ok(store::sessions::save(conn, &digest, &json, expires_at)?)
        })
        .await
        .map_err(|e| SaveError::Other(other(e)))?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let json = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let digest = auth::session_key_digest(session_key.as_ref());
        let expires_at = expiry(ttl);
        // A session deleted meanwhile (a logout racing this request) is not
        // brought back: the key then names nothing, which is logged out.
        with_conn(&self.pool, move |conn| {
            Ok(store::sessions::update(conn, &digest, &json, expires_at)?)
        })
        .await
        .map_err(|e| UpdateError::Other(other(e)))?;
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let digest = auth::session_key_digest(session_key.as_ref());
        let expires_at = expiry(ttl);
        with_conn(&self.pool, move |conn| {
            Ok(store::sessions::touch(conn, &digest, expires_at)?)
        })
        .await
        .map_err(other)
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let digest = auth::session_key_digest(session_key.as_ref());
        with_conn(&self.pool, move |conn| {
            Ok(store::sessions::delete(conn, &digest)?)
        })
        .await
        .map_err(other)
    }
}

/// The session middleware answers a session store it cannot read or write
/// with an empty 500. That store is the database, so the API answers the
/// contract's 503 JSON instead, as for any other database outage. Wrap it
/// directly outside the session middleware: errors reaching it come from
/// there (handlers' errors are responses by then).
pub(crate) async fn store_failure_as_unavailable<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    next.call(req).await.map_err(|err| {
        if err.as_response_error().status_code() == StatusCode::INTERNAL_SERVER_ERROR {
            crate::ApiError::Unavailable(format!("the session store failed: {err:?}")).into()
        } else {
            err
        }
    })
}
