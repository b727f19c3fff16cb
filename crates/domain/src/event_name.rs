use std::fmt;

use serde::Serialize;

use crate::ValidationError;

/// An event's name: 1 to 100 characters once surrounding whitespace is
/// trimmed (DRF's `CharField` trims before checking).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EventName(String);

impl EventName {
    /// The longest name allowed, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Trims `raw` and checks it against the name rules.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::Blank);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// A value read back from storage, taken as it is: it was checked when
    /// written, and rows written by other tools (e.g. the Django version)
    /// must still display rather than fail.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_whitespace() {
        assert_eq!(
            EventName::parse("  Rust meetup \t").map(|n| n.to_string()),
            Ok("Rust meetup".to_owned())
        );
    }

    #[test]
    fn refuses_blank() {
        assert_eq!(EventName::parse(""), Err(ValidationError::Blank));
        assert_eq!(EventName::parse(" \n\t "), Err(ValidationError::Blank));
    }

    #[test]
    fn allows_100_characters_but_not_101() {
        assert!(EventName::parse(&"n".repeat(100)).is_ok());
        let err = EventName::parse(&"n".repeat(101)).expect_err("too long");
        assert_eq!(err, ValidationError::TooLong { max: 100 });
        assert_eq!(
            err.to_string(),
            "Ensure this field has no more than 100 characters."
        );
    }

    #[test]
    fn length_is_measured_after_trimming_and_in_characters() {
        let padded = format!("  {}  ", "ü".repeat(100));
        assert_eq!(
            EventName::parse(&padded).map(|n| n.as_str().chars().count()),
            Ok(100)
        );
    }

    #[test]
    fn blank_message_is_drfs() {
        assert_eq!(
            ValidationError::Blank.to_string(),
            "This field may not be blank."
        );
    }
}
