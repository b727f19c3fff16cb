//! The event a path names: its id, and the contract's 404 when it names
//! none, for every route under `/api/events/{id}/`.

use domain::EventId;
use store::StoreError;

use crate::http::error::NO_EVENT;
use crate::ApiError;

/// Reads an event id from the path; anything but a UUID names no event.
pub(crate) fn event_id(raw: &str) -> Result<EventId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound(NO_EVENT))
}

/// Maps "no such row" to the contract's 404 for events.
pub(crate) fn event_not_found(err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound => ApiError::NotFound(NO_EVENT),
        other => other.into(),
    }
}
