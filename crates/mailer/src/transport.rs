use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport as _};
use store::outbox::Message;
use thiserror::Error;

use crate::{Backend, ConfigError, MailConfig, Security};

/// A delivery that did not happen.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct SendError {
    /// Retrying cannot help (e.g. a 5xx rejection or a malformed address).
    pub permanent: bool,
    /// What went wrong.
    pub message: String,
}

/// How messages leave the server.
pub enum Transport {
    /// Written to the log.
    Console,
    /// Sent to an SMTP server.
    Smtp(Box<SmtpTransport>),
    /// Dropped.
    Discard,
}

impl Transport {
    /// The transport the configuration asks for.
    pub fn from_config(config: &MailConfig) -> Result<Self, ConfigError> {
        Ok(match config.backend {
            Backend::Console => Self::Console,
            Backend::None => Self::Discard,
            Backend::Smtp => {
                let smtp = &config.smtp;
                let tls_error = |e: lettre::transport::smtp::Error| {
                    ConfigError(format!("cannot set up TLS for {}: {e}", smtp.host))
                };
                let mut builder = match smtp.security {
                    Security::None => SmtpTransport::builder_dangerous(smtp.host.as_str()),
                    Security::StartTls => {
                        SmtpTransport::starttls_relay(&smtp.host).map_err(tls_error)?
                    }
                    Security::Tls => SmtpTransport::relay(&smtp.host).map_err(tls_error)?,
                }
                .port(smtp.port)
                .timeout(Some(smtp.timeout));
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Self::Smtp(Box::new(builder.build()))
            }
        })
    }

    /// Delivers one message; with `unsubscribe_url` (notices), it carries
    /// RFC 8058's one-click `List-Unsubscribe` headers. Blocking: call it
    /// off the async executor.
    pub fn send(
        &self,
        from: &Mailbox,
        message: &Message,
        unsubscribe_url: Option<&str>,
    ) -> Result<(), SendError> {
        match self {
            Self::Console => {
                tracing::info!(
                    to = %message.recipient,
                    subject = %message.subject,
                    body = %message.body,
                    // The link holds the account's unsubscribe token.
                    unsubscribe = unsubscribe_url.map_or("", |_| "[redacted]"),
                    "email (console backend)"
                );
                Ok(())
            }
            Self::Discard => Ok(()),
            Self::Smtp(smtp) => {
                let email = build(from, message, unsubscribe_url)?;
                smtp.send(&email).map(|_| ()).map_err(|err| SendError {
                    permanent: err.is_permanent(),
                    message: error_chain(&err),
                })
            }
        }
    }
}

fn build(
    from: &Mailbox,
    message: &Message,
    unsubscribe_url: Option<&str>,
) -> Result<lettre::Message, SendError> {
    let permanent = |message: String| SendError {
        permanent: true,
        message,
    };
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e| permanent(format!("invalid recipient {:?}: {e}", message.recipient)))?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.as_str())
        .header(ContentType::TEXT_PLAIN);
    if let Some(url) = unsubscribe_url {
        builder = builder
            .raw_header(raw_header("List-Unsubscribe", format!("<{url}>")))
            .raw_header(raw_header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    builder
        .body(message.body.clone())
        .map_err(|e| permanent(format!("cannot build the message: {e}")))
}

fn raw_header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// The error with its causes, on one line (lettre's top level often says
/// only "network error").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
