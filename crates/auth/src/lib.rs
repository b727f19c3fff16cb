#![doc = include_str!("../README.md")]
//!
//! # Items by topic
//!
//! - Passwords: [`hash_password`], [`verify_password`],
//!   [`validate_password`], [`password_needs_rehash`].
//! - Tokens: [`TokenConfig`], [`Claims`], [`TokenPair`], [`TokenError`].
//! - CSRF and sessions: [`new_csrf_token`], [`secrets_match`],
//!   [`new_session_key`], [`session_key_digest`].
//! - Calendar feeds: [`FeedKey`], [`feed_token_hash`].
//! - One-click unsubscribe: [`UnsubscribeKey`], [`unsubscribe_token_hash`].
//! - Permissions: [`is_organizer_or_read_only`], [`Decision`], [`Method`].

mod common_passwords;
mod csrf;
mod feed_tokens;
mod hashers;
mod jwt;
mod keys;
mod password;
mod policy;
mod unsubscribe_tokens;

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
pub use unsubscribe_tokens::{unsubscribe_token_hash, UnsubscribeKey};
