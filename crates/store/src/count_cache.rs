//! Counts of filtered event listings, kept while the data version stays.
//!
//! Counting a common search term exactly means visiting every match: at a
//! million events and a 10%-selective term PostgreSQL rechecks some 100k
//! rows, a quarter of a second. A count is kept with the data version read
//! *before* it was counted, and used only while the version read now is
//! still that one. The version grows with every committed change to
//! events, so an equal version means nothing changed since the count began:
//! it is exact, never stale. Any write makes every kept count miss once.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::UserId;
use parking_lot::Mutex;

use crate::events::EventFilter;

/// Kept counts at most; when full it starts over (cheap, and a full cache
/// means the filters vary so much that few would hit anyway).
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
#[derive(Debug, Default)]
pub struct CountCache {
    counts: Mutex<HashMap<CountKey, (i64, i64)>>,
}

impl CountCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The count for `filter` if it was taken at `version`.
    pub(crate) fn get(&self, filter: &EventFilter, version: i64) -> Option<i64> {
        let counts = self.counts.lock();
        match counts.get(&CountKey::from(filter)) {
            Some(&(at, count)) if at == version => Some(count),
            _ => None,
        }
    }

    /// Keeps `count`, counted after `version` was read, unless a count at
    /// a newer version is kept already (a slow count finishing late).
    pub(crate) fn put(&self, filter: &EventFilter, version: i64, count: i64) {
        let key = CountKey::from(filter);
        let mut counts = self.counts.lock();
        if counts.get(&key).is_some_and(|&(at, _)| at > version) {
            return;
        }
        if counts.len() >= CAPACITY {
            counts.clear();
        }
        counts.insert(key, (version, count));
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
