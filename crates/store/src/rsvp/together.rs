//! PostgreSQL: answers that arrive together, taken in one transaction.
//!
//! An answer's transaction waits for the log's flush at its commit while
//! holding its event's lock, so answers to one popular event would queue
//! behind each other's flushes, one at a time. Here the answers that
//! arrive while a transaction runs wait in a queue, and the next caller
//! takes all of them in one transaction: the events locked and read in one
//! statement, each answer through [`super::take_locked`] (the same rules
//! and seats as one answer alone), the rows of answers to events without a
//! capacity stored in one statement, and one commit.
//!
//! Each caller sees what its own transaction would have given it: its
//! answer is stored when it returns, or refused by the same rules.
//! Identical answers to one row (a client sending again) share the row; a
//! different answer to a row already in the batch waits for the next one,
//! so answers to one row are stored in the order they came. When the
//! shared transaction fails, each answer is taken again on its own, so one
//! answer's error (a user deleted meanwhile, a deadlock with another
//! server) is only its.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{take_locked, upserted, Checks, Outcome, Request, RsvpError, Taken};
use crate::db::batch::{LeaderQueue, Mailbox, Queued};
use crate::seats::{self, PromotionMail};
use crate::{write_transaction, DbConnection, DbPool, StoreError};

/// The most rows one transaction writes: it bounds how long the caller
/// that runs it waits for its own answer.
const MOST_PER_BATCH: usize = 64;

/// What a caller gets.
type Taking = Result<Outcome, RsvpError>;

/// The answers waiting for one pool (see [`DbPool::shared`]).
#[derive(Default)]
pub(crate) struct Together {
    queue: LeaderQueue<Pending>,
}

/// One caller's answer and where its outcome goes.
struct Pending {
    request: Request,
    mail: PromotionMail,
    mailbox: Arc<Mailbox<Taking>>,
}

impl Queued for Pending {
    fn lead(&self) {
        self.mailbox.lead();
    }
}

/// The answers of one batch: one request per row, and the callers
/// waiting for that row.
type Batch = Vec<(Request, Vec<Pending>)>;

/// Takes the answer with the answers that arrive with it on `pool`.
pub(crate) fn take(pool: &DbPool, request: Request, mail: PromotionMail) -> Taking {
    let together = pool.shared::<Together>();
    let mailbox = Mailbox::new();
    let pending = Pending {
        request,
        mail,
        mailbox: Arc::clone(&mailbox),
    };
    together
        .queue
        .submit(pending, &mailbox, || together.run_batch(pool))
}

impl Together {
    /// Takes a batch from the head of the queue, stores it, asks the next
    /// waiting caller to lead, and hands out the outcomes.
    fn run_batch(&self, pool: &DbPool) {
        let batch = self.queue.take(pick);
        let requests: Vec<(Request, PromotionMail)> = batch
            .iter()
            .map(|(request, callers)| (*request, callers[0].mail))
            .collect();
        let outcomes = panic::catch_unwind(AssertUnwindSafe(|| store(pool, &requests)));
        self.queue.pass_lead();
        match outcomes {
            Ok(Ok(outcomes)) => {
                for ((_, callers), taken) in batch.into_iter().zip(outcomes) {
                    deliver_all(callers, taken);
                }
            }
            Ok(Err(unreachable)) => {
                for (_, callers) in batch {
                    deliver_all(callers, Err(RsvpError::Store(same_failure(&unreachable))));
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
                    caller
                        .mailbox
                        .deliver(Ok(Err(RsvpError::Store(StoreError::Unavailable(
                            "the answer was not stored".to_owned(),
                        )))));
                }
            }
        }
    }
}

