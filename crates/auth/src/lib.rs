//! Authentication and authorization for the event backend: password
//! hashing and rules, JWT access and refresh tokens, CSRF tokens, login
//! throttling, key derivation for sessions, and the organizer policy.
//!
//! Everything here is synchronous and free of web-framework types; bcrypt
//! is deliberately slow, so callers on an async executor run
//! [`hash_password`] and [`verify_password`] on a blocking thread pool.

mod common_passwords;
mod csrf;
mod feed_tokens;
mod hashers;
mod jwt;
mod keys;
mod password;
mod policy;

pub use csrf::{
    new_csrf_token, new_session_key, password_fingerprint, secrets_match, session_key_digest,
    sha256_hex,
};
pub use feed_tokens::{feed_token_hash, FeedKey};
pub use jwt::{Claims, TokenConfig, TokenError, TokenPair, TokenType};
pub use keys::derive_key;
pub use password::{
    hash_password, password_needs_rehash, validate_password, verify_password, PasswordError,
    UserAttributes, DEFAULT_BCRYPT_COST,
};
pub use policy::{is_organizer_or_read_only, Decision, Method};
