use subtle::ConstantTimeEq;

const TOKEN_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const TOKEN_LEN: usize = 32;

/// A fresh random CSRF token (32 letters and digits, like Django's secret).
pub fn new_csrf_token() -> String {
    random_token::<TOKEN_LEN>()
}

/// A fresh random session key (64 letters and digits).
pub fn new_session_key() -> String {
    random_token::<64>()
}

/// The SHA-256 of `data` as 64 lower-case hex digits.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hex SHA-256 of a session key, as stored: a leaked table does not
/// hand out working session cookies.
pub fn session_key_digest(key: &str) -> String {
    sha256_hex(key.as_bytes())
}

/// A short fingerprint of a password hash, kept in a session: a session
/// whose fingerprint no longer matches was opened before the password
/// changed and is ended (Django's session auth hash).
pub fn password_fingerprint(password_hash: &str) -> String {
    session_key_digest(password_hash)[..32].to_owned()
}

fn random_token<const LEN: usize>() -> String {
    let mut bytes = [0u8; LEN];
    // Without system randomness nothing secure can be done; fail loudly.
    #[allow(clippy::expect_used, reason = "no randomness means no security; abort")]
    getrandom::fill(&mut bytes).expect("system randomness is available");
    bytes
        .iter()
        .map(|b| char::from(TOKEN_CHARS[usize::from(*b) % TOKEN_CHARS.len()]))
        .collect()
}

/// Whether two non-empty secrets are equal, compared in constant time (CSRF
/// tokens against their cookie, a session's password fingerprint against
/// the account's).
pub fn secrets_match(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_alphanumerics() {
        let (a, b) = (new_csrf_token(), new_csrf_token());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn session_keys_are_long_and_stored_as_digests() {
        let key = new_session_key();
        assert_eq!(key.len(), 64);
        let digest = session_key_digest(&key);
        assert_eq!(digest.len(), 64);
        assert_ne!(digest, key);
        assert_eq!(digest, session_key_digest(&key));
    }

    #[test]
    fn match_requires_equal_non_empty_tokens() {
        let token = new_csrf_token();
        assert!(secrets_match(&token, &token));
        assert!(!secrets_match(&token, &new_csrf_token()));
        assert!(!secrets_match("", ""));
        assert!(!secrets_match(&token[..31], &token));
    }
}
