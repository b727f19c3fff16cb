//! Conditional GETs: an `ETag` made from the data version and the request,
//! and `304 Not Modified`, decided before anything is loaded or rendered,
//! when the client's copy is still current.

use std::hash::{DefaultHasher, Hash, Hasher};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use store::versions::Versioned;
use store::DbConnection;

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

/// The request's part of a response's entity tag and its `If-None-Match`.
pub(crate) struct Validator {
    request: u64,
    condition: Condition,
}

/// A response body with its entity tag, or the news that the client has it.
pub(crate) enum Fresh<T> {
    /// The client's copy is current.
    NotModified(String),
    /// The body to send, and its tag.
    Body(String, T),
}

impl Validator {
    /// Reads what the representation depends on besides the data: the
    /// build (a new one may render differently), the origin (pages link to
    /// it), the path and the query.
    pub(crate) fn of(req: &HttpRequest) -> Self {
        let mut hasher = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        crate::http::client::origin(req).hash(&mut hasher);
        req.path().hash(&mut hasher);
        req.query_string().hash(&mut hasher);
        let condition = match req.headers().get(header::IF_NONE_MATCH) {
            None => Condition::Absent,
            Some(value) => parse(value),
        };
        Self {
            request: hasher.finish(),
            condition,
        }
    }

    /// Reads the data version on `conn`, then either answers that the
    /// client's copy is current or runs `load` for the body. The version is
    /// read first: data changed in between is newer than the tag, which
    /// costs a full answer next time but never passes an old body as current.
    pub(crate) fn load<T>(
        &self,
        conn: &mut DbConnection,
        load: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
    ) -> Result<Fresh<T>, ApiError> {
        let etag = self.etag(store::versions::current(conn)?);
        let listed = match &self.condition {
            Condition::Tags(tags) => tags.contains(&etag),
            Condition::Absent | Condition::Any => false,
        };
        if listed {
            return Ok(Fresh::NotModified(etag));
        }
        let body = load(conn)?;
        // `*` matches once the resource is known to exist.
        Ok(match self.condition {
            Condition::Any => Fresh::NotModified(etag),
            _ => Fresh::Body(etag, body),
        })
    }

    /// [`Self::load`] for a body that `load` reads with the version it is at
    /// least as new as, in fewer statements than the version and the body
    /// apart. Without `If-None-Match` the body is needed whatever the
    /// version, so that version tags it; with one, the version is read
    /// first as in [`Self::load`] and the one read with the body is not needed.
    pub(crate) fn load_versioned<T>(
        &self,
        conn: &mut DbConnection,
        load: impl FnOnce(&mut DbConnection) -> Result<Versioned<T>, ApiError>,
    ) -> Result<Fresh<T>, ApiError> {
        match self.condition {
            Condition::Absent => {
                let read = load(conn)?;
                Ok(Fresh::Body(self.etag(read.version), read.value))
            }
            Condition::Any | Condition::Tags(_) => self.load(conn, |conn| Ok(load(conn)?.value)),
        }
    }

    fn etag(&self, version: i64) -> String {
        let mut hasher = DefaultHasher::new();
        self.request.hash(&mut hasher);
        version.hash(&mut hasher);
        format!("\"{:016x}\"", hasher.finish())
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

/// The answer for `fresh`: 304 with the tag, or `render`'s response with it.
pub(crate) fn respond<T>(fresh: Fresh<T>, render: impl FnOnce(T) -> HttpResponse) -> HttpResponse {
    let (etag, mut res) = match fresh {
        Fresh::NotModified(etag) => (etag, HttpResponse::NotModified().finish()),
        Fresh::Body(etag, body) => (etag, render(body)),
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
        };
        assert_eq!(validator(1).etag(7), validator(1).etag(7));
        assert_ne!(validator(1).etag(7), validator(1).etag(8));
        assert_ne!(validator(1).etag(7), validator(2).etag(7));
    }
}