/// Takes from the queue, head first, up to [`MOST_PER_BATCH`] rows: an
/// answer identical to one taken for its row joins it; a row with a
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
            Some(&at) if rows[at].0.answer == job.request.answer => rows[at].1.push(job),
            None if rows.len() < MOST_PER_BATCH => {
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

/// Takes the requests, one per row: together when there are several, each
/// on its own when that fails. `Err` only when no connection was had.
fn store(pool: &DbPool, requests: &[(Request, PromotionMail)]) -> Result<Vec<Taking>, StoreError> {
    let mut conn = pool.get()?;
    if requests.len() > 1 {
        let now = crate::now();
        let requests = requests.to_vec();
        match write_transaction(&mut conn, move |conn| take_all(conn, &requests, now)) {
            Ok(outcomes) => return Ok(outcomes),
            Err(err) => {
                tracing::debug!(error = %err, "answers taken together failed; taking each alone");
            }
        }
    }
    Ok(requests
        .iter()
        .map(|&(request, mail)| {
            write_transaction(&mut conn, move |conn| {
                take_all(conn, &[(request, mail)], crate::now())?
                    .pop()
                    .unwrap_or(Err(RsvpError::Store(StoreError::NotFound)))
            })
        })
        .collect())
}

/// Takes every request in the caller's transaction. A refusal is that
/// answer's outcome; a database error fails them all (the transaction is
/// lost), to be taken again one by one.
fn take_all(
    conn: &mut DbConnection,
    requests: &[(Request, PromotionMail)],
    now: DateTime<Utc>,
) -> Result<Vec<Taking>, StoreError> {
    let DbConnection::Pg(pg) = conn else {
        return Err(StoreError::Config(
            "answers are taken together on PostgreSQL only".to_owned(),
        ));
    };
    let ids: Vec<_> = requests.iter().map(|(r, _)| r.event_id).collect();
    let events: HashMap<_, _> = seats::lock_events(pg, &ids)?
        .into_iter()
        .map(|event| (event.id, event))
        .collect();
    let mut outcomes: Vec<Option<Taking>> = Vec::with_capacity(requests.len());
    let mut upserts = Vec::new();
    for (at, &(request, mail)) in requests.iter().enumerate() {
        let Some(event) = events.get(&request.event_id) else {
            outcomes.push(Some(Err(RsvpError::Store(StoreError::NotFound))));
            continue;
        };
        let taken = take_locked(
            conn,
            event,
            request.user_id,
            request.answer,
            Checks::All,
            mail,
            now,
        );
        outcomes.push(match taken {
            Ok(Taken::Done(outcome)) => Some(Ok(outcome)),
            Ok(Taken::Upsert(row)) => {
                upserts.push((at, row));
                None
            }
            Err(RsvpError::Store(err)) => return Err(err),
            Err(refused) => Some(Err(refused)),
        });
    }
    let DbConnection::Pg(pg) = conn else {
        return Err(StoreError::Config("not PostgreSQL".to_owned()));
    };
    let rows: Vec<_> = upserts.iter().map(|(_, row)| row.clone()).collect();
    let mut stored: HashMap<_, _> = crate::attendances::upsert_rows(pg, &rows)?
        .into_iter()
        .map(|row| ((row.user_id, row.event_id.0), row))
        .collect();
    for (at, row) in upserts {
        let saved = stored.remove(&(row.user_id, row.event_id.0));
        outcomes[at] = Some(match saved {
            Some(saved) => upserted(saved),
            None => Err(RsvpError::Store(StoreError::NotFound)),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Err(RsvpError::Store(StoreError::NotFound))))
        .collect())
}

/// Hands every caller of one row its outcome: the first gets it itself,
/// the others its like.
fn deliver_all(callers: Vec<Pending>, taken: Taking) {
    let mut callers = callers.into_iter();
    let first = callers.next();
    for caller in callers {
        let outcome = match &taken {
            Ok(outcome) => Ok(outcome.clone()),
            Err(err) => Err(same_refusal(err)),
        };
        caller.mailbox.deliver(Ok(outcome));
    }
    if let Some(first) = first {
        first.mailbox.deliver(Ok(taken));
    }
}

/// The same refusal for another caller of the same row.
fn same_refusal(err: &RsvpError) -> RsvpError {
    match err {
        RsvpError::Refused(refusal) => RsvpError::Refused(*refusal),
        RsvpError::TooManyGuests { max } => RsvpError::TooManyGuests { max: *max },
        RsvpError::NotEnoughSeats { left } => RsvpError::NotEnoughSeats { left: *left },
        RsvpError::Store(err) => RsvpError::Store(same_failure(err)),
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
