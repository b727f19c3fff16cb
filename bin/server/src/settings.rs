//! Settings: read once from flags and environment variables, then passed down.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::cors::AllowedOrigins;
use crate::secret::Secret;

/// Everything the server can be configured with. Each field is a flag that
/// overrides the environment variable of the same meaning.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: postgres://…, sqlite://path or a plain SQLite file path.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "db.sqlite3",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8000", global = true)]
    pub bind: SocketAddr,

    /// Key that signs tokens and sessions. When unset, one is generated and
    /// kept in `.secret_key` beside the database (development only).
    #[arg(long, env = "SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<Secret>,

    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, global = true)]
    pub log_format: LogFormat,

    /// Most database connections open at once.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub database_pool_size: u32,

    /// Seconds a request waits for a free database connection before a 503.
    #[arg(long, env = "DATABASE_TIMEOUT", default_value_t = 5, global = true)]
    pub database_timeout: u64,

    /// HTTP worker threads; defaults to the number of CPU cores.
    #[arg(long, env = "WORKERS", global = true)]
    pub workers: Option<usize>,

    /// bcrypt work factor for new password hashes (4..=31).
    #[arg(long, env = "BCRYPT_COST", default_value_t = auth::DEFAULT_BCRYPT_COST, value_parser = clap::value_parser!(u32).range(4..=31), global = true)]
    pub bcrypt_cost: u32,

    /// Paginate every listing with this page size, as DRF's PAGE_SIZE does.
    #[arg(long, env = "PAGE_SIZE", value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub page_size: Option<u32>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_SIZE", default_value_t = 1024 * 1024, global = true)]
    pub max_body_size: usize,

    /// Seconds an access token is valid.
    #[arg(
        long,
        env = "ACCESS_TOKEN_LIFETIME",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=MAX_TOKEN_LIFETIME),
        global = true
    )]
    pub access_token_lifetime: u64,

    /// Seconds a refresh token is valid.
    #[arg(
        long,
        env = "REFRESH_TOKEN_LIFETIME",
        default_value_t = 86_400,
        value_parser = clap::value_parser!(u64).range(1..=MAX_TOKEN_LIFETIME),
        global = true
    )]
    pub refresh_token_lifetime: u64,

    /// Send session and CSRF cookies over HTTPS only.
    #[arg(long, env = "SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub secure_cookies: bool,

    /// Failed logins allowed per client address within LOGIN_THROTTLE_WINDOW.
    #[arg(
        long,
        env = "LOGIN_THROTTLE_FAILURES",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..=100_000),
        global = true
    )]
    pub login_throttle_failures: u32,

    /// Failed logins allowed per account within LOGIN_THROTTLE_WINDOW,
    /// whatever the client addresses.
    #[arg(
        long,
        env = "LOGIN_THROTTLE_ACCOUNT_FAILURES",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..=100_000),
        global = true
    )]
    pub login_throttle_account_failures: u32,

    /// Registrations allowed per client address within
    /// REGISTRATION_THROTTLE_WINDOW.
    #[arg(
        long,
        env = "REGISTRATION_THROTTLE",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000),
        global = true
    )]
    pub registration_throttle: u32,

    /// Seconds registrations are counted for.
    #[arg(
        long,
        env = "REGISTRATION_THROTTLE_WINDOW",
        default_value_t = 3600,
        value_parser = clap::value_parser!(u64).range(1..=7 * 86_400),
        global = true
    )]
    pub registration_throttle_window: u64,

    /// Seconds failed logins are counted for.
    #[arg(
        long,
        env = "LOGIN_THROTTLE_WINDOW",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=7 * 86_400),
        global = true
    )]
    pub login_throttle_window: u64,

    /// Reverse proxies in front of the server; with one or more, client
    /// addresses come from X-Forwarded-For and links from the forwarded
    /// host and scheme.
    #[arg(long, env = "TRUSTED_PROXIES", default_value_t = 0, global = true)]
    pub trusted_proxies: usize,

    /// MiB of rendered event and attendance bodies kept, each served again
    /// while nothing it shows has changed (0: render every one).
    #[arg(long, env = "RESPONSE_CACHE_MIB", default_value_t = 4, global = true)]
    pub response_cache_mib: usize,

    /// Where mail goes: console (the log), smtp, or none.
    #[arg(long, env = "EMAIL_BACKEND", default_value = "console", global = true)]
    pub email_backend: mailer::Backend,

    /// Run the outbox worker in this process (turn off on servers that
    /// should only answer requests).
    #[arg(long, env = "EMAIL_WORKER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub email_worker: bool,

    /// The sender address of outgoing mail.
    #[arg(
        long,
        env = "EMAIL_FROM",
        default_value = "webmaster@localhost",
        global = true
    )]
    pub email_from: String,

    /// SMTP server host.
    #[arg(long, env = "SMTP_HOST", default_value = "localhost", global = true)]
    pub smtp_host: String,

    /// SMTP server port.
    #[arg(long, env = "SMTP_PORT", default_value_t = 25, global = true)]
    pub smtp_port: u16,

    /// SMTP login, if the server needs one.
    #[arg(long, env = "SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,

    /// SMTP password.
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true, global = true)]
    pub smtp_password: Option<Secret>,

    /// SMTP transport security: none, starttls or tls.
    #[arg(long, env = "SMTP_SECURITY", default_value = "none", global = true)]
    pub smtp_security: mailer::Security,

    /// Seconds one SMTP delivery may take.
    #[arg(long, env = "SMTP_TIMEOUT", default_value_t = 30, global = true)]
    pub smtp_timeout: u64,

    /// Delivery attempts before a message is marked failed.
    #[arg(long, env = "EMAIL_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub email_max_attempts: u32,

    /// Seconds to wait after a first failed delivery; doubled after each further one (at most an hour).
    #[arg(long, env = "EMAIL_RETRY_BASE", default_value_t = 10, global = true)]
    pub email_retry_base: u64,

    /// Seconds between looks at the outbox when nothing wakes the worker.
    #[arg(long, env = "EMAIL_POLL_INTERVAL", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub email_poll_interval: u64,

    /// Seconds a stopping server (SIGINT or SIGTERM) gives requests in flight.
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value_t = 30, global = true)]
    pub shutdown_timeout: u64,

    /// The server's public address, for links in mail (the one-click
    /// unsubscribe link); `http://<BIND>` when unset.
    #[arg(long, env = "SITE_URL", value_parser = parse_site_url, global = true)]
    pub site_url: Option<String>,

    /// Origins (`https://app.example.com`, comma-separated) whose browser
    /// apps may call the API (CORS); none by default.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "", global = true)]
    pub cors_allowed_origins: AllowedOrigins,

    /// Origins (comma-separated) besides this site's whose pages may log in
    /// with a session or write with one (login CSRF), e.g. a front end
    /// served from another host.
    #[arg(long, env = "CSRF_TRUSTED_ORIGINS", default_value = "", global = true)]
    pub csrf_trusted_origins: AllowedOrigins,

    /// Seconds before a timed event its seated Going attendees are reminded.
    #[arg(long, env = "REMINDER_LEAD", default_value_t = 86_400, value_parser = clap::value_parser!(u64).range(1..=MAX_TOKEN_LIFETIME), global = true)]
    pub reminder_lead: u64,
}

