//! When a pool checks its PostgreSQL connections before lending them: a
//! connection idle a while is always checked; after an error that may mean
//! the server dropped its connections (a restart, a network cut), every
//! checkout is checked for a while, so dead connections are replaced
//! instead of failing one request each. Each pool keeps its own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// After such an error, every checkout is checked for this long.
const SUSPECT_FOR: Duration = Duration::from_secs(2);

/// Until when a pool's checkouts are all checked.
#[derive(Debug)]
pub(crate) struct Suspicion {
    started: Instant,
    /// Milliseconds after `started`.
    until: AtomicU64,
}

impl Default for Suspicion {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            until: AtomicU64::new(0),
        }
    }
}

impl Suspicion {
    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Checks every checkout for a while from now.
    pub(crate) fn raise(&self) {
        let until = self.now().saturating_add(SUSPECT_FOR.as_millis() as u64);
        self.until.fetch_max(until, Ordering::Relaxed);
    }

    /// Whether checkouts are to be checked now.
    pub(crate) fn active(&self) -> bool {
        self.until.load(Ordering::Relaxed) > self.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raised_it_lasts_a_while_and_two_pools_do_not_share_it() {
        let (one, other) = (Suspicion::default(), Suspicion::default());
        assert!(!one.active());
        one.raise();
        assert!(one.active());
        assert!(!other.active());
    }
}
