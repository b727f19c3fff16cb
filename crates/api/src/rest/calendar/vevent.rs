//! One event as a VEVENT, as the contract's "Calendars" part lists it.

use chrono::{Duration, TimeDelta};
use domain::{EventSummary, User};
use store::calendar::FeedAnswer;

use super::ics::{param, Ics};

/// A timed event without an end lasts this long in calendars.
const DEFAULT_LENGTH: TimeDelta = Duration::hours(1);

/// The feed's owner and their answer, for the ATTENDEE line.
pub(super) struct Attendee<'a> {
    pub user: &'a User,
    pub answer: FeedAnswer,
}

/// Writes the event; in a feed (`feed` is `Some`) with the owner's
/// ATTENDEE line when they answered, and an alarm an hour before a timed
/// event.
pub(super) fn write_event(
    ics: &mut Ics,
    base: &str,
    summary: &EventSummary,
    feed: Option<Option<Attendee<'_>>>,
) {
    let event = &summary.event;
    let plan = &event.plan;
    ics.begin("VEVENT");
    ics.raw("UID", &event.id.to_string());
    ics.utc("DTSTAMP", event.updated_at);
    match plan.schedule.starts_at() {
        Some(start) => {
            ics.utc("DTSTART", start);
            let end = plan.schedule.ends_at().unwrap_or(start + DEFAULT_LENGTH);
            ics.utc("DTEND", end);
        }
        None => {
            ics.date("DTSTART", event.date);
            ics.date("DTEND", event.date.succ_opt().unwrap_or(event.date));
        }
    }
    ics.text("SUMMARY", event.name.as_str());
    if !plan.description.is_empty() {
        ics.text("DESCRIPTION", &plan.description);
    }
    if !plan.location.is_empty() {
        ics.text("LOCATION", &plan.location);
    }
    if let Some(organizer) = &summary.organizer {
        if let Some(email) = &organizer.email {
            ics.raw(
                &format!("ORGANIZER;CN={}", param(organizer.username.as_str())),
                &format!("mailto:{email}"),
            );
        }
    }
    ics.raw("URL", &format!("{base}/api/events/{}/", event.id));
    ics.utc("CREATED", event.created_at);
    ics.utc("LAST-MODIFIED", event.updated_at);
    ics.raw(
        "STATUS",
        if plan.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        },
    );
    ics.raw("SEQUENCE", &event.sequence.to_string());
    if let Some(attendee) = feed.as_ref().and_then(Option::as_ref) {
        if let Some(email) = &attendee.user.email {
            let partstat = match attendee.answer {
                FeedAnswer::Seated => "ACCEPTED",
                FeedAnswer::Waitlisted | FeedAnswer::Maybe => "TENTATIVE",
            };
            ics.raw(
                &format!(
                    "ATTENDEE;CN={};PARTSTAT={partstat}",
                    param(attendee.user.username.as_str())
                ),
                &format!("mailto:{email}"),
            );
        }
    }
    if feed.is_some() && plan.schedule.starts_at().is_some() && !plan.cancelled {
        ics.begin("VALARM");
        ics.raw("ACTION", "DISPLAY");
        ics.text("DESCRIPTION", &format!("Reminder: {}", event.name));
        ics.raw("TRIGGER", "-PT1H");
        ics.end("VALARM");
    }
    ics.end("VEVENT");
}
