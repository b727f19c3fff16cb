//! What a user's calendar feed lists: the events they organize or answered
//! Going or Maybe, each with their answer.

use diesel::prelude::*;
use domain::{AttendanceStatus, Event, EventSummary, User, UserId};

use crate::rows::{EventRow, UserRow, USER_COLUMNS};
use crate::sql::schema::{attendances, events, users};
use crate::{DbConnection, StoreResult};

/// The feed owner's answer for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedAnswer {
    /// Going, with a seat.
    Seated,
    /// Going, waiting for a seat.
    Waitlisted,
    /// Maybe.
    Maybe,
}

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// The event and its organizer.
    pub event: EventSummary,
    /// The owner's answer; `None` for an event they only organize.
    pub answer: Option<FeedAnswer>,
}

/// The user's feed, in date order.
pub fn feed(conn: &mut DbConnection, user: UserId) -> StoreResult<Vec<FeedEntry>> {
    let answered = [AttendanceStatus::Going, AttendanceStatus::Maybe].map(AttendanceStatus::as_str);
    let rows = events::table
        .left_join(users::table)
        .left_join(
            attendances::table.on(attendances::event_id
                .eq(events::id)
                .and(attendances::user_id.eq(user.0))),
        )
        .filter(
            events::organizer_id
                .eq(user.0)
                .or(attendances::status.eq_any(answered)),
        )
        .order((events::date, events::id))
        .select((
            events::all_columns,
            USER_COLUMNS.nullable(),
            (attendances::status, attendances::waitlist_seq).nullable(),
        ))
        .load::<(EventRow, Option<UserRow>, Option<(String, Option<i64>)>)>(conn)?;
    rows.into_iter()
        .map(|(event, organizer, answer)| {
            let answer = answer.and_then(|(status, waiting)| {
                match (status.parse::<AttendanceStatus>().ok()?, waiting) {
                    (AttendanceStatus::Going, None) => Some(FeedAnswer::Seated),
                    (AttendanceStatus::Going, Some(_)) => Some(FeedAnswer::Waitlisted),
                    (AttendanceStatus::Maybe, _) => Some(FeedAnswer::Maybe),
                    (AttendanceStatus::NotGoing, _) => None,
                }
            });
            Ok(FeedEntry {
                event: EventSummary {
                    event: Event::try_from(event)?,
                    organizer: organizer.map(User::try_from).transpose()?,
                },
                answer,
            })
        })
        .collect()
}
