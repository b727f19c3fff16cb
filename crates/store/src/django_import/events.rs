//! Copying `event_event` into `events`, keeping the UUIDs.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::{EventId, EventName, EventPlan, UserId};

use super::report::{RowProblem, TableReport};
use super::source::DjangoEvent;
use super::Copied;
use crate::events::NewEvent;
use crate::rows::EventRow;
use crate::sql::schema::events;
use crate::sql::types::DbUuid;
use crate::{DbConnection, StoreResult};

const TABLE: &str = "event_event";

/// An event's fields as Django has them: name, date, organizer.
type Fields = (String, NaiveDate, Option<i64>);

pub(super) fn copy(
    conn: &mut DbConnection,
    rows: &[DjangoEvent],
    at: NaiveDateTime,
    copied: &mut Copied,
    problems: &mut Vec<RowProblem>,
) -> StoreResult<TableReport> {
    let here: HashMap<uuid::Uuid, Fields> = events::table
        .select((events::id, events::name, events::date, events::organizer_id))
        .load::<(DbUuid, String, NaiveDate, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, name, date, organizer)| (id.0, (name, date, organizer)))
        .collect();
    let mut report = TableReport::new(TABLE, rows.len());
    for row in rows {
        match check(row, copied) {
            Err(message) => {
                report.invalid += 1;
                copied.refused_events.insert(row.id.clone());
                problems.push(RowProblem {
                    table: TABLE,
                    id: row.id.clone(),
                    message,
                });
            }
            Ok((id, new)) => {
                match here.get(&id) {
                    Some((name, date, organizer))
                        if (name.as_str(), *date, *organizer)
                            == (new.name.as_str(), new.date, row.organizer_id) =>
                    {
                        report.unchanged += 1;
                    }
                    Some(_) => report.kept += 1,
                    None => {
                        diesel::insert_into(events::table)
                            .values(&EventRow::new(EventId(id), &new, at))
                            .execute(conn)?;
                        report.created += 1;
                    }
                }
                copied.events.insert(id);
            }
        }
    }
    Ok(report)
}

/// Django's UUID column: 32 hex digits on SQLite, hyphenated on PostgreSQL.
pub(super) fn uuid_of(stored: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::try_parse(stored).ok()
}

/// The event as it will be created here, or why it cannot be.
fn check(row: &DjangoEvent, copied: &Copied) -> Result<(uuid::Uuid, NewEvent), String> {
    let id = uuid_of(&row.id).ok_or_else(|| format!("id {:?} is not a UUID", row.id))?;
    let name = EventName::parse(&row.name).map_err(|err| format!("name {:?}: {err}", row.name))?;
    if let Some(organizer) = row.organizer_id {
        if copied.refused_users.contains(&organizer) {
            return Err(format!(
                "organizer_id {organizer} is the auth_user row left out above"
            ));
        }
        if !copied.users.contains(&organizer) {
            return Err(format!(
                "organizer_id {organizer} names no row of auth_user"
            ));
        }
    }
    let new = NewEvent {
        name,
        date: row.date,
        organizer_id: row.organizer_id.map(UserId),
        plan: EventPlan::default(),
    };
    Ok((id, new))
}
