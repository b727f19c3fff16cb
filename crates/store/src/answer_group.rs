//! PostgreSQL: answers that arrive together, taken in one statement.
//!
//! An answer to an event without seat rules is one statement that commits
//! by itself ([`crate::answer_at_once`]), and its commit waits for the
//! log's flush while holding the row. Answers to one popular row therefore
//! queue behind each other's flushes, one at a time. Here the answers that
//! arrive while a statement runs wait in a queue and the next caller takes
//! all of them in one statement and one commit.
//!
//! Each caller sees what its own statement would have given it: its answer
//! is stored when it returns, and refused by the same conditions. Identical
//! answers to one row (a client sending again) share the row; a different
//! answer to a row already in the batch waits for the next one, so answers
//! to one row are stored in the order they came. When the shared statement
//! fails, each answer is tried again on its own, so one answer's error
//! (a user deleted meanwhile, a deadlock with another server) is only its.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use diesel::PgConnection;

use crate::answer_at_once::{self, AtOnce};
use crate::leader_queue::{LeaderQueue, Mailbox, Queued};
use crate::rows::AttendanceRow;
use crate::{DbConnection, DbPool, StoreError};

/// The most rows one statement writes: it bounds how long the caller that
/// runs it waits for its own answer.
const MOST_PER_STATEMENT: usize = 64;

/// What a caller gets: the stored row, or `None` for the general path.
type Taken = Result<Option<AttendanceRow>, StoreError>;

/// The answers waiting for one database.
#[derive(Default)]
pub(crate) struct AnswerGroup {
    queue: LeaderQueue<Pending>,
}

/// One caller's answer and where its outcome goes.
struct Pending {
    request: AtOnce,
    mailbox: Arc<Mailbox<Taken>>,
}

impl Queued for Pending {
    fn lead(&self) {
        self.mailbox.lead();
    }
}

/// The answers of one batch: one request per row (the latest moment of
/// its identical answers), and the callers waiting for that row.
type Batch = Vec<(AtOnce, Vec<Pending>)>;

impl AnswerGroup {
    /// Takes the answer with the answers that arrive with it, and returns
    /// the stored row, or `None` when the general path must decide.
    pub(crate) fn answer(&self, pool: &DbPool, request: AtOnce) -> Taken {
        let mailbox = Mailbox::new();
        let pending = Pending {
            request,
            mailbox: Arc::clone(&mailbox),
        };
        self.queue
            .submit(pending, &mailbox, || self.run_batch(pool))
    }

    /// Takes a batch from the head of the queue, stores it, asks the next
    /// waiting caller to lead, and hands out the outcomes.
    fn run_batch(&self, pool: &DbPool) {
        let batch = self.queue.take(pick);
        let requests: Vec<AtOnce> = batch.iter().map(|(request, _)| *request).collect();
        let outcomes = panic::catch_unwind(AssertUnwindSafe(|| store(pool, &requests)));
        self.queue.pass_lead();
        match outcomes {
            Ok(Ok(mut by_row)) => {
                for (request, callers) in batch {
                    let taken = by_row.remove(&request.key()).unwrap_or(Ok(None));
                    deliver_all(callers, taken);
                }
            }
            Ok(Err(unreachable)) => {
                for (_, callers) in batch {
                    deliver_all(callers, Err(same_failure(&unreachable)));
                }
            }
            Err(panicked) => {
                tracing::error!("answers taken together panicked");
                let mut callers = batch.into_iter().flat_map(|(_, callers)| callers);
                // The first caller raises it again; the others fail plainly.
                if let Some(first) = callers.next() {
                    first.mailbox.deliver(Err(panicked));
                }
                for caller in callers {
                    caller.mailbox.deliver(Ok(Err(StoreError::Unavailable(
                        "the answer was not stored".to_owned(),
                    ))));
                }
            }
        }
    }
}

/// Takes from the queue, head first, up to [`MOST_PER_STATEMENT`] rows:
/// an answer identical to one taken for its row joins it; a row with a
/// different answer waiting stays behind from then on, keeping its order.
fn pick(jobs: &mut VecDeque<Pending>) -> Batch {
    let mut rows: Batch = Vec::new();
    let mut index: HashMap<(i64, uuid::Uuid), usize> = HashMap::new();
    let mut held_back: HashSet<(i64, uuid::Uuid)> = HashSet::new();
    let mut left = VecDeque::new();
    for job in jobs.drain(..) {
        let key = job.request.key();
        if held_back.contains(&key) {
            left.push_back(job);
            continue;
        }
        match index.get(&key) {
            Some(&at) if rows[at].0.answer == job.request.answer => {
                let (request, callers) = &mut rows[at];
                request.at = request.at.max(job.request.at);
                callers.push(job);
            }
            None if rows.len() < MOST_PER_STATEMENT => {
                index.insert(key, rows.len());
                rows.push((job.request, vec![job]));
            }
            _ => {
                held_back.insert(key);
                left.push_back(job);
            }
        }
    }
    *jobs = left;
    rows
}

/// Stores the requests, one per row: together when there are several, on
/// their own when that fails. `Err` only when no connection was had.
fn store(
    pool: &DbPool,
    requests: &[AtOnce],
) -> Result<HashMap<(i64, uuid::Uuid), Taken>, StoreError> {
    let mut conn = pool.get()?;
    let DbConnection::Pg(pg) = &mut **conn else {
        return Err(StoreError::Config(
            "answers are taken together on PostgreSQL only".to_owned(),
        ));
    };
    if requests.len() == 1 {
        // Nothing to take apart if it fails.
        return Ok(one_by_one(pg, requests));
    }
    match answer_at_once::answer_all(pg, requests) {
        Ok(stored) => {
            let mut by_row: HashMap<_, Taken> = HashMap::with_capacity(requests.len());
            for row in stored {
                by_row.insert((row.user_id, row.event_id.0), Ok(Some(row)));
            }
            Ok(by_row)
        }
        Err(err) => {
            tracing::debug!(error = %err, answers = requests.len(), "answers taken together failed; taking each alone");
            Ok(one_by_one(pg, requests))
        }
    }
}

fn one_by_one(pg: &mut PgConnection, requests: &[AtOnce]) -> HashMap<(i64, uuid::Uuid), Taken> {
    requests
        .iter()
        .map(|request| {
            let taken = answer_at_once::answer(pg, request).map_err(StoreError::from);
            (request.key(), taken)
        })
        .collect()
}

/// Hands every caller of one row its outcome: the first gets the error
/// itself, the others its like.
fn deliver_all(callers: Vec<Pending>, taken: Taken) {
    let mut callers = callers.into_iter();
    let first = callers.next();
    for caller in callers {
        let outcome = match &taken {
            Ok(row) => Ok(row.clone()),
            Err(err) => Err(same_failure(err)),
        };
        caller.mailbox.deliver(Ok(outcome));
    }
    if let Some(first) = first {
        first.mailbox.deliver(Ok(taken));
    }
}

/// An error for another caller that met the same failure.
fn same_failure(err: &StoreError) -> StoreError {
    match err {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(message) => StoreError::Conflict(message.clone()),
        StoreError::Unavailable(message) => StoreError::Unavailable(message.clone()),
        other => StoreError::Unavailable(other.to_string()),
    }
}
