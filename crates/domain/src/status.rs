use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Whether a user will attend an event. Serialised exactly as the contract
/// spells the choices: `"Going"`, `"Maybe"`, `"Not Going"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttendanceStatus {
    /// The user will attend.
    #[serde(rename = "Going")]
    Going,
    /// The user might attend.
    #[serde(rename = "Maybe")]
    Maybe,
    /// The user will not attend.
    #[serde(rename = "Not Going")]
    NotGoing,
}

impl AttendanceStatus {
    /// Every status, in the order the contract lists them.
    pub const ALL: [Self; 3] = [Self::Going, Self::Maybe, Self::NotGoing];

    /// The status as the contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Going => "Going",
            Self::Maybe => "Maybe",
            Self::NotGoing => "Not Going",
        }
    }
}

impl fmt::Display for AttendanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AttendanceStatus {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| ValidationError::InvalidChoice(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_json() {
        for status in AttendanceStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
            let json = serde_json::to_string(&status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            let back: AttendanceStatus = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, status);
        }
    }

    #[test]
    fn not_going_has_a_space() {
        assert_eq!(
            serde_json::to_string(&AttendanceStatus::NotGoing).expect("serialises"),
            "\"Not Going\""
        );
    }

    #[test]
    fn unknown_choice_gives_drfs_message() {
        let err = "Bogus"
            .parse::<AttendanceStatus>()
            .expect_err("not a status");
        assert_eq!(err.to_string(), "\"Bogus\" is not a valid choice.");
    }

    #[test]
    fn parsing_is_case_sensitive() {
        assert!("going".parse::<AttendanceStatus>().is_err());
        assert!("NotGoing".parse::<AttendanceStatus>().is_err());
    }
}
