use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's identifier: an auto-incremented integer, as in Django's `auth_user`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for UserId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// An event's identifier: a random (version 4) UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub Uuid);

impl EventId {
    /// A fresh random identifier for a new event.
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for EventId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_reads_its_number() {
        assert_eq!("42".parse::<UserId>(), Ok(UserId(42)));
        assert!("4x".parse::<UserId>().is_err());
    }

    #[test]
    fn event_id_displays_as_lowercase_hyphenated_uuid() {
        let id: EventId = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"
            .parse()
            .expect("valid uuid");
        assert_eq!(id.to_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    }

    #[test]
    fn event_id_refuses_non_uuids() {
        assert!("not-a-uuid".parse::<EventId>().is_err());
        assert!("".parse::<EventId>().is_err());
    }

    #[test]
    fn random_event_ids_are_version_4_and_distinct() {
        let (a, b) = (EventId::new_random(), EventId::new_random());
        assert_ne!(a, b);
        assert_eq!(a.0.get_version_num(), 4);
    }

    #[test]
    fn ids_serialise_as_bare_values() {
        assert_eq!(serde_json::to_string(&UserId(7)).expect("serialises"), "7");
        let id: EventId = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
            .parse()
            .expect("valid uuid");
        assert_eq!(
            serde_json::to_string(&id).expect("serialises"),
            "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""
        );
    }
}
