//! Change notices, reminders and one-click unsubscribe, through the real
//! server, its mail workers and a real SMTP server.

use std::time::Duration;

use chrono::Utc;
use mailer::testing::{Received, SmtpSink};
use serde_json::{json, Value};
use store::testing::TestDb;

use crate::helpers::{run, TestApp};
use crate::mail::spawn_with_smtp_and;

/// An app whose worker mails 127.0.0.1:`port`, looks every second, and
/// reminds an hour ahead.
fn spawn_with_smtp(db: &TestDb, port: u16) -> TestApp {
    spawn_with_smtp_and(
        db,
        port,
        &[
            "--reminder-lead",
            "3600",
            "--site-url",
            "https://events.example.com",
        ],
    )
}

/// Waits until `count` mails arrived, then a little longer, so that a
/// mail too many would show.
async fn settle(sink: &SmtpSink, count: usize) -> Vec<Received> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while sink.received().len() < count && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    sink.received()
}

fn with_subject<'a>(mails: &'a [Received], subject: &str) -> Vec<&'a Received> {
    mails
        .iter()
        .filter(|m| m.header("Subject").as_deref() == Some(subject))
        .collect()
}

fn recipients(mails: &[&Received]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to
}

async fn answer(app: &TestApp, token: &str, event: &str, status: &str) {
    let reply = app
        .request(
            "POST",
            &format!("/api/events/{event}/change_attendee_status/"),
        )
        .bearer(token)
        .json(&json!({ "status": status }))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

async fn patch_event(app: &TestApp, token: &str, event: &str, body: Value) {
    let reply = app
        .request("PATCH", &format!("/api/events/{event}/"))
        .bearer(token)
        .json(&body)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

/// An RFC 3339 time `minutes` from now, to the second.
fn in_minutes(minutes: i64) -> String {
    (Utc::now() + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn changes_notify_going_and_maybe_once_and_unsubscribe_works(db: &TestDb) {
    run(async {
        let sink = SmtpSink::start();
        let app = spawn_with_smtp(db, sink.port());
        let mut tokens = Vec::new();
        for name in ["host", "going", "maybe", "declined", "quiet"] {
            app.register(name).await;
            tokens.push(app.token(name).await);
        }
        let [host, going, maybe, declined, quiet] = &tokens[..] else {
            unreachable!("five tokens")
        };
        let reply = app
            .request("PATCH", "/api/auth/me/")
            .bearer(quiet)
            .json(&json!({ "email_notifications": false }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.json()["email_notifications"], false);
        // Far enough ahead that no reminder is due.
        let reply = app
            .request("POST", "/api/events/")
            .bearer(host)
            .json(&json!({ "name": "Board games", "timezone": "Europe/Paris", "starts_at": "2031-03-01T18:00:00+01:00" }))
            .await;
        assert_eq!(reply.status, 201);
        let event = reply.json()["id"].as_str().expect("id").to_owned();
        answer(&app, host, &event, "Going").await;
        answer(&app, going, &event, "Going").await;
        answer(&app, maybe, &event, "Maybe").await;
        answer(&app, declined, &event, "Not Going").await;
        answer(&app, quiet, &event, "Going").await;
        let created = settle(&sink, 1).await;
        assert_eq!(created.len(), 1, "only 'New event created' so far");

        // Seats are not news; a new place and time are.
        patch_event(&app, host, &event, json!({ "capacity": 50 })).await;
        patch_event(
            &app,
            host,
            &event,
            json!({ "location": "Hall 4, Quay", "starts_at": "2031-03-01T19:30:00+01:00" }),
        )
        .await;
        let mails = settle(&sink, 3).await;
        let changed = with_subject(&mails, "Changed: Board games");
        assert_eq!(
            recipients(&changed),
            ["going@example.com", "maybe@example.com"],
            "Going and Maybe, not the organizer, the decliner or the opted out"
        );
        let notice = changed[0];
        let body = notice.body();
        for line in [
            "Starts: Sat 1 Mar 2031, 19:30 CET (was Sat 1 Mar 2031, 18:00 CET)",
            "Place: Hall 4, Quay (was not set)",
        ] {
            assert!(body.contains(line), "{line:?} in {body}");
        }
        assert_eq!(
            notice.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let unsubscribe = notice.header("List-Unsubscribe").expect("List-Unsubscribe");
        let url = unsubscribe
            .strip_prefix("<https://events.example.com")
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or_else(|| panic!("an https link to the site: {unsubscribe}"));
        assert!(url.starts_with("/api/unsubscribe/"), "{url}");

        // One click, no login, as a mail app posts it.
        let who = notice.to[0].clone();
        let reply = app
            .request("POST", url)
            .raw(
                "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click",
            )
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text());
        let unknown = app
            .request("POST", "/api/unsubscribe/not-a-token")
            .send()
            .await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.json(), json!({ "detail": "Not found." }));

        patch_event(&app, host, &event, json!({ "cancelled": true })).await;
        let mails = settle(&sink, 4).await;
        let cancelled = with_subject(&mails, "Cancelled: Board games");
        let still_subscribed: Vec<String> = ["going@example.com", "maybe@example.com"]
            .into_iter()
            .filter(|address| *address != who)
            .map(str::to_owned)
            .collect();
        assert_eq!(
            recipients(&cancelled),
            still_subscribed,
            "the unsubscribed hear nothing"
        );
        assert_eq!(
            mails.len(),
            4,
            "{:?}",
            mails
                .iter()
                .map(|m| m.header("Subject"))
                .collect::<Vec<_>>()
        );
    });
}

fn patching_me_validates_like_registration(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        app.register("alice").await;
        let token = app.token("alice").await;
        let patch = |body: Value| {
            let (app, token) = (&app, &token);
            async move {
                let reply = app
                    .request("PATCH", "/api/auth/me/")
                    .bearer(token)
                    .json(&body)
                    .await;
                (reply.status, reply.json())
            }
        };
        let (status, body) = patch(json!({
            "email": "not an address", "first_name": "x".repeat(151), "email_notifications": "perhaps",
        }))
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({
                "email": ["Enter a valid email address."],
                "first_name": ["Ensure this field has no more than 150 characters."],
                "email_notifications": ["Must be a valid boolean."],
            })
        );
        let (status, body) = patch(json!({ "first_name": "Alice", "last_name": "Liddell", "email": "alice@wonderland.example", "username": "ignored", "is_staff": true })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (
                &body["first_name"],
                &body["last_name"],
                &body["email"],
                &body["username"],
                &body["is_staff"]
            ),
            (
                &json!("Alice"),
                &json!("Liddell"),
                &json!("alice@wonderland.example"),
                &json!("alice"),
                &json!(false)
            ),
            "read-only fields are ignored, as DRF ignores them"
        );
        let (status, body) = patch(json!({ "email": "" })).await;
        assert_eq!(
            (status, &body["email"]),
            (200, &json!("")),
            "a blank address removes it"
        );
        for nothing in [json!({}), json!({ "username": "read-only" })] {
            let (status, body) = patch(nothing).await;
            assert_eq!(
                (status, &body["username"]),
                (200, &json!("alice")),
                "{body}"
            );
        }
        let anonymous = app.request("PATCH", "/api/auth/me/").json(&json!({})).await;
        assert_eq!(anonymous.status, 401);
    });
}

/// Two mail workers on the same database scan for reminders at once; each
/// seated Going attendee gets exactly one, a moved event reminds again, and
/// cancelled or past events send none.
fn reminders_go_once_per_attendee_and_start_with_two_workers(db: &TestDb) {
    run(async {
        let sink = SmtpSink::start();
        let app = spawn_with_smtp(db, sink.port());
        let _second_worker = spawn_with_smtp(db, sink.port());
        let names: Vec<String> = (0..8).map(|i| format!("guest{i}")).collect();
        app.register("host").await;
        let host = app.token("host").await;
        let mut tokens = Vec::new();
        for name in &names {
            app.register(name).await;
            tokens.push(app.token(name).await);
        }
        // Created far ahead, so that the answers come in before it is due.
        let make = |name: &'static str, capacity: Option<u32>| {
            let (app, host) = (&app, &host);
            async move {
                let reply = app
                    .request("POST", "/api/events/")
                    .bearer(host)
                    .json(&json!({ "name": name, "starts_at": "2035-01-01T10:00:00Z", "capacity": capacity }))
                    .await;
                assert_eq!(reply.status, 201, "{}", reply.text());
                reply.json()["id"].as_str().expect("id").to_owned()
            }
        };
        let soon = make("Soon", Some(6)).await;
        let called_off = make("Called off", None).await;
        let over = make("Already over", None).await;
        for (index, token) in tokens.iter().enumerate() {
            // Six seated, two waitlisted; one Maybe elsewhere.
            answer(&app, token, &soon, "Going").await;
            if index < 2 {
                answer(&app, token, &called_off, "Going").await;
                answer(&app, token, &over, "Going").await;
            }
        }
        let reply = app
            .request("PATCH", &format!("/api/events/{called_off}/"))
            .bearer(&host)
            .json(&json!({ "cancelled": true }))
            .await;
        assert_eq!(reply.status, 200);
        for (event, minutes) in [(&soon, 30), (&called_off, 30), (&over, -30)] {
            let start = in_minutes(minutes);
            let date = &start[..10];
            patch_event(
                &app,
                &host,
                event,
                json!({ "starts_at": start, "date": date }),
            )
            .await;
        }
        let before = sink.received().len();
        let mails = settle(&sink, before + 6).await;
        let reminders = with_subject(&mails, "Reminder: Soon");
        let expected: Vec<String> = names[..6]
            .iter()
            .map(|n| format!("{n}@example.com"))
            .collect();
        assert_eq!(
            recipients(&reminders),
            expected,
            "each seated attendee once"
        );
        assert!(with_subject(&mails, "Reminder: Called off").is_empty());
        assert!(with_subject(&mails, "Reminder: Already over").is_empty());

        // Moved: everyone seated hears of the move, and is reminded again.
        let start = in_minutes(45);
        patch_event(
            &app,
            &host,
            &soon,
            json!({ "starts_at": start, "date": &start[..10] }),
        )
        .await;
        let mails = settle(&sink, mails.len() + 6 + 8).await;
        let reminders = with_subject(&mails, "Reminder: Soon");
        assert_eq!(
            reminders.len(),
            12,
            "a second reminder each for the new time"
        );
        let twice: Vec<String> = expected
            .iter()
            .flat_map(|a| [a.clone(), a.clone()])
            .collect();
        assert_eq!(recipients(&reminders), twice, "once for each start");
        assert_eq!(
            with_subject(&mails, "Changed: Soon").len(),
            16,
            "both moves, to all eight Going, waitlisted too"
        );
    });
}

