//! Conditional GETs: an `ETag` made from the version of what a response
//! shows ([`store::versions::Scope`]) and the request,
//! and `304 Not Modified`, decided before anything is loaded or rendered,
//! when the client's copy is still current.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use store::versions::{Scope, Versioned};
use store::DbConnection;

use crate::http::body_cache::{BodyCache, KeptBody};
use crate::ApiError;

/// What a client's `If-None-Match` asks for.
enum Condition {
    /// No header: always answer in full.
    Absent,
    /// `*`: any current representation.
    Any,
    /// These entity tags, without their `W/` prefix (weak comparison).
    Tags(Vec<String>),
}

/// The request's part of a response's entity tag, its `If-None-Match`, and
/// where its body may be kept.
pub(crate) struct Validator {
    request: u64,
    condition: Condition,
    bodies: Arc<BodyCache>,
    /// The address the body is kept under: what the tag hashes, in full
    /// (the build aside: a cache lives in one process).
    address: String,
}

/// A response body with its entity tag, or the news that the client has it.
pub(crate) enum Fresh<T> {
    /// The client's copy is current.
    NotModified(String),
    /// The body to render, its tag, and where to keep what it renders to.
    Body(String, T, Keep),
    /// A body rendered earlier at the current version, and its tag.
    Kept(String, KeptBody),
}

/// Where a rendered body is kept, and the version it was read at.
pub(crate) struct Keep {
    bodies: Arc<BodyCache>,
    address: String,
    version: i64,
}

impl Validator {
    /// Reads what the representation depends on besides the data: the
    /// build (a new one may render differently), the origin (pages link to
    /// it), the path and the query. Bodies are kept in `bodies`.
    pub(crate) fn of(req: &HttpRequest, bodies: &Arc<BodyCache>) -> Self {
        let origin = crate::http::client::origin(req);
        let mut hasher = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        origin.hash(&mut hasher);
        req.path().hash(&mut hasher);
        req.query_string().hash(&mut hasher);
        let condition = match req.headers().get(header::IF_NONE_MATCH) {
            None => Condition::Absent,
            Some(value) => parse(value),
        };
        Self {
            request: hasher.finish(),
            condition,
            bodies: Arc::clone(bodies),
            // The origin comes from a header and may hold any character:
            // its length keeps it from running into the path.
            address: format!(
                "{}:{origin}{}?{}",
                origin.len(),
                req.path(),
                req.query_string()
            ),
        }
    }

    /// Reads the version of `scope` on `conn`, then answers that the client's
    /// copy is current, or with the body kept at that version, or runs
    /// `load` for the body. The version is read first: data changed in
    /// between is newer than the tag, which costs a full answer next time
    /// but never passes an old body as current.
    pub(crate) fn load<T>(
        &self,
        conn: &mut DbConnection,
        scope: Scope,
        load: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
    ) -> Result<Fresh<T>, ApiError> {
        let version = store::versions::current(conn, scope)?;
        if let Some(fresh) = self.without_loading(version) {
            return Ok(fresh);
        }
        let body = load(conn)?;
        // `*` matches once the resource is known to exist.
        Ok(match self.condition {
            Condition::Any => Fresh::NotModified(self.etag(version)),
            _ => self.body(version, body),
        })
    }

    /// [`Self::load`] for a body that `load` reads with the version it is at
    /// least as new as, in fewer statements than the version and the body
    /// apart. Without `If-None-Match` and with no body kept for the
    /// address, the body is needed whatever the version, so the version
    /// read with it tags it; otherwise the version is read first as in
    /// [`Self::load`].
    pub(crate) fn load_versioned<T>(
        &self,
        conn: &mut DbConnection,
        scope: Scope,
        load: impl FnOnce(&mut DbConnection) -> Result<Versioned<T>, ApiError>,
    ) -> Result<Fresh<T>, ApiError> {
        match self.condition {
            Condition::Absent => {
                if self.bodies.holds(&self.address) {
                    let version = store::versions::current(conn, scope)?;
                    if let Some(fresh) = self.without_loading(version) {
                        return Ok(fresh);
                    }
                }
                let read = load(conn)?;
                Ok(self.body(read.version, read.value))
            }
            Condition::Any | Condition::Tags(_) => {
                self.load(conn, scope, |conn| Ok(load(conn)?.value))
            }
        }
    }

