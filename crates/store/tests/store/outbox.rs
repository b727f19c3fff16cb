//! The mail outbox: queueing, claiming, leases and outcomes.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use chrono::Duration;
use store::outbox::{MessageState, NewMessage};
use store::testing::TestDb;
use store::StoreError;

fn message(n: usize) -> NewMessage {
    NewMessage {
        recipient: format!("user{n}@example.com"),
        subject: "New event created".to_owned(),
        body: format!("Body {n}"),
    }
}

fn queued_messages_are_claimed_once_and_marked(db: &TestDb) {
    let mut conn = db.conn();
    let now = store::now();
    let first = store::outbox::enqueue(&mut conn, &message(1), now).expect("enqueue");
    let second = store::outbox::enqueue(&mut conn, &message(2), now).expect("enqueue");

    let lease = now + Duration::minutes(2);
    let claimed = store::outbox::claim_due(&mut conn, now, lease, 10).expect("claim");
    assert_eq!(
        claimed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert!(claimed.iter().all(|m| m.state == MessageState::Sending
        && m.attempts == 1
        && m.claimed_until == Some(lease)));
    assert_eq!(claimed[0].recipient, "user1@example.com");
    assert!(
        store::outbox::claim_due(&mut conn, now, lease, 10)
            .expect("claim")
            .is_empty(),
        "claimed rows are held"
    );

    store::outbox::mark_sent(&mut conn, first, lease, now).expect("sent");
    let sent = store::outbox::get(&mut conn, first).expect("get");
    assert_eq!(
        (sent.state, sent.sent_at, sent.claimed_until),
        (MessageState::Sent, Some(now), None)
    );

    let later = now + Duration::seconds(30);
    store::outbox::mark_retry(&mut conn, second, lease, later, "connection refused")
        .expect("retry");
    let waiting = store::outbox::get(&mut conn, second).expect("get");
    assert_eq!(
        (waiting.state, waiting.last_error.as_deref()),
        (MessageState::Pending, Some("connection refused"))
    );
    assert!(
        store::outbox::claim_due(&mut conn, now, lease, 10)
            .expect("claim")
            .is_empty(),
        "not due yet"
    );
    let second_lease = later + Duration::minutes(2);
    let again = store::outbox::claim_due(&mut conn, later, second_lease, 10).expect("claim");
    assert_eq!((again.len(), again[0].attempts), (1, 2));

    // The first claim's lease no longer holds the message: nothing changes.
    assert!(matches!(
        store::outbox::mark_sent(&mut conn, second, lease, later),
        Err(StoreError::NotFound)
    ));
    store::outbox::mark_failed(&mut conn, second, second_lease, "550 mailbox unavailable")
        .expect("failed");
    let failed = store::outbox::get(&mut conn, second).expect("get");
    assert_eq!(
        (failed.state, failed.last_error.as_deref()),
        (MessageState::Failed, Some("550 mailbox unavailable"))
    );
    assert_eq!(
        store::outbox::count(&mut conn, Some(MessageState::Failed)).expect("count"),
        1
    );
    assert_eq!(
        store::outbox::count(&mut conn, None).expect("count"),
        2,
        "nothing is deleted"
    );

    store::outbox::retry_now(&mut conn, second, later).expect("retry now");
    let revived = store::outbox::get(&mut conn, second).expect("get");
    assert_eq!(
        (revived.state, revived.attempts),
        (MessageState::Pending, 0)
    );
    assert!(
        matches!(
            store::outbox::retry_now(&mut conn, first, later),
            Err(StoreError::NotFound)
        ),
        "only failed messages"
    );
}

fn expired_claims_are_claimed_again_and_releases_undo_claims(db: &TestDb) {
    let mut conn = db.conn();
    let now = store::now();
    let id = store::outbox::enqueue(&mut conn, &message(1), now).expect("enqueue");
    let first_lease = now + Duration::seconds(60);
    store::outbox::claim_due(&mut conn, now, first_lease, 1).expect("claim");
    // The worker holding it died; after the lease the message is due again.
    let after_lease = now + Duration::seconds(61);
    let reclaimed = store::outbox::claim_due(
        &mut conn,
        after_lease,
        after_lease + Duration::seconds(60),
        1,
    )
    .expect("claim");
    assert_eq!((reclaimed[0].id, reclaimed[0].attempts), (id, 2));

    // The dead worker's late release does not undo the new claim.
    store::outbox::release(&mut conn, &[id], first_lease).expect("stale release");
    assert_eq!(
        store::outbox::get(&mut conn, id).expect("get").state,
        MessageState::Sending
    );
    store::outbox::release(&mut conn, &[id], after_lease + Duration::seconds(60)).expect("release");
    let released = store::outbox::get(&mut conn, id).expect("get");
    assert_eq!(
        (released.state, released.attempts, released.claimed_until),
        (MessageState::Pending, 1, None)
    );
}

fn concurrent_claimers_never_share_a_message(db: &TestDb) {
    const MESSAGES: usize = 200;
    const WORKERS: usize = 4;
    {
        let mut conn = db.conn();
        let now = store::now();
        store::write_transaction(&mut conn, |conn| {
            for n in 0..MESSAGES {
                store::outbox::enqueue(conn, &message(n), now)?;
            }
            Ok::<_, StoreError>(())
        })
        .expect("seed");
    }
    let barrier = Arc::new(Barrier::new(WORKERS));
    let handles: Vec<_> = (0..WORKERS)
        .map(|_| {
            let pool = db.pool().clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<Vec<i64>, StoreError> {
                let mut conn = pool.get()?;
                barrier.wait();
                let mut mine = Vec::new();
                loop {
                    let now = store::now();
                    let batch =
                        store::outbox::claim_due(&mut conn, now, now + Duration::minutes(5), 7)?;
                    if batch.is_empty() {
                        return Ok(mine);
                    }
                    for m in batch {
                        let lease = m.claimed_until.expect("a claimed message has a lease");
                        store::outbox::mark_sent(&mut conn, m.id, lease, now)?;
                        mine.push(m.id);
                    }
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for handle in handles {
        for id in handle.join().expect("thread").expect("claims succeed") {
            assert!(seen.insert(id), "message {id} claimed twice");
            total += 1;
        }
    }
    assert_eq!(total, MESSAGES);
    assert_eq!(
        store::outbox::count(&mut db.conn(), Some(MessageState::Sent)).expect("count"),
        MESSAGES as i64
    );
}

store::backend_tests!(
    queued_messages_are_claimed_once_and_marked,
    expired_claims_are_claimed_again_and_releases_undo_claims,
    concurrent_claimers_never_share_a_message,
);
