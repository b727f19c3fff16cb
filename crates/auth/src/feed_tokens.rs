//! Calendar feed tokens: HMAC-SHA256, under a key derived from the
//! server's secret, of the user id and the user's calendar generation, so
//! the account page can show the address again without storing it. The
//! database keeps only the token's SHA-256 (as for session keys), by which
//! the feed is found: a copy of the database gives no feed address, and
//! moving to the next generation ends the old address.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::UserId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::derive_key;

/// The key feed tokens are signed with.
#[derive(Clone)]
pub struct FeedKey([u8; 64]);

impl std::fmt::Debug for FeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeedKey(..)")
    }
}

impl FeedKey {
    /// The feed key for a server secret: its own key, so that a feed token
    /// is never valid as anything else the secret signs.
    pub fn derive(secret: &str) -> Self {
        Self(derive_key(secret, "calendar-feed"))
    }

    /// The token of the user's feed address in `generation`.
    pub fn token(&self, user: UserId, generation: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(user, generation))
    }

    fn mac(&self, user: UserId, generation: i64) -> [u8; 32] {
        // A key of any length is accepted; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(&user.0.to_be_bytes());
        mac.update(&generation.to_be_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// What the database keeps of a feed token: its digest, as for session keys.
pub fn feed_token_hash(token: &str) -> String {
    crate::session_key_digest(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_user_generation_and_secret() {
        let key = FeedKey::derive("secret");
        let token = key.token(UserId(7), 0);
        assert_eq!(token, key.token(UserId(7), 0), "stable");
        assert_ne!(
            token,
            key.token(UserId(7), 1),
            "a new generation, a new token"
        );
        assert_ne!(token, key.token(UserId(8), 0));
        assert_ne!(token, FeedKey::derive("other").token(UserId(7), 0));
        assert_eq!(token.len(), 43, "256 bits, URL-safe base64: {token}");
        assert_eq!(feed_token_hash(&token).len(), 64);
        assert_ne!(
            feed_token_hash(&token),
            feed_token_hash(&key.token(UserId(7), 1))
        );
        assert!(
            format!("{key:?}").ends_with("(..)"),
            "the key is not printed"
        );
    }
}
