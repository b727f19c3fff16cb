//! Group commit on SQLite: write transactions that arrive while another is
//! running wait in a queue, and the next writer runs all of them in one
//! transaction, each in its own savepoint, and commits once.
//!
//! SQLite has one writer at a time. Handing its lock from one thread to the
//! next (a wake-up, a context switch, a fresh `BEGIN IMMEDIATE` and a
//! `COMMIT` each time) costs more than most answers themselves; a queue
//! drained by one thread pays that once per batch instead of once per write.
//!
//! What each caller sees is the same as with its own transaction: its work
//! runs after the work queued before it, sees that work's effects, is
//! rolled back alone when it fails, and returns only once the transaction
//! holding it has committed. If that commit fails, every write in it fails.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;

use diesel::connection::{Connection, TransactionManager};

use crate::db::batch::{LeaderQueue, Mailbox, Queued};
use crate::{write_transaction, DbConnection, DbPool, StoreError};

type Manager = <DbConnection as Connection>::TransactionManager;

/// The most writes one transaction carries: it bounds how long the thread
/// that runs them waits for its own answer, and the transaction's size.
const MOST_PER_COMMIT: usize = 64;

/// The writes waiting for one database, and whether a thread runs them.
#[derive(Default)]
pub(crate) struct WriteGroup {
    queue: LeaderQueue<Box<dyn Job>>,
}

/// One caller's write, as the thread running its batch sees it.
trait Job: Send + Queued {
    /// Runs the work in a savepoint of its own, kept when the work succeeds
    /// and rolled back when it fails. `Err` when the savepoint itself could
    /// not be set or ended: then the transaction can't be trusted.
    fn run(&mut self, conn: &mut DbConnection) -> Result<(), StoreError>;
    /// The transaction holding the work did not commit.
    fn fail(&mut self, err: &StoreError);
    /// Hands the outcome to the caller.
    fn finish(self: Box<Self>);
}

struct Entry<F, T, E> {
    work: Option<F>,
    outcome: Option<thread::Result<Result<T, E>>>,
    mailbox: Arc<Mailbox<Result<T, E>>>,
}

impl<F, T, E> Job for Entry<F, T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send,
    T: Send,
    E: From<StoreError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        let Some(work) = self.work.take() else {
            return Ok(());
        };
        let outer = depth(conn)?;
        Manager::begin_transaction(conn)?;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| work(conn)));
        let keep = matches!(outcome, Ok(Ok(_)));
        self.outcome = Some(outcome);
        // A panic inside a transaction the work opened leaves that one open:
        // close it first, or the work's own savepoint would stay open and the
        // batch's commit would only release it.
        let left_open = depth(conn)? > outer + 1;
        while depth(conn)? > outer + 1 {
            Manager::rollback_transaction(conn)?;
        }
        if keep && !left_open {
            Manager::commit_transaction(conn)?;
        } else {
            Manager::rollback_transaction(conn)?;
        }
        if keep && left_open {
            // It said it succeeded but its effects are gone: fail the batch.
            return Err(StoreError::Unavailable(
                "a write left a transaction open".to_owned(),
            ));
        }
        Ok(())
    }

    fn fail(&mut self, err: &StoreError) {
        // A write that failed on its own keeps its own error (a refusal is
        // still the answer); one that succeeded, or never ran, is undone.
        if matches!(self.outcome, None | Some(Ok(Ok(_)))) {
            self.outcome = Some(Ok(Err(E::from(shared_failure(err)))));
        }
    }

    fn finish(self: Box<Self>) {
        let outcome = self.outcome.unwrap_or_else(|| {
            Ok(Err(E::from(StoreError::Unavailable(
                "the write was not run".to_owned(),
            ))))
        });
        self.mailbox.deliver(outcome);
    }
}

impl<F, T, E> Queued for Entry<F, T, E> {
    fn lead(&self) {
        self.mailbox.lead();
    }
}

/// How many transactions and savepoints are open on `conn`.
fn depth(conn: &mut DbConnection) -> Result<u32, StoreError> {
    let open = Manager::transaction_manager_status_mut(conn).transaction_depth()?;
    Ok(open.map_or(0, std::num::NonZeroU32::get))
}

/// The error each write of a batch gets when the batch did not commit.
fn shared_failure(err: &StoreError) -> StoreError {
    StoreError::Unavailable(format!("the write was not committed: {err}"))
}

impl WriteGroup {
    /// Queues `work`, runs it (and the writes queued with it) when this
    /// caller leads or waits for the thread that does, and returns its
    /// result once it has committed or failed.
    pub(crate) fn write<T, E, F>(&self, pool: &DbPool, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let mailbox = Mailbox::new();
        let entry = Entry {
            work: Some(work),
            outcome: None,
            mailbox: Arc::clone(&mailbox),
        };
        self.queue
            .submit(Box::new(entry), &mailbox, || self.run_batch(pool))
    }

    /// Takes the head of the queue, commits it in one transaction, asks the
    /// next waiting caller to lead, and hands out the outcomes.
    fn run_batch(&self, pool: &DbPool) {
        let mut batch: Vec<Box<dyn Job>> = self.queue.take(|jobs| {
            let taken = jobs.len().min(MOST_PER_COMMIT);
            jobs.drain(..taken).collect()
        });
        let committed = panic::catch_unwind(AssertUnwindSafe(|| commit_together(pool, &mut batch)))
            .unwrap_or_else(|_| {
                Err(StoreError::Unavailable(
                    "the shared write transaction panicked".to_owned(),
                ))
            });
        if let Err(err) = committed {
            tracing::warn!(error = %err, writes = batch.len(), "a shared write transaction failed");
            for job in &mut batch {
                job.fail(&err);
            }
        }
        self.queue.pass_lead();
        for job in batch {
            job.finish();
        }
    }
}

fn commit_together(pool: &DbPool, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    let mut conn = pool.get()?;
    write_transaction(&mut conn, |conn| {
        batch.iter_mut().try_for_each(|job| job.run(conn))
    })
}
