//! `/api/token/`: simplejwt's obtain, refresh, verify and blacklist.

use actix_web::{web, HttpRequest, HttpResponse};
use auth::{Claims, TokenError, TokenType};
use serde_json::{Map, Value};
use store::StoreError;

use crate::http::body::read_fields;
use crate::http::fields::{not_blank, Form};
use crate::http::routes::{resource, Access};
use crate::rest::accounts::authenticate_credentials;
use crate::rest::representations::{AccessBody, DetailBody, EmptyBody, TokenPairBody};
use crate::rest::throttle::check_throttle;
use crate::state::State;
use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(
            "/token/",
            "Token Obtain Pair",
            "POST, OPTIONS",
            Access::Unauthenticated,
        )
        .route(web::post().to(obtain)),
    )
    .service(
        resource(
            "/token/refresh/",
            "Token Refresh",
            "POST, OPTIONS",
            Access::Unauthenticated,
        )
        .route(web::post().to(refresh)),
    )
    .service(
        resource(
            "/token/verify/",
            "Token Verify",
            "POST, OPTIONS",
            Access::Unauthenticated,
        )
        .route(web::post().to(verify)),
    )
    .service(
        resource(
            "/token/blacklist/",
            "Token Blacklist",
            "POST, OPTIONS",
            Access::Unauthenticated,
        )
        .route(web::post().to(blacklist)),
    );
}

/// A body holding a refresh token.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct RefreshInput {
    /// A refresh token.
    refresh: String,
}

/// A body holding any token.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct TokenInput {
    /// An access or refresh token.
    token: String,
}

/// An access and refresh token for a username and password.
#[utoipa::path(
    post, path = "/api/token/", tag = "tokens", operation_id = "token_create",
    request_body = crate::rest::accounts::CredentialsInput,
    responses(
        (status = 200, description = "A new token pair", body = TokenPairBody),
        (status = 401, description = "No active account with these credentials", body = DetailBody),
        (status = 429, description = "Too many failed logins from this client or for this account", body = DetailBody),
    )
)]
pub(crate) async fn obtain(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    check_throttle(&req, &state).await?;
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let credentials = authenticate_credentials(&req, &state, &data).await?;
    let pair = state
        .tokens
        .issue_pair(
            credentials.user.id,
            &credentials.password_hash,
            store::now(),
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().json(TokenPairBody {
        access: pair.access,
        refresh: pair.refresh,
    }))
}

/// A new access token for a valid refresh token.
#[utoipa::path(
    post, path = "/api/token/refresh/", tag = "tokens", operation_id = "token_refresh_create",
    request_body = RefreshInput,
    responses(
        (status = 200, description = "A new access token", body = AccessBody),
        (status = 401, description = "The refresh token is not valid, or its user is gone", body = DetailBody),
    )
)]
pub(crate) async fn refresh(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let token = required_token(&data, "refresh")?;
    let claims = state
        .tokens
        .decode(&token, TokenType::Refresh)
        .map_err(ApiError::token_not_valid)?;
    let user_id = claims.user_id;
    let tokens = state.tokens.clone();
    with_conn(&state.pool, move |conn| {
        ensure_not_blacklisted(conn, &claims)?;
        match store::users::get_credentials_by_id(conn, user_id) {
            Ok(found) if found.user.is_active => {
                ensure_same_password(&tokens, &claims, &found.password_hash)
            }
            Ok(_) | Err(StoreError::NotFound) => Err(ApiError::AuthenticationFailed {
                detail: "No active account found for the given token.".to_owned(),
                code: None,
            }),
            Err(other) => Err(other.into()),
        }
    })
    .await?;
    let access = state
        .tokens
        .issue(TokenType::Access, user_id, store::now())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().json(AccessBody { access }))
}

/// `{}` when the token (access or refresh) is valid and not blacklisted.
#[utoipa::path(
    post, path = "/api/token/verify/", tag = "tokens", operation_id = "token_verify_create",
    request_body = TokenInput,
    responses(
        (status = 200, description = "The token is valid", body = EmptyBody),
        (status = 401, description = "The token is not valid", body = DetailBody),
    )
)]
pub(crate) async fn verify(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let token = required_token(&data, "token")?;
    let claims = decode_any(&state, &token)?;
    let tokens = state.tokens.clone();
    with_conn(&state.pool, move |conn| {
        ensure_not_blacklisted(conn, &claims)?;
        ensure_password_unchanged(conn, &tokens, &claims)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EmptyBody {}))
}

/// Blacklists a refresh token: it never works again.
#[utoipa::path(
    post, path = "/api/token/blacklist/", tag = "tokens", operation_id = "token_blacklist_create",
    request_body = RefreshInput,
    responses(
        (status = 200, description = "The refresh token is blacklisted", body = EmptyBody),
        (status = 401, description = "The token is not valid, or already blacklisted", body = DetailBody),
    )
)]
pub(crate) async fn blacklist(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let token = required_token(&data, "refresh")?;
    let claims = state
        .tokens
        .decode(&token, TokenType::Refresh)
        .map_err(ApiError::token_not_valid)?;
    let tokens = state.tokens.clone();
    with_conn(&state.pool, move |conn| {
        ensure_password_unchanged(conn, &tokens, &claims)?;
        match store::token_blacklist::add(conn, &claims.jti, claims.user_id, claims.expires_at()) {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(ApiError::token_not_valid(TokenError::Blacklisted)),
            Err(other) => Err(other.into()),
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(EmptyBody {}))
}

fn required_token(data: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    let mut form = Form::new(data, false);
    let token = form.text(field, not_blank);
    form.finish_with(|| token)
}

/// Decodes a token of either type, as simplejwt's `UntypedToken` does.
fn decode_any(state: &ApiState, token: &str) -> Result<Claims, ApiError> {
    match state.tokens.decode(token, TokenType::Access) {
        Err(TokenError::WrongType) => state.tokens.decode(token, TokenType::Refresh),
        other => other,
    }
    .map_err(ApiError::token_not_valid)
}

/// A refresh token issued before its user's password last changed is
/// invalid (as a session from before the change is ended).
fn ensure_same_password(
    tokens: &auth::TokenConfig,
    claims: &Claims,
    password_hash: &str,
) -> Result<(), ApiError> {
    if tokens.matches_password(claims, password_hash) {
        Ok(())
    } else {
        Err(ApiError::token_not_valid(TokenError::Invalid))
    }
}

/// [`ensure_same_password`] for a stamped refresh token, reading the
/// password hash; a token whose user is gone is left to the caller's
/// other checks.
fn ensure_password_unchanged(
    conn: &mut store::DbConnection,
    tokens: &auth::TokenConfig,
    claims: &Claims,
) -> Result<(), ApiError> {
    if claims.token_type != TokenType::Refresh || claims.pwd.is_none() {
        return Ok(());
    }
    match store::users::get_credentials_by_id(conn, claims.user_id) {
        Ok(found) => ensure_same_password(tokens, claims, &found.password_hash),
        Err(StoreError::NotFound) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

fn ensure_not_blacklisted(conn: &mut store::DbConnection, claims: &Claims) -> Result<(), ApiError> {
    if claims.token_type == TokenType::Refresh
        && store::token_blacklist::contains(conn, &claims.jti)?
    {
        return Err(ApiError::token_not_valid(TokenError::Blacklisted));
    }
    Ok(())
}
