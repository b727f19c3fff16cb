//! Rendered response bodies, kept while the data version stays.
//!
//! A GET whose `ETag` comes from the data version (event detail, event
//! lists, attendance lists) renders the same bytes for as long as that
//! version stays, whoever asks: the tag already promises it. So a body is
//! kept with the version it was read at and served again, without loading
//! or rendering anything, to a request for the same address that reads the
//! same version now. The version is read on every request, so a kept body
//! is exactly as fresh as a `304` and never stale: any committed write
//! moves the version and every kept body misses once.

use std::collections::HashMap;

use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use parking_lot::Mutex;

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

struct Entry {
    version: i64,
    body: KeptBody,
}

impl Entry {
    fn weight(&self, key: &str) -> usize {
        key.len() + self.body.bytes.len() + ENTRY_OVERHEAD
    }
}

#[derive(Default)]
struct Bodies {
    entries: HashMap<String, Entry>,
    bytes: usize,
}

impl Bodies {
    /// Empties the cache and hands back what it held, to be freed once
    /// the lock is released.
    fn empty(&mut self) -> HashMap<String, Entry> {
        self.bytes = 0;
        std::mem::take(&mut self.entries)
    }
}

/// Rendered bodies by request address, each with its data version, within
/// a budget of bytes. Share one per database.
pub struct BodyCache {
    budget: usize,
    bodies: Mutex<Bodies>,
}

impl std::fmt::Debug for BodyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bodies = self.bodies.lock();
        f.debug_struct("BodyCache")
            .field("budget", &self.budget)
            .field("entries", &bodies.entries.len())
            .field("bytes", &bodies.bytes)
            .finish()
    }
}

impl BodyCache {
    /// A cache holding at most `budget` bytes of bodies; 0 keeps none.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            bodies: Mutex::default(),
        }
    }

    /// Whether a body for `key` is kept at any version: only then is the
    /// version worth reading before the data.
    pub(crate) fn holds(&self, key: &str) -> bool {
        self.budget > 0 && self.bodies.lock().entries.contains_key(key)
    }

    /// The body for `key` if it was read at `version`. A version lower
    /// than a kept one means the counter went back (a restored backup):
    /// every kept body is dropped, so none can match again later.
    pub(crate) fn get(&self, key: &str, version: i64) -> Option<KeptBody> {
        let mut bodies = self.bodies.lock();
        match bodies.entries.get(key) {
            Some(entry) if entry.version == version => Some(entry.body.clone()),
            Some(entry) if entry.version > version => {
                let dropped = bodies.empty();
                drop(bodies);
                drop(dropped);
                None
            }
            _ => None,
        }
    }

    /// Keeps `body`, read at `version`, for `key`, unless a body read at a
    /// newer version is kept already (a slow request finishing late) or it
    /// alone would take a quarter of the budget.
    pub(crate) fn put(&self, key: &str, version: i64, body: KeptBody) {
        // A copy of its own: the rendered buffer may be larger than its
        // bytes, and the budget counts bytes.
        let body = KeptBody {
            bytes: Bytes::copy_from_slice(&body.bytes),
            ..body
        };
        let entry = Entry { version, body };
        let weight = entry.weight(key);
        if weight > self.budget / 4 {
            return;
        }
        let mut bodies = self.bodies.lock();
        if let Some(old) = bodies.entries.get(key) {
            if old.version > version {
                return;
            }
            bodies.bytes -= old.weight(key);
        }
        // Full: start over. Cheap, and a full cache means the addresses
        // asked for vary so much that few bodies would be asked for twice.
        let dropped = (bodies.bytes + weight > self.budget).then(|| bodies.empty());
        bodies.bytes += weight;
        if let Some(old) = bodies.entries.insert(key.to_owned(), entry) {
            drop(old);
        }
        // The dropped bodies are freed after the lock is released.
        drop(bodies);
        drop(dropped);
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
    fn an_older_body_does_not_replace_a_newer_one() {
        let cache = BodyCache::new(4096);
        cache.put("/a", 8, body("eight"));
        cache.put("/a", 7, body("seven"));
        assert_eq!(text(cache.get("/a", 8)), Some(b"eight".to_vec()));
        cache.put("/a", 9, body("nine"));
        assert_eq!(text(cache.get("/a", 9)), Some(b"nine".to_vec()));
        assert_eq!(text(cache.get("/a", 8)), None);
    }

    #[test]
    fn a_replaced_body_is_counted_once() {
        let cache = BodyCache::new(4096);
        for version in 1..50 {
            cache.put("/a", version, body("seven"));
        }
        let bodies = cache.bodies.lock();
        assert_eq!(bodies.entries.len(), 1);
        assert_eq!(bodies.bytes, "/a".len() + "seven".len() + ENTRY_OVERHEAD);
    }

    #[test]
    fn a_version_going_back_drops_every_kept_body() {
        let cache = BodyCache::new(4096);
        cache.put("/a", 9, body("nine"));
        cache.put("/b", 9, body("nine"));
        // A restored backup: the counter reads 5, and later 9 again.
        assert_eq!(text(cache.get("/a", 5)), None);
        assert_eq!(text(cache.get("/b", 9)), None);
        assert!(!cache.holds("/a"));
        assert_eq!(cache.bodies.lock().bytes, 0);
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
        let cache = BodyCache::new(4 * (ENTRY_OVERHEAD + 10));
        for i in 0..100 {
            cache.put(&format!("/{i:02}"), 1, body("x"));
            let bodies = cache.bodies.lock();
            assert!(bodies.bytes <= cache.budget, "{} bytes kept", bodies.bytes);
            let counted: usize = bodies.entries.iter().map(|(k, e)| e.weight(k)).sum();
            assert_eq!(counted, bodies.bytes);
        }
        // A body over a quarter of the budget is not kept at all.
        cache.put(
            "/big",
            1,
            KeptBody {
                content_type: HeaderValue::from_static("application/json"),
                bytes: Bytes::from(vec![b'x'; 200]),
            },
        );
        assert!(!cache.holds("/big"));
        let off = BodyCache::new(0);
        off.put("/a", 1, body("x"));
        assert!(!off.holds("/a"));
        assert_eq!(text(off.get("/a", 1)), None);
    }
}
