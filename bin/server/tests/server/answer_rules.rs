//! The answer rules have one implementation: each rule holds the same way
//! through the REST API and through the admin, whose staff are held to
//! the seats only (not to cancellations, the RSVP window or the guest
//! limit), as `domain::rsvp::check` says.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::admin_client::{make_user, Browser};
use crate::helpers::{run, TestApp};
use crate::seats_api::{answer, event_with};

/// Staff answer for `user` through the admin's add form.
async fn staff_answer(
    browser: &mut Browser<'_>,
    user: i64,
    event: &str,
    guests: &str,
) -> (u16, String) {
    let reply = browser
        .post(
            "/admin/attendances/add/",
            &[
                ("user", &user.to_string()),
                ("event", event),
                ("status", "Going"),
                ("guests", guests),
            ],
        )
        .await;
    (reply.status, reply.text())
}

fn each_rule_holds_through_rest_and_admin(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        make_user(db, "boss", true);
        app.register("host").await;
        app.register("ann").await;
        let host = app.token("host").await;
        let ann = app.token("ann").await;
        let mut browser = Browser::new(&app);
        browser.login("boss").await;
        let refused = |field: &str, message: &str| json!({ field: [message] });

        // (the event's plan, what the attendee's Going answer gets)
        let cases: [(Value, Value); 4] = [
            (
                json!({ "cancelled": true }),
                refused("non_field_errors", "This event has been cancelled."),
            ),
            (
                json!({ "rsvp_opens_at": "2029-01-01T00:00:00Z" }),
                refused("non_field_errors", "RSVPs for this event are not open yet."),
            ),
            (
                json!({ "rsvp_closes_at": "2020-01-01T00:00:00Z" }),
                refused("non_field_errors", "RSVPs for this event are closed."),
            ),
            (
                json!({ "max_guests": 0 }),
                refused("guests", "Ensure this value is less than or equal to 0."),
            ),
        ];
        for (i, (plan, expected)) in cases.into_iter().enumerate() {
            let event = event_with(&app, &host, json!({})).await;
            let patched = app
                .request("PATCH", &format!("/api/events/{event}/"))
                .bearer(&host)
                .json(&plan)
                .await;
            assert_eq!(patched.status, 200, "{}", patched.text());
            let (status, body) = answer(
                &app,
                &event,
                &ann,
                json!({ "status": "Going", "guests": 1 }),
            )
            .await;
            assert_eq!((status, &body), (400, &expected), "{plan}");
            // Staff are not held to it: their answer is taken.
            let attendee = app.register(&format!("guest{i}")).await;
            let (status, text) = staff_answer(&mut browser, attendee, &event, "1").await;
            assert_eq!(status, 303, "{plan}: {text}");
        }

        // The seats hold for both: a party that does not fit waits, and a
        // seated party may not grow past the seats left.
        let event = event_with(&app, &host, json!({ "capacity": 2, "max_guests": 2 })).await;
        let (status, body) = answer(&app, &event, &ann, json!({ "status": "Going" })).await;
        assert_eq!(
            (status, body["waitlist_position"].clone()),
            (200, Value::Null)
        );
        let bob = app.register("bob").await;
        let (status, text) = staff_answer(&mut browser, bob, &event, "1").await;
        assert_eq!(status, 303, "{text}");
        let detail = app.get(&format!("/api/events/{event}/")).await.json();
        assert_eq!(
            detail["counts"]["waitlisted"], 1,
            "bob's party of 2 waits: {detail}"
        );
        let (status, body) = answer(
            &app,
            &event,
            &ann,
            json!({ "status": "Going", "guests": 2 }),
        )
        .await;
        assert_eq!(
            (status, body),
            (400, refused("guests", "Only 1 seats are left."))
        );
        let carol = app.register("carol").await;
        let (status, _) = staff_answer(&mut browser, carol, &event, "0").await;
        assert_eq!(status, 303);
        let detail = app.get(&format!("/api/events/{event}/")).await.json();
        assert_eq!(
            detail["counts"]["waitlisted"], 2,
            "carol fits, but nobody passes the queue: {detail}"
        );
    });
}

store::backend_tests!(each_rule_holds_through_rest_and_admin);
