//! Choices shared by selects and sidebar filters: users, events, answers
//! and yes/no. Long lists offer their first rows, and always the chosen one.

use domain::{AttendanceStatus, EventId, UserId};
use store::events::{EventOrder, EventQuery, EventSortField};
use store::{DbConnection, OptionalExt, StoreResult};

use super::fields::{Choice, Choices};

/// At most this many users or events are offered.
const CHOICES_LIMIT: i64 = 500;

/// Users by username.
pub(crate) const USERS: Choices = Choices(users);

/// Events, latest first, labelled with their date.
pub(crate) const EVENTS: Choices = Choices(events);

/// The three answers.
pub(crate) const STATUSES: Choices = Choices(statuses);

/// "Yes" (`1`) and "No" (`0`).
pub(crate) const YES_NO: Choices = Choices(yes_no);

fn users(conn: &mut DbConnection, chosen: Option<&str>) -> StoreResult<Vec<Choice>> {
    let mut users = store::users::list(conn, CHOICES_LIMIT, 0)?;
    let chosen = chosen.and_then(|raw| raw.parse::<UserId>().ok());
    if let Some(id) = chosen.filter(|id| !users.iter().any(|u| u.id == *id)) {
        users.extend(store::users::get(conn, id).optional()?);
    }
    Ok(users
        .into_iter()
        .map(|u| (u.id.to_string(), u.username.to_string()))
        .collect())
}

fn events(conn: &mut DbConnection, chosen: Option<&str>) -> StoreResult<Vec<Choice>> {
    let latest = EventQuery {
        ordering: vec![EventOrder::descending(EventSortField::Date)],
        limit: Some(CHOICES_LIMIT),
        ..EventQuery::default()
    };
    let mut events: Vec<domain::Event> = store::events::list(conn, &latest)?
        .into_iter()
        .map(|summary| summary.event)
        .collect();
    let chosen = chosen.and_then(|raw| raw.parse::<EventId>().ok());
    if let Some(id) = chosen.filter(|id| !events.iter().any(|e| e.id == *id)) {
        events.extend(store::events::get(conn, id).optional()?);
    }
    Ok(events
        .into_iter()
        .map(|e| (e.id.to_string(), format!("{} ({})", e.name, e.date)))
        .collect())
}

fn statuses(_: &mut DbConnection, _: Option<&str>) -> StoreResult<Vec<Choice>> {
    Ok(AttendanceStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.as_str().to_owned()))
        .collect())
}

fn yes_no(_: &mut DbConnection, _: Option<&str>) -> StoreResult<Vec<Choice>> {
    Ok(vec![
        ("1".to_owned(), "Yes".to_owned()),
        ("0".to_owned(), "No".to_owned()),
    ])
}

/// A yes/no filter's value: `1` or `0`.
pub(crate) fn yes_no_value(raw: Option<&str>) -> Option<bool> {
    match raw {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    }
}
