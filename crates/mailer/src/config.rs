use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use thiserror::Error;

/// Where mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// To the log (the development default: no mail server needed).
    Console,
    /// To an SMTP server.
    Smtp,
    /// Nowhere: messages are marked sent and dropped.
    None,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text (a local relay or a test server).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// A setting could not be read.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl FromStr for Backend {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.to_ascii_lowercase().as_str() {
            "console" => Ok(Self::Console),
            "smtp" => Ok(Self::Smtp),
            "none" => Ok(Self::None),
            other => Err(ConfigError(format!(
                "unknown email backend {other:?} (console, smtp, none)"
            ))),
        }
    }
}

impl FromStr for Security {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            other => Err(ConfigError(format!(
                "unknown SMTP security {other:?} (none, starttls, tls)"
            ))),
        }
    }
}

/// The SMTP server and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Login, if the server needs one.
    pub username: Option<String>,
    /// Password for the login.
    pub password: Option<String>,
    /// Transport security.
    pub security: Security,
    /// How long one delivery may take.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("security", &self.security)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Everything the mailer is configured with.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// Where mail goes.
    pub backend: Backend,
    /// The SMTP server, for [`Backend::Smtp`].
    pub smtp: SmtpConfig,
    /// The sender address, e.g. `Events <events@example.com>`.
    pub from: String,
    /// Attempts before a message is given up on.
    pub max_attempts: u32,
    /// Wait after the first failure; doubled after each further one.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_max: Duration,
    /// How often the worker looks for due messages when nothing wakes it.
    pub poll_interval: Duration,
    /// How long a claim lasts; a worker that dies mid-send frees its
    /// messages after this.
    pub lease: Duration,
    /// Messages claimed at once.
    pub batch_size: i64,
    /// The server's public address (`https://events.example.com`), for the
    /// links in mail.
    pub site_url: String,
    /// How long before a timed event its seated attendees are reminded.
    pub reminder_lead: Duration,
    /// Signs the one-click unsubscribe links of notices; derive it from
    /// the server's secret so links outlive the process and every server
    /// makes the same ones (the default is random).
    pub unsubscribe_key: auth::UnsubscribeKey,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            backend: Backend::Console,
            smtp: SmtpConfig {
                host: "localhost".to_owned(),
                port: 25,
                username: None,
                password: None,
                security: Security::None,
                timeout: Duration::from_secs(30),
            },
            from: "webmaster@localhost".to_owned(),
            max_attempts: 8,
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(10),
            lease: Duration::from_secs(300),
            batch_size: 20,
            site_url: "http://localhost:8000".to_owned(),
            reminder_lead: Duration::from_secs(24 * 60 * 60),
            unsubscribe_key: auth::UnsubscribeKey::random(),
        }
    }
}

impl MailConfig {
    /// The wait before the next attempt, after `attempts` failed ones.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.retry_base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.retry_max)
            .min(self.retry_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = MailConfig {
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(60),
            ..MailConfig::default()
        };
        let waits: Vec<u64> = (1..=6).map(|n| config.backoff(n).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
        assert_eq!(config.backoff(1000).as_secs(), 60);
    }

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!("SMTP".parse::<Backend>().ok(), Some(Backend::Smtp));
        assert_eq!(
            "starttls".parse::<Security>().ok(),
            Some(Security::StartTls)
        );
        assert!("carrier-pigeon".parse::<Backend>().is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let smtp = SmtpConfig {
            password: Some("hunter2".to_owned()),
            ..MailConfig::default().smtp
        };
        assert!(!format!("{smtp:?}").contains("hunter2"));
    }
}
