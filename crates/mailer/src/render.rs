use domain::{Event, User};
use store::outbox::NewMessage;

/// The message telling an organizer their event was created; `None` when
/// the organizer has no address.
pub fn event_created(event: &Event, organizer: &User) -> Option<NewMessage> {
    let recipient = organizer.email.as_ref()?.to_string();
    let body = format!(
        "Hello {username},\n\nyour event \"{name}\" on {date} has been created.\n",
        username = organizer.username,
        name = event.name,
        date = event.date.format("%Y-%m-%d"),
    );
    Some(NewMessage {
        recipient,
        subject: "New event created".to_owned(),
        body,
    })
}

/// Why a notice came, and how to stop them: the end of every notice.
const NOTICE_FOOTER: &str = "\n--\nYou get this mail because you answered this event. To stop these mails, use your mail app's unsubscribe button, or turn email_notifications off in your account.\n";

/// When the event happens, for people: its start in its zone with the
/// zone's abbreviation (`Sat 4 May 2030, 18:00 CEST`), or its day.
fn when(event: &Event) -> String {
    match event.plan.schedule.starts_at() {
        Some(start) => event.plan.timezone.human(start),
        None => day(event),
    }
}

fn day(event: &Event) -> String {
    event.date.format("%a %-d %b %Y").to_string()
}

/// ` at <place>`, or nothing when the event has no place.
fn at_place(event: &Event) -> String {
    if event.plan.location.is_empty() {
        String::new()
    } else {
        format!(" at {}", event.plan.location)
    }
}

/// The message telling a waiting attendee a seat freed up and is theirs;
/// `None` when they have no address.
pub fn seat_available(event: &Event, attendee: &User) -> Option<NewMessage> {
    let recipient = attendee.email.as_ref()?.to_string();
    let body = format!(
        "Hello {username},\n\na seat freed up for \"{name}\" on {when}{place}, and it is yours:\nyou are now going.\n\nIf you can no longer come, change your answer so the next person in line gets the seat.\n{NOTICE_FOOTER}",
        username = attendee.username,
        name = event.name,
        when = when(event),
        place = at_place(event),
    );
    Some(NewMessage {
        recipient,
        subject: format!("You have a seat: {}", event.name),
        body,
    })
}

/// The reminder before a timed event; `None` when the attendee has no
/// address.
pub fn reminder(event: &Event, attendee: &User) -> Option<NewMessage> {
    let recipient = attendee.email.as_ref()?.to_string();
    let ends = event
        .plan
        .schedule
        .ends_at()
        .map(|end| format!("\nIt ends {}.", event.plan.timezone.human(end)))
        .unwrap_or_default();
    let body = format!(
        "Hello {username},\n\na reminder: \"{name}\" starts {when}{place}.{ends}\n\nIf you can no longer come, change your answer so someone else gets your seat.\n{NOTICE_FOOTER}",
        username = attendee.username,
        name = event.name,
        when = when(event),
        place = at_place(event),
    );
    Some(NewMessage {
        recipient,
        subject: format!("Reminder: {}", event.name),
        body,
    })
}

