//! Django's password hashers, so a Django deployment's users keep their
//! passwords: `bcrypt_sha256$` (written for new passwords: Django verifies
//! it too, and the SHA-256 step means no 72-byte limit), and, for verifying
//! only, `bcrypt$`, `pbkdf2_sha256$` (Django's default), `pbkdf2_sha1$`,
//! `argon2$` and bare bcrypt (`$2b$...`, what this server wrote before).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::PasswordError;

const BCRYPT_SHA256: &str = "bcrypt_sha256$";

/// The SHA-256 of the password as lower-case hex: what Django's
/// `BCryptSHA256PasswordHasher` gives bcrypt (64 bytes, under its limit).
fn sha256_hex(password: &str) -> String {
    crate::sha256_hex(password.as_bytes())
}

/// A new hash, in Django's `bcrypt_sha256$$2b$<cost>$...` form.
pub(crate) fn hash(password: &str, cost: u32) -> Result<String, PasswordError> {
    let bcrypt = bcrypt::hash_with_result(sha256_hex(password), cost)?
        .format_for_version(bcrypt::Version::TwoB);
    Ok(format!("{BCRYPT_SHA256}{bcrypt}"))
}

/// Whether `password` matches `stored`, in any of the formats above; an
/// unknown or malformed hash matches nothing.
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    if let Some(bcrypt) = stored.strip_prefix(BCRYPT_SHA256) {
        return bcrypt::verify(sha256_hex(password), bcrypt).unwrap_or(false);
    }
    if let Some(bcrypt) = stored.strip_prefix("bcrypt$") {
        return bcrypt::verify(password, bcrypt).unwrap_or(false);
    }
    if stored.starts_with("$2") {
        return bcrypt::verify(password, stored).unwrap_or(false);
    }
    if let Some(rest) = stored.strip_prefix("pbkdf2_sha256$") {
        return verify_pbkdf2(password, rest, pbkdf2::pbkdf2_hmac::<Sha256>);
    }
    if let Some(rest) = stored.strip_prefix("pbkdf2_sha1$") {
        return verify_pbkdf2(password, rest, pbkdf2::pbkdf2_hmac::<sha1::Sha1>);
    }
    if let Some(phc) = stored.strip_prefix("argon2$") {
        return verify_argon2(password, phc);
    }
    false
}

