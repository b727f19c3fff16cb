//! Writes through the pool (`DbPool::write`): on SQLite, writes that queue
//! behind a running one share the next transaction and its commit; each
//! caller still sees only its own outcome, after the commit, and a write
//! that fails or panics is undone alone.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use domain::EventId;
use store::events::{EventFilter, EventQuery};
use store::testing::TestDb;
use store::{DbPool, StoreError};

use crate::fixtures::event;

const WRITERS: usize = 24;

/// Starts a write that holds the database for a while, and returns once it
/// runs: writes started meanwhile queue behind it (on SQLite, into one
/// shared transaction).
fn hold_the_writer(pool: &DbPool) -> JoinHandle<Result<EventId, StoreError>> {
    let (running, started) = mpsc::channel();
    let pool = pool.clone();
    let holder = thread::spawn(move || {
        pool.write(move |conn| {
            let created = event(conn, "Holder", "2030-01-01", None);
            running.send(()).expect("the test waits");
            thread::sleep(Duration::from_millis(300));
            Ok(created.id)
        })
    });
    started.recv().expect("the holding write runs");
    holder
}

/// Waits for the holding write to commit; its event is the first expected.
fn committed_holder(holder: JoinHandle<Result<EventId, StoreError>>) -> BTreeSet<String> {
    holder
        .join()
        .expect("holder finished")
        .expect("holder committed");
    BTreeSet::from(["Holder".to_owned()])
}

/// The names of every stored event.
fn stored_names(db: &TestDb) -> BTreeSet<String> {
    let query = EventQuery {
        filter: EventFilter::default(),
        limit: Some(1000),
        ..EventQuery::default()
    };
    store::events::list(&mut db.conn(), &query)
        .expect("list")
        .into_iter()
        .map(|e| e.event.name.to_string())
        .collect()
}

fn writes_queued_together_each_keep_their_own_outcome(db: &TestDb) {
    let pool = db.pool().clone();
    let holder = hold_the_writer(&pool);
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let pool = pool.clone();
            thread::spawn(move || {
                pool.write(move |conn| {
                    let created = event(conn, &format!("Writer {i}"), "2030-01-02", None);
                    // Every third write is refused after it wrote.
                    if i % 3 == 0 {
                        Err(StoreError::Conflict(format!("refused {i}")))
                    } else {
                        Ok(created.id)
                    }
                })
            })
        })
        .collect();
    let mut expected = committed_holder(holder);
    for (i, writer) in writers.into_iter().enumerate() {
        match writer.join().expect("writer finished") {
            Ok(id) => {
                assert_ne!(i % 3, 0, "writer {i} should have been refused");
                let stored = store::events::get(&mut db.conn(), id).expect("committed");
                assert_eq!(stored.name.to_string(), format!("Writer {i}"));
                expected.insert(format!("Writer {i}"));
            }
            Err(StoreError::Conflict(message)) => {
                assert_eq!(i % 3, 0, "writer {i} failed: {message}");
                assert_eq!(message, format!("refused {i}"), "its own error");
            }
            Err(other) => panic!("writer {i} failed: {other}"),
        }
    }
    assert_eq!(stored_names(db), expected, "refused writes left nothing");
}

fn a_write_that_panics_is_undone_alone(db: &TestDb) {
    let pool = db.pool().clone();
    let holder = hold_the_writer(&pool);
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let pool = pool.clone();
            thread::spawn(move || {
                pool.write(move |conn| {
                    event(conn, &format!("Writer {i}"), "2030-01-02", None);
                    // Writer 3 panics inside a transaction of its own.
                    store::write_transaction(conn, |conn| {
                        event(conn, &format!("Nested {i}"), "2030-01-02", None);
                        assert_ne!(i, 3, "writer 3 panics after it wrote");
                        Ok::<_, StoreError>(())
                    })
                })
            })
        })
        .collect();
    let mut expected = committed_holder(holder);
    for (i, writer) in writers.into_iter().enumerate() {
        match writer.join() {
            Ok(committed) => {
                committed.expect("committed");
                expected.insert(format!("Writer {i}"));
                expected.insert(format!("Nested {i}"));
            }
            Err(_) => assert_eq!(i, 3, "only writer 3 panics, in its own thread"),
        }
    }
    assert_eq!(stored_names(db), expected);
    // The pool still works after the panic.
    pool.write(|conn| Ok::<_, StoreError>(event(conn, "After", "2030-01-03", None)))
        .expect("a later write");
}

fn a_transaction_inside_a_pool_write_is_a_savepoint(db: &TestDb) {
    let pool = db.pool().clone();
    let outer = pool
        .write(|conn| {
            let inner = store::write_transaction(conn, |conn| {
                event(conn, "Inner", "2030-01-01", None);
                Err::<(), _>(StoreError::Conflict("inner refused".to_owned()))
            });
            assert!(matches!(inner, Err(StoreError::Conflict(_))));
            store::write_transaction(conn, |conn| {
                Ok::<_, StoreError>(event(conn, "Kept inner", "2030-01-01", None))
            })?;
            Ok::<_, StoreError>(event(conn, "Outer", "2030-01-02", None))
        })
        .expect("outer committed");
    assert_eq!(outer.name.to_string(), "Outer");
    assert_eq!(
        stored_names(db),
        BTreeSet::from(["Kept inner".to_owned(), "Outer".to_owned()])
    );
}

store::backend_tests!(
    writes_queued_together_each_keep_their_own_outcome,
    a_write_that_panics_is_undone_alone,
    a_transaction_inside_a_pool_write_is_a_savepoint
);