/// The notice telling an attendee what changed between `before` and
/// `after` (old and new values), or that the event is cancelled; `None`
/// when they have no address or nothing they would see changed.
pub fn event_changed(before: &Event, after: &Event, attendee: &User) -> Option<NewMessage> {
    let recipient = attendee.email.as_ref()?.to_string();
    let greeting = format!("Hello {},\n\n", attendee.username);
    if after.plan.cancelled && !before.plan.cancelled {
        let body = format!(
            "{greeting}\"{name}\", planned for {when}{place}, has been cancelled.\n{NOTICE_FOOTER}",
            name = after.name,
            when = when(before),
            place = at_place(before),
        );
        return Some(NewMessage {
            recipient,
            subject: format!("Cancelled: {}", after.name),
            body,
        });
    }
    let zone = after.plan.timezone;
    let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(|| "not set".to_owned(), |at| zone.human(at))
    };
    let place = |event: &Event| {
        if event.plan.location.is_empty() {
            "not set".to_owned()
        } else {
            event.plan.location.clone()
        }
    };
    let mut lines = Vec::new();
    let mut line = |label: &str, old: String, new: String| {
        if old != new {
            lines.push(format!("{label}: {new} (was {old})"));
        }
    };
    line("Name", before.name.to_string(), after.name.to_string());
    line("Date", day(before), day(after));
    line(
        "Starts",
        time(before.plan.schedule.starts_at()),
        time(after.plan.schedule.starts_at()),
    );
    line(
        "Ends",
        time(before.plan.schedule.ends_at()),
        time(after.plan.schedule.ends_at()),
    );
    line("Place", place(before), place(after));
    if after.plan.cancelled != before.plan.cancelled {
        lines.push("The event is back on: it is no longer cancelled.".to_owned());
    }
    if lines.is_empty() {
        return None;
    }
    let body = format!(
        "{greeting}\"{name}\" has changed:\n\n{changes}\n\nIt is now on {when}{at}.\n{NOTICE_FOOTER}",
        name = after.name,
        changes = lines.join("\n"),
        when = when(after),
        at = at_place(after),
    );
    Some(NewMessage {
        recipient,
        subject: format!("Changed: {}", after.name),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Email, EventId, EventName, UserId, Username};

    fn organizer(email: Option<&str>) -> User {
        User {
            id: UserId(1),
            username: Username::parse("alice").expect("valid"),
            email: email.map(|e| Email::parse(e).expect("valid")),
            first_name: String::new(),
            last_name: String::new(),
            is_staff: false,
            is_superuser: false,
            is_active: true,
            date_joined: chrono::Utc::now(),
            last_login: None,
            email_notifications: true,
            calendar_generation: 0,
            calendar_token_hash: None,
        }
    }

    fn event() -> Event {
        Event {
            id: EventId::new_random(),
            name: EventName::parse("Rust meetup").expect("valid"),
            date: domain::parse_date("2030-05-04").expect("valid"),
            organizer_id: Some(UserId(1)),
            plan: domain::EventPlan::default(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            sequence: 0,
        }
    }

    #[test]
    fn names_the_event_and_its_date() {
        let message =
            event_created(&event(), &organizer(Some("alice@example.com"))).expect("a message");
        assert_eq!(message.recipient, "alice@example.com");
        assert_eq!(message.subject, "New event created");
        assert!(
            message.body.contains("\"Rust meetup\" on 2030-05-04"),
            "{}",
            message.body
        );
    }

    #[test]
    fn promoted_attendees_hear_when_and_where() {
        let mut event = event();
        event.plan.location = "Room 4".to_owned();
        event.plan.timezone = domain::TimeZone::parse("Europe/Paris").expect("zone");
        let start = domain::parse_date_time("2030-05-04T16:00:00Z").expect("valid");
        event.plan.schedule = domain::Schedule::new(Some(start), None).expect("valid");
        let message =
            seat_available(&event, &organizer(Some("alice@example.com"))).expect("a message");
        assert_eq!(message.subject, "You have a seat: Rust meetup");
        assert!(
            message
                .body
                .contains("\"Rust meetup\" on Sat 4 May 2030, 18:00 CEST at Room 4"),
            "{}",
            message.body
        );
        assert_eq!(seat_available(&event, &organizer(None)), None);
    }

    #[test]
    fn change_notices_give_old_and_new_values_in_the_events_zone() {
        let mut before = event();
        before.plan.timezone = domain::TimeZone::parse("Europe/Paris").expect("zone");
        let start = domain::parse_date_time("2030-05-04T16:00:00Z").expect("valid");
        before.plan.schedule = domain::Schedule::new(Some(start), None).expect("valid");
        let mut after = before.clone();
        let later = domain::parse_date_time("2030-05-04T17:30:00Z").expect("valid");
        after.plan.schedule = domain::Schedule::new(Some(later), None).expect("valid");
        after.plan.location = "Room 5".to_owned();
        let attendee = organizer(Some("bob@example.com"));
        let message = event_changed(&before, &after, &attendee).expect("a notice");
        assert_eq!(message.subject, "Changed: Rust meetup");
        for line in [
            "Starts: Sat 4 May 2030, 19:30 CEST (was Sat 4 May 2030, 18:00 CEST)",
            "Place: Room 5 (was not set)",
        ] {
            assert!(message.body.contains(line), "{line:?} in {}", message.body);
        }
        assert!(!message.body.contains("Name:"), "{}", message.body);

        let mut cancelled = after.clone();
        cancelled.plan.cancelled = true;
        let message = event_changed(&after, &cancelled, &attendee).expect("a notice");
        assert_eq!(message.subject, "Cancelled: Rust meetup");
        assert!(
            message.body.contains("has been cancelled"),
            "{}",
            message.body
        );
        assert_eq!(
            event_changed(&after, &after, &attendee),
            None,
            "nothing to tell"
        );
    }

    #[test]
    fn reminders_say_when_and_where() {
        let mut event = event();
        event.plan.timezone = domain::TimeZone::parse("America/New_York").expect("zone");
        let start = domain::parse_date_time("2030-05-04T22:00:00Z").expect("valid");
        event.plan.schedule = domain::Schedule::new(Some(start), None).expect("valid");
        let message = reminder(&event, &organizer(Some("bob@example.com"))).expect("a reminder");
        assert_eq!(message.subject, "Reminder: Rust meetup");
        assert!(
            message.body.contains("starts Sat 4 May 2030, 18:00 EDT."),
            "{}",
            message.body
        );
    }

    #[test]
    fn organizers_without_an_address_get_none() {
        assert_eq!(event_created(&event(), &organizer(None)), None);
    }
}