    /// The answer at `version` that needs nothing loaded: a 304 for a
    /// listed tag, else a body kept at that version. `*` needs the
    /// resource found first.
    fn without_loading<T>(&self, version: i64) -> Option<Fresh<T>> {
        let etag = self.etag(version);
        match &self.condition {
            Condition::Tags(tags) if tags.contains(&etag) => Some(Fresh::NotModified(etag)),
            Condition::Any => None,
            Condition::Absent | Condition::Tags(_) => self
                .bodies
                .get(&self.address, version)
                .map(|body| Fresh::Kept(etag, body)),
        }
    }

    fn body<T>(&self, version: i64, body: T) -> Fresh<T> {
        let keep = Keep {
            bodies: Arc::clone(&self.bodies),
            address: self.address.clone(),
            version,
        };
        Fresh::Body(self.etag(version), body, keep)
    }

    fn etag(&self, version: i64) -> String {
        let mut hasher = DefaultHasher::new();
        self.request.hash(&mut hasher);
        version.hash(&mut hasher);
        format!("\"{:016x}\"", hasher.finish())
    }
}

impl Keep {
    /// Keeps a copy of `res`'s body if it is a 200 held in memory, and
    /// returns `res` unchanged.
    fn keep(self, res: HttpResponse) -> HttpResponse {
        let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
        let (Some(content_type), StatusCode::OK) = (content_type, res.status()) else {
            return res;
        };
        let (res, body) = res.into_parts();
        match body.try_into_bytes() {
            Ok(bytes) => {
                let kept = KeptBody {
                    content_type,
                    bytes: bytes.clone(),
                };
                self.bodies.put(&self.address, self.version, kept);
                res.set_body(BoxBody::new(bytes))
            }
            Err(body) => res.set_body(body),
        }
    }
}

fn parse(value: &HeaderValue) -> Condition {
    let Ok(value) = value.to_str() else {
        return Condition::Tags(Vec::new());
    };
    if value.trim() == "*" {
        return Condition::Any;
    }
    Condition::Tags(
        value
            .split(',')
            .map(str::trim)
            .map(|tag| tag.strip_prefix("W/").unwrap_or(tag))
            .filter(|tag| tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"'))
            .map(str::to_owned)
            .collect(),
    )
}

/// The answer for `fresh`: 304 with the tag, the kept body, or `render`'s
/// response (kept for next time), with the tag.
pub(crate) fn respond<T>(fresh: Fresh<T>, render: impl FnOnce(T) -> HttpResponse) -> HttpResponse {
    let (etag, mut res) = match fresh {
        Fresh::NotModified(etag) => (etag, HttpResponse::NotModified().finish()),
        Fresh::Body(etag, body, keep) => (etag, keep.keep(render(body))),
        Fresh::Kept(etag, body) => (
            etag,
            HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, body.content_type))
                .body(body.bytes),
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, value);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(raw: &'static str) -> Vec<String> {
        match parse(&HeaderValue::from_static(raw)) {
            Condition::Tags(tags) => tags,
            Condition::Any => vec!["*".to_owned()],
            Condition::Absent => Vec::new(),
        }
    }

    #[test]
    fn if_none_match_lists_tags_weak_or_strong() {
        assert_eq!(tags(r#""a", W/"b" ,"c""#), [r#""a""#, r#""b""#, r#""c""#]);
        assert_eq!(tags(" * "), ["*"]);
        assert!(tags("unquoted").is_empty());
    }

    #[test]
    fn tags_differ_by_version_and_request() {
        let validator = |request| Validator {
            request,
            condition: Condition::Absent,
            bodies: Arc::new(BodyCache::new(0)),
            address: String::new(),
        };
        assert_eq!(validator(1).etag(7), validator(1).etag(7));
        assert_ne!(validator(1).etag(7), validator(1).etag(8));
        assert_ne!(validator(1).etag(7), validator(2).etag(7));
    }
}