/// Checks Django's `argon2$<PHC string without its leading $>`; the
/// variant, version and costs come from the hash itself.
fn verify_argon2(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let phc = format!("${phc}");
    PasswordHash::new(&phc).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// PBKDF2 with one HMAC: fills `out` from password, salt and iterations.
type Pbkdf2 = fn(&[u8], &[u8], u32, &mut [u8]);

/// Checks Django's `<iterations>$<salt>$<base64 key>` with `derive`.
fn verify_pbkdf2(password: &str, rest: &str, derive: Pbkdf2) -> bool {
    let mut parts = rest.splitn(3, '$');
    let (Some(iterations), Some(salt), Some(expected)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(iterations), Ok(expected)) = (iterations.parse::<u32>(), STANDARD.decode(expected))
    else {
        return false;
    };
    if iterations == 0 || expected.is_empty() || expected.len() > 64 {
        return false;
    }
    let mut derived = vec![0u8; expected.len()];
    derive(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut derived,
    );
    bool::from(derived.ct_eq(&expected))
}

/// Whether a stored hash should be replaced by a new one at `cost` after a
/// successful login (another format, or another cost), as Django does.
pub(crate) fn needs_rehash(stored: &str, cost: u32) -> bool {
    match stored.strip_prefix(BCRYPT_SHA256) {
        // `$2b$12$...`: the cost is the third field.
        Some(bcrypt) => bcrypt.split('$').nth(2).and_then(|c| c.parse::<u32>().ok()) != Some(cost),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "plum-tree-42-river";

    // Made by Django 5.2's own hashers (`make_password` / `encode`).
    const DJANGO_PBKDF2_SHA256: &str =
        "pbkdf2_sha256$1000$saltsaltsalt1234$1wfdlcCazG426DuUFHsoVshay7ZySuFJwE9AfD4XpyY=";
    const DJANGO_PBKDF2_SHA1: &str =
        "pbkdf2_sha1$1000$saltsaltsalt1234$yBPI4HDqo0X5DTKVczVKrIxl0Nc=";
    const DJANGO_BCRYPT_SHA256: &str =
        "bcrypt_sha256$$2b$04$ww6kjYH4Ao.H.9T8ThJyoO8gp0DW6gOanZuBBolV8PimJeRwmT4d.";
    const DJANGO_BCRYPT: &str =
        "bcrypt$$2b$04$/f1SWz9ynR3x105wQwvG1.Yud4OTTl5tMObaiLQvzNRAv6wQLimRu";
    /// Django's `Argon2PasswordHasher` with small costs (m=64, t=1, p=1).
    const DJANGO_ARGON2: &str =
        "argon2$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTIzNA$9WNagffDRJaOB7zkTPU52WQxlqc1XuPe8ahQHNo3XK8";
    /// `"x" * 72 + "tail"`, hashed by Django's `bcrypt_sha256`.
    const DJANGO_LONG: &str =
        "bcrypt_sha256$$2b$04$ZgdmvO0PQJIYSQUOyTqgguiwr3vVT3l7nzQHwJW59tF8B4MzgkhcW";

    #[test]
    fn djangos_hashes_verify() {
        for stored in [
            DJANGO_PBKDF2_SHA256,
            DJANGO_PBKDF2_SHA1,
            DJANGO_BCRYPT_SHA256,
            DJANGO_BCRYPT,
            DJANGO_ARGON2,
        ] {
            assert!(verify(PASSWORD, stored), "{stored}");
            assert!(!verify("plum-tree-42-rivers", stored), "{stored}");
        }
        let long = format!("{}tail", "x".repeat(72));
        assert!(verify(&long, DJANGO_LONG));
        assert!(
            !verify(&format!("{}TAIL", "x".repeat(72)), DJANGO_LONG),
            "bytes after the 72nd count"
        );
    }

    #[test]
    fn new_hashes_are_djangos_bcrypt_sha256_without_the_72_byte_limit() {
        let stored = hash(PASSWORD, 4).expect("hash");
        assert!(stored.starts_with("bcrypt_sha256$$2b$04$"), "{stored}");
        assert!(verify(PASSWORD, &stored));
        let long = "y".repeat(100);
        let stored = hash(&long, 4).expect("hash");
        assert!(verify(&long, &stored));
        assert!(
            !verify(&"y".repeat(99), &stored),
            "a shorter prefix does not match"
        );
    }

    #[test]
    fn old_formats_and_other_costs_are_rehashed() {
        let ours_before = bcrypt::hash(PASSWORD, 4).expect("hash");
        assert!(
            verify(PASSWORD, &ours_before),
            "bare bcrypt, as this server wrote before"
        );
        assert!(needs_rehash(&ours_before, 4));
        assert!(needs_rehash(DJANGO_PBKDF2_SHA256, 4));
        assert!(!needs_rehash(DJANGO_BCRYPT_SHA256, 4));
        assert!(needs_rehash(DJANGO_BCRYPT_SHA256, 12), "another cost");
    }

    #[test]
    fn malformed_hashes_match_nothing() {
        for stored in [
            "",
            "plain",
            "pbkdf2_sha256$x$salt$abc",
            "pbkdf2_sha256$0$salt$YWJj",
            "pbkdf2_sha256$1000$salt",
            "md5$salt$hash",
            "bcrypt_sha256$garbage",
            "argon2$argon2id$v=19$m=64,t=1,p=1$short",
            "!unusable-password-marker",
        ] {
            assert!(!verify(PASSWORD, stored), "{stored}");
        }
    }
}
