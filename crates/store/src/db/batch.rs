//! A queue whose callers take turns running everyone's work in batches.
//!
//! The first caller to find nobody leading runs a batch from the head of
//! the queue; the others wait. When a batch is done, its leader asks the
//! caller whose work now heads the queue to lead the next one, then hands
//! out the outcomes. No thread of its own: the callers' threads do the work.
//! [`crate::db::write_group`] (SQLite's shared commits) and the answers
//! PostgreSQL takes together (`rsvp/together.rs`) use it.

use std::collections::VecDeque;
use std::panic;
use std::sync::Arc;
use std::thread;

use parking_lot::{Condvar, Mutex};

/// A queued piece of work, as the queue sees it.
pub(crate) trait Queued {
    /// Asks the caller that queued it to lead the next batch.
    fn lead(&self);
}

impl<J: Queued + ?Sized> Queued for Box<J> {
    fn lead(&self) {
        (**self).lead();
    }
}

/// The work waiting, and whether a caller leads.
pub(crate) struct LeaderQueue<J> {
    waiting: Mutex<Waiting<J>>,
}

struct Waiting<J> {
    jobs: VecDeque<J>,
    /// A caller is running a batch, or has been asked to run the next one.
    /// While it is false the queue is empty.
    led: bool,
}

impl<J> Default for LeaderQueue<J> {
    fn default() -> Self {
        Self {
            waiting: Mutex::new(Waiting {
                jobs: VecDeque::new(),
                led: false,
            }),
        }
    }
}

impl<J: Queued> LeaderQueue<J> {
    /// Queues `job`, then runs batches with `run_batch` while this caller
    /// is asked to lead, until its own outcome arrives in `mailbox`; a
    /// panic of its work is raised again here.
    pub(crate) fn submit<R>(&self, job: J, mailbox: &Mailbox<R>, run_batch: impl Fn()) -> R {
        let mut leads = {
            let mut waiting = self.waiting.lock();
            waiting.jobs.push_back(job);
            !std::mem::replace(&mut waiting.led, true)
        };
        loop {
            if leads {
                // This caller's work heads the queue, so it is in the batch.
                run_batch();
            }
            match mailbox.wait() {
                Some(Ok(outcome)) => return outcome,
                Some(Err(panicked)) => panic::resume_unwind(panicked),
                None => leads = true,
            }
        }
    }

    /// Takes the next batch: `pick` removes it from the queue, head first.
    pub(crate) fn take<B>(&self, pick: impl FnOnce(&mut VecDeque<J>) -> B) -> B {
        pick(&mut self.waiting.lock().jobs)
    }

    /// Asks the caller whose work heads the queue to lead, or notes that
    /// nobody leads: the next batch can start while this one's callers
    /// wake up.
    pub(crate) fn pass_lead(&self) {
        let mut waiting = self.waiting.lock();
        match waiting.jobs.front() {
            Some(next) => next.lead(),
            None => waiting.led = false,
        }
    }
}

/// Where a caller waits for its outcome or its turn to lead.
pub(crate) struct Mailbox<R> {
    stage: Mutex<Stage<R>>,
    changed: Condvar,
}

enum Stage<R> {
    Queued,
    Lead,
    /// The work's outcome, or the panic it raised.
    Done(thread::Result<R>),
}

impl<R> Mailbox<R> {
    /// An empty mailbox, shared by the caller and its queued work.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            stage: Mutex::new(Stage::Queued),
            changed: Condvar::new(),
        })
    }

    /// Asks the caller to lead the next batch.
    pub(crate) fn lead(&self) {
        self.set(Stage::Lead);
    }

    /// Hands the caller its outcome.
    pub(crate) fn deliver(&self, outcome: thread::Result<R>) {
        self.set(Stage::Done(outcome));
    }

    fn set(&self, stage: Stage<R>) {
        *self.stage.lock() = stage;
        self.changed.notify_one();
    }

    /// Waits for the outcome, or for `None`: the caller is to lead.
    fn wait(&self) -> Option<thread::Result<R>> {
        let mut stage = self.stage.lock();
        while matches!(*stage, Stage::Queued) {
            self.changed.wait(&mut stage);
        }
        match std::mem::replace(&mut *stage, Stage::Queued) {
            Stage::Done(outcome) => Some(outcome),
            Stage::Lead | Stage::Queued => None,
        }
    }
}
