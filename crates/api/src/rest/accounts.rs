//! `/api/auth/`: register, and log in and out with a session; one's own
//! account is in `me.rs`.

use actix_session::SessionExt;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use domain::{Email, Username};
use serde_json::{Map, Value};
use store::users::{NewUser, UserCredentials};
use store::OptionalExt;
use store::StoreError;

use crate::http::blocking::off_executor;
use crate::http::body::read_fields;
use crate::http::fields::{not_blank, Form};
use crate::http::identity::{start_session, Caller, CSRF_COOKIE};
use crate::http::routes::{get, resource, Access};
use crate::rest::calendar::with_feed_address;
use crate::rest::representations::{me_body, AuthErrorBody, DetailBody, MeBody};
use crate::rest::throttle::{self, check_throttle};
use crate::state::State;
use crate::{with_conn, ApiError, ApiState};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(
            "/auth/register/",
            "Register",
            "POST, OPTIONS",
            Access::Anyone,
        )
        .route(web::post().to(register)),
    )
    .service(
        resource("/auth/login/", "Login", "POST, OPTIONS", Access::Anyone)
            .route(web::post().to(login)),
    )
    .service(
        resource("/auth/logout/", "Logout", "POST, OPTIONS", Access::Anyone)
            .route(web::post().to(logout)),
    )
    .service(
        resource(
            "/auth/me/",
            "Me",
            "GET, PATCH, HEAD, OPTIONS",
            Access::Users,
        )
        .route(get().to(super::me::me))
        .route(web::patch().to(super::me::update_me)),
    )
    .service(
        resource(
            "/unsubscribe/{token}",
            "Unsubscribe",
            "POST, OPTIONS",
            Access::Unauthenticated,
        )
        .route(web::post().to(super::me::unsubscribe)),
    );
}

const USERNAME_TAKEN: &str = "A user with that username already exists.";
pub(crate) const NAME_MAX_CHARS: usize = 150;

/// The body of `register`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct RegisterInput {
    /// 1 to 150 letters, digits and `@.+-_`.
    #[schema(min_length = 1, max_length = 150)]
    username: String,
    /// At least 8 characters, not entirely numeric, not like the username.
    #[schema(min_length = 8)]
    password: String,
    /// Optional mail address.
    #[schema(max_length = 254)]
    email: Option<String>,
    /// Optional given name.
    first_name: Option<String>,
    /// Optional family name.
    last_name: Option<String>,
}

/// The body of `login` and of `/api/token/`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct CredentialsInput {
    /// The login name.
    username: String,
    /// The password.
    password: String,
}

/// Creates an account.
#[utoipa::path(
    post, path = "/api/auth/register/", tag = "auth", operation_id = "auth_register_create",
    request_body = RegisterInput,
    responses(
        (status = 201, description = "The new account", body = MeBody),
        (status = 429, description = "Too many registrations from this client", body = DetailBody),
    ),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn register(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    throttle::admit_registration(&req, &state).await?;
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let mut form = Form::new(&data, false);
    let username = form.text("username", Username::parse);
    let password = form.text("password", not_blank);
    let email = match form
        .optional_text("email", Email::MAX_CHARS)
        .filter(|e| !e.is_empty())
    {
        Some(raw) => form.text("email", |_| Email::parse(&raw)).map(Some),
        None => Some(None),
    };
    let first_name = form
        .optional_text("first_name", NAME_MAX_CHARS)
        .unwrap_or_default();
    let last_name = form
        .optional_text("last_name", NAME_MAX_CHARS)
        .unwrap_or_default();
    if let (Some(username), Some(password)) = (&username, &password) {
        let attributes = auth::UserAttributes {
            username: username.as_str(),
            first_name: &first_name,
            last_name: &last_name,
            email: email
                .as_ref()
                .and_then(|e| e.as_ref())
                .map_or("", Email::as_str),
        };
        for problem in auth::validate_password(password, &attributes) {
            form.errors.add("password", problem);
        }
    }
    if let Some(name) = username.clone() {
        let taken = with_conn(&state.pool, move |conn| {
            Ok(store::users::get_by_username(conn, name.as_str())
                .optional()?
                .is_some())
        })
        .await?;
        if taken {
            form.errors.add("username", USERNAME_TAKEN);
        }
    }
    let (username, password, email) = form.finish_with(|| Some((username?, password?, email?)))?;

    let cost = state.config.bcrypt_cost;
    let password_hash = off_executor(move || auth::hash_password(&password, cost))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let user = with_conn(&state.pool, move |conn| {
        let new = NewUser {
            username: &username,
            email: email.as_ref(),
            first_name: &first_name,
            last_name: &last_name,
            password_hash: &password_hash,
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: store::now(),
        };
        store::users::create(conn, &new).map_err(|err| match err {
            StoreError::Conflict(_) => ApiError::field("username", USERNAME_TAKEN),
            other => other.into(),
        })
    })
    .await?;
    let user = with_feed_address(&state, user).await?;
    Ok(HttpResponse::Created().json(me_body(&req, &state, &user)))
}

