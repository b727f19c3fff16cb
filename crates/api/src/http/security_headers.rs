//! Headers every response carries so browsers treat it safely: no MIME
//! sniffing, a same-origin referrer, no framing and a strict content
//! policy on the HTML pages (admin and API docs), HSTS behind HTTPS, and
//! `Cache-Control: no-store` on what is meant for one caller only.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

use crate::state::state_of;

/// The admin: its own stylesheet and forms, nothing else.
const ADMIN_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Swagger UI: its own scripts and styles (it sets some styles inline),
/// and requests to this server only.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Adds the headers; wrap the whole application with it
/// (`App::new().wrap(from_fn(api::security_headers))`).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // Everything the headers depend on is read before the request moves on.
    let path = req.path();
    let personal = req.headers().contains_key(header::AUTHORIZATION)
        || path.starts_with("/api/token")
        || path.starts_with("/api/auth/")
        || (req.headers().contains_key(header::COOKIE)
            && req.cookie(crate::SESSION_COOKIE).is_some());
    let policy = if path.starts_with("/admin") {
        Some(ADMIN_POLICY)
    } else if path.starts_with("/api/docs") {
        Some(DOCS_POLICY)
    } else {
        None
    };
    let secure = state_of(req.request()).is_ok_and(|state| state.config.secure_cookies);
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let cached_by_choice = headers.contains_key(header::CACHE_CONTROL);
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    if let Some(policy) = policy {
        set(header::X_FRAME_OPTIONS, "DENY");
        set(header::CONTENT_SECURITY_POLICY, policy);
    }
    if secure {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    if personal && !cached_by_choice {
        set(header::CACHE_CONTROL, "no-store");
    }
    Ok(res)
}
