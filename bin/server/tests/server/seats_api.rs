//! Seats, guests and the waitlist through real HTTP: the rules in order,
//! the promotion mail, and the RSVP window and cancellation messages.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

/// An event with these plan fields, created by `host`; returns its id.
pub async fn event_with(app: &TestApp, host: &str, plan: Value) -> String {
    let mut body = json!({ "name": "Dinner", "date": "2030-05-04" });
    if let (Some(body), Some(plan)) = (body.as_object_mut(), plan.as_object()) {
        body.extend(plan.clone());
    }
    let reply = app
        .request("POST", "/api/events/")
        .bearer(host)
        .json(&body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["id"].as_str().expect("id").to_owned()
}

/// Answers for the bearer of `token`; returns status and body.
pub async fn answer(app: &TestApp, event: &str, token: &str, body: Value) -> (u16, Value) {
    let reply = app
        .request(
            "POST",
            &format!("/api/events/{event}/change_attendee_status/"),
        )
        .bearer(token)
        .json(&body)
        .await;
    (reply.status, reply.json())
}

async fn detail(app: &TestApp, event: &str) -> Value {
    app.get(&format!("/api/events/{event}/")).await.json()
}

/// `[username, position]` of the waitlist, in queue order.
async fn waitlist(app: &TestApp, event: &str) -> Vec<(String, i64)> {
    let listed = app
        .get(&format!("/api/events/{event}/attendances/?waitlisted=true"))
        .await
        .json();
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| {
            let name = a["user"]["username"].as_str().expect("name").to_owned();
            (name, a["waitlist_position"].as_i64().expect("a position"))
        })
        .collect()
}

fn seats_fill_then_the_queue_is_promoted_in_order(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        app.register("host").await;
        let mut tokens = Vec::new();
        for name in ["ann", "bob", "cat", "dan", "eve"] {
            app.register(name).await;
            tokens.push(app.token(name).await);
        }
        let host = app.token("host").await;
        let event = event_with(&app, &host, json!({ "capacity": 4, "max_guests": 3 })).await;
        let [ann, bob, cat, dan, eve] = [0, 1, 2, 3, 4].map(|i| tokens[i].clone());

        let (status, seated) = answer(
            &app,
            &event,
            &ann,
            json!({ "status": "Going", "guests": 1 }),
        )
        .await;
        assert_eq!(
            (
                status,
                seated["waitlist_position"].clone(),
                seated["guests"].clone()
            ),
            (200, Value::Null, json!(1))
        );
        let (_, bob_seat) = answer(&app, &event, &bob, json!({ "status": "Going" })).await;
        assert_eq!(
            bob_seat["waitlist_position"],
            Value::Null,
            "3 of 4 seats taken"
        );
        let (_, big) = answer(
            &app,
            &event,
            &cat,
            json!({ "status": "Going", "guests": 3 }),
        )
        .await;
        assert_eq!(
            big["waitlist_position"], 1,
            "a party of 4 does not fit in 1 seat"
        );
        let (_, small) = answer(&app, &event, &dan, json!({ "status": "Going" })).await;
        assert_eq!(
            small["waitlist_position"], 2,
            "nobody passes the queue, though 1 seat is free"
        );
        let (_, again) = answer(
            &app,
            &event,
            &cat,
            json!({ "status": "Going", "guests": 3 }),
        )
        .await;
        assert_eq!(
            again["waitlist_position"], 1,
            "answering Going again keeps one's place"
        );
        let (status, errors) = answer(
            &app,
            &event,
            &eve,
            json!({ "status": "Going", "guests": 4 }),
        )
        .await;
        assert_eq!(
            (status, errors),
            (
                400,
                json!({ "guests": ["Ensure this value is less than or equal to 3."] })
            )
        );

        let now = detail(&app, &event).await;
        assert_eq!(
            now["seats"],
            json!({ "capacity": 4, "taken": 3, "left": 1 })
        );
        assert_eq!(
            now["counts"],
            json!({ "going": 2, "maybe": 0, "not_going": 0, "waitlisted": 2 })
        );

        let (status, errors) = answer(
            &app,
            &event,
            &bob,
            json!({ "status": "Going", "guests": 2 }),
        )
        .await;
        assert_eq!(
            (status, errors),
            (400, json!({ "guests": ["Only 1 seats are left."] })),
            "a seated attendee cannot grow past the seats left"
        );
        assert_eq!(
            detail(&app, &event).await["seats"]["taken"],
            3,
            "and keeps the seat unchanged"
        );

        // Ann leaves: 3 seats free, the head (a party of 4) still does not fit.
        answer(&app, &event, &ann, json!({ "status": "Not Going" })).await;
        assert_eq!(
            waitlist(&app, &event).await,
            [("cat".to_owned(), 1), ("dan".to_owned(), 2)]
        );
        // Bob leaves too: now the head fits and is seated, and the next one is not skipped ahead of it.
        answer(&app, &event, &bob, json!({ "status": "Maybe" })).await;
        assert_eq!(
            waitlist(&app, &event).await,
            [("dan".to_owned(), 1)],
            "positions close up"
        );
        let now = detail(&app, &event).await;
        assert_eq!(
            now["seats"],
            json!({ "capacity": 4, "taken": 4, "left": 0 })
        );

        // Lowering the capacity unseats nobody; raising it seats the queue.
        let path = format!("/api/events/{event}/");
        let lowered = app
            .request("PATCH", &path)
            .bearer(&host)
            .json(&json!({ "capacity": 2 }))
            .await;
        assert_eq!(
            lowered.json()["seats"],
            json!({ "capacity": 2, "taken": 4, "left": 0 })
        );
        answer(&app, &event, &eve, json!({ "status": "Going" })).await;
        assert_eq!(
            waitlist(&app, &event).await,
            [("dan".to_owned(), 1), ("eve".to_owned(), 2)]
        );
        let raised = app
            .request("PATCH", &path)
            .bearer(&host)
            .json(&json!({ "capacity": 5 }))
            .await;
        assert_eq!(
            raised.json()["seats"],
            json!({ "capacity": 5, "taken": 5, "left": 0 })
        );
        assert_eq!(waitlist(&app, &event).await, [("eve".to_owned(), 1)]);
        let unlimited = app
            .request("PATCH", &path)
            .bearer(&host)
            .json(&json!({ "capacity": null }))
            .await;
        assert_eq!(
            unlimited.json()["counts"]["waitlisted"],
            0,
            "no limit: everyone is seated"
        );

        // Each promoted attendee was mailed, in the transaction that seated them.
        let queued = store::outbox::list(&mut db.conn(), None, 50, 0).expect("outbox");
        let mut promoted: Vec<&str> = queued
            .iter()
            .filter(|m| m.subject == "You have a seat: Dinner")
            .map(|m| m.recipient.as_str())
            .collect();
        promoted.sort_unstable();
        assert_eq!(
            promoted,
            ["cat@example.com", "dan@example.com", "eve@example.com"]
        );
    });
}