fn seat_mails_respect_the_switch_and_carry_the_unsubscribe_link(db: &TestDb) {
    run(async {
        let sink = SmtpSink::start();
        let app = spawn_with_smtp(db, sink.port());
        let mut tokens = Vec::new();
        for name in ["host", "seated", "quiet", "keen"] {
            app.register(name).await;
            tokens.push(app.token(name).await);
        }
        let [host, seated, quiet, keen] = &tokens[..] else {
            unreachable!("four tokens")
        };
        let reply = app
            .request("PATCH", "/api/auth/me/")
            .bearer(quiet)
            .json(&json!({ "email_notifications": "false" }))
            .await;
        assert_eq!(reply.status, 200);
        let reply = app
            .request("POST", "/api/events/")
            .bearer(host)
            .json(&json!({ "name": "One seat", "date": "2031-01-01", "capacity": 1 }))
            .await;
        let event = reply.json()["id"].as_str().expect("id").to_owned();
        answer(&app, seated, &event, "Going").await;
        answer(&app, quiet, &event, "Going").await;
        answer(&app, keen, &event, "Going").await;
        // The seat goes to "quiet" (no mail), then to "keen".
        answer(&app, seated, &event, "Not Going").await;
        answer(&app, quiet, &event, "Not Going").await;
        let mails = settle(&sink, 2).await;
        let seats = with_subject(&mails, "You have a seat: One seat");
        assert_eq!(recipients(&seats), ["keen@example.com"]);
        let link = seats[0]
            .header("List-Unsubscribe")
            .expect("List-Unsubscribe");
        assert!(
            link.starts_with("<https://events.example.com/api/unsubscribe/"),
            "{link}"
        );
        assert_eq!(mails.len(), 2, "and 'New event created'");
    });
}

store::backend_tests!(
    changes_notify_going_and_maybe_once_and_unsubscribe_works,
    seat_mails_respect_the_switch_and_carry_the_unsubscribe_link,
    patching_me_validates_like_registration,
    reminders_go_once_per_attendee_and_start_with_two_workers,
);
