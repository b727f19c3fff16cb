use std::fmt;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::ValidationError;

/// A username: 1 to 150 characters, each a letter, a digit or one of `@.+-_`
/// (Django's `UnicodeUsernameValidator`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// The longest username allowed, in characters.
    pub const MAX_CHARS: usize = 150;

    /// NFKC-normalises `raw` (as Django does) and checks it against the
    /// username rules.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let normalized = normalize_username(raw);
        let raw = normalized.as_str();
        if raw.trim().is_empty() {
            return Err(ValidationError::Blank);
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        let allowed = |c: char| c.is_alphanumeric() || "@.+-_".contains(c);
        if !raw.chars().all(allowed) {
            return Err(ValidationError::InvalidUsername);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A value read back from storage, taken as it is: it was checked when
    /// written, and rows written by other tools (e.g. the Django version)
    /// must still display rather than fail.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `raw` in Unicode's NFKC form, as Django normalises usernames: `ａlice`
/// (fullwidth) is `alice`. Look-ups by a typed username go through it too,
/// so a name is found however it was typed.
pub fn normalize_username(raw: &str) -> String {
    raw.nfkc().collect()
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letters_digits_and_the_five_symbols() {
        for ok in ["alice", "Bob_99", "a.b+c-d@e", "élodie", "x"] {
            assert_eq!(
                Username::parse(ok).map(|u| u.to_string()),
                Ok(ok.to_owned())
            );
        }
    }

    #[test]
    fn refuses_blank() {
        assert_eq!(Username::parse(""), Err(ValidationError::Blank));
        assert_eq!(Username::parse("   "), Err(ValidationError::Blank));
    }

    #[test]
    fn refuses_other_characters() {
        for bad in ["with space", "semi;colon", "slash/", "quote'", "tab\t"] {
            assert_eq!(
                Username::parse(bad),
                Err(ValidationError::InvalidUsername),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn allows_150_characters_but_not_151() {
        assert!(Username::parse(&"a".repeat(150)).is_ok());
        assert_eq!(
            Username::parse(&"a".repeat(151)),
            Err(ValidationError::TooLong { max: 150 })
        );
    }

    #[test]
    fn is_nfkc_normalised() {
        assert_eq!(
            Username::parse("\u{ff41}lice").map(|u| u.to_string()),
            Ok("alice".to_owned())
        );
        assert_eq!(normalize_username("e\u{301}lodie"), "élodie");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Username::parse(&"é".repeat(150)).is_ok());
    }

    #[test]
    fn invalid_username_message_is_djangos() {
        assert_eq!(
            ValidationError::InvalidUsername.to_string(),
            "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
        );
    }
}
