use std::collections::HashMap;
use std::time::{Duration, Instant};

use mailer::testing::{free_port, SmtpSink};
use mailer::{Backend, MailConfig, Security, SmtpConfig, Worker, WorkerHandle};
use store::outbox::{MessageState, NewMessage};
use store::testing::TestDb;

fn config(port: u16) -> MailConfig {
    MailConfig {
        backend: Backend::Smtp,
        smtp: SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port,
            username: None,
            password: None,
            security: Security::None,
            timeout: Duration::from_secs(10),
        },
        from: "Events <events@example.com>".to_owned(),
        max_attempts: 3,
        retry_base: Duration::from_millis(50),
        poll_interval: Duration::from_millis(200),
        ..MailConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Starts a worker on `rt`.
fn start(rt: &tokio::runtime::Runtime, pool: store::DbPool, config: MailConfig) -> WorkerHandle {
    let _guard = rt.enter();
    Worker::new(pool, config).expect("worker").spawn()
}

fn enqueue(db: &TestDb, n: usize) -> i64 {
    let message = NewMessage {
        recipient: format!("user{n}@example.com"),
        subject: format!("Message {n}"),
        body: format!("Body of message {n}\n"),
    };
    store::outbox::enqueue(&mut db.conn(), &message, store::now()).expect("enqueue")
}

/// Waits until `check` holds, polling; fails the test after `timeout`.
fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn count(db: &TestDb, state: MessageState) -> i64 {
    store::outbox::count(&mut db.conn(), Some(state)).expect("count")
}

fn delivers_a_queued_message_with_its_headers(db: &TestDb) {
    let sink = SmtpSink::start();
    let id = enqueue(db, 1);
    let rt = runtime();
    let handle = start(&rt, db.pool().clone(), config(sink.port()));
    let received = sink.wait_for(1, Duration::from_secs(20));
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.from, "events@example.com");
    assert_eq!(mail.to, ["user1@example.com"]);
    assert_eq!(mail.header("Subject").as_deref(), Some("Message 1"));
    assert_eq!(
        mail.header("From").as_deref(),
        Some("Events <events@example.com>")
    );
    assert!(mail.body().contains("Body of message 1"), "{}", mail.data);
    wait_until(
        "the message is marked sent",
        Duration::from_secs(10),
        || store::outbox::get(&mut db.conn(), id).expect("get").state == MessageState::Sent,
    );
    rt.block_on(handle.shutdown());
}

fn two_workers_deliver_200_messages_exactly_once(db: &TestDb) {
    const MESSAGES: usize = 200;
    let sink = SmtpSink::start();
    for n in 0..MESSAGES {
        enqueue(db, n);
    }
    let rt = runtime();
    // Each worker has its own pool, as two server processes would.
    let url = store::DatabaseUrl::parse(db.url()).expect("url");
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let pool = store::build_pool(&url, store::PoolOptions::default()).expect("pool");
            start(&rt, pool, config(sink.port()))
        })
        .collect();
    wait_until("every message is sent", Duration::from_secs(120), || {
        count(db, MessageState::Sent) == MESSAGES as i64
    });
    for handle in handles {
        rt.block_on(handle.shutdown());
    }
    let mut per_subject: HashMap<String, usize> = HashMap::new();
    for mail in sink.received() {
        *per_subject
            .entry(mail.header("Subject").expect("subject"))
            .or_default() += 1;
    }
    assert_eq!(per_subject.len(), MESSAGES, "every message arrived");
    let duplicated: Vec<_> = per_subject.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "sent twice: {duplicated:?}");
}

fn a_message_that_keeps_failing_ends_failed_with_its_error(db: &TestDb) {
    // Nothing listens on this port: every attempt is refused.
    let id = enqueue(db, 1);
    let rt = runtime();
    let handle = start(&rt, db.pool().clone(), config(free_port()));
    wait_until(
        "the message is marked failed",
        Duration::from_secs(30),
        || store::outbox::get(&mut db.conn(), id).expect("get").state == MessageState::Failed,
    );
    rt.block_on(handle.shutdown());
    let failed = store::outbox::get(&mut db.conn(), id).expect("get");
    assert_eq!(failed.attempts, 3, "the configured number of attempts");
    let error = failed.last_error.expect("the error is kept");
    assert!(error.to_lowercase().contains("refused"), "{error}");
}

fn a_permanent_rejection_fails_at_once(db: &TestDb) {
    let sink = SmtpSink::start_rejecting();
    let id = enqueue(db, 1);
    let rt = runtime();
    let handle = start(&rt, db.pool().clone(), config(sink.port()));
    wait_until(
        "the message is marked failed",
        Duration::from_secs(30),
        || store::outbox::get(&mut db.conn(), id).expect("get").state == MessageState::Failed,
    );
    rt.block_on(handle.shutdown());
    let failed = store::outbox::get(&mut db.conn(), id).expect("get");
    assert_eq!(failed.attempts, 1, "a 5xx answer is not retried");
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{:?}",
        failed.last_error
    );
    assert!(sink.received().is_empty());
}

fn shutdown_leaves_no_message_claimed(db: &TestDb) {
    let sink = SmtpSink::start();
    for n in 0..60 {
        enqueue(db, n);
    }
    let rt = runtime();
    let handle = start(&rt, db.pool().clone(), config(sink.port()));
    sink.wait_for(1, Duration::from_secs(20));
    rt.block_on(handle.shutdown());
    assert_eq!(
        count(db, MessageState::Sending),
        0,
        "claimed messages were handed back"
    );
    let sent = count(db, MessageState::Sent);
    assert_eq!(sent + count(db, MessageState::Pending), 60, "nothing lost");
    assert_eq!(
        sink.received().len() as i64,
        sent,
        "what is marked sent is what arrived"
    );
}

store::backend_tests!(
    delivers_a_queued_message_with_its_headers,
    two_workers_deliver_200_messages_exactly_once,
    a_message_that_keeps_failing_ends_failed_with_its_error,
    a_permanent_rejection_fails_at_once,
    shutdown_leaves_no_message_claimed,
);
