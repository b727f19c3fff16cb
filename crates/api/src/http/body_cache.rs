//! Rendered response bodies, kept while their version stays.
//!
//! A GET whose `ETag` comes from a version (event detail, event lists,
//! attendance lists) renders the same bytes for as long as that version
//! stays, whoever asks: the tag already promises it. So a body is kept
//! with the version it was read at and served again, without loading or
//! rendering anything, to a request for the same address that reads the
//! same version now. The version is read on every request, so a kept body
//! is exactly as fresh as a `304` and never stale: a committed write to
//! what the body shows moves its version and the body misses once.
//!
//! The address is everything that decides what the body shows today: the
//! origin (pages link to it), the path and the query. No response of
//! these depends on who asks; one that comes to (private events, answers
//! shown to hosts only) must add what decides it to the address.

use crate::http::kept::Kept;
use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;

/// What each kept body costs besides its bytes and its key: the map's
/// slot, the shared buffer's header and the content type, with room.
const ENTRY_OVERHEAD: usize = 256;

/// A body as it was sent.
#[derive(Clone)]
pub(crate) struct KeptBody {
    /// The `Content-Type` it was sent with.
    pub(crate) content_type: HeaderValue,
    /// The bytes; cloning shares them.
    pub(crate) bytes: Bytes,
}

/// Rendered bodies by request address, each with its version, within a
/// budget of bytes ([`Kept`] keeps them). Share one per database.
pub struct BodyCache {
    bodies: Kept<String, KeptBody>,
}

impl std::fmt::Debug for BodyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.bodies.fmt(f)
    }
}

impl BodyCache {
    /// A cache holding at most `budget` bytes of bodies; 0 keeps none.
    pub fn new(budget: usize) -> Self {
        Self {
            bodies: Kept::bytes(budget),
        }
    }

    /// Whether a body for `address` is kept at any version: only then is
    /// the version worth reading before the data.
    pub(crate) fn holds(&self, address: &str) -> bool {
        self.bodies.holds(address)
    }

    /// The body for `address` if it was read at `version`.
    pub(crate) fn get(&self, address: &str, version: i64) -> Option<KeptBody> {
        self.bodies.get(address, version)
    }

    /// Keeps `body`, read at `version`, for `address` (see [`Kept::put`]
    /// for when it is not kept).
    pub(crate) fn put(&self, address: &str, version: i64, body: KeptBody) {
        // A copy of its own: the rendered buffer may be larger than its
        // bytes, and the budget counts bytes.
        let body = KeptBody {
            bytes: Bytes::copy_from_slice(&body.bytes),
            ..body
        };
        let weight = address.len() + body.bytes.len() + ENTRY_OVERHEAD;
        self.bodies.put(address.to_owned(), version, body, weight);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &'static str) -> KeptBody {
        KeptBody {
            content_type: HeaderValue::from_static("application/json"),
            bytes: Bytes::from_static(text.as_bytes()),
        }
    }

    fn text(kept: Option<KeptBody>) -> Option<Vec<u8>> {
        kept.map(|b| b.bytes.to_vec())
    }

    #[test]
    fn a_body_is_served_only_at_the_version_it_was_read_at() {
        let cache = BodyCache::new(4096);
        assert!(!cache.holds("/a"));
        cache.put("/a", 7, body("seven"));
        assert!(cache.holds("/a"));
        assert_eq!(text(cache.get("/a", 7)), Some(b"seven".to_vec()));
        assert_eq!(text(cache.get("/a", 8)), None);
        assert_eq!(text(cache.get("/b", 7)), None);
    }

    #[test]
    fn a_replaced_body_is_weighed_once_with_its_address() {
        let cache = BodyCache::new(4096);
        for version in 1..50 {
            cache.put("/a", version, body("seven"));
        }
        assert_eq!(text(cache.get("/a", 49)), Some(b"seven".to_vec()));
        assert_eq!(
            cache.bodies.weight(),
            ("/a".len() + "seven".len() + ENTRY_OVERHEAD) as u64
        );
    }

    #[test]
    fn a_kept_body_holds_its_bytes_only() {
        let cache = BodyCache::new(1 << 20);
        let mut rendered = Vec::with_capacity(64 * 1024);
        rendered.extend_from_slice(b"[]");
        let buffer = rendered.as_ptr();
        cache.put(
            "/a",
            1,
            KeptBody {
                content_type: HeaderValue::from_static("application/json"),
                bytes: Bytes::from(rendered),
            },
        );
        let kept = cache.get("/a", 1).map(|b| b.bytes);
        assert_eq!(kept.as_deref(), Some(&b"[]"[..]));
        // A copy, not a view into the 64 KiB buffer it was rendered into.
        assert!(kept.is_some_and(|b| b.as_ptr() != buffer));
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let budget = 4 * (ENTRY_OVERHEAD + 10);
        let cache = BodyCache::new(budget);
        for i in 0..100 {
            cache.put(&format!("/{i:02}"), 1, body("x"));
            let kept = cache.bodies.weight();
            assert!(kept <= budget as u64, "{kept} bytes kept");
        }
        let off = BodyCache::new(0);
        off.put("/a", 1, body("x"));
        assert!(!off.holds("/a"));
        assert_eq!(text(off.get("/a", 1)), None);
    }
}
