//! Values kept with the data version they were read at, and used only
//! while the version read now is still that one.
//!
//! The data version grows with every committed change to what it covers
//! ([`crate::versions`]), so an equal version means nothing changed since
//! the value was read: it is exact, never stale. Any write makes every kept
//! value miss once. This is the one mechanism behind the event counts kept
//! here and the response bodies the API keeps. A database restored to a
//! lower version while a server runs could match kept values again: restart
//! the servers after such a restore.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use parking_lot::Mutex;

struct Kept<V> {
    version: i64,
    value: V,
    weight: usize,
}

struct Entries<K, V> {
    map: HashMap<K, Kept<V>>,
    weight: usize,
}

impl<K, V> Entries<K, V> {
    /// Empties the map and hands back what it held, to be freed once the
    /// lock is released.
    fn empty(&mut self) -> HashMap<K, Kept<V>> {
        self.weight = 0;
        std::mem::take(&mut self.map)
    }
}

/// Values by key, each with the version it was read at, within a budget
/// of weight (bytes, or 1 a value). Share one per database.
pub struct VersionCache<K, V> {
    budget: usize,
    entries: Mutex<Entries<K, V>>,
}

impl<K, V> std::fmt::Debug for VersionCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.lock();
        f.debug_struct("VersionCache")
            .field("budget", &self.budget)
            .field("entries", &entries.map.len())
            .field("weight", &entries.weight)
            .finish()
    }
}

impl<K: Hash + Eq, V: Clone> VersionCache<K, V> {
    /// A cache holding at most `budget` of weight; 0 keeps nothing.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                weight: 0,
            }),
        }
    }

    /// Whether a value for `key` is kept at any version.
    pub fn holds<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.budget > 0 && self.entries.lock().map.contains_key(key)
    }

    /// The value for `key` if it was read at `version`. A lower version
    /// read now is no sign of anything: a request that read it before a
    /// write committed may ask after a newer value was kept.
    pub fn get<Q>(&self, key: &Q, version: i64) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.lock();
        match entries.map.get(key) {
            Some(kept) if kept.version == version => Some(kept.value.clone()),
            _ => None,
        }
    }

    /// Keeps `value`, of `weight`, read at `version`, for `key`, unless a
    /// value read at a newer version is kept already (a slow read finishing
    /// late) or it alone would take a quarter of the budget. When full, it
    /// starts over: cheap, and a full cache means the keys asked for vary
    /// so much that few would be asked for twice.
    pub fn put(&self, key: K, version: i64, value: V, weight: usize) {
        if self.budget == 0 || weight > self.budget / 4 {
            return;
        }
        let mut entries = self.entries.lock();
        if let Some(old) = entries.map.get(&key) {
            if old.version > version {
                return;
            }
            entries.weight -= old.weight;
        }
        let dropped = (entries.weight + weight > self.budget).then(|| entries.empty());
        entries.weight += weight;
        let replaced = entries.map.insert(
            key,
            Kept {
                version,
                value,
                weight,
            },
        );
        // What was dropped is freed after the lock is released.
        drop(entries);
        drop((replaced, dropped));
    }

    /// The weight kept now.
    pub fn weight(&self) -> usize {
        self.entries.lock().weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_used_only_at_its_version_and_never_replaced_by_an_older_one() {
        let cache = VersionCache::new(4096);
        assert!(!cache.holds(&"/a"));
        cache.put("/a", 8, "eight", 1);
        assert!(cache.holds(&"/a"));
        cache.put("/a", 7, "seven", 1);
        assert_eq!(cache.get(&"/a", 8), Some("eight"));
        assert_eq!(cache.get(&"/a", 9), None);
        assert_eq!(cache.get(&"/b", 8), None);
        cache.put("/a", 9, "nine", 1);
        assert_eq!(
            (cache.get(&"/a", 8), cache.get(&"/a", 9)),
            (None, Some("nine"))
        );
    }

    #[test]
    fn a_replaced_value_is_counted_once() {
        let cache = VersionCache::new(4096);
        for version in 1..50 {
            cache.put("/a", version, "seven", 7);
        }
        assert_eq!(cache.entries.lock().map.len(), 1);
        assert_eq!(cache.weight(), 7);
    }

    #[test]
    fn a_read_at_an_older_version_leaves_newer_values_kept() {
        let cache = VersionCache::new(4096);
        cache.put("/a", 9, "nine", 1);
        cache.put("/b", 9, "nine", 1);
        // A request that read version 5 before the writes up to 9 committed.
        assert_eq!(cache.get(&"/a", 5), None);
        assert_eq!(cache.get(&"/b", 9), Some("nine"));
        assert_eq!(cache.get(&"/a", 9), Some("nine"));
        assert_eq!(cache.weight(), 2);
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = VersionCache::new(40);
        for i in 0..100 {
            cache.put(i, 1, "x", 10);
            let entries = cache.entries.lock();
            assert!(entries.weight <= cache.budget, "{} kept", entries.weight);
            let counted: usize = entries.map.values().map(|kept| kept.weight).sum();
            assert_eq!(counted, entries.weight);
        }
        // A value over a quarter of the budget is not kept at all.
        cache.put(1000, 1, "big", 11);
        assert!(!cache.holds(&1000));
        let off = VersionCache::new(0);
        off.put("/a", 1, "x", 0);
        assert!(!off.holds(&"/a"));
        assert_eq!(off.get(&"/a", 1), None);
    }
}
