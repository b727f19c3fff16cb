//! The seat and waitlist rules, as pure functions of the seats and the
//! queue: who gets a seat, who waits, and who is promoted when seats free.
//!
//! A party is an attendee and their guests (`1 + guests`). Only seated
//! Going attendances take seats. Nobody passes the queue: a newcomer is
//! seated only when nobody waits, and promotion stops at the first party
//! at the head that does not fit (a large party is never skipped).

/// The seats of an event: its capacity (`None` for no limit) and how many
/// are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    /// Seats in all, guests included; `None` means no limit.
    pub capacity: Option<u32>,
    /// Seats taken by seated Going parties.
    pub taken: u32,
}

impl Seats {
    /// Seats still free (`None` without a limit); never below zero, even
    /// after the capacity was lowered below the seats taken.
    pub fn left(self) -> Option<u32> {
        self.capacity
            .map(|capacity| capacity.saturating_sub(self.taken))
    }

    /// Whether a party of `size` fits in the seats left.
    pub fn fits(self, size: u32) -> bool {
        self.left().is_none_or(|left| size <= left)
    }
}

/// Where a Going answer puts a party that has no seat yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In a seat.
    Seated,
    /// At the tail of the waitlist.
    Waitlisted,
}

/// Where a party of `size` without a seat goes when it answers Going,
/// with `waiting` parties already in the queue.
pub fn place(seats: Seats, waiting: usize, size: u32) -> Placement {
    if waiting == 0 && seats.fits(size) {
        Placement::Seated
    } else {
        Placement::Waitlisted
    }
}

/// Why a seated party cannot grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotEnoughSeats {
    /// The seats left, as the contract's message names them.
    pub left: u32,
}

/// Checks that a seated party may change from `current` to `wanted` seats:
/// shrinking always may; growing needs the extra seats free.
pub fn resize(seats: Seats, current: u32, wanted: u32) -> Result<(), NotEnoughSeats> {
    if wanted <= current {
        return Ok(());
    }
    match seats.left() {
        Some(left) if wanted - current > left => Err(NotEnoughSeats { left }),
        _ => Ok(()),
    }
}

/// How many parties at the head of `queue` (party sizes, head first) are
/// seated now: strictly in order, while each fits.
pub fn promotions(seats: Seats, queue: &[u32]) -> usize {
    let mut taken = seats.taken;
    queue
        .iter()
        .take_while(|size| {
            let fits = Seats {
                capacity: seats.capacity,
                taken,
            }
            .fits(**size);
            if fits {
                taken += **size;
            }
            fits
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(capacity: Option<u32>, taken: u32) -> Seats {
        Seats { capacity, taken }
    }

    #[test]
    fn seats_left_never_go_below_zero() {
        assert_eq!(seats(Some(10), 4).left(), Some(6));
        assert_eq!(
            seats(Some(3), 5).left(),
            Some(0),
            "capacity lowered below the seats taken"
        );
        assert_eq!(seats(None, 500).left(), None);
    }

    #[test]
    fn newcomers_are_seated_only_when_nobody_waits_and_they_fit() {
        assert_eq!(place(seats(Some(10), 7), 0, 3), Placement::Seated);
        assert_eq!(place(seats(Some(10), 8), 0, 3), Placement::Waitlisted);
        assert_eq!(
            place(seats(Some(10), 0), 1, 1),
            Placement::Waitlisted,
            "nobody passes the queue"
        );
        assert_eq!(place(seats(None, 99), 0, 21), Placement::Seated);
    }

    #[test]
    fn a_seated_party_grows_only_into_free_seats() {
        assert_eq!(resize(seats(Some(10), 9), 2, 3), Ok(()));
        assert_eq!(
            resize(seats(Some(10), 9), 2, 4),
            Err(NotEnoughSeats { left: 1 })
        );
        assert_eq!(
            resize(seats(Some(5), 8), 3, 1),
            Ok(()),
            "shrinking always may"
        );
        assert_eq!(resize(seats(None, 8), 1, 21), Ok(()));
    }

    #[test]
    fn promotion_is_in_order_and_never_skips_a_large_head() {
        assert_eq!(promotions(seats(Some(10), 6), &[2, 2, 1]), 2);
        assert_eq!(
            promotions(seats(Some(10), 6), &[5, 1, 1]),
            0,
            "the head does not fit and is not skipped"
        );
        assert_eq!(promotions(seats(None, 6), &[5, 1, 1]), 3);
        assert_eq!(promotions(seats(Some(3), 5), &[1]), 0);
        assert_eq!(promotions(seats(Some(10), 0), &[]), 0);
    }
}
