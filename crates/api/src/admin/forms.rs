//! Posted forms: CSRF checking and field access.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest};
use serde_json::{Map, Value};

use super::AdminError;
use crate::identity::CSRF_COOKIE;

/// The name of the hidden CSRF field (Django's).
pub(crate) const CSRF_FIELD: &str = "csrfmiddlewaretoken";

/// A posted form.
pub(crate) struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    /// Reads an urlencoded body and checks its CSRF token against the cookie.
    pub(crate) fn read(req: &HttpRequest, body: &web::Bytes) -> Result<Self, AdminError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let posted = Self { pairs };
        let cookie = req.cookie(CSRF_COOKIE);
        let token = posted.get(CSRF_FIELD).unwrap_or_default();
        match cookie {
            Some(cookie) if auth::secrets_match(token, cookie.value()) => Ok(posted),
            _ => Err(AdminError::Forbidden(
                "CSRF verification failed. Request aborted. Reload the form and submit it again."
                    .to_owned(),
            )),
        }
    }

    /// The last value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A checkbox: present means ticked.
    pub(crate) fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The fields as the API's form reader takes them (empty inputs absent,
    /// as a blank optional field).
    pub(crate) fn fields(&self) -> Map<String, Value> {
        self.pairs
            .iter()
            .filter(|(k, _)| k != CSRF_FIELD)
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }
}

/// The CSRF token for a page's forms, and the cookie to set when the
/// browser has none yet.
pub(crate) fn csrf_token(req: &HttpRequest, secure: bool) -> (String, Option<Cookie<'static>>) {
    match req.cookie(CSRF_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => (cookie.value().to_owned(), None),
        _ => {
            let token = auth::new_csrf_token();
            let cookie = Cookie::build(CSRF_COOKIE, token.clone())
                .path("/")
                .same_site(SameSite::Lax)
                .secure(secure)
                .max_age(CookieDuration::days(365))
                .finish();
            (token, Some(cookie))
        }
    }
}
