//! `change_attendee_status` and `attendances`.

use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, with_seat_defaults, TestApp};

fn change_status_upserts_the_callers_answer(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        let guest = app.register("guest").await;
        let host = app.token("host").await;
        let token = app.token("guest").await;
        let event = app.create_event(&host, "Party", "2030-01-01").await;
        let path = format!(
            "/api/events/{}/change_attendee_status/",
            event["id"].as_str().expect("id")
        );
        let user = json!({ "id": guest, "username": "guest", "email": "guest@example.com" });

        for status in ["Going", "Not Going", "Maybe"] {
            let reply = app
                .request("POST", &path)
                .bearer(&token)
                .json(&json!({ "status": status }))
                .await;
            assert_eq!(
                (reply.status, reply.json()),
                (
                    200,
                    with_seat_defaults(json!({ "user": user, "status": status }))
                )
            );
        }
        let detail = app
            .get(&format!(
                "/api/events/{}/",
                event["id"].as_str().expect("id")
            ))
            .await
            .json();
        assert_eq!(
            detail["attendances"],
            json!([with_seat_defaults(
                json!({ "user": user, "status": "Maybe" })
            )]),
            "one row, last answer"
        );

        let invalid = app
            .request("POST", &path)
            .bearer(&token)
            .json(&json!({ "status": "Bogus" }))
            .await;
        assert_eq!(
            (invalid.status, invalid.json()),
            (
                400,
                json!({ "status": ["\"Bogus\" is not a valid choice."] })
            )
        );
        let missing = app
            .request("POST", &path)
            .bearer(&token)
            .json(&json!({}))
            .await;
        assert_eq!(
            (missing.status, missing.json()),
            (400, json!({ "status": ["This field is required."] }))
        );
        let anonymous = app
            .request("POST", &path)
            .json(&json!({ "status": "Going" }))
            .await;
        assert_eq!(anonymous.status, 401);
        let unknown = app
            .request(
                "POST",
                "/api/events/00000000-0000-4000-8000-000000000000/change_attendee_status/",
            )
            .bearer(&token)
            .json(&json!({ "status": "Going" }))
            .await;
        assert_eq!(
            (unknown.status, unknown.json()),
            (
                404,
                json!({ "detail": "No Event matches the given query." })
            )
        );
        // The missing event wins over a bad body, as in DRF's get_object().
        let unknown_and_bad = app
            .request(
                "POST",
                "/api/events/00000000-0000-4000-8000-000000000000/change_attendee_status/",
            )
            .bearer(&token)
            .json(&json!({ "status": "Bogus" }))
            .await;
        assert_eq!(unknown_and_bad.status, 404);
        let get = app.request("GET", &path).bearer(&token).send().await;
        assert_eq!(
            (get.status, get.header("allow").as_deref()),
            (405, Some("POST, OPTIONS"))
        );
    });
}

fn twenty_concurrent_changes_all_succeed_with_one_row(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("eager").await;
        let host = app.token("host").await;
        let token = app.token("eager").await;
        let event = app.create_event(&host, "Hot", "2030-01-01").await;
        let id = event["id"].as_str().expect("id").to_owned();
        let path = format!("/api/events/{id}/change_attendee_status/");
        let statuses = ["Going", "Maybe", "Not Going"];
        let calls = (0..20).map(|i| {
            app.request("POST", &path)
                .bearer(&token)
                .json_owned(json!({ "status": statuses[i % 3] }))
        });
        let replies = futures_util::future::join_all(calls).await;
        let codes: Vec<u16> = replies.iter().map(|r| r.status).collect();
        assert!(codes.iter().all(|&c| c == 200), "statuses: {codes:?}");

        let event_id: domain::EventId = id.parse().expect("uuid");
        assert_eq!(
            store::attendances::count_for_event(&mut db.conn(), event_id, None).expect("count"),
            1
        );
        let stored = app
            .get(&format!("/api/events/{id}/attendances/"))
            .await
            .json();
        assert_eq!(stored.as_array().map(Vec::len), Some(1));
        assert!(
            replies
                .iter()
                .any(|r| r.json()["status"] == stored[0]["status"]),
            "the row holds one of the answers"
        );
    });
}

