use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use domain::UserId;
use hmac::{Hmac, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use thiserror::Error;

/// Which of the two kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    /// Short-lived; authenticates requests.
    Access,
    /// Long-lived; obtains new access tokens.
    Refresh,
}

impl TokenType {
    /// simplejwt's class name for the type, as error bodies show it.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::Access => "AccessToken",
            Self::Refresh => "RefreshToken",
        }
    }

    /// The claim value, `"access"` or `"refresh"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// The claims of a token, as djangorestframework-simplejwt writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// `"access"` or `"refresh"`.
    pub token_type: TokenType,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issue time, seconds since the epoch.
    pub iat: i64,
    /// A unique id, which the refresh blacklist records.
    pub jti: String,
    /// The user the token speaks for.
    #[serde(with = "user_id_claim")]
    pub user_id: UserId,
    /// Refresh tokens: a keyed digest of the user's password hash when the
    /// token was issued ([`TokenConfig::password_stamp`]), so a password
    /// change ends them. Tokens from before it was added (or from the
    /// Django version) have none and are not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pwd: Option<String>,
}

impl Claims {
    /// When the token stops being valid.
    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.exp, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Why a token was refused; `Display` is simplejwt's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TokenError {
    /// Not a token we signed, or malformed.
    #[error("Token is invalid")]
    Invalid,
    /// Past its expiry.
    #[error("Token is expired")]
    Expired,
    /// An access token where a refresh token was needed, or the reverse.
    #[error("Token has wrong type")]
    WrongType,
    /// A refresh token that was blacklisted.
    #[error("Token is blacklisted")]
    Blacklisted,
}

/// A fresh access token and refresh token.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// The access token.
    pub access: String,
    /// The refresh token.
    pub refresh: String,
}

/// Signs and checks HS256 tokens with the server's secret.
#[derive(Clone)]
pub struct TokenConfig {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Keys [`TokenConfig::password_stamp`]: the secret, for its own purpose.
    stamp_key: Vec<u8>,
    /// How long access tokens live.
    pub access_lifetime: Duration,
    /// How long refresh tokens live.
    pub refresh_lifetime: Duration,
}

impl fmt::Debug for TokenConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenConfig")
            .field("access_lifetime", &self.access_lifetime)
            .field("refresh_lifetime", &self.refresh_lifetime)
            .finish_non_exhaustive()
    }
}

impl TokenConfig {
    /// Tokens signed with `secret`, living for the given times
    /// (simplejwt's defaults are 5 minutes and 1 day).
    pub fn new(secret: &[u8], access_lifetime: Duration, refresh_lifetime: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            stamp_key: [b"refresh-password-stamp\0".as_slice(), secret].concat(),
            access_lifetime,
            refresh_lifetime,
        }
    }

    /// A new access and refresh token for the user, whose password hash is
    /// `password_hash`: the refresh token ends when the password changes.
    pub fn issue_pair(
        &self,
        user_id: UserId,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenPair, TokenError> {
        let mut refresh = self.claims(TokenType::Refresh, user_id, now);
        refresh.pwd = Some(self.password_stamp(password_hash));
        Ok(TokenPair {
            access: self.issue(TokenType::Access, user_id, now)?,
            refresh: self.sign(&refresh)?,
        })
    }

    /// What a refresh token records of the password hash: a keyed digest,
    /// which tells nothing about the hash to the token's holder.
    pub fn password_stamp(&self, password_hash: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.stamp_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(password_hash.as_bytes());
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
    }

    /// Whether a refresh token was issued under the password whose hash
    /// is `password_hash` (tokens without a stamp are not checked).
    pub fn matches_password(&self, claims: &Claims, password_hash: &str) -> bool {
        claims
            .pwd
            .as_deref()
            .is_none_or(|stamp| crate::secrets_match(stamp, &self.password_stamp(password_hash)))
    }

    /// A new token of the given type for the user.
    pub fn issue(
        &self,
        token_type: TokenType,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        self.sign(&self.claims(token_type, user_id, now))
    }

    fn claims(&self, token_type: TokenType, user_id: UserId, now: DateTime<Utc>) -> Claims {
        let lifetime = match token_type {
            TokenType::Access => self.access_lifetime,
            TokenType::Refresh => self.refresh_lifetime,
        };
        Claims {
            token_type,
            exp: (now + lifetime).timestamp(),
            iat: now.timestamp(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            user_id,
            pwd: None,
        }
    }

    fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)
    }

    /// Checks the signature, expiry and type of a token and returns its claims.
    pub fn decode(&self, token: &str, expected: TokenType) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        if claims.token_type != expected {
            return Err(TokenError::WrongType);
        }
        Ok(claims)
    }
}

