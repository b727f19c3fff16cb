//! How admin pages fail: redirects to the login page, and plain HTML error
//! pages (never JSON, never internal details).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use maud::html;
use store::StoreError;

use crate::ApiError;

/// An admin page that cannot be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdminError {
    /// Go elsewhere first (e.g. the login page).
    #[error("redirect to {0}")]
    Redirect(String),
    /// Not allowed, with the reason shown to the user.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such object.
    #[error("not found")]
    NotFound,
    /// Anything else, answered as the API would (503, 500) but in HTML.
    #[error(transparent)]
    Api(ApiError),
}

impl From<ApiError> for AdminError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::NotFound(_) => Self::NotFound,
            other => Self::Api(other),
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            other => Self::Api(other.into()),
        }
    }
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Redirect(_) => StatusCode::FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Api(err) => err.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Redirect(to) = self {
            return HttpResponse::Found()
                .insert_header((header::LOCATION, to.as_str()))
                .finish();
        }
        let (title, message) = match self {
            Self::Forbidden(reason) => ("Forbidden", reason.clone()),
            Self::NotFound => (
                "Not found",
                "The page or object you asked for does not exist.".to_owned(),
            ),
            Self::Api(err) => {
                // The cause goes to the log; the page says nothing internal.
                err.log();
                match err.status_code() {
                    StatusCode::SERVICE_UNAVAILABLE => (
                        "Service unavailable",
                        "The database is unavailable. Try again shortly.".to_owned(),
                    ),
                    _ => ("Server error", "A server error occurred.".to_owned()),
                }
            }
            Self::Redirect(_) => ("", String::new()),
        };
        let page = html! {
            (maud::DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " | Events administration" }
                    link rel="stylesheet" href="/admin/static/admin.css";
                }
                body {
                    header.site { a href="/admin/" { "Events administration" } }
                    main {
                        h1 { (title) }
                        p { (message) }
                        p {
                            a href="/admin/" { "Back to the admin home" }
                            @if matches!(self, Self::Forbidden(_)) { " · " a href="/admin/login/" { "Log in as another user" } }
                        }
                    }
                }
            }
        };
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(page.into_string())
    }
}
