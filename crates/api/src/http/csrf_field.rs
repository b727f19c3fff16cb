//! Django's other way to send the CSRF token: a form post may carry it as
//! the `csrfmiddlewaretoken` field instead of the `X-CSRFToken` header.
//! For unsafe form posts without the header, this middleware reads the
//! body, lifts the field into the header, and puts the body back, so the
//! one check in [`super::identity`] covers both ways.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpMessage};

use crate::state::state_of;
use crate::ApiError;
use futures_util::StreamExt;

/// The form field (Django's name).
const FIELD: &str = "csrfmiddlewaretoken";

/// The header [`super::identity`] checks (`X-CSRFToken`), as header names are stored.
const HEADER: &str = "x-csrftoken";

/// The middleware: see the module documentation.
pub(crate) async fn lift_form_token(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if wants_lifting(&req) {
        let mut body = web::BytesMut::new();
        let mut payload = req.take_payload();
        while let Some(chunk) = payload.next().await {
            let chunk: Bytes = chunk.map_err(|e| {
                ApiError::BadRequest(format!("Could not read the request body: {e}"))
            })?;
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        if let Some(token) = token_in(&req, &body).await {
            if let Ok(value) = HeaderValue::from_str(&token) {
                req.headers_mut()
                    .insert(HeaderName::from_static(HEADER), value);
            }
        }
        req.set_payload(Payload::from(body));
    }
    next.call(req).await
}

/// An unsafe request with a form body within the configured limit (larger
/// ones are left to the handler's 413) and no CSRF header.
fn wants_lifting(req: &ServiceRequest) -> bool {
    // As the check in `identity` judges it: what is not known to be safe is not.
    let unsafe_method =
        !auth::Method::parse(req.method().as_str()).is_some_and(auth::Method::is_safe);
    let limit = state_of(req.request()).map_or(0, |state| state.config.max_body_bytes);
    let headers = req.headers();
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.to_ascii_lowercase())
        .is_some_and(|v| {
            v.starts_with("application/x-www-form-urlencoded")
                || v.starts_with("multipart/form-data")
        });
    let sized = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len <= limit);
    unsafe_method && form && sized && !headers.contains_key(HEADER)
}

/// The token field of an urlencoded or multipart body, if it has one.
async fn token_in(req: &ServiceRequest, body: &Bytes) -> Option<String> {
    let fields = super::body::parse_fields(req.request(), body.clone())
        .await
        .ok()?;
    fields.get(FIELD)?.as_str().map(str::to_owned)
}
