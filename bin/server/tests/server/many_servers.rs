//! Two real server processes on one database act as one: the login
//! throttle is counted in the database, so together they allow exactly the
//! configured failures, even to guesses sent to both at once; sessions,
//! tokens and blacklists made on one hold on the other; and on PostgreSQL,
//! mail queued by one is sent at once by the other's worker, woken by
//! LISTEN/NOTIFY rather than its poll.

use std::process::Command;

use futures_util::future::join_all;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, SECRET};
use crate::process::{start_server_with, temp_dir};
use crate::remote;

/// Server processes stopped (SIGTERM, by PID) however the test ends.
struct Servers(Vec<std::process::Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

fn two_processes_share_one_login_throttle(db: &TestDb) {
    let dir = temp_dir();
    let env = [
        ("DATABASE_URL", db.url()),
        ("SECRET_KEY", SECRET),
        ("LOGIN_THROTTLE_FAILURES", "3"),
        ("EMAIL_WORKER", "false"),
    ];
    let (first, first_address) = start_server_with(&dir, &env);
    let (second, second_address) = start_server_with(&dir, &env);
    let servers = Servers(vec![first, second]);
    run(async {
        let client = awc::Client::default();
        let account = json!({ "username": "target", "password": "plum-tree-42-river" });
        remote::register(&client, &first_address, &account).await;
        // Ten wrong guesses at once, half to each process.
        let guesses = (0..10).map(|n| {
            let address = if n % 2 == 0 {
                &first_address
            } else {
                &second_address
            };
            client
                .post(format!("http://{address}/api/token/"))
                .send_json(&json!({ "username": "target", "password": format!("guess-{n}") }))
        });
        let mut statuses: Vec<u16> = join_all(guesses)
            .await
            .into_iter()
            .map(|reply| reply.expect("an answer").status().as_u16())
            .collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [401, 401, 401, 429, 429, 429, 429, 429, 429, 429],
            "exactly three guesses, across both processes"
        );
        for address in [&first_address, &second_address] {
            let reply = client
                .post(format!("http://{address}/api/token/"))
                .send_json(&json!({ "username": "target", "password": "plum-tree-42-river" }))
                .await
                .expect("an answer");
            assert_eq!(
                reply.status().as_u16(),
                429,
                "{address} knows of the failures"
            );
            let wait: u64 = reply
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("Retry-After");
            assert!((1..=300).contains(&wait), "{wait}");
        }
    });
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}

/// A session, an access token and a blacklisting made on one process hold
/// on the other.
fn sessions_tokens_and_blacklists_hold_on_every_process(db: &TestDb) {
    let dir = temp_dir();
    let env = [
        ("DATABASE_URL", db.url()),
        ("SECRET_KEY", SECRET),
        ("EMAIL_WORKER", "false"),
    ];
    let (first, one) = start_server_with(&dir, &env);
    let (second, other) = start_server_with(&dir, &env);
    let servers = Servers(vec![first, second]);
    run(async {
        let client = awc::Client::default();
        let credentials = json!({ "username": "roamer", "password": "plum-tree-42-river" });
        remote::register(&client, &one, &credentials).await;

        // JWT from one, used on the other.
        let pair = remote::token_pair(&client, &one, &credentials).await;
        let access = pair["access"].as_str().expect("access");
        let me = client
            .get(format!("http://{other}/api/auth/me/"))
            .bearer_auth(access)
            .send()
            .await
            .expect("me");
        assert_eq!(
            me.status().as_u16(),
            200,
            "the other process accepts the token"
        );

        // A session from one, used (CSRF included) on the other.
        let (header, csrf) = remote::session(&client, &one, &credentials).await;
        let created = client
            .post(format!("http://{other}/api/events/"))
            .insert_header(("Cookie", header.as_str()))
            .insert_header(("X-CSRFToken", csrf.as_str()))
            .send_json(&json!({ "name": "Roaming", "date": "2031-02-03" }))
            .await
            .expect("create");
        assert_eq!(
            created.status().as_u16(),
            201,
            "the session holds on the other process"
        );

        // Blacklisted on the other; refused on the first.
        let refresh = pair["refresh"].as_str().expect("refresh");
        let blacklisted = client
            .post(format!("http://{other}/api/token/blacklist/"))
            .send_json(&json!({ "refresh": refresh }))
            .await
            .expect("blacklist");
        assert_eq!(blacklisted.status().as_u16(), 200);
        let refreshed = client
            .post(format!("http://{one}/api/token/refresh/"))
            .send_json(&json!({ "refresh": refresh }))
            .await
            .expect("refresh");
        assert_eq!(refreshed.status().as_u16(), 401, "blacklisted everywhere");
    });
    drop(servers);
    let _ = std::fs::remove_dir_all(dir);
}

store::backend_tests!(
    two_processes_share_one_login_throttle,
    sessions_tokens_and_blacklists_hold_on_every_process,
);

#[test]
fn mail_queued_by_one_process_is_sent_by_the_others_worker_at_once() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let dir = temp_dir();
    let common = [("DATABASE_URL", db.url()), ("SECRET_KEY", SECRET)];
    // The writer sends nothing itself; the sender would poll only hourly.
    let writer_env = [common[0], common[1], ("EMAIL_WORKER", "false")];
    let sender_env = [common[0], common[1], ("EMAIL_POLL_INTERVAL", "3600")];
    let (writer, writer_address) = start_server_with(&dir, &writer_env);
    let mut servers = Servers(vec![writer]);
    let (sender, _) = start_server_with(&dir, &sender_env);
    servers.0.push(sender);
    let sent = || {
        let mut conn = db.conn();
        store::outbox::count(&mut conn, Some(store::outbox::MessageState::Sent))
            .expect("count sent mail")
    };
    // The sender's listener is up once its first wake found nothing to do.
    std::thread::sleep(std::time::Duration::from_millis(500));
    for round in 0..3 {
        let queued_at = crate::helpers::run_returning(async {
            let client = awc::Client::default();
            let username = format!("organizer{round}");
            let account = json!({ "username": username, "password": "plum-tree-42-river", "email": format!("{username}@example.com") });
            remote::register(&client, &writer_address, &account).await;
            let access = remote::access_token(&client, &writer_address, &account).await;
            let created = client
                .post(format!("http://{writer_address}/api/events/"))
                .bearer_auth(access)
                .send_json(&json!({ "name": "Launch", "date": "2030-01-01" }))
                .await
                .expect("create");
            assert_eq!(created.status().as_u16(), 201);
            std::time::Instant::now()
        });
        // The event's mail to its organizer, sent by the other process.
        let mut waited = queued_at.elapsed();
        while sent() < round + 1 && waited < std::time::Duration::from_secs(3) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            waited = queued_at.elapsed();
        }
        eprintln!("mail queued by one process sent by the other after {waited:?}");
        assert_eq!(sent(), round + 1, "the mail was sent");
        assert!(
            waited < std::time::Duration::from_secs(1),
            "sent {waited:?} after it was queued"
        );
    }
}
