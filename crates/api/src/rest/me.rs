//! One's own account: `/api/auth/me/` to read and change it, and the
//! one-click unsubscribe a notice links to.

use actix_web::{web, HttpRequest, HttpResponse};
use domain::Email;
use store::users::UserChanges;
use store::StoreError;

use crate::http::body::read_fields;
use crate::http::fields::Form;
use crate::http::identity::AuthUser;
use crate::http::values::boolean;
use crate::rest::accounts::NAME_MAX_CHARS;
use crate::rest::calendar::with_feed_address;
use crate::rest::representations::{me_body, DetailBody, MeBody};
use crate::state::State;
use crate::{with_conn, ApiError};

/// The caller's account.
#[utoipa::path(
    get, path = "/api/auth/me/", tag = "auth", operation_id = "auth_me_retrieve",
    responses((status = 200, description = "The caller's account", body = MeBody)),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn me(
    req: HttpRequest,
    AuthUser(user): AuthUser,
    State(state): State,
) -> HttpResponse {
    HttpResponse::Ok().json(me_body(&req, &state, &user))
}

/// The body of `PATCH /api/auth/me/`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct MeChangesInput {
    /// Given name, at most 150 characters.
    first_name: Option<String>,
    /// Family name, at most 150 characters.
    last_name: Option<String>,
    /// Mail address; `""` removes it.
    email: Option<String>,
    /// Whether to get change notices, reminders and seat mails.
    email_notifications: Option<bool>,
}

/// Changes the caller's names, address or notice switch (every field
/// optional; the rest of the account is read-only here).
#[utoipa::path(
    patch, path = "/api/auth/me/", tag = "auth", operation_id = "auth_me_partial_update",
    request_body = MeChangesInput,
    responses((status = 200, description = "The account as saved", body = MeBody)),
    security(("jwt" = []), ("session" = []))
)]
pub(crate) async fn update_me(
    req: HttpRequest,
    payload: web::Payload,
    AuthUser(user): AuthUser,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let mut form = Form::new(&data, true);
    let first_name = form.optional_text("first_name", NAME_MAX_CHARS);
    let last_name = form.optional_text("last_name", NAME_MAX_CHARS);
    let email = match form.optional_text("email", Email::MAX_CHARS) {
        Some(raw) if raw.is_empty() => Some(None),
        Some(raw) => form.text("email", |_| Email::parse(&raw)).map(Some),
        None => None,
    };
    let email_notifications = form.optional("email_notifications", boolean);
    form.finish()?;
    let changes = UserChanges {
        email,
        first_name,
        last_name,
        email_notifications,
        ..UserChanges::default()
    };
    let id = user.id;
    let user = with_conn(&state.pool, move |conn| {
        Ok(store::users::update(conn, id, &changes)?)
    })
    .await?;
    let user = with_feed_address(&state, user).await?;
    Ok(HttpResponse::Ok().json(me_body(&req, &state, &user)))
}

/// Turns notices off for the holder of the token a notice carried in its
/// `List-Unsubscribe` header (RFC 8058 one-click: no login, any body).
#[utoipa::path(
    post, path = "/api/unsubscribe/{token}", tag = "auth", operation_id = "unsubscribe_create",
    params(("token" = String, Path, description = "The token from the mail's List-Unsubscribe header")),
    responses(
        (status = 204, description = "Notices are off"),
        (status = 404, description = "No such token", body = DetailBody),
    )
)]
pub(crate) async fn unsubscribe(
    path: web::Path<String>,
    State(state): State,
) -> Result<HttpResponse, ApiError> {
    // Only the token's hash is stored, as for feed tokens.
    let token_hash = auth::unsubscribe_token_hash(&path.into_inner());
    with_conn(&state.pool, move |conn| {
        store::users::unsubscribe(conn, &token_hash).map_err(|err| match err {
            StoreError::NotFound => ApiError::NotFound("Not found."),
            other => other.into(),
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
