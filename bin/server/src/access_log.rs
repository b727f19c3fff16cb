//! The access log: one line per request, with an id sent back as
//! `X-Request-Id` (and on every log line the request causes). Secrets in
//! paths (calendar feed and unsubscribe tokens) and in query strings are
//! never written; bodies, cookies and headers are not logged at all.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
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
/// With the `access` target below `info`, only the request id is made.
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
        .map_or_else(new_request_id, str::to_owned);
    let logged = tracing::enabled!(target: "access", tracing::Level::INFO);
    let line = logged.then(|| RequestLine {
        method: req.method().to_string(),
        path: redact_path(req.path()).into_owned(),
        query: redact_query(req.query_string()).into_owned(),
        client: api::client_address(req.request()),
    });
    let span = tracing::info_span!("request", id = %request_id);
    let outcome = next.call(req).instrument(span).await;
    if let Some(line) = line {
        line.write(&request_id, &outcome, started);
    }
    let mut res = outcome?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// What the access line says about the request, read before it is handled.
struct RequestLine {
    method: String,
    path: String,
    query: String,
    client: String,
}

impl RequestLine {
    fn write<B: MessageBody>(
        self,
        request_id: &str,
        outcome: &Result<ServiceResponse<B>, Error>,
        started: Instant,
    ) {
        let (status, bytes) = match outcome {
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
        let Self {
            method,
            path,
            query,
            client,
        } = self;
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
    }
}

/// A fresh request id: a random prefix drawn once per process and a
/// counter, so making one costs no system call (a v4 UUID asked the
/// kernel for randomness on every request).
fn new_request_id() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 8];
        // Without system randomness the ids are still unique per process.
        let _ = getrandom::fill(&mut bytes);
        u64::from_le_bytes(bytes)
    });
    format!("{prefix:016x}{:016x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A client's own request id is kept when it is short and plain.
fn acceptable_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// The path as logged: one naming a secret is matched after
/// percent-decoding (the router decodes `/api/%63alendar/…` to the feed)
/// and written decoded with its secret redacted; others as they came.
fn redact_path(path: &str) -> Cow<'_, str> {
    let decoded = percent_decode(path);
    for prefix in SECRET_SEGMENTS {
        if let Some(rest) = decoded.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |slash| &rest[slash..]);
            let suffix = if rest.ends_with(".ics") { ".ics" } else { "" };
            return Cow::Owned(format!("{prefix}{REDACTED}{suffix}{tail}"));
        }
    }
    Cow::Borrowed(path)
}

/// `%XX` sequences as the bytes they stand for (invalid UTF-8 replaced);
/// a `%` not followed by two hex digits is kept.
fn percent_decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('%') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits make at most 0xff.
                decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'%'));
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}

fn redact_query(query: &str) -> Cow<'_, str> {
    fn secret(pair: &str) -> Option<&str> {
        let key = pair.split_once('=').map_or(pair, |(key, _)| key);
        // `pass%77ord` is `password` to the server: match what it decodes to.
        let lower = percent_decode(key).to_ascii_lowercase();
        SECRET_PARAMETERS
            .iter()
            .any(|secret| lower.contains(secret))
            .then_some(key)
    }
    if query.is_empty()
        || query
            .split('&')
            .all(|p| !p.is_empty() && secret(p).is_none())
    {
        return Cow::Borrowed(query);
    }
    Cow::Owned(
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match secret(pair) {
                Some(key) => format!("{key}={REDACTED}"),
                None => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&"),
    )
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
            redact_path("/api/%63alendar/abc%2Edef.ics"),
            "/api/calendar/[redacted].ics"
        );
        assert_eq!(
            redact_path("/api/%75nsubscribe/abc"),
            "/api/unsubscribe/[redacted]"
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(
            redact_query("search=rust&access_token=s3cret&limit=5&password"),
            "search=rust&access_token=[redacted]&limit=5&password=[redacted]"
        );
        // A key the server decodes to a secret one is a secret one.
        assert_eq!(
            redact_query("pass%77ord=x&a=1"),
            "pass%77ord=[redacted]&a=1"
        );
    }

    #[test]
    fn queries_without_secrets_are_kept_as_they_are() {
        assert!(matches!(
            redact_query("search=a&limit=5"),
            Cow::Borrowed("search=a&limit=5")
        ));
        assert_eq!(redact_query("a=1&&b=2&"), "a=1&b=2");
        assert_eq!(redact_query(""), "");
    }

    #[test]
    fn fresh_ids_are_distinct_and_plain() {
        let (first, second) = (new_request_id(), new_request_id());
        assert_ne!(first, second);
        assert!(acceptable_id(&first) && first.len() == 32, "{first}");
    }

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(acceptable_id("abc-123_x.y"));
        assert!(!acceptable_id(""));
        assert!(!acceptable_id("a b"));
        assert!(!acceptable_id(&"x".repeat(65)));
    }
}
