use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use store::outbox::Message;
use store::{DbPool, StoreError};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::{ConfigError, MailConfig, Transport};

/// Wakes the worker when a message was queued, so it does not wait for
/// its next poll.
#[derive(Clone, Debug, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    /// Tells the worker there is work. Never blocks; a wake while the
    /// worker is busy is remembered.
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// How much longer than one delivery's timeout a claim must last.
const LEASE_MARGIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Drains the outbox: claims due messages, sends them and records the outcome.
pub struct Worker {
    pool: DbPool,
    transport: Arc<Transport>,
    config: Arc<MailConfig>,
    from: Mailbox,
    /// How long a claim lasts: the configured lease, or long enough for two
    /// deliveries that hit the SMTP timeout, whichever is longer.
    lease: std::time::Duration,
}

/// A running worker.
pub struct WorkerHandle {
    waker: Waker,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Something that wakes this worker.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Stops the worker after the message it is sending, handing any other
    /// claimed messages back, and waits for it.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "mail worker ended abnormally");
        }
    }
}

impl Worker {
    /// A worker for the configuration.
    pub fn new(pool: DbPool, config: MailConfig) -> Result<Self, ConfigError> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            ConfigError(format!(
                "EMAIL_FROM {:?} is not an address: {e}",
                config.from
            ))
        })?;
        let lease = config.lease.max(config.smtp.timeout * 2 + LEASE_MARGIN);
        Ok(Self {
            pool,
            transport: Arc::new(Transport::from_config(&config)?),
            config: Arc::new(config),
            from,
            lease,
        })
    }

    /// Starts the worker on the current tokio runtime.
    pub fn spawn(self) -> WorkerHandle {
        let waker = Waker::default();
        let (stop, stopped) = watch::channel(false);
        if self.pool.url().backend() == store::Backend::Postgres {
            let (url, waker, stopped) = (self.pool.url().clone(), waker.clone(), stopped.clone());
            let listener = std::thread::Builder::new()
                .name("mail-listener".to_owned())
                .spawn(move || listen(&url, &waker, &stopped));
            if let Err(err) = listener {
                tracing::warn!(error = %err, "cannot start the mail listener; mail from other processes waits for the poll");
            }
        }
        let task = tokio::spawn(self.run(waker.clone(), stopped));
        WorkerHandle { waker, stop, task }
    }

    async fn run(self, waker: Waker, mut stopped: watch::Receiver<bool>) {
        tracing::info!(backend = ?self.config.backend, "mail worker started");
        while !*stopped.borrow() {
            self.schedule_reminders().await;
            match self.claim().await {
                Ok(batch) if !batch.is_empty() => {
                    self.deliver_batch(batch, &stopped).await;
                    // Look for more at once: a full batch may mean a backlog.
                    continue;
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "mail worker cannot read the outbox"),
            }
            tokio::select! {
                () = waker.0.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
                changed = stopped.changed() => {
                    // The handle is gone without a shutdown: stop too.
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Sends a claimed batch one message at a time. Before each, it checks
    /// that it is not stopping and that the claim outlasts a whole delivery
    /// (else another worker could claim and send the message meanwhile); the
    /// rest of the batch is handed back otherwise.
    async fn deliver_batch(&self, batch: Vec<Message>, stopped: &watch::Receiver<bool>) {
        let safety = chrono::Duration::from_std(self.config.smtp.timeout + LEASE_MARGIN)
            .unwrap_or(chrono::Duration::MAX);
        let mut pending = batch.into_iter().peekable();
        while let Some(message) = pending.peek() {
            let Some(lease) = message.claimed_until else {
                break;
            };
            if *stopped.borrow() || Utc::now() + safety >= lease {
                break;
            }
            if let Some(message) = pending.next() {
                self.deliver(message, lease).await;
            }
        }
        let rest: Vec<Message> = pending.collect();
        if let Some(lease) = rest.first().and_then(|m| m.claimed_until) {
            self.release(rest.iter().map(|m| m.id).collect(), lease)
                .await;
        }
    }

    /// Queues the reminders now due; they go out with the next claim.
    async fn schedule_reminders(&self) {
        let lead =
            chrono::Duration::from_std(self.config.reminder_lead).unwrap_or(chrono::Duration::MAX);
        let written = self
            .with_conn(move |conn| {
                store::reminders::schedule(conn, store::now(), lead, crate::reminder)
            })
            .await;
        match written {
            Ok(0) => {}
            Ok(written) => tracing::info!(written, "reminders queued"),
            Err(err) => tracing::warn!(error = %err, "cannot queue reminders"),
        }
    }

    async fn claim(&self) -> Result<Vec<Message>, StoreError> {
        let lease = chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::MAX);
        let limit = self.config.batch_size;
        self.with_conn(move |conn| {
            let now = store::now();
            store::outbox::claim_due(conn, now, now + lease, limit)
        })
        .await
    }

    async fn deliver(&self, message: Message, lease: chrono::DateTime<Utc>) {
        let transport = Arc::clone(&self.transport);
        let from = self.from.clone();
        let (id, attempts) = (message.id, message.attempts);
        let outcome = match self.unsubscribe_link(message.unsubscribe_user).await {
            Ok(unsubscribe) => tokio::task::spawn_blocking(move || {
                transport.send(&from, &message, unsubscribe.as_deref())
            })
            .await
            .unwrap_or_else(|err| {
                Err(crate::SendError {
                    permanent: false,
                    message: format!("delivery task failed: {err}"),
                })
            }),
            // A link that would not work yet is not sent; the message is retried.
            Err(err) => Err(crate::SendError {
                permanent: false,
                message: format!("cannot record the unsubscribe token: {err}"),
            }),
        };
        let max_attempts = self.config.max_attempts;
        let retry_in = self
            .config
            .backoff(u32::try_from(attempts).unwrap_or(u32::MAX));
        let recorded = self
            .with_conn(move |conn| match outcome {
                Ok(()) => store::outbox::mark_sent(conn, id, lease, store::now()),
                Err(err) if err.permanent || attempts >= i32::try_from(max_attempts).unwrap_or(i32::MAX) => {
                    tracing::warn!(id, attempts, error = %err.message, "giving up on a message");
                    store::outbox::mark_failed(conn, id, lease, &err.message)
                }
                Err(err) => {
                    tracing::info!(id, attempts, error = %err.message, retry_in = ?retry_in, "message not sent; will retry");
                    let next = Utc::now() + chrono::Duration::from_std(retry_in).unwrap_or(chrono::Duration::MAX);
                    store::outbox::mark_retry(conn, id, lease, next, &err.message)
                }
            })
            .await;
        match recorded {
            Ok(()) => {}
            Err(StoreError::NotFound) => {
                tracing::warn!(
                    id,
                    "the claim on a message ran out before its outcome was recorded"
                );
            }
            // The claim expires and the message is tried again.
            Err(err) => tracing::error!(id, error = %err, "cannot record a delivery outcome"),
        }
    }

    /// The notice recipient's one-click unsubscribe link, its token's hash
    /// recorded first so the link works when the mail arrives.
    async fn unsubscribe_link(
        &self,
        user: Option<domain::UserId>,
    ) -> Result<Option<String>, StoreError> {
        let Some(user) = user else {
            return Ok(None);
        };
        let token = self.config.unsubscribe_key.token(user);
        let hash = auth::unsubscribe_token_hash(&token);
        self.with_conn(move |conn| store::users::set_unsubscribe_token_hash(conn, user, &hash))
            .await?;
        Ok(Some(format!(
            "{}/api/unsubscribe/{token}",
            self.config.site_url.trim_end_matches('/')
        )))
    }

    async fn release(&self, ids: Vec<i64>, lease: chrono::DateTime<Utc>) {
        if ids.is_empty() {
            return;
        }
        if let Err(err) = self
            .with_conn(move |conn| store::outbox::release(conn, &ids, lease))
            .await
        {
            tracing::warn!(error = %err, "cannot hand back claimed messages; they are retried after their lease");
        }
    }

    async fn with_conn<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut store::DbConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let done = work(&mut conn);
            if let Err(err) = &done {
                if err.may_mean_lost_connection() {
                    pool.suspect_connections();
                }
            }
            done
        })
        .await
        .map_err(|err| StoreError::Unavailable(format!("database task failed: {err}")))?
    }
}

