//! Copying `event_attendance` into `attendances`: one answer per user and
//! event, seated, without guests (the Django version has neither seats nor
//! guests).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::AttendanceStatus;

use super::events::uuid_of;
use super::report::{RowProblem, TableReport};
use super::source::DjangoAttendance;
use super::Copied;
use crate::rows::AttendanceRow;
use crate::sql::schema::attendances;
use crate::sql::types::DbUuid;
use crate::{DbConnection, StoreResult};

const TABLE: &str = "event_attendance";

pub(super) fn copy(
    conn: &mut DbConnection,
    rows: &[DjangoAttendance],
    at: NaiveDateTime,
    copied: &Copied,
    problems: &mut Vec<RowProblem>,
) -> StoreResult<TableReport> {
    let here: HashMap<(i64, uuid::Uuid), String> = attendances::table
        .select((
            attendances::user_id,
            attendances::event_id,
            attendances::status,
        ))
        .load::<(i64, DbUuid, String)>(conn)?
        .into_iter()
        .map(|(user, event, status)| ((user, event.0), status))
        .collect();
    // The workshop's model has no unique (user, event): the first row wins.
    let mut first_row: HashMap<(i64, uuid::Uuid), i64> = HashMap::new();
    let mut report = TableReport::new(TABLE, rows.len());
    for row in rows {
        let checked = check(row, copied).and_then(|(key, status)| match first_row.get(&key) {
            Some(first) => Err(format!(
                "user {} answered event {} already, in event_attendance id={first}",
                row.user_id, row.event_id
            )),
            None => Ok((key, status)),
        });
        match checked {
            Err(message) => {
                report.invalid += 1;
                problems.push(RowProblem {
                    table: TABLE,
                    id: row.id.to_string(),
                    message,
                });
            }
            Ok((key, status)) => {
                first_row.insert(key, row.id);
                match here.get(&key) {
                    Some(stored) if stored == status.as_str() => report.unchanged += 1,
                    Some(_) => report.kept += 1,
                    None => {
                        diesel::insert_into(attendances::table)
                            .values(&AttendanceRow {
                                user_id: key.0,
                                event_id: DbUuid(key.1),
                                status: status.as_str().to_owned(),
                                created_at: crate::sql::dates::DbTimestamp(at),
                                updated_at: crate::sql::dates::DbTimestamp(at),
                                guests: 0,
                                waitlist_seq: None,
                            })
                            .execute(conn)?;
                        report.created += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The answer's (user, event) and status, or why it cannot be copied.
fn check(
    row: &DjangoAttendance,
    copied: &Copied,
) -> Result<((i64, uuid::Uuid), AttendanceStatus), String> {
    let status = row.status.parse::<AttendanceStatus>().map_err(|_| {
        format!(
            "status {:?} is not one of \"Going\", \"Maybe\", \"Not Going\"",
            row.status
        )
    })?;
    if copied.refused_users.contains(&row.user_id) {
        return Err(format!(
            "user_id {} is the auth_user row left out above",
            row.user_id
        ));
    }
    if !copied.users.contains(&row.user_id) {
        return Err(format!("user_id {} names no row of auth_user", row.user_id));
    }
    if copied.refused_events.contains(&row.event_id) {
        return Err(format!(
            "event_id {} is the event_event row left out above",
            row.event_id
        ));
    }
    match uuid_of(&row.event_id).filter(|id| copied.events.contains(id)) {
        Some(event) => Ok(((row.user_id, event), status)),
        None => Err(format!(
            "event_id {} names no row of event_event",
            row.event_id
        )),
    }
}
