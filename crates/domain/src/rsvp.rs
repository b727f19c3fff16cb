//! The rules an answer to an event is held to before any seat is counted:
//! the one place they are written, which every path that takes an answer
//! (the REST API, the admin, answers taken together) calls.

use chrono::{DateTime, Utc};

use crate::{EventPlan, Guests, RsvpRefusal};

/// Which of the event's rules an answer is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Everything: cancelled events and the RSVP window refuse, and guests
    /// are bounded by the event's `max_guests` (an attendee's answer).
    All,
    /// Only the seats (staff correcting an answer in the admin).
    SeatsOnly,
}

/// Why the event does not take an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AnswerRefusal {
    /// Cancelled, or outside the RSVP window.
    #[error(transparent)]
    Refused(RsvpRefusal),
    /// More guests than the event allows.
    #[error("Ensure this value is less than or equal to {max}.")]
    TooManyGuests {
        /// The event's `max_guests`.
        max: u32,
    },
}

/// Checks an answer bringing `guests` against the event's plan at `now`:
/// not cancelled, inside the RSVP window, no more guests than it allows.
/// Staff ([`Checks::SeatsOnly`]) are held to none of these.
pub fn check(
    plan: &EventPlan,
    guests: Guests,
    checks: Checks,
    now: DateTime<Utc>,
) -> Result<(), AnswerRefusal> {
    if checks == Checks::SeatsOnly {
        return Ok(());
    }
    if plan.cancelled {
        return Err(AnswerRefusal::Refused(RsvpRefusal::Cancelled));
    }
    plan.rsvp.check(now).map_err(AnswerRefusal::Refused)?;
    if guests > plan.max_guests {
        return Err(AnswerRefusal::TooManyGuests {
            max: plan.max_guests.get(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RsvpWindow;

    fn guests(n: i64) -> Guests {
        Guests::new(n, Guests::MAX).expect("valid")
    }

    #[test]
    fn each_rule_refuses_an_attendee_and_none_refuses_staff() {
        let now = Utc::now();
        let open = EventPlan {
            max_guests: guests(1),
            ..Default::default()
        };
        assert_eq!(check(&open, guests(1), Checks::All, now), Ok(()));
        assert_eq!(
            check(&open, guests(2), Checks::All, now),
            Err(AnswerRefusal::TooManyGuests { max: 1 })
        );
        let cancelled = EventPlan {
            cancelled: true,
            ..open.clone()
        };
        assert_eq!(
            check(&cancelled, guests(0), Checks::All, now),
            Err(AnswerRefusal::Refused(RsvpRefusal::Cancelled))
        );
        let closed = EventPlan {
            rsvp: RsvpWindow::new(None, Some(now - chrono::Duration::hours(1))).expect("valid"),
            ..open.clone()
        };
        assert_eq!(
            check(&closed, guests(0), Checks::All, now),
            Err(AnswerRefusal::Refused(RsvpRefusal::Closed))
        );
        for plan in [&open, &cancelled, &closed] {
            assert_eq!(check(plan, guests(2), Checks::SeatsOnly, now), Ok(()));
        }
    }
}
