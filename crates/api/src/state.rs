//! What every handler shares: the settings, the pool and keys, and the
//! extractor that hands them to a handler.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use std::future::{ready, Ready};

use actix_web::cookie::Key;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use auth::{FeedKey, TokenConfig};
use store::DbPool;

use crate::http::body_cache::BodyCache;
use crate::http::kept::Kept;

/// Counts of filtered listings kept at most (each weighs one).
const EVENT_COUNTS: usize = 1024;
use crate::ApiError;

/// The API's settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Page size applied when a listing has no `limit` (DRF's `PAGE_SIZE`);
    /// `None` lists everything as a bare array.
    pub page_size: Option<u32>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long access tokens live.
    pub access_token_lifetime: Duration,
    /// How long refresh tokens live.
    pub refresh_token_lifetime: Duration,
    /// bcrypt work factor for new passwords.
    pub bcrypt_cost: u32,
    /// Mark the session and CSRF cookies `Secure` (HTTPS only).
    pub secure_cookies: bool,
    /// Failed logins allowed per client address within `login_failure_window`.
    pub login_failures_allowed: usize,
    /// Failed logins allowed per account within `login_failure_window`,
    /// whatever the client addresses.
    pub account_login_failures_allowed: usize,
    /// Registrations allowed per client address within
    /// `registration_window`.
    pub registrations_allowed: usize,
    /// The window registrations are counted in.
    pub registration_window: Duration,
    /// The window failed logins are counted in.
    pub login_failure_window: Duration,
    /// Reverse proxies in front of the server: with one or more, the client
    /// address comes from `X-Forwarded-For` and links from the forwarded
    /// host and scheme (DRF's `NUM_PROXIES`).
    pub trusted_proxies: usize,
    /// The server's public address (`https://events.example.com`); links
    /// handed out to be used elsewhere (the calendar feed) start with it.
    /// `None`: the address the request came to.
    pub public_url: Option<String>,
    /// Origins besides this site's (`https://app.example.com`) whose pages
    /// may log in with a session or write with one (Django's
    /// `CSRF_TRUSTED_ORIGINS`).
    pub csrf_trusted_origins: Vec<String>,
    /// Bytes of rendered event and attendance bodies kept to be served
    /// again while their version stays; 0 keeps none.
    pub response_cache_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            page_size: None,
            max_body_bytes: 1024 * 1024,
            access_token_lifetime: Duration::from_secs(5 * 60),
            refresh_token_lifetime: Duration::from_secs(24 * 60 * 60),
            bcrypt_cost: auth::DEFAULT_BCRYPT_COST,
            secure_cookies: false,
            login_failures_allowed: 10,
            account_login_failures_allowed: 20,
            registrations_allowed: 20,
            registration_window: Duration::from_secs(60 * 60),
            login_failure_window: Duration::from_secs(5 * 60),
            trusted_proxies: 0,
            public_url: None,
            csrf_trusted_origins: Vec::new(),
            response_cache_bytes: 4 * 1024 * 1024,
        }
    }
}

/// What handlers share: the database pool, settings and keys.
#[derive(Clone)]
pub struct ApiState {
    /// Connections to the database.
    pub pool: DbPool,
    /// The settings.
    pub config: Arc<ApiConfig>,
    /// Signs and checks JWTs.
    pub tokens: TokenConfig,
    /// Signs and encrypts the session cookie.
    pub session_key: Key,
    /// Signs calendar feed addresses.
    pub feed_key: FeedKey,
    /// A hash checked against when a login names no account, computed once.
    dummy_hash: Arc<OnceLock<String>>,
    /// Wakes the mail worker after a message was queued.
    mail_waker: Option<mailer::Waker>,
    /// Counts of filtered event listings, each used while the listings'
    /// version is the one it was counted at.
    pub(crate) event_counts: Arc<Kept<store::events::EventFilter, i64>>,
    /// Rendered bodies, served again while their version stays.
    pub(crate) bodies: Arc<BodyCache>,
}

impl ApiState {
    /// State for a pool, settings and the server's secret key.
    pub fn new(pool: DbPool, config: ApiConfig, secret_key: &str) -> Self {
        let to_chrono =
            |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        // simplejwt signs with SECRET_KEY itself, so tokens stay valid across the switch.
        let tokens = TokenConfig::new(
            secret_key.as_bytes(),
            to_chrono(config.access_token_lifetime),
            to_chrono(config.refresh_token_lifetime),
        );
        let bodies = Arc::new(BodyCache::new(config.response_cache_bytes));
        Self {
            pool,
            tokens,
            session_key: Key::from(&auth::derive_key(secret_key, "session")),
            feed_key: FeedKey::derive(secret_key),
            config: Arc::new(config),
            dummy_hash: Arc::new(OnceLock::new()),
            event_counts: Arc::new(Kept::new(EVENT_COUNTS, 1)),
            bodies,
            mail_waker: None,
        }
    }

    /// Wakes `waker`'s mail worker whenever a request queues mail (without
    /// one, queued mail waits for the worker's next poll).
    pub fn with_mail_waker(mut self, waker: mailer::Waker) -> Self {
        self.mail_waker = Some(waker);
        self
    }

    /// Tells the mail worker that a message was queued.
    pub(crate) fn wake_mailer(&self) {
        if let Some(waker) = &self.mail_waker {
            waker.wake();
        }
    }

    /// A bcrypt hash at the configured cost that matches no password anyone
    /// types. Computing it is slow: call it off the async executor.
    pub(crate) fn dummy_password_hash(&self) -> Arc<OnceLock<String>> {
        Arc::clone(&self.dummy_hash)
    }
}

/// The shared state, which every API route needs.
pub(crate) struct State(pub web::Data<ApiState>);

impl FromRequest for State {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(state_of(req).map(State))
    }
}

pub(crate) fn state_of(req: &HttpRequest) -> Result<web::Data<ApiState>, ApiError> {
    req.app_data::<web::Data<ApiState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("ApiState is not registered as app data".to_owned()))
}
