//! The numbers and windows an event is planned with: its capacity, the
//! guests one RSVP may bring, its schedule and its RSVP window. Each type
//! holds only values the contract allows.

use chrono::{DateTime, Utc};

use crate::ValidationError;

/// Seats in all, guests included: at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capacity(u32);

impl Capacity {
    /// The largest capacity stored (the column is a 32-bit integer).
    pub const MAX: i64 = i32::MAX as i64;

    /// A capacity from a number: 1 up to [`Capacity::MAX`].
    pub fn new(raw: i64) -> Result<Self, ValidationError> {
        match raw {
            ..=0 => Err(ValidationError::TooSmall { min: 1 }),
            raw if raw > Self::MAX => Err(ValidationError::TooLarge { max: Self::MAX }),
            raw => u32::try_from(raw)
                .map(Self)
                .map_err(|_| ValidationError::TooLarge { max: Self::MAX }),
        }
    }

    /// The number of seats.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A count of guests: 0 up to [`Guests::MAX`] (an event's `max_guests`, or
/// the guests one RSVP brings, which the event's `max_guests` bounds too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Guests(u8);

impl Guests {
    /// The most guests any event allows one RSVP.
    pub const MAX: i64 = 20;

    /// A count of guests from a number: 0 up to `max`, which is at most
    /// [`Guests::MAX`].
    pub fn new(raw: i64, max: i64) -> Result<Self, ValidationError> {
        let max = max.clamp(0, Self::MAX);
        match raw {
            ..=-1 => Err(ValidationError::TooSmall { min: 0 }),
            raw if raw > max => Err(ValidationError::TooLarge { max }),
            raw => u8::try_from(raw)
                .map(Self)
                .map_err(|_| ValidationError::TooLarge { max }),
        }
    }

    /// The count.
    pub fn get(self) -> u32 {
        u32::from(self.0)
    }

    /// The seats a party of one attendee and these guests takes.
    pub fn party(self) -> u32 {
        1 + self.get()
    }
}

/// When an event starts and ends; an end needs a start and comes after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedule {
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
}

impl Schedule {
    /// A schedule; an end without a start, or not after it, is refused.
    pub fn new(
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
    ) -> Result<Self, ValidationError> {
        match (starts_at, ends_at) {
            (None, Some(_)) => Err(ValidationError::MustBeAfter("starts_at")),
            (Some(start), Some(end)) if end <= start => {
                Err(ValidationError::MustBeAfter("starts_at"))
            }
            _ => Ok(Self { starts_at, ends_at }),
        }
    }

    /// When it starts, for timed events.
    pub fn starts_at(self) -> Option<DateTime<Utc>> {
        self.starts_at
    }

    /// When it ends, if known.
    pub fn ends_at(self) -> Option<DateTime<Utc>> {
        self.ends_at
    }
}

/// Why an RSVP is not taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RsvpRefusal {
    /// Before the window opens.
    #[error("RSVPs for this event are not open yet.")]
    NotOpenYet,
    /// After the window closes.
    #[error("RSVPs for this event are closed.")]
    Closed,
    /// The event is cancelled.
    #[error("This event has been cancelled.")]
    Cancelled,
}

/// When RSVPs are taken: from `opens_at` (if set) until `closes_at` (if set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RsvpWindow {
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
}

impl RsvpWindow {
    /// A window; one that closes before (or as) it opens is refused.
    pub fn new(
        opens_at: Option<DateTime<Utc>>,
        closes_at: Option<DateTime<Utc>>,
    ) -> Result<Self, ValidationError> {
        match (opens_at, closes_at) {
            (Some(open), Some(close)) if close <= open => {
                Err(ValidationError::MustBeAfter("rsvp_opens_at"))
            }
            _ => Ok(Self {
                opens_at,
                closes_at,
            }),
        }
    }

    /// When RSVPs open, if they open later.
    pub fn opens_at(self) -> Option<DateTime<Utc>> {
        self.opens_at
    }

    /// When RSVPs close, if they do.
    pub fn closes_at(self) -> Option<DateTime<Utc>> {
        self.closes_at
    }

    /// Whether an RSVP at `now` is taken.
    pub fn check(self, now: DateTime<Utc>) -> Result<(), RsvpRefusal> {
        if self.opens_at.is_some_and(|open| now < open) {
            Err(RsvpRefusal::NotOpenYet)
        } else if self.closes_at.is_some_and(|close| now >= close) {
            Err(RsvpRefusal::Closed)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> DateTime<Utc> {
        crate::parse_date_time(raw).expect("valid")
    }

    #[test]
    fn capacities_are_at_least_one() {
        assert_eq!(Capacity::new(50).map(Capacity::get), Ok(50));
        assert_eq!(Capacity::new(0), Err(ValidationError::TooSmall { min: 1 }));
        assert_eq!(
            Capacity::new(i64::MAX),
            Err(ValidationError::TooLarge { max: Capacity::MAX })
        );
    }

    #[test]
    fn guests_are_bounded_by_the_event_and_by_twenty() {
        assert_eq!(Guests::new(2, 3).map(Guests::party), Ok(3));
        assert_eq!(Guests::new(4, 3), Err(ValidationError::TooLarge { max: 3 }));
        assert_eq!(
            Guests::new(21, 99),
            Err(ValidationError::TooLarge { max: 20 })
        );
        assert_eq!(
            Guests::new(-1, 3),
            Err(ValidationError::TooSmall { min: 0 })
        );
        assert_eq!(Guests::default().party(), 1);
    }

    #[test]
    fn schedules_end_after_they_start() {
        let (start, end) = (at("2030-05-04T18:00:00Z"), at("2030-05-04T20:00:00Z"));
        assert!(Schedule::new(Some(start), Some(end)).is_ok());
        assert!(Schedule::new(Some(start), None).is_ok());
        assert_eq!(
            Schedule::new(None, Some(end)),
            Err(ValidationError::MustBeAfter("starts_at"))
        );
        assert_eq!(
            Schedule::new(Some(end), Some(start)),
            Err(ValidationError::MustBeAfter("starts_at"))
        );
    }

    #[test]
    fn the_window_takes_rsvps_between_its_ends() {
        let (open, close) = (at("2030-01-01T00:00:00Z"), at("2030-02-01T00:00:00Z"));
        let window = RsvpWindow::new(Some(open), Some(close)).expect("valid");
        assert_eq!(
            window.check(at("2029-12-31T23:59:59Z")),
            Err(RsvpRefusal::NotOpenYet)
        );
        assert_eq!(window.check(open), Ok(()));
        assert_eq!(window.check(close), Err(RsvpRefusal::Closed));
        assert_eq!(RsvpWindow::default().check(close), Ok(()));
        assert_eq!(
            RsvpWindow::new(Some(close), Some(open)),
            Err(ValidationError::MustBeAfter("rsvp_opens_at"))
        );
    }
}
