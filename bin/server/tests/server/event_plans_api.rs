//! Events with a time, a place and seats, through real HTTP: the fields'
//! rules and messages on create, PUT and PATCH, and times in the event's zone.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

async fn post_event(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let reply = app
        .request("POST", "/api/events/")
        .bearer(token)
        .json(&body)
        .await;
    (reply.status, reply.json())
}

fn every_field_rule_has_its_message(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        let token = app.token("host").await;
        let base = |extra: Value| {
            let mut body = json!({ "name": "Launch", "date": "2030-05-04" });
            if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
                body.extend(extra.clone());
            }
            body
        };
        let cases = [
            (
                json!({ "description": "d".repeat(5001) }),
                json!({ "description": ["Ensure this field has no more than 5000 characters."] }),
            ),
            (
                json!({ "location": "l".repeat(256) }),
                json!({ "location": ["Ensure this field has no more than 255 characters."] }),
            ),
            (
                json!({ "timezone": "Mars/Base" }),
                json!({ "timezone": ["\"Mars/Base\" is not a valid choice."] }),
            ),
            (
                json!({ "starts_at": "2030-05-05T10:00:00Z" }),
                json!({ "starts_at": ["Must fall on the event's date in its time zone."] }),
            ),
            (
                json!({ "starts_at": "tomorrow" }),
                json!({ "starts_at": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."] }),
            ),
            (
                json!({ "ends_at": "2030-05-04T10:00:00Z" }),
                json!({ "ends_at": ["Must be after starts_at."] }),
            ),
            (
                json!({ "starts_at": "2030-05-04T10:00:00Z", "ends_at": "2030-05-04T09:00:00Z" }),
                json!({ "ends_at": ["Must be after starts_at."] }),
            ),
            (
                json!({ "capacity": 0 }),
                json!({ "capacity": ["Ensure this value is greater than or equal to 1."] }),
            ),
            (
                json!({ "capacity": "many" }),
                json!({ "capacity": ["A valid integer is required."] }),
            ),
            (
                json!({ "max_guests": 21 }),
                json!({ "max_guests": ["Ensure this value is less than or equal to 20."] }),
            ),
            (
                json!({ "max_guests": -1 }),
                json!({ "max_guests": ["Ensure this value is greater than or equal to 0."] }),
            ),
            (
                json!({ "rsvp_opens_at": "2030-02-01T00:00:00Z", "rsvp_closes_at": "2030-01-01T00:00:00Z" }),
                json!({ "rsvp_closes_at": ["Must be after rsvp_opens_at."] }),
            ),
        ];
        for (extra, errors) in cases {
            let (status, body) = post_event(&app, &token, base(extra.clone())).await;
            assert_eq!((status, body), (400, errors), "{extra}");
        }
        let (status, body) = post_event(&app, &token, json!({ "name": "No date" })).await;
        assert_eq!(
            (status, body),
            (400, json!({ "date": ["This field is required."] }))
        );
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0,
            "nothing saved"
        );

        // The local date of `starts_at` stands in for a missing `date`.
        let (status, event) = post_event(
            &app,
            &token,
            json!({
                "name": "Late show", "timezone": "Europe/Paris",
                "starts_at": "2030-05-04T22:30:00Z", "ends_at": "2030-05-05T00:30:00+00:00",
                "location": "Hall 2", "description": "Bring a chair.",
                "capacity": 50, "max_guests": 2,
                "rsvp_opens_at": "2030-04-01T08:00:00+02:00", "rsvp_closes_at": "2030-05-04T12:00:00Z",
                "cancelled": true,
            }),
        )
        .await;
        assert_eq!(status, 201, "{event}");
        assert_eq!(event["date"], "2030-05-05", "the local date in Paris");
        assert_eq!(
            event["starts_at"], "2030-05-05T00:30:00+02:00",
            "shown in its zone"
        );
        assert_eq!(event["ends_at"], "2030-05-05T02:30:00+02:00");
        assert_eq!(event["rsvp_opens_at"], "2030-04-01T08:00:00+02:00");
        assert_eq!(event["rsvp_closes_at"], "2030-05-04T14:00:00+02:00");
        assert_eq!(
            (event["capacity"].clone(), event["max_guests"].clone()),
            (json!(50), json!(2))
        );
        assert_eq!(
            (event["location"].clone(), event["timezone"].clone()),
            (json!("Hall 2"), json!("Europe/Paris"))
        );
        assert_eq!(
            event["cancelled"], false,
            "cancelling is for the organizer's updates"
        );
        assert_eq!(
            event["seats"],
            json!({ "capacity": 50, "taken": 0, "left": 50 })
        );
        assert_eq!(
            event["counts"],
            json!({ "going": 0, "maybe": 0, "not_going": 0, "waitlisted": 0 })
        );
    });
}

