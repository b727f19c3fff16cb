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

/// The message telling a waiting attendee a seat freed up and is theirs;
/// `None` when they have no address.
pub fn seat_available(event: &Event, attendee: &User) -> Option<NewMessage> {
    let recipient = attendee.email.as_ref()?.to_string();
    let zone = event.plan.timezone;
    let when = match event.plan.schedule.starts_at() {
        Some(start) => zone.human(start),
        None => event.date.format("%-d %B %Y").to_string(),
    };
    let place = if event.plan.location.is_empty() {
        String::new()
    } else {
        format!(" at {}", event.plan.location)
    };
    let body = format!(
        "Hello {username},\n\na seat freed up for \"{name}\" on {when}{place}, and it is yours:\nyou are now going.\n\nIf you can no longer come, change your answer so the next person in line gets the seat.\n",
        username = attendee.username,
        name = event.name,
    );
    Some(NewMessage {
        recipient,
        subject: format!("You have a seat: {}", event.name),
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
                .contains("\"Rust meetup\" on 4 May 2030, 18:00 CEST at Room 4"),
            "{}",
            message.body
        );
        assert_eq!(seat_available(&event, &organizer(None)), None);
    }

    #[test]
    fn organizers_without_an_address_get_none() {
        assert_eq!(event_created(&event(), &organizer(None)), None);
    }
}
