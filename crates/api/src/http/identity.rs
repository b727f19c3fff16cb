//! Who is calling: a JWT bearer token first, then the session cookie, with
//! CSRF enforced on unsafe requests authenticated by session.

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use auth::TokenType;
use domain::{User, UserId};
use futures_util::future::LocalBoxFuture;
use store::users::UserCredentials;
use store::OptionalExt;
use store::StoreError;

use crate::state::state_of;
use crate::{with_conn, ApiError, ApiState};

/// The session key holding the user id (Django's name for it).
pub(crate) const SESSION_USER_KEY: &str = "_auth_user_id";
/// The CSRF cookie and header (Django's names).
pub(crate) const CSRF_COOKIE: &str = "csrftoken";
const CSRF_HEADER: &str = "X-CSRFToken";

/// The caller of a request: a user, or anonymous.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The authenticated user, if any.
    pub user: Option<User>,
    /// Whether the session cookie (not a token) authenticated the user.
    pub via_session: bool,
}

impl Caller {
    /// The user's id, if authenticated.
    pub fn id(&self) -> Option<UserId> {
        self.user.as_ref().map(|u| u.id)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { identify(&req).await })
    }
}

/// An authenticated caller; anonymous requests get 401.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            identify(&req)
                .await?
                .user
                .map(AuthUser)
                .ok_or(ApiError::NotAuthenticated)
        })
    }
}

async fn identify(req: &HttpRequest) -> Result<Caller, ApiError> {
    if let Some(known) = req.extensions().get::<Caller>() {
        return Ok(known.clone());
    }
    let state = state_of(req)?;
    let caller = match bearer_token(req)? {
        Some(token) => {
            let claims = state
                .tokens
                .decode(&token, TokenType::Access)
                .map_err(ApiError::InvalidAccessToken)?;
            let user = with_conn(&state.pool, move |c| {
                match store::users::get(c, claims.user_id) {
                    Err(StoreError::NotFound) => Err(ApiError::AuthenticationFailed {
                        detail: "User not found".to_owned(),
                        code: Some("user_not_found"),
                    }),
                    found => Ok(found?),
                }
            })
            .await?;
            if !user.is_active {
                return Err(ApiError::AuthenticationFailed {
                    detail: "User is inactive".to_owned(),
                    code: Some("user_inactive"),
                });
            }
            Caller {
                user: Some(user),
                via_session: false,
            }
        }
        None => session_caller(req, &state).await?,
    };
    if caller.via_session && !is_safe(req) {
        check_csrf(req)?;
    }
    req.extensions_mut().insert(caller.clone());
    Ok(caller)
}

/// The bearer token of the `Authorization` header. Other schemes are left
/// to other authenticators (here: none, so the caller is anonymous).
fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| bad_authorization_header())?;
    let parts: Vec<&str> = value.split_whitespace().collect();
    match parts.as_slice() {
        [] => Ok(None),
        [scheme, ..] if *scheme != "Bearer" => Ok(None),
        [_, token] => Ok(Some((*token).to_owned())),
        _ => Err(bad_authorization_header()),
    }
}

fn bad_authorization_header() -> ApiError {
    ApiError::AuthenticationFailed {
        detail: "Authorization header must contain two space-delimited values".to_owned(),
        code: Some("bad_authorization_header"),
    }
}

/// The session key holding the password fingerprint.
const SESSION_HASH_KEY: &str = "_auth_user_hash";

/// Logs the user in on this request's session: a fresh session key (no
/// fixation) holding the user id and their password fingerprint.
pub(crate) fn start_session(
    req: &HttpRequest,
    credentials: &UserCredentials,
) -> Result<(), ApiError> {
    let session = req.get_session();
    session.renew();
    let fingerprint = auth::password_fingerprint(&credentials.password_hash);
    session
        .insert(SESSION_USER_KEY, credentials.user.id.0)
        .and_then(|()| session.insert(SESSION_HASH_KEY, fingerprint))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Keeps the current session valid after its own user changed password.
pub(crate) fn refresh_session_fingerprint(
    req: &HttpRequest,
    password_hash: &str,
) -> Result<(), ApiError> {
    req.get_session()
        .insert(SESSION_HASH_KEY, auth::password_fingerprint(password_hash))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The active user the session names. A session whose user is gone or
/// deactivated, or whose password changed since it began, is ended.
pub(crate) async fn session_user(
    req: &HttpRequest,
    state: &ApiState,
) -> Result<Option<User>, ApiError> {
    let session = req.get_session();
    let Ok(Some(id)) = session.get::<i64>(SESSION_USER_KEY) else {
        return Ok(None);
    };
    let fingerprint = session
        .get::<String>(SESSION_HASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    let credentials = with_conn(&state.pool, move |c| {
        Ok(store::users::get_credentials_by_id(c, UserId(id)).optional()?)
    })
    .await?;
    match credentials {
        Some(found)
            if found.user.is_active
                && auth::secrets_match(
                    &fingerprint,
                    &auth::password_fingerprint(&found.password_hash),
                ) =>
        {
            Ok(Some(found.user))
        }
        _ => {
            session.purge();
            Ok(None)
        }
    }
}

async fn session_caller(req: &HttpRequest, state: &ApiState) -> Result<Caller, ApiError> {
    let user = session_user(req, state).await?;
    Ok(Caller {
        via_session: user.is_some(),
        user,
    })
}

fn is_safe(req: &HttpRequest) -> bool {
    auth::Method::parse(req.method().as_str()).is_some_and(auth::Method::is_safe)
}

/// Django's checks: the page's origin must be this site or a trusted one,
/// and the `X-CSRFToken` header must equal the `csrftoken` cookie.
fn check_csrf(req: &HttpRequest) -> Result<(), ApiError> {
    let failed = |reason: &str| Err(ApiError::Forbidden(format!("CSRF Failed: {reason}")));
    if let Some(reason) = crate::http::origin_check::cross_site_reason(req) {
        return failed(&reason);
    }
    let Some(cookie) = req.cookie(CSRF_COOKIE) else {
        return failed("CSRF cookie not set.");
    };
    let Some(header) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) else {
        return failed("CSRF token missing.");
    };
    if auth::secrets_match(header, cookie.value()) {
        Ok(())
    } else {
        failed("CSRF token incorrect.")
    }
}
