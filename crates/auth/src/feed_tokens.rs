//! Calendar feed addresses: `<user id>.<MAC>`, the MAC being HMAC-SHA256,
//! under a key derived from the server's secret, of the user id and the
//! user's calendar generation. Nothing secret is stored: a copy of the
//! database gives no feed address, and moving to the next generation ends
//! the old address.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::UserId;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

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

    /// The token of the user's current feed address.
    pub fn token(&self, user: UserId, generation: i64) -> String {
        format!(
            "{}.{}",
            user.0,
            URL_SAFE_NO_PAD.encode(self.mac(user, generation))
        )
    }

    /// Whether `token` is the user's current one.
    pub fn matches(&self, token: &str, user: UserId, generation: i64) -> bool {
        let expected = self.token(user, generation);
        bool::from(expected.as_bytes().ct_eq(token.as_bytes()))
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

/// The user a feed token claims to be for (not yet checked).
pub fn feed_token_user(token: &str) -> Option<UserId> {
    let (id, _) = token.split_once('.')?;
    id.parse().ok().map(UserId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_user_and_generation() {
        let key = FeedKey::derive("secret");
        let token = key.token(UserId(7), 0);
        assert_eq!(feed_token_user(&token), Some(UserId(7)));
        assert!(key.matches(&token, UserId(7), 0));
        assert!(
            !key.matches(&token, UserId(7), 1),
            "a new generation ends it"
        );
        assert!(!key.matches(&token, UserId(8), 0));
        assert!(!FeedKey::derive("other").matches(&token, UserId(7), 0));
        assert_eq!(feed_token_user("nonsense"), None);
        assert!(
            format!("{key:?}").ends_with("(..)"),
            "the key is not printed"
        );
    }
}
