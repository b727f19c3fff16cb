//! Mail for new events, through the real server and a real SMTP server.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use mailer::testing::SmtpSink;
use serde_json::json;
use store::outbox::MessageState;
use store::testing::TestDb;

use crate::helpers::{run, TestApp, PASSWORD};

/// An app sending mail to 127.0.0.1:`port`, looking at the outbox and
/// retrying every second, with `extra` settings flags.
pub(crate) fn spawn_with_smtp_and(db: &TestDb, port: u16, extra: &[&str]) -> TestApp {
    let port = port.to_string();
    let mut args = vec![
        "--email-backend",
        "smtp",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--email-from",
        "Events <events@example.com>",
        "--email-retry-base",
        "1",
        "--email-poll-interval",
        "1",
    ];
    args.extend_from_slice(extra);
    TestApp::spawn_with_args(db, &args)
}

/// [`spawn_with_smtp_and`] with an SMTP timeout of `smtp_timeout_secs`.
fn spawn_with_smtp(db: &TestDb, port: u16, smtp_timeout_secs: u64) -> TestApp {
    let timeout = smtp_timeout_secs.to_string();
    spawn_with_smtp_and(db, port, &["--smtp-timeout", &timeout])
}

async fn wait_for_mail(sink: &SmtpSink, count: usize) -> Vec<mailer::testing::Received> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let received = sink.received();
        if received.len() >= count || Instant::now() >= deadline {
            return received;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn creating_an_event_mails_the_organizer(db: &TestDb) {
    run(async {
        let sink = SmtpSink::start();
        let app = spawn_with_smtp(db, sink.port(), 5);
        app.register("alice").await;
        let token = app.token("alice").await;
        app.create_event(&token, "Rust meetup", "2030-05-04").await;

        let received = wait_for_mail(&sink, 1).await;
        assert_eq!(received.len(), 1, "one message");
        let mail = &received[0];
        assert_eq!(mail.from, "events@example.com");
        assert_eq!(mail.to, ["alice@example.com"]);
        assert_eq!(mail.header("Subject").as_deref(), Some("New event created"));
        assert_eq!(
            mail.header("From").as_deref(),
            Some("Events <events@example.com>")
        );
        assert!(
            mail.body().contains("\"Rust meetup\" on 2030-05-04"),
            "{}",
            mail.body()
        );
    });
}

fn organizers_without_an_address_get_no_mail(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        let reply = app
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": "noaddress", "password": PASSWORD }))
            .await;
        assert_eq!(reply.status, 201);
        let token = app.token("noaddress").await;
        app.create_event(&token, "Quiet", "2030-01-01").await;
        app.register("alice").await;
        let token = app.token("alice").await;
        app.create_event(&token, "Loud", "2030-01-01").await;
        let queued = store::outbox::list(&mut db.conn(), None, 10, 0).expect("outbox");
        assert_eq!(
            queued
                .iter()
                .map(|m| m.recipient.as_str())
                .collect::<Vec<_>>(),
            ["alice@example.com"]
        );
    });
}

fn an_smtp_outage_delays_mail_without_losing_it(db: &TestDb) {
    run(async {
        // A server that accepts connections but never speaks SMTP: sending
        // hangs until the SMTP timeout.
        let stalled = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = stalled.local_addr().expect("address").port();
        let app = spawn_with_smtp(db, port, 5);
        app.register("alice").await;
        let token = app.token("alice").await;

        let started = Instant::now();
        app.create_event(&token, "Despite the outage", "2030-05-04")
            .await;
        let waited = started.elapsed();
        // A request that waited for SMTP would take the 5 s timeout.
        assert!(
            waited < Duration::from_secs(4),
            "the request does not wait for SMTP ({waited:?})"
        );
        assert_eq!(
            store::outbox::count(&mut db.conn(), Some(MessageState::Sent)).expect("count"),
            0
        );

        // Wait for a failed attempt to be recorded, then bring the mail server up.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = store::outbox::list(&mut db.conn(), None, 10, 0).expect("outbox");
            if messages.iter().any(|m| m.last_error.is_some()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no failed attempt recorded: {messages:?}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        drop(stalled);
        let sink = SmtpSink::start_on(port, false);

        let received = wait_for_mail(&sink, 1).await;
        assert_eq!(received.len(), 1, "the message arrives");
        assert!(received[0].body().contains("Despite the outage"));
        actix_web::rt::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(sink.received().len(), 1, "and is not sent twice");
        let messages = store::outbox::list(&mut db.conn(), None, 10, 0).expect("outbox");
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].state, MessageState::Sent);
    });
}

store::backend_tests!(
    creating_an_event_mails_the_organizer,
    organizers_without_an_address_get_no_mail,
    an_smtp_outage_delays_mail_without_losing_it,
);
