//! The throttles, counted in the database so every server process shares
//! them, answering the contract's 429: failed logins per client address
//! and per account (so guesses spread over many addresses, an IPv6 /64 say,
//! still meet a limit), and registrations per client address (each costs
//! a password hash).

use actix_web::HttpRequest;

use crate::http::client;
use crate::{with_conn, ApiError, ApiState};

/// How long a login waits for a place among the running attempts before
/// it is refused.
const ADMISSION_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// 429 while the client address has too many recent failed logins (in
/// any server process: they are counted in the database).
pub(crate) async fn check_throttle(req: &HttpRequest, state: &ApiState) -> Result<(), ApiError> {
    let client = client::address(req);
    let (allowed, window) = limits(
        state.config.login_failures_allowed,
        state.config.login_failure_window,
    );
    refused_while_waiting(state, move |conn| {
        store::login_attempts::waiting(conn, &client, allowed, window, store::now())
    })
    .await
}

/// A throttle's settings as the store counts them: at least one allowed.
fn limits(allowed: usize, window: std::time::Duration) -> (u32, chrono::Duration) {
    let allowed = u32::try_from(allowed.max(1)).unwrap_or(u32::MAX);
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    (allowed, window)
}

/// 429 when `wait` finds the client must wait, else through.
async fn refused_while_waiting<F>(state: &ApiState, wait: F) -> Result<(), ApiError>
where
    F: FnOnce(&mut store::DbConnection) -> store::StoreResult<Option<std::time::Duration>>
        + Send
        + 'static,
{
    match with_conn(&state.pool, move |conn| Ok(wait(conn)?)).await? {
        Some(wait) => Err(throttled(wait)),
        None => Ok(()),
    }
}

fn throttled(wait: std::time::Duration) -> ApiError {
    ApiError::Throttled(wait.as_secs_f64().ceil() as u64)
}

/// A login admitted by both throttles: its attempt under the client
/// address and under the account.
pub(crate) struct LoginAttempts([i64; 2]);

/// The throttle's key for an account: apart from client addresses, and of
/// a fixed length whatever the username's.
fn account_key(username: &str) -> String {
    format!("account:{}", &auth::sha256_hex(username.as_bytes())[..40])
}

/// Admits a login attempt for `username` from the request's client.
pub(crate) async fn admit_login(
    req: &HttpRequest,
    state: &ApiState,
    username: &str,
) -> Result<LoginAttempts, ApiError> {
    let config = &state.config;
    let client = admit(state, client::address(req), config.login_failures_allowed).await?;
    match admit(
        state,
        account_key(username),
        config.account_login_failures_allowed,
    )
    .await
    {
        Ok(account) => Ok(LoginAttempts([client, account])),
        Err(err) => {
            end_attempts(state, vec![client], false).await;
            Err(err)
        }
    }
}

/// Records how an admitted login ended: a wrong password counts for the
/// window; anything else is forgotten.
pub(crate) async fn record_login(state: &ApiState, attempts: LoginAttempts, failed: bool) {
    end_attempts(state, attempts.0.to_vec(), failed).await;
}

async fn end_attempts(state: &ApiState, attempts: Vec<i64>, failed: bool) {
    let recorded = with_conn(&state.pool, move |conn| {
        for attempt in attempts {
            if failed {
                store::login_attempts::failed(conn, attempt)?;
            } else {
                store::login_attempts::forget(conn, attempt)?;
            }
        }
        Ok(())
    })
    .await;
    if let Err(err) = recorded {
        tracing::warn!(error = %err, "cannot record how a login attempt ended");
    }
}

/// Admits a login attempt under `key`, waiting (briefly, a few times) while
/// running attempts fill the limit, so that many honest logins at once
/// queue instead of failing.
async fn admit(state: &ApiState, key: String, allowed: usize) -> Result<i64, ApiError> {
    let (allowed, window) = limits(allowed, state.config.login_failure_window);
    let started = std::time::Instant::now();
    loop {
        let key = key.clone();
        let admission = with_conn(&state.pool, move |conn| {
            Ok(store::login_attempts::admit(
                conn,
                &key,
                allowed,
                window,
                store::now(),
            )?)
        })
        .await?;
        match admission {
            store::login_attempts::Admission::Admitted(attempt) => return Ok(attempt),
            store::login_attempts::Admission::Refused(wait) => return Err(throttled(wait)),
            store::login_attempts::Admission::Busy if started.elapsed() < ADMISSION_PATIENCE => {
                actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            store::login_attempts::Admission::Busy => {
                return Err(throttled(std::time::Duration::from_secs(1)))
            }
        }
    }
}

/// Counts a registration from the request's client, or 429 when it has
/// made the allowed number within the window.
pub(crate) async fn admit_registration(
    req: &HttpRequest,
    state: &ApiState,
) -> Result<(), ApiError> {
    let client = client::address(req);
    let (allowed, window) = limits(
        state.config.registrations_allowed,
        state.config.registration_window,
    );
    refused_while_waiting(state, move |conn| {
        store::registration_throttle::admit(conn, &client, allowed, window, store::now())
    })
    .await
}