/// Logs in with a username and password: sets the session cookie and a
/// fresh `csrftoken` cookie.
#[utoipa::path(
    post, path = "/api/auth/login/", tag = "auth", operation_id = "auth_login_create",
    request_body = CredentialsInput,
    responses(
        (status = 200, description = "Logged in: the session cookie is set", body = MeBody),
        (status = 401, description = "Wrong credentials, or credentials sent with the request refused", body = AuthErrorBody),
        (status = 403, description = "Sent from a page of another site (login CSRF)", body = DetailBody),
        (status = 429, description = "Too many failed logins from this client or for this account", body = DetailBody),
    ),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn login(
    req: HttpRequest,
    payload: web::Payload,
    State(state): State,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    // Login CSRF: a foreign page must not log the browser into an account.
    if let Some(reason) = crate::http::origin_check::cross_site_reason(&req) {
        return Err(ApiError::Forbidden(format!("CSRF Failed: {reason}")));
    }
    check_throttle(&req, &state).await?;
    let data = read_fields(&req, payload, state.config.max_body_bytes).await?;
    let credentials = authenticate_credentials(&req, &state, &data).await?;
    start_session(&req, &credentials)?;
    let user = credentials.user;
    let user_id = user.id;
    with_conn(&state.pool, move |conn| {
        Ok(store::users::record_login(conn, user_id, store::now())?)
    })
    .await?;
    let csrf = Cookie::build(CSRF_COOKIE, auth::new_csrf_token())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(CookieDuration::days(365))
        .finish();
    Ok(HttpResponse::Ok()
        .cookie(csrf)
        .json(me_body(&req, &state, &user)))
}

/// Ends the session.
#[utoipa::path(
    post, path = "/api/auth/logout/", tag = "auth", operation_id = "auth_logout_create",
    responses((status = 204, description = "Logged out: the session is gone")),
    security((), ("jwt" = []), ("session" = []))
)]
pub(crate) async fn logout(req: HttpRequest, _caller: Caller) -> HttpResponse {
    req.get_session().purge();
    HttpResponse::NoContent().finish()
}

/// Checks a username and password and returns the active user they
/// belong to, with the password hash. Failures count per client address
/// and per account for the throttles; stored names are NFKC (Django's
/// form), so `ａlice` logs in as `alice`.
pub(crate) async fn authenticate_credentials(
    req: &HttpRequest,
    state: &ApiState,
    data: &Map<String, Value>,
) -> Result<UserCredentials, ApiError> {
    let mut form = Form::new(data, false);
    let username = form.text("username", not_blank);
    let password = form.text("password", not_blank);
    let (username, password) = form.finish_with(|| Some((username?, password?)))?;
    let username = domain::normalize_username(&username);
    let attempts = throttle::admit_login(req, state, &username).await?;
    let outcome = check_credentials(state, username, password).await;
    let failed = matches!(outcome, Err(ApiError::AuthenticationFailed { .. }));
    throttle::record_login(state, attempts, failed).await;
    outcome
}

/// The active account `username` and `password` name, its hash upgraded
/// when it is in an older format.
async fn check_credentials(
    state: &ApiState,
    username: String,
    password: String,
) -> Result<UserCredentials, ApiError> {
    let found = with_conn(&state.pool, move |conn| {
        Ok(store::users::get_credentials(conn, &username).optional()?)
    })
    .await?;
    let dummy = state.dummy_password_hash();
    let cost = state.config.bcrypt_cost;
    let user = off_executor(move || match found {
        Some(credentials) => {
            if !auth::verify_password(&password, &credentials.password_hash) {
                return None;
            }
            // As Django does: a hash in an older format (Django's PBKDF2, say)
            // or at another cost is replaced now that the password is known.
            let rehashed = auth::password_needs_rehash(&credentials.password_hash, cost)
                .then(|| auth::hash_password(&password, cost).ok())
                .flatten();
            Some((credentials, rehashed))
        }
        // Spend the same time as for a real account, so timing doesn't reveal which exist.
        None => {
            let hash = dummy.get_or_init(|| {
                auth::hash_password("no account has this password", cost).unwrap_or_default()
            });
            auth::verify_password(&password, hash);
            None
        }
    })
    .await?;
    match user {
        Some((mut credentials, rehashed)) if credentials.user.is_active => {
            if let Some(hash) = rehashed {
                let (id, stored) = (credentials.user.id, hash.clone());
                with_conn(&state.pool, move |conn| {
                    Ok(store::users::set_password_hash(conn, id, &stored)?)
                })
                .await?;
                credentials.password_hash = hash;
            }
            Ok(credentials)
        }
        _ => Err(ApiError::AuthenticationFailed {
            detail: "No active account found with the given credentials".to_owned(),
            code: None,
        }),
    }
}
