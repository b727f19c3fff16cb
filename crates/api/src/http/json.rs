//! JSON bodies written into one buffer sized for them up front: actix's
//! `.json()` starts from an empty one, which a listing outgrows (and copies)
//! a dozen times.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::ApiError;

/// About how many bytes one event takes in a listing, plan included.
pub(crate) const EVENT_BYTES: usize = 640;

/// About how many bytes one attendance takes, its user included.
pub(crate) const ATTENDANCE_BYTES: usize = 160;

/// `body` as a JSON response with `status`, written into a buffer of
/// `size_hint` bytes (it grows if the hint was short).
pub(crate) fn json_response<T: Serialize>(
    status: StatusCode,
    body: &T,
    size_hint: usize,
) -> HttpResponse {
    let mut buffer = Vec::with_capacity(size_hint);
    match serde_json::to_writer(&mut buffer, body) {
        Ok(()) => HttpResponse::build(status)
            .content_type("application/json")
            .body(buffer),
        Err(err) => ApiError::Internal(format!("cannot write a JSON body: {err}")).error_response(),
    }
}