/// `SITE_URL`: an absolute http(s) address, without a trailing slash.
fn parse_site_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err("must name a host, as in https://events.example.com".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// The longest token lifetime accepted: ten years, in seconds.
const MAX_TOKEN_LIFETIME: u64 = 10 * 365 * 86_400;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

impl Settings {
    /// The database pool's limits.
    pub fn pool_options(&self) -> store::PoolOptions {
        store::PoolOptions {
            max_size: self.database_pool_size,
            connection_timeout: Duration::from_secs(self.database_timeout),
        }
    }

    /// The API's settings.
    pub fn api_config(&self) -> api::ApiConfig {
        api::ApiConfig {
            page_size: self.page_size,
            max_body_bytes: self.max_body_size,
            access_token_lifetime: Duration::from_secs(self.access_token_lifetime),
            refresh_token_lifetime: Duration::from_secs(self.refresh_token_lifetime),
            bcrypt_cost: self.bcrypt_cost,
            secure_cookies: self.secure_cookies,
            login_failures_allowed: self.login_throttle_failures as usize,
            account_login_failures_allowed: self.login_throttle_account_failures as usize,
            registrations_allowed: self.registration_throttle as usize,
            registration_window: Duration::from_secs(self.registration_throttle_window),
            login_failure_window: Duration::from_secs(self.login_throttle_window),
            trusted_proxies: self.trusted_proxies,
            public_url: self.site_url.clone(),
            csrf_trusted_origins: self.csrf_trusted_origins.to_vec(),
            response_cache_bytes: self.response_cache_mib.saturating_mul(1024 * 1024),
        }
    }

    /// The mailer's settings.
    pub fn mail_config(&self) -> mailer::MailConfig {
        let defaults = mailer::MailConfig::default();
        mailer::MailConfig {
            backend: self.email_backend,
            smtp: mailer::SmtpConfig {
                host: self.smtp_host.clone(),
                port: self.smtp_port,
                username: self.smtp_username.clone(),
                password: self.smtp_password.as_ref().map(|p| p.expose().to_owned()),
                security: self.smtp_security,
                timeout: Duration::from_secs(self.smtp_timeout),
            },
            from: self.email_from.clone(),
            max_attempts: self.email_max_attempts,
            retry_base: Duration::from_secs(self.email_retry_base),
            poll_interval: Duration::from_secs(self.email_poll_interval),
            site_url: self
                .site_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.bind)),
            reminder_lead: Duration::from_secs(self.reminder_lead),
            ..defaults
        }
    }

    /// Where a generated development secret is kept: beside a SQLite
    /// database file, else in the working directory.
    pub fn secret_key_file(&self) -> PathBuf {
        let beside = match store::DatabaseUrl::parse(&self.database_url) {
            Ok(url) => url
                .sqlite_path()
                .and_then(|p| p.parent().map(PathBuf::from)),
            Err(_) => None,
        };
        beside
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or_default()
            .join(".secret_key")
    }
}
