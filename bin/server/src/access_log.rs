//! The access log: one line per request, with an id sent back as
//! `X-Request-Id` (and on every log line the request causes). Secrets in
//! paths (calendar feed and unsubscribe tokens) and in query strings are
//! never written; bodies, cookies and headers are not logged at all.

use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;
use tracing::Instrument;

/// The header carrying the request id.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Query parameters whose values are never logged.
const SECRET_PARAMETERS: [&str; 7] = [
    "token",
    "password",
    "secret",
    "key",
    "refresh",
    "access",
    "csrfmiddlewaretoken",
];

/// Path prefixes whose next segment is a secret.
const SECRET_SEGMENTS: [&str; 2] = ["/api/calendar/", "/api/unsubscribe/"];

const REDACTED: &str = "[redacted]";

/// Logs the request once it is answered; wrap the whole app with it.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| acceptable_id(id))
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    let method = req.method().to_string();
    let path = redact_path(req.path());
    let query = redact_query(req.query_string());
    let client = api::client_address(req.request());
    let span = tracing::info_span!("request", id = %request_id);
    let outcome = next.call(req).instrument(span).await;
    let (status, bytes) = match &outcome {
        Ok(res) => (
            res.status().as_u16(),
            match res.response().body().size() {
                BodySize::Sized(n) => i64::try_from(n).unwrap_or(i64::MAX),
                BodySize::None => 0,
                BodySize::Stream => -1,
            },
        ),
        Err(err) => (err.as_response_error().status_code().as_u16(), -1),
    };
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "access",
        request_id = %request_id,
        method = %method,
        path = %path,
        query = %query,
        status,
        bytes,
        duration_ms = format!("{duration_ms:.2}"),
        client = %client,
        "{method} {path} {status}"
    );
    let mut res = outcome?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// A client's own request id is kept when it is short and plain.
fn acceptable_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn redact_path(path: &str) -> String {
    for prefix in SECRET_SEGMENTS {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |slash| &rest[slash..]);
            let suffix = if rest.ends_with(".ics") { ".ics" } else { "" };
            return format!("{prefix}{REDACTED}{suffix}{tail}");
        }
    }
    path.to_owned()
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let key = pair.split_once('=').map_or(pair, |(key, _)| key);
            let lower = key.to_ascii_lowercase();
            if SECRET_PARAMETERS
                .iter()
                .any(|secret| lower.contains(secret))
            {
                format!("{key}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_paths_and_queries_are_not_written() {
        assert_eq!(
            redact_path("/api/calendar/abcDEF123.ics"),
            "/api/calendar/[redacted].ics"
        );
        assert_eq!(
            redact_path("/api/unsubscribe/abc"),
            "/api/unsubscribe/[redacted]"
        );
        assert_eq!(
            redact_path("/api/unsubscribe/abc/"),
            "/api/unsubscribe/[redacted]/"
        );
        assert_eq!(redact_path("/api/events/"), "/api/events/");
        assert_eq!(
            redact_query("search=rust&access_token=s3cret&limit=5&password"),
            "search=rust&access_token=[redacted]&limit=5&password=[redacted]"
        );
    }

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(acceptable_id("abc-123_x.y"));
        assert!(!acceptable_id(""));
        assert!(!acceptable_id("a b"));
        assert!(!acceptable_id(&"x".repeat(65)));
    }
}
