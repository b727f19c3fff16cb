//! The API's errors and their one mapping to HTTP.
//!
//! Policy: every error body is JSON in the contract's shape (DRF's).
//! Client errors say what was wrong; server errors (5xx) log the cause and
//! answer with a fixed message, so no internal detail reaches a client.
//! Every 401 carries `WWW-Authenticate: Bearer realm="api"`, as DRF does
//! when JWT is the first authentication class.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use auth::{TokenError, TokenType};
use serde::Serialize;
use serde_json::{json, Map, Value};
use store::StoreError;
use utoipa::ToSchema;

use crate::http::fields::FieldErrors;

/// The `WWW-Authenticate` challenge of every 401.
pub const WWW_AUTHENTICATE: &str = "Bearer realm=\"api\"";

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Field errors: 400 `{"field": ["message"]}`.
    #[error("invalid input: {0:?}")]
    Validation(FieldErrors),
    /// A request that cannot be read, e.g. malformed JSON: 400 `{"detail": ..}`.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No credentials on an endpoint that needs them: 401.
    #[error("not authenticated")]
    NotAuthenticated,
    /// Credentials were given and refused: 401 `{"detail": .., "code": ..}`.
    #[error("authentication failed: {detail}")]
    AuthenticationFailed {
        /// The message.
        detail: String,
        /// simplejwt's error code, when it gives one.
        code: Option<&'static str>,
    },
    /// A bad access token on an authenticated request: 401 with simplejwt's `messages`.
    #[error("invalid access token: {0}")]
    InvalidAccessToken(TokenError),
    /// Authenticated, but not allowed: 403.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such object, or no such path: 404.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A method the resource does not serve: 405 with `Allow`.
    #[error("method {method} not allowed")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The `Allow` header value.
        allow: &'static str,
    },
    /// Body over the configured limit: 413.
    #[error("request body too large")]
    PayloadTooLarge,
    /// A body type the API does not parse: 415.
    #[error("unsupported media type {0:?}")]
    UnsupportedMediaType(String),
    /// Too many failed attempts: 429 with `Retry-After`.
    #[error("throttled for {0} s")]
    Throttled(u64),
    /// The database is unreachable or saturated: 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything unexpected: 500, with the cause logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The 404 detail for event ids that are malformed or unknown.
pub const NO_EVENT: &str = "No Event matches the given query.";

impl ApiError {
    /// A token error at the token endpoints: 401 `{"detail", "code": "token_not_valid"}`.
    pub fn token_not_valid(err: TokenError) -> Self {
        Self::AuthenticationFailed {
            detail: err.to_string(),
            code: Some("token_not_valid"),
        }
    }

    /// A validation error on one field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(name, message);
        Self::Validation(errors)
    }

    fn body(&self) -> Value {
        match self {
            Self::Validation(errors) => errors.to_json(),
            Self::BadRequest(detail) | Self::Forbidden(detail) => json!({ "detail": detail }),
            Self::NotAuthenticated => {
                json!({ "detail": "Authentication credentials were not provided." })
            }
            Self::AuthenticationFailed { detail, code } => {
                let mut body = Map::new();
                body.insert("detail".to_owned(), json!(detail));
                if let Some(code) = code {
                    body.insert("code".to_owned(), json!(code));
                }
                Value::Object(body)
            }
            Self::InvalidAccessToken(err) => json!(AuthErrorBody {
                detail: "Given token not valid for any token type".to_owned(),
                code: Some("token_not_valid".to_owned()),
                messages: Some(vec![TokenMessageBody {
                    token_class: TokenType::Access.class_name().to_owned(),
                    token_type: TokenType::Access.as_str().to_owned(),
                    message: err.to_string(),
                }]),
            }),
            Self::NotFound(detail) => json!({ "detail": detail }),
            Self::MethodNotAllowed { method, .. } => {
                json!({ "detail": format!("Method \"{method}\" not allowed.") })
            }
            Self::PayloadTooLarge => json!({ "detail": "Request body too large." }),
            Self::UnsupportedMediaType(media_type) => {
                json!({ "detail": format!("Unsupported media type \"{media_type}\" in request.") })
            }
            Self::Throttled(seconds) => json!({
                "detail": format!("Request was throttled. Expected available in {seconds} second{}.", if *seconds == 1 { "" } else { "s" })
            }),
            Self::Unavailable(_) => {
                self.log();
                json!({ "detail": "Service temporarily unavailable." })
            }
            Self::Internal(_) => {
                self.log();
                json!({ "detail": "A server error occurred." })
            }
        }
    }

    /// Logs the cause of a server-side error (5xx); client errors are not logged.
    pub(crate) fn log(&self) {
        match self {
            Self::Unavailable(reason) => tracing::warn!(%reason, "database unavailable"),
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            _ => {}
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(reason) => Self::Unavailable(reason),
            // Handlers name what was not found; one that slips through is still a 404.
            StoreError::NotFound => Self::NotFound("Not found."),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotAuthenticated
            | Self::AuthenticationFailed { .. }
            | Self::InvalidAccessToken(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::NotAuthenticated
            | Self::AuthenticationFailed { .. }
            | Self::InvalidAccessToken(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, WWW_AUTHENTICATE));
            }
            Self::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, HeaderValue::from_static(allow)));
            }
            Self::Throttled(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            _ => {}
        }
        response.json(self.body())
    }
}

/// A 401: no credentials, refused credentials, or an access token that is
/// not valid (then with simplejwt's `code` and `messages`).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthErrorBody {
    /// What went wrong.
    pub detail: String,
    /// `token_not_valid`, `bad_authorization_header`, `user_not_found` or
    /// `user_inactive`, when credentials were refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why each token type refused the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<TokenMessageBody>>,
}

/// Why one token type refused a token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenMessageBody {
    /// `AccessToken`.
    pub token_class: String,
    /// `access`.
    pub token_type: String,
    /// What was wrong with it.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_of(err: &ApiError) -> Value {
        let bytes = err
            .error_response()
            .into_body()
            .try_into_bytes()
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    #[test]
    fn server_errors_leak_nothing() {
        let err = ApiError::from(StoreError::Corrupt(
            "user 7: username: secret detail".to_owned(),
        ));
        assert_eq!(err.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body_of(&err),
            json!({ "detail": "A server error occurred." })
        );
        let err = ApiError::from(StoreError::Unavailable(
            "connection refused at 10.0.0.5".to_owned(),
        ));
        assert_eq!(err.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            body_of(&err),
            json!({ "detail": "Service temporarily unavailable." })
        );
    }

    #[test]
    fn throttle_message_is_drfs() {
        assert_eq!(
            body_of(&ApiError::Throttled(1)),
            json!({ "detail": "Request was throttled. Expected available in 1 second." })
        );
        assert_eq!(
            body_of(&ApiError::Throttled(42)),
            json!({ "detail": "Request was throttled. Expected available in 42 seconds." })
        );
        let response = ApiError::Throttled(42).error_response();
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("42")
        );
    }
}