fn the_window_and_cancellation_refuse_answers(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("guest").await;
        let (host, guest) = (app.token("host").await, app.token("guest").await);
        let later = event_with(
            &app,
            &host,
            json!({ "rsvp_opens_at": "2999-01-01T00:00:00Z" }),
        )
        .await;
        let (status, body) = answer(&app, &later, &guest, json!({ "status": "Going" })).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({ "non_field_errors": ["RSVPs for this event are not open yet."] })
            )
        );
        let past = event_with(
            &app,
            &host,
            json!({ "rsvp_opens_at": "2000-01-01T00:00:00Z", "rsvp_closes_at": "2001-01-01T00:00:00Z" }),
        )
        .await;
        let (status, body) = answer(&app, &past, &guest, json!({ "status": "Maybe" })).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({ "non_field_errors": ["RSVPs for this event are closed."] })
            )
        );
        let open = event_with(&app, &host, json!({})).await;
        let cancel = app
            .request("PATCH", &format!("/api/events/{open}/"))
            .bearer(&host)
            .json(&json!({ "cancelled": true }))
            .await;
        assert_eq!(cancel.status, 200);
        let (status, body) = answer(&app, &open, &guest, json!({ "status": "Going" })).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({ "non_field_errors": ["This event has been cancelled."] })
            )
        );
        let (status, body) = answer(
            &app,
            &open,
            &guest,
            json!({ "status": "Going", "guests": "x" }),
        )
        .await;
        assert_eq!(
            (status, body),
            (400, json!({ "guests": ["A valid integer is required."] }))
        );
        let bad_filter = app
            .get(&format!(
                "/api/events/{open}/attendances/?waitlisted=perhaps"
            ))
            .await;
        assert_eq!(
            (bad_filter.status, bad_filter.json()),
            (400, json!({ "waitlisted": ["Must be a valid boolean."] }))
        );
    });
}

store::backend_tests!(
    seats_fill_then_the_queue_is_promoted_in_order,
    the_window_and_cancellation_refuse_answers,
);
