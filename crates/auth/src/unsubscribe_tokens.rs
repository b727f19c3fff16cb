//! One-click unsubscribe tokens: HMAC-SHA256, under a key derived from the
//! server's secret, of the user id. The mailer makes the link when it sends
//! a notice; the database keeps only the token's SHA-256 (as for feed
//! tokens), by which the unsubscribe endpoint finds the account, so a copy
//! of the database gives no working link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::UserId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::derive_key;

/// The key unsubscribe tokens are signed with.
#[derive(Clone)]
pub struct UnsubscribeKey([u8; 64]);

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(..)")
    }
}

impl UnsubscribeKey {
    /// The unsubscribe key for a server secret: its own key, so that a
    /// token is never valid as anything else the secret signs.
    pub fn derive(secret: &str) -> Self {
        Self(derive_key(secret, "unsubscribe"))
    }

    /// A key of fresh randomness, for a mailer set up without the server's
    /// secret (its links then change with each process).
    pub fn random() -> Self {
        Self::derive(&crate::new_session_key())
    }

    /// The token of the user's unsubscribe link.
    pub fn token(&self, user: UserId) -> String {
        // A key of any length is accepted; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(&user.0.to_be_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// What the database keeps of an unsubscribe token: its digest.
pub fn unsubscribe_token_hash(token: &str) -> String {
    crate::session_key_digest(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_user_and_secret_and_from_feed_tokens() {
        let key = UnsubscribeKey::derive("secret");
        let token = key.token(UserId(7));
        assert_eq!(token, key.token(UserId(7)), "stable");
        assert_ne!(token, key.token(UserId(8)));
        assert_ne!(token, UnsubscribeKey::derive("other").token(UserId(7)));
        assert_ne!(token, crate::FeedKey::derive("secret").token(UserId(7), 0));
        assert_eq!(unsubscribe_token_hash(&token).len(), 64);
        assert!(!format!("{key:?}").contains('['), "the key is not printed");
    }
}
