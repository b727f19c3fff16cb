//! Counts of filtered event listings, kept while the data version stays.
//!
//! Counting a common search term exactly means visiting every match: at a
//! million events and a 10%-selective term PostgreSQL rechecks some 100k
//! rows, a quarter of a second. A count is kept with the data version read
//! *before* it was counted, and used only while the version read now is
//! still that one. The version grows with every committed change to
//! events, so an equal version means nothing changed since the count began:
//! it is exact, never stale. Any write makes every kept count miss once.

use chrono::NaiveDate;
use domain::UserId;

use crate::events::EventFilter;
use crate::version_cache::VersionCache;

/// Kept counts at most (each weighs one); when full it starts over.
const CAPACITY: usize = 1024;

/// What a count depends on: the filter, search terms as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CountKey {
    search: Option<String>,
    date: Option<NaiveDate>,
    date_after: Option<NaiveDate>,
    date_before: Option<NaiveDate>,
    organizer: Option<UserId>,
}

impl From<&EventFilter> for CountKey {
    fn from(filter: &EventFilter) -> Self {
        Self {
            search: filter.search.clone(),
            date: filter.date,
            date_after: filter.date_after,
            date_before: filter.date_before,
            organizer: filter.organizer,
        }
    }
}

/// Counts of filtered listings of one database, each with the version it
/// was counted at. Share one per pool (one per database).
#[derive(Debug)]
pub struct CountCache {
    counts: VersionCache<CountKey, i64>,
}

impl Default for CountCache {
    fn default() -> Self {
        // Each count weighs one.
        Self {
            counts: VersionCache::new(CAPACITY),
        }
    }
}

impl CountCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The count for `filter` if it was taken at `version`.
    pub(crate) fn get(&self, filter: &EventFilter, version: i64) -> Option<i64> {
        self.counts.get(&CountKey::from(filter), version)
    }

    /// Keeps `count`, counted after `version` was read, unless a count at
    /// a newer version is kept already (a slow count finishing late).
    pub(crate) fn put(&self, filter: &EventFilter, version: i64, count: i64) {
        self.counts.put(CountKey::from(filter), version, count, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_used_only_at_its_version_and_never_replaced_by_an_older_one() {
        let cache = CountCache::new();
        let jazz = EventFilter {
            search: Some("jazz".to_owned()),
            ..Default::default()
        };
        let rock = EventFilter {
            search: Some("rock".to_owned()),
            ..Default::default()
        };
        cache.put(&jazz, 7, 3);
        assert_eq!(cache.get(&jazz, 7), Some(3));
        assert_eq!(cache.get(&jazz, 8), None);
        assert_eq!(cache.get(&rock, 7), None);
        cache.put(&jazz, 6, 2);
        assert_eq!(cache.get(&jazz, 7), Some(3));
        cache.put(&jazz, 9, 4);
        assert_eq!((cache.get(&jazz, 7), cache.get(&jazz, 9)), (None, Some(4)));
    }
}