fn updates_keep_what_they_leave_out(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("guest").await;
        let (host, guest) = (app.token("host").await, app.token("guest").await);
        let (_, event) = post_event(
            &app,
            &host,
            json!({ "name": "Talk", "date": "2030-05-04", "capacity": 10, "location": "Room 1" }),
        )
        .await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));

        // An old client's PUT (name and date only) keeps the plan.
        let put = app
            .request("PUT", &path)
            .bearer(&host)
            .json(&json!({ "name": "Talk 2", "date": "2030-05-04" }))
            .await;
        assert_eq!(put.status, 200, "{}", put.text());
        assert_eq!(
            (
                put.json()["capacity"].clone(),
                put.json()["location"].clone()
            ),
            (json!(10), json!("Room 1"))
        );
        let incomplete = app
            .request("PUT", &path)
            .bearer(&host)
            .json(&json!({ "capacity": 5 }))
            .await;
        assert_eq!(
            (incomplete.status, incomplete.json()),
            (
                400,
                json!({ "name": ["This field is required."], "date": ["This field is required."] })
            )
        );

        let patch = |body: Value| app.request("PATCH", &path).bearer(&host).json_owned(body);
        let timed =
            patch(json!({ "starts_at": "2030-05-04T18:00:00+02:00", "timezone": "Europe/Paris" }))
                .await;
        assert_eq!(timed.status, 200, "{}", timed.text());
        let moved = patch(json!({ "date": "2030-05-06" })).await;
        assert_eq!(
            (moved.status, moved.json()),
            (
                400,
                json!({ "starts_at": ["Must fall on the event's date in its time zone."] })
            ),
            "a timed event's date moves with its start"
        );
        let cancelled = patch(json!({ "cancelled": true })).await;
        assert_eq!(cancelled.json()["cancelled"], true);
        let not_theirs = app
            .request("PATCH", &path)
            .bearer(&guest)
            .json(&json!({ "cancelled": false }))
            .await;
        assert_eq!(not_theirs.status, 403, "only the organizer sets it");
        let removed = patch(json!({ "capacity": null, "starts_at": null })).await;
        assert_eq!(
            (
                removed.json()["capacity"].clone(),
                removed.json()["starts_at"].clone()
            ),
            (Value::Null, Value::Null)
        );
        assert_eq!(
            removed.json()["seats"],
            json!({ "capacity": null, "taken": 0, "left": null })
        );
    });
}

fn options_lists_the_writable_fields_for_those_who_may_write(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("guest").await;
        let (host, guest) = (app.token("host").await, app.token("guest").await);
        let anonymous = app.request("OPTIONS", "/api/events/").send().await.json();
        assert!(
            anonymous.get("actions").is_none(),
            "anonymous callers may not POST"
        );
        let list = app
            .request("OPTIONS", "/api/events/")
            .bearer(&guest)
            .send()
            .await
            .json();
        assert_eq!(
            list["actions"]["POST"]["name"],
            json!({ "type": "string", "required": true, "read_only": false, "label": "Name", "max_length": 100 })
        );
        assert_eq!(
            list["actions"]["POST"]["date"],
            json!({ "type": "date", "required": true, "read_only": false, "label": "Date" })
        );
        assert_eq!(list["actions"]["POST"]["id"]["read_only"], true);
        assert_eq!(list["actions"]["POST"]["capacity"]["min_value"], 1);

        let (_, event) =
            post_event(&app, &host, json!({ "name": "Talk", "date": "2030-05-04" })).await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let mine = app
            .request("OPTIONS", &path)
            .bearer(&host)
            .send()
            .await
            .json();
        assert_eq!(
            mine["actions"]["PUT"]["name"]["max_length"], 100,
            "the organizer may PUT"
        );
        let theirs = app.request("OPTIONS", &path).bearer(&guest).send().await;
        assert_eq!(theirs.status, 200);
        assert!(theirs.json().get("actions").is_none(), "others may not");
    });
}

store::backend_tests!(
    options_lists_the_writable_fields_for_those_who_may_write,
    every_field_rule_has_its_message,
    updates_keep_what_they_leave_out,
);