/// How often the listener looks for announcements: mail queued by any
/// process is sent within this, not within the poll interval.
const LISTEN_TICK: Duration = Duration::from_millis(100);

/// How many ticks between round trips that check the listener's
/// connection (every 30 s).
const TICKS_PER_CHECK: u32 = 300;

/// Wakes the worker whenever any server process queues mail on this
/// PostgreSQL database, until the worker stops. Runs on a thread of its own
/// with a connection of its own (outside the pool); a lost connection is
/// opened again, and the worker woken then in case mail came meanwhile.
fn listen(url: &store::DatabaseUrl, waker: &Waker, stopped: &watch::Receiver<bool>) {
    let mut listener = None;
    let mut ticks = 0_u32;
    // Also stop when the handle is gone without a shutdown.
    while !*stopped.borrow() && stopped.has_changed().is_ok() {
        ticks = ticks.wrapping_add(1);
        let heard = match listener.as_mut() {
            Some(listener) if ticks % TICKS_PER_CHECK == 0 => {
                store::mail_wake::MailListener::check(listener).map(|()| false)
            }
            Some(listener) => store::mail_wake::MailListener::announced(listener),
            None => {
                match store::mail_wake::MailListener::open(url) {
                    Ok(opened) => {
                        listener = opened;
                        // Mail may have been queued while nobody listened.
                        waker.wake();
                    }
                    Err(err) => tracing::debug!(error = %err, "mail listener cannot connect yet"),
                }
                Ok(false)
            }
        };
        match heard {
            Ok(true) => waker.wake(),
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(error = %err, "mail listener lost its connection; reconnecting");
                listener = None;
            }
        }
        std::thread::sleep(LISTEN_TICK);
    }
}
