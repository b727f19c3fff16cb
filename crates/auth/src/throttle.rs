use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits failed attempts (e.g. wrong passwords) per key (e.g. client IP):
/// once `max_failures` happened within `window`, further attempts are
/// refused until the oldest of them is older than the window.
///
/// The state is in memory, per server process.
#[derive(Debug)]
pub struct FailureThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys kept before stale ones are swept, bounding memory under attack.
const SWEEP_THRESHOLD: usize = 10_000;

impl FailureThrottle {
    /// A throttle allowing `max_failures` failures per `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when the key must wait before trying again.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self.lock();
        let Some(times) = failures.get_mut(key) else {
            return Ok(());
        };
        self.forget_old(times, now);
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now))
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= SWEEP_THRESHOLD {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let times = failures.entry(key.to_owned()).or_default();
        self.forget_old(times, now);
        times.push_back(now);
    }

    fn forget_old(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // A panic while holding the lock leaves only counters behind; keep using them.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_failures_until_the_window_passes() {
        let throttle = FailureThrottle::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(throttle.check("ip", start), Ok(()), "attempt {i}");
            throttle.record_failure("ip", start + Duration::from_secs(i));
        }
        let later = start + Duration::from_secs(10);
        assert_eq!(throttle.check("ip", later), Err(Duration::from_secs(50)));
        assert_eq!(
            throttle.check("other-ip", later),
            Ok(()),
            "keys are independent"
        );
        assert_eq!(
            throttle.check("ip", start + Duration::from_secs(60)),
            Ok(()),
            "oldest failure expired"
        );
    }
}
