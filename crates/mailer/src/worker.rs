use std::sync::Arc;

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

/// Drains the outbox: claims due messages, sends them and records the outcome.
pub struct Worker {
    pool: DbPool,
    transport: Arc<Transport>,
    config: Arc<MailConfig>,
    from: Mailbox,
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
        Ok(Self {
            pool,
            transport: Arc::new(Transport::from_config(&config)?),
            config: Arc::new(config),
            from,
        })
    }

    /// Starts the worker on the current tokio runtime.
    pub fn spawn(self) -> WorkerHandle {
        let waker = Waker::default();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(waker.clone(), stopped));
        WorkerHandle { waker, stop, task }
    }

    async fn run(self, waker: Waker, mut stopped: watch::Receiver<bool>) {
        tracing::info!(backend = ?self.config.backend, "mail worker started");
        while !*stopped.borrow() {
            match self.claim().await {
                Ok(batch) if !batch.is_empty() => {
                    let mut pending = batch.into_iter();
                    while let Some(message) = pending.next() {
                        self.deliver(message).await;
                        if *stopped.borrow() {
                            self.release(pending.map(|m| m.id).collect()).await;
                            break;
                        }
                    }
                    // Look for more at once: a full batch may mean a backlog.
                    continue;
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "mail worker cannot read the outbox"),
            }
            tokio::select! {
                () = waker.0.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
                _ = stopped.changed() => {}
            }
        }
        tracing::info!("mail worker stopped");
    }

    async fn claim(&self) -> Result<Vec<Message>, StoreError> {
        let lease = chrono::Duration::from_std(self.config.lease).unwrap_or(chrono::Duration::MAX);
        let limit = self.config.batch_size;
        self.with_conn(move |conn| {
            let now = store::now();
            store::outbox::claim_due(conn, now, now + lease, limit)
        })
        .await
    }

    async fn deliver(&self, message: Message) {
        let transport = Arc::clone(&self.transport);
        let from = self.from.clone();
        let (id, attempts) = (message.id, message.attempts);
        let outcome = tokio::task::spawn_blocking(move || transport.send(&from, &message))
            .await
            .unwrap_or_else(|err| {
                Err(crate::SendError {
                    permanent: false,
                    message: format!("delivery task failed: {err}"),
                })
            });
        let max_attempts = self.config.max_attempts;
        let retry_in = self
            .config
            .backoff(u32::try_from(attempts).unwrap_or(u32::MAX));
        let recorded = self
            .with_conn(move |conn| match outcome {
                Ok(()) => store::outbox::mark_sent(conn, id, store::now()),
                Err(err) if err.permanent || attempts >= i32::try_from(max_attempts).unwrap_or(i32::MAX) => {
                    tracing::warn!(id, attempts, error = %err.message, "giving up on a message");
                    store::outbox::mark_failed(conn, id, &err.message)
                }
                Err(err) => {
                    tracing::info!(id, attempts, error = %err.message, retry_in = ?retry_in, "message not sent; will retry");
                    let next = Utc::now() + chrono::Duration::from_std(retry_in).unwrap_or(chrono::Duration::MAX);
                    store::outbox::mark_retry(conn, id, next, &err.message)
                }
            })
            .await;
        if let Err(err) = recorded {
            // The claim expires and the message is tried again.
            tracing::error!(id, error = %err, "cannot record a delivery outcome");
        }
    }

    async fn release(&self, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        if let Err(err) = self
            .with_conn(move |conn| store::outbox::release(conn, &ids))
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
            work(&mut conn)
        })
        .await
        .map_err(|err| StoreError::Unavailable(format!("database task failed: {err}")))?
    }
}
