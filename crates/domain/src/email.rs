use std::fmt;

use serde::Serialize;

use crate::ValidationError;

/// An email address, checked with the rules of Django's `EmailValidator`
/// for the common (dot-atom) form: `local@domain.tld`, or `local@localhost`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// The longest address stored, in characters (Django's `EmailField`).
    pub const MAX_CHARS: usize = 254;

    /// Checks `raw` (surrounding whitespace ignored) against the address rules.
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
        let (local, domain) = trimmed
            .rsplit_once('@')
            .ok_or(ValidationError::InvalidEmail)?;
        if is_dot_atom(local) && is_valid_domain(domain) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(ValidationError::InvalidEmail)
        }
    }

    /// A value read back from storage, taken as it is: it was checked when
    /// written, and rows written by other tools (e.g. the Django version)
    /// must still display rather than fail.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_dot_atom(local: &str) -> bool {
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{}|~-".contains(c);
    !local.is_empty()
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char))
}

fn is_valid_domain(domain: &str) -> bool {
    if domain.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, _)) = labels.split_last() else {
        return false;
    };
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && tld.chars().count() >= 2
        && !tld.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "alice@example.com",
            "first.last+tag@mail.example.org",
            "o'brien@example.ie",
            "root@localhost",
            "x@xn--bcher-kva.de",
        ] {
            assert_eq!(
                Email::parse(ok).map(|e| e.to_string()),
                Ok(ok.to_owned()),
                "{ok}"
            );
        }
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(
            Email::parse("  bob@example.com \n").map(|e| e.to_string()),
            Ok("bob@example.com".to_owned())
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.com",
            "alice@",
            "alice@example",
            "alice@.com",
            "alice@example..com",
            "alice@-example.com",
            "a..b@example.com",
            ".alice@example.com",
            "al ice@example.com",
            "alice@exa mple.com",
            "alice@example.c",
            "alice@127.0.0.1",
        ] {
            assert_eq!(
                Email::parse(bad),
                Err(ValidationError::InvalidEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_blank_and_too_long() {
        assert_eq!(Email::parse(" "), Err(ValidationError::Blank));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            Email::parse(&long),
            Err(ValidationError::TooLong { max: 254 })
        );
    }
}