/// Answers that arrive together (on SQLite they share one commit) are each
/// kept or refused on their own, and each caller gets its own reply.
fn concurrent_answers_are_kept_or_refused_each_on_their_own(db: &TestDb) {
    const ANSWERS: usize = 30;
    run(async {
        // More sign-ups from one address than the registration throttle allows.
        let app = TestApp::spawn_with_args(db, &["--registration-throttle", "1000"]);
        app.register("host").await;
        let host = app.token("host").await;
        let event = app
            .request("POST", "/api/events/")
            .bearer(&host)
            .json(&json!({ "name": "Dinner", "date": "2030-05-04", "max_guests": 1 }))
            .await;
        assert_eq!(event.status, 201, "{}", event.text());
        let id = event.json()["id"].as_str().expect("id").to_owned();
        let path = format!("/api/events/{id}/change_attendee_status/");
        let mut tokens = Vec::with_capacity(ANSWERS);
        for i in 0..ANSWERS {
            app.register(&format!("guest{i}")).await;
            tokens.push(app.token(&format!("guest{i}")).await);
        }
        // Every third guest asks for more guests than the event allows.
        let too_many = |i: usize| i % 3 == 0;
        let calls = tokens.iter().enumerate().map(|(i, token)| {
            let guests = if too_many(i) { 5 } else { 1 };
            app.request("POST", &path)
                .bearer(token)
                .json_owned(json!({ "status": "Going", "guests": guests }))
        });
        let replies = futures_util::future::join_all(calls).await;
        let mut accepted = Vec::new();
        for (i, reply) in replies.iter().enumerate() {
            if too_many(i) {
                assert_eq!(
                    (reply.status, reply.json()),
                    (
                        400,
                        json!({ "guests": ["Ensure this value is less than or equal to 1."] })
                    ),
                    "guest{i}"
                );
            } else {
                assert_eq!(reply.status, 200, "guest{i}: {}", reply.text());
                assert_eq!(reply.json()["user"]["username"], format!("guest{i}"));
                assert_eq!(reply.json()["guests"], 1);
                accepted.push(format!("guest{i}"));
            }
        }
        let stored = app
            .get(&format!("/api/events/{id}/attendances/"))
            .await
            .json();
        let mut names: Vec<String> = stored
            .as_array()
            .expect("a list")
            .iter()
            .map(|a| a["user"]["username"].as_str().expect("name").to_owned())
            .collect();
        names.sort();
        accepted.sort();
        assert_eq!(names, accepted, "exactly the accepted answers are stored");
        let detail = app.get(&format!("/api/events/{id}/")).await.json();
        assert_eq!(detail["counts"]["going"], accepted.len());
    });
}

fn attendances_list_filters_by_status_and_paginates(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        let host = app.token("host").await;
        let event = app.create_event(&host, "Party", "2030-01-01").await;
        let id = event["id"].as_str().expect("id");
        for (name, status) in [
            ("g1", "Going"),
            ("g2", "Maybe"),
            ("g3", "Going"),
            ("g4", "Not Going"),
        ] {
            app.register(name).await;
            let token = app.token(name).await;
            let reply = app
                .request("POST", &format!("/api/events/{id}/change_attendee_status"))
                .bearer(&token)
                .json(&json!({ "status": status }))
                .await;
            assert_eq!(reply.status, 200);
        }
        let names = |list: &serde_json::Value| -> Vec<String> {
            list.as_array()
                .expect("array")
                .iter()
                .map(|a| a["user"]["username"].as_str().expect("name").to_owned())
                .collect()
        };
        let all = app
            .get(&format!("/api/events/{id}/attendances/"))
            .await
            .json();
        assert_eq!(names(&all), ["g1", "g2", "g3", "g4"]);
        let going = app
            .get(&format!("/api/events/{id}/attendances/?status=Going"))
            .await
            .json();
        assert_eq!(names(&going), ["g1", "g3"]);
        let not_going = app
            .get(&format!("/api/events/{id}/attendances/?status=Not+Going"))
            .await
            .json();
        assert_eq!(names(&not_going), ["g4"]);
        let page = app
            .get(&format!(
                "/api/events/{id}/attendances/?limit=1&offset=1&status=Going"
            ))
            .await
            .json();
        assert_eq!(page["count"], 2);
        assert_eq!(names(&page["results"]), ["g3"]);
        assert_eq!(page["next"], serde_json::Value::Null);

        let bad = app
            .get(&format!("/api/events/{id}/attendances/?status=Bogus"))
            .await;
        assert_eq!(
            (bad.status, bad.json()),
            (
                400,
                json!({ "status": ["Select a valid choice. Bogus is not one of the available choices."] })
            )
        );
        let unknown = app
            .get("/api/events/00000000-0000-4000-8000-000000000000/attendances/")
            .await;
        assert_eq!(unknown.status, 404);
    });
}

store::backend_tests!(
    change_status_upserts_the_callers_answer,
    twenty_concurrent_changes_all_succeed_with_one_row,
    concurrent_answers_are_kept_or_refused_each_on_their_own,
    attendances_list_filters_by_status_and_paginates,
);
