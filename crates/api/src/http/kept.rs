//! Values kept with the version they were read at, and used only while
//! the version read now is still that one.
//!
//! A version grows with every committed change to what it covers
//! ([`store::versions`]), so an equal version means nothing changed since
//! the value was read: it is exact, never stale. The bodies and counts the
//! API keeps are this one mechanism over `quick_cache`, which evicts the
//! least useful entries within a budget of weight (bytes, or 1 a value).
//! A database restored to a lower version while a server runs could match
//! kept values again: restart the servers after such a restore.

use std::hash::Hash;

use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};

/// A value with the version it was read at and its weight.
#[derive(Clone)]
struct Entry<V> {
    version: i64,
    value: V,
    weight: u64,
}

/// Weighs an entry by the weight it was put with.
#[derive(Clone, Copy)]
struct ByWeight;

impl<K, V> Weighter<K, Entry<V>> for ByWeight {
    fn weight(&self, _key: &K, entry: &Entry<V>) -> u64 {
        entry.weight
    }
}

/// About what one value weighs, to size the cache's table.
const TYPICAL_WEIGHT: usize = 1024;

/// Values by key, each with the version it was read at, within a budget of
/// weight. Share one per database.
pub(crate) struct Kept<K, V> {
    budget: u64,
    entries: Option<Cache<K, Entry<V>, ByWeight>>,
}

impl<K, V> std::fmt::Debug for Kept<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept")
            .field("budget", &self.budget)
            .finish()
    }
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    /// A cache holding at most `budget` of weight, each value weighing
    /// about `typical` (which sizes its table); 0 keeps nothing.
    pub(crate) fn new(budget: usize, typical: usize) -> Self {
        let entries = (budget > 0).then(|| {
            let items = (budget / typical.max(1)).max(16);
            Cache::with_weighter(items, budget as u64, ByWeight)
        });
        Self {
            budget: budget as u64,
            entries,
        }
    }

    /// A cache of `budget` bytes of values of about a kilobyte.
    pub(crate) fn bytes(budget: usize) -> Self {
        Self::new(budget, TYPICAL_WEIGHT)
    }

    /// Whether a value for `key` is kept at any version.
    pub(crate) fn holds<Q>(&self, key: &Q) -> bool
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        self.entries.as_ref().is_some_and(|e| e.contains_key(key))
    }

    /// The value for `key` if it was read at `version`. A lower version
    /// read now is no sign of anything: a request that read it before a
    /// write committed may ask after a newer value was kept.
    pub(crate) fn get<Q>(&self, key: &Q, version: i64) -> Option<V>
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        let entry = self.entries.as_ref()?.get(key)?;
        (entry.version == version).then_some(entry.value)
    }

    /// Keeps `value`, of `weight`, read at `version`, for `key`, unless a
    /// value read at a newer version is kept already (a slow read finishing
    /// late) or it alone would take a quarter of the budget.
    pub(crate) fn put(&self, key: K, version: i64, value: V, weight: usize) {
        let Some(entries) = &self.entries else {
            return;
        };
        let weight = weight as u64;
        if weight > self.budget / 4 {
            return;
        }
        if entries.peek(&key).is_some_and(|old| old.version > version) {
            return;
        }
        entries.insert(
            key,
            Entry {
                version,
                value,
                weight,
            },
        );
    }

    /// The weight kept now.
    #[cfg(test)]
    pub(crate) fn weight(&self) -> u64 {
        self.entries.as_ref().map_or(0, |e| e.weight())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_used_only_at_its_version_and_never_replaced_by_an_older_one() {
        let cache = Kept::new(4096, 1);
        assert!(!cache.holds("/a"));
        cache.put("/a".to_owned(), 8, "eight", 1);
        assert!(cache.holds("/a"));
        cache.put("/a".to_owned(), 7, "seven", 1);
        assert_eq!(cache.get("/a", 8), Some("eight"));
        assert_eq!(cache.get("/a", 7), None);
        cache.put("/a".to_owned(), 9, "nine", 1);
        assert_eq!(
            (cache.get("/a", 8), cache.get("/a", 9)),
            (None, Some("nine"))
        );
        assert_eq!(cache.get("/b", 9), None);
    }

    #[test]
    fn a_replaced_value_is_counted_once_and_the_budget_holds() {
        let cache = Kept::new(4096, 64);
        for version in 1..50 {
            cache.put("/a".to_owned(), version, "x", 100);
        }
        assert_eq!(cache.weight(), 100);
        for i in 0..1000 {
            cache.put(format!("/{i}"), 1, "x", 100);
            assert!(cache.weight() <= 4096, "{} kept", cache.weight());
        }
        // Over a quarter of the budget alone: not kept.
        cache.put("/big".to_owned(), 1, "x", 1025);
        assert!(!cache.holds("/big"));
        let off: Kept<String, &str> = Kept::new(0, 1);
        off.put("/a".to_owned(), 1, "x", 1);
        assert!(!off.holds("/a"));
        assert_eq!(off.get("/a", 1), None);
    }
}
