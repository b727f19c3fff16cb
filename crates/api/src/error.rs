//! The API's errors and their one mapping to HTTP.
//!
//! Policy: every error body is JSON in the contract's shape. Client errors
//! say what was wrong; server errors (5xx) log the whole cause chain and
//! answer with a fixed message, so no internal detail reaches a client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;
use store::StoreError;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The database is unreachable or saturated: 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything unexpected: 500, with the cause logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(reason) => Self::Unavailable(reason),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(err.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let detail = match self {
            Self::Unavailable(reason) => {
                tracing::warn!(%reason, "database unavailable");
                "Service temporarily unavailable."
            }
            Self::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                "A server error occurred."
            }
        };
        HttpResponse::build(self.status_code()).json(json!({ "detail": detail }))
    }
}
