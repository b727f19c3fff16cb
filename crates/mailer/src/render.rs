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
        }
    }

    fn event() -> Event {
        Event {
            id: EventId::new_random(),
            name: EventName::parse("Rust meetup").expect("valid"),
            date: domain::parse_date("2030-05-04").expect("valid"),
            organizer_id: Some(UserId(1)),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
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
    fn organizers_without_an_address_get_none() {
        assert_eq!(event_created(&event(), &organizer(None)), None);
    }
}