/// simplejwt writes the user id as a number or, in newer versions, a
/// string; accept both, write a number.
mod user_id_claim {
    use domain::UserId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &UserId, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(id.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<UserId, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(UserId(n)),
            Raw::Text(s) => s.parse().map(UserId).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> TokenConfig {
        TokenConfig::new(b"test-secret", Duration::minutes(5), Duration::days(1))
    }

    #[test]
    fn issued_tokens_decode_with_simplejwt_claims() {
        let now = Utc::now();
        let pair = config().issue_pair(UserId(42), "hash", now).expect("issue");
        let access = config()
            .decode(&pair.access, TokenType::Access)
            .expect("access");
        assert_eq!(access.user_id, UserId(42));
        assert_eq!(access.iat, now.timestamp());
        assert_eq!(access.exp - access.iat, 300);
        assert_eq!(access.jti.len(), 32);
        let refresh = config()
            .decode(&pair.refresh, TokenType::Refresh)
            .expect("refresh");
        assert_eq!(refresh.exp - refresh.iat, 86_400);
        assert_ne!(refresh.jti, access.jti);
        assert_eq!(access.pwd, None, "only refresh tokens carry the stamp");
    }

    #[test]
    fn refresh_tokens_end_with_the_password() {
        let pair = config()
            .issue_pair(UserId(1), "old-hash", Utc::now())
            .expect("issue");
        let refresh = config()
            .decode(&pair.refresh, TokenType::Refresh)
            .expect("refresh");
        assert!(config().matches_password(&refresh, "old-hash"));
        assert!(!config().matches_password(&refresh, "new-hash"));
        let stamp = refresh.pwd.clone().expect("stamped");
        assert!(!stamp.contains("old-hash") && stamp.len() == 22, "{stamp}");
        let legacy = Claims {
            pwd: None,
            ..refresh
        };
        assert!(config().matches_password(&legacy, "new-hash"));
    }

    #[test]
    fn wrong_type_expired_and_forged_tokens_are_refused() {
        let pair = config()
            .issue_pair(UserId(1), "hash", Utc::now())
            .expect("issue");
        assert_eq!(
            config().decode(&pair.access, TokenType::Refresh),
            Err(TokenError::WrongType)
        );
        assert_eq!(
            config().decode(&pair.refresh, TokenType::Access),
            Err(TokenError::WrongType)
        );

        let old = config()
            .issue_pair(UserId(1), "hash", Utc::now() - Duration::days(2))
            .expect("issue");
        assert_eq!(
            config().decode(&old.refresh, TokenType::Refresh),
            Err(TokenError::Expired)
        );

        let other = TokenConfig::new(b"other-secret", Duration::minutes(5), Duration::days(1));
        let forged = other
            .issue_pair(UserId(1), "hash", Utc::now())
            .expect("issue");
        assert_eq!(
            config().decode(&forged.access, TokenType::Access),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            config().decode("not.a.token", TokenType::Access),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            config().decode("", TokenType::Access),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn user_id_claim_may_be_a_string() {
        let claims: Claims = serde_json::from_str(
            r#"{"token_type":"access","exp":1,"iat":0,"jti":"x","user_id":"17"}"#,
        )
        .expect("parses");
        assert_eq!(claims.user_id, UserId(17));
    }

    #[test]
    fn messages_are_simplejwts() {
        assert_eq!(TokenError::Invalid.to_string(), "Token is invalid");
        assert_eq!(TokenError::Expired.to_string(), "Token is expired");
        assert_eq!(TokenError::Blacklisted.to_string(), "Token is blacklisted");
        assert_eq!(TokenError::WrongType.to_string(), "Token has wrong type");
    }
}
