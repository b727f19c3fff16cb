use thiserror::Error;

/// bcrypt's work factor unless configured otherwise (Django's default is 12 too).
pub const DEFAULT_BCRYPT_COST: u32 = 12;

/// The shortest password accepted.
const MIN_LENGTH: usize = 8;

/// How similar (0..=1) a password may be to a user attribute before it is refused.
const MAX_SIMILARITY: f64 = 0.7;

/// Hashing failed (an invalid cost, or no system randomness).
#[derive(Debug, Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordError(#[from] bcrypt::BcryptError);

/// Hashes a password at the given bcrypt cost (4..=31), in Django's
/// `bcrypt_sha256$` format (bcrypt over the password's SHA-256, so every
/// byte of a long password counts).
pub fn hash_password(password: &str, cost: u32) -> Result<String, PasswordError> {
    crate::hashers::hash(password, cost)
}

/// Whether `password` matches `hash`, in this server's format or one of
/// Django's (`pbkdf2_sha256$`, `pbkdf2_sha1$`, `bcrypt_sha256$`, `bcrypt$`).
/// A malformed or unknown hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    crate::hashers::verify(password, hash)
}

/// Whether a hash that just verified should be replaced by a new one (an
/// older format, or another cost), as Django re-hashes on login.
pub fn password_needs_rehash(hash: &str, cost: u32) -> bool {
    crate::hashers::needs_rehash(hash, cost)
}

/// What a new password is compared against, as Django's
/// `UserAttributeSimilarityValidator` does.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserAttributes<'a> {
    /// The login name.
    pub username: &'a str,
    /// Given name.
    pub first_name: &'a str,
    /// Family name.
    pub last_name: &'a str,
    /// Mail address.
    pub email: &'a str,
}

/// Checks a password against Django's default rules, in Django's order (not
/// too similar to the user's attributes, minimum length, not common, not
/// entirely numeric) and returns
/// every message that applies, in Django's wording; empty when it passes.
pub fn validate_password(password: &str, user: &UserAttributes<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(attribute) = similar_attribute(password, user) {
        problems.push(format!("The password is too similar to the {attribute}."));
    }
    if password.chars().count() < MIN_LENGTH {
        problems.push(format!(
            "This password is too short. It must contain at least {MIN_LENGTH} characters."
        ));
    }
    if crate::common_passwords::is_common(password) {
        problems.push("This password is too common.".to_owned());
    }
    if !password.is_empty() && password.chars().all(|c| c.is_numeric()) {
        problems.push("This password is entirely numeric.".to_owned());
    }
    problems
}

fn similar_attribute(password: &str, user: &UserAttributes<'_>) -> Option<&'static str> {
    let password = password.to_lowercase();
    let attributes = [
        ("username", user.username),
        ("first name", user.first_name),
        ("last name", user.last_name),
        ("email address", user.email),
    ];
    attributes.into_iter().find_map(|(label, value)| {
        let value = value.to_lowercase();
        if value.is_empty() {
            return None;
        }
        let parts = value
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .chain(std::iter::once(value.as_str()));
        parts
            .filter(|part| !exceeds_length_ratio(&password, part))
            .any(|part| quick_ratio(&password, part) >= MAX_SIMILARITY)
            .then_some(label)
    })
}

/// Django skips attribute parts far shorter than the password: they cannot
/// make it guessable.
fn exceeds_length_ratio(password: &str, part: &str) -> bool {
    let password_len = password.chars().count() as f64;
    let part_len = part.chars().count() as f64;
    password_len >= 10.0 * part_len && part_len < MAX_SIMILARITY / 2.0 * password_len
}

/// Python's `SequenceMatcher.quick_ratio`: twice the size of the multiset
/// intersection of characters over the total length.
fn quick_ratio(a: &str, b: &str) -> f64 {
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        return 1.0;
    }
    let mut available: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    for c in b.chars() {
        *available.entry(c).or_default() += 1;
    }
    let matches = a
        .chars()
        .filter(|c| match available.get_mut(c) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    2.0 * matches as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> UserAttributes<'static> {
        UserAttributes {
            username: "alice",
            first_name: "Alice",
            last_name: "Liddell",
            email: "alice.liddell@example.com",
        }
    }

    #[test]
    fn hash_then_verify() {
        let hash = hash_password("correct horse", 4).expect("hash");
        assert!(
            hash.starts_with("bcrypt_sha256$$2b$04$"),
            "Django's bcrypt_sha256: {hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn malformed_hash_matches_nothing() {
        assert!(!verify_password("anything", "not-a-bcrypt-hash"));
        assert!(!verify_password("", ""));
    }

    #[test]
    fn invalid_cost_is_an_error() {
        assert!(hash_password("pw", 2).is_err());
    }

    #[test]
    fn good_password_passes() {
        assert!(validate_password("plum-tree-42-river", &alice()).is_empty());
    }

    #[test]
    fn short_password_refused() {
        assert_eq!(
            validate_password("Zq9!x", &alice()),
            ["This password is too short. It must contain at least 8 characters."]
        );
    }

    #[test]
    fn numeric_password_refused() {
        assert_eq!(
            validate_password("80412967351", &alice()),
            ["This password is entirely numeric."]
        );
    }

    #[test]
    fn short_numeric_password_gets_both_messages() {
        assert_eq!(
            validate_password("1234", &UserAttributes::default()),
            [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric."
            ]
        );
    }

    #[test]
    fn password_like_an_attribute_refused() {
        let messages = |pw: &str| validate_password(pw, &alice());
        assert_eq!(
            messages("alice123"),
            [
                "The password is too similar to the username.",
                "This password is too common."
            ]
        );
        assert_eq!(
            messages("Liddell1"),
            ["The password is too similar to the last name."]
        );
        let email_user = UserAttributes {
            email: "zebrafish@example.com",
            ..UserAttributes::default()
        };
        assert_eq!(
            validate_password("zebrafish9", &email_user),
            ["The password is too similar to the email address."]
        );
    }

    #[test]
    fn quick_ratio_matches_python() {
        // SequenceMatcher(a="alice123", b="alice").quick_ratio() == 10/13
        assert!((quick_ratio("alice123", "alice") - 10.0 / 13.0).abs() < 1e-12);
        assert_eq!(quick_ratio("abc", "xyz"), 0.0);
    }
}
