//! `/api/events/` and `/api/events/{id}/`.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::helpers::{run, with_plan_defaults, with_seat_defaults, TestApp};

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect()
}

fn listing_filters_searches_orders_and_paginates(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        app.register("bob").await;
        let (a, b) = (app.token("alice").await, app.token("bob").await);
        app.create_event(&a, "Rust meetup", "2030-03-01").await;
        app.create_event(&b, "Go meetup", "2030-01-01").await;
        app.create_event(&a, "Rust conference", "2030-02-01").await;
        app.create_event(&b, "Picnic", "2030-04-01").await;

        let all = app.get("/api/events").await.json();
        assert_eq!(
            ids(&all),
            ["Go meetup", "Rust conference", "Rust meetup", "Picnic"],
            "bare array, by date"
        );
        assert_eq!(
            all[0],
            with_plan_defaults(json!({
                "id": all[0]["id"], "name": "Go meetup", "date": "2030-01-01",
                "organizer": { "id": all[0]["organizer"]["id"], "username": "bob", "email": "bob@example.com" },
            })),
            "the Django version's keys, and the plan's defaults"
        );

        let found = app
            .get("/api/events/?search=RUST&ordering=-date")
            .await
            .json();
        assert_eq!(ids(&found), ["Rust meetup", "Rust conference"]);
        let by_name = app.get("/api/events/?ordering=name,bogus").await.json();
        assert_eq!(
            ids(&by_name),
            ["Go meetup", "Picnic", "Rust conference", "Rust meetup"]
        );
        let range = app
            .get("/api/events/?date_after=2030-02-01&date_before=2030-03-01")
            .await
            .json();
        assert_eq!(ids(&range), ["Rust conference", "Rust meetup"]);
        let exact = app.get("/api/events/?date=2030-04-01").await.json();
        assert_eq!(ids(&exact), ["Picnic"]);
        let by_alice = app
            .get(&format!("/api/events/?organizer={alice}"))
            .await
            .json();
        assert_eq!(ids(&by_alice), ["Rust conference", "Rust meetup"]);

        let page = app.get("/api/events/?limit=2&offset=1&ordering=date").await;
        assert_eq!(page.status, 200);
        let page = page.json();
        assert_eq!(page["count"], 4);
        assert_eq!(ids(&page["results"]), ["Rust conference", "Rust meetup"]);
        assert_eq!(
            page["next"],
            json!(app.url("/api/events/?limit=2&offset=3&ordering=date"))
        );
        assert_eq!(
            page["previous"],
            json!(app.url("/api/events/?limit=2&ordering=date"))
        );
        let last = app.get("/api/events/?limit=2&offset=3").await.json();
        assert_eq!(last["next"], Value::Null);
        assert_eq!(ids(&last["results"]), ["Picnic"]);
        let first = app.get("/api/events/?limit=2").await.json();
        assert_eq!(first["previous"], Value::Null);
    });
}

fn bad_filters_are_400_with_field_errors(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let reply = app.get("/api/events/?date_after=2030-13-01").await;
        assert_eq!(reply.status, 400);
        assert_eq!(
            reply.json(),
            json!({ "date_after": ["Enter a valid date."] })
        );
        let reply = app.get("/api/events/?date=soon&date_before=x").await;
        assert_eq!(
            reply.json(),
            json!({ "date": ["Enter a valid date."], "date_before": ["Enter a valid date."] })
        );
        let choice = json!({ "organizer": ["Select a valid choice. That choice is not one of the available choices."] });
        for bad in ["abc", "999999"] {
            let reply = app.get(&format!("/api/events/?organizer={bad}")).await;
            assert_eq!(
                (reply.status, reply.json()),
                (400, choice.clone()),
                "organizer={bad}"
            );
        }
        // Empty values filter nothing, as django-filter does.
        assert_eq!(app.get("/api/events/?date=&organizer=").await.status, 200);
    });
}

fn page_size_setting_turns_on_the_envelope(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--page-size", "2"]);
        app.register("alice").await;
        let token = app.token("alice").await;
        for day in 1..=3 {
            app.create_event(&token, &format!("Day {day}"), &format!("2030-01-0{day}"))
                .await;
        }
        let page = app.get("/api/events/").await.json();
        assert_eq!(page["count"], 3);
        assert_eq!(ids(&page["results"]), ["Day 1", "Day 2"]);
        assert_eq!(
            page["next"],
            json!(app.url("/api/events/?limit=2&offset=2"))
        );
    });
}

fn create_accepts_json_form_and_multipart(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let json_reply = app.request("POST", "/api/events/").bearer(&token).json(&json!({ "name": "  Json  ", "date": "2030-01-01", "id": "ignored", "organizer": 99 })).await;
        assert_eq!(json_reply.status, 201);
        assert_eq!(
            json_reply.json()["name"],
            "Json",
            "names are trimmed; id and organizer ignored"
        );
        assert_eq!(json_reply.json()["organizer"]["username"], "alice");
        let form_reply = app
            .request("POST", "/api/events")
            .bearer(&token)
            .form(&[("name", "Form"), ("date", "2030-01-02")])
            .await;
        assert_eq!(form_reply.status, 201);
        let boundary = "XyZ123";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMultipart\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2030-01-03\r\n--{boundary}--\r\n"
        );
        let multipart = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw(&format!("multipart/form-data; boundary={boundary}"), body)
            .await;
        assert_eq!(multipart.status, 201, "{}", multipart.text());
        assert_eq!(multipart.json()["date"], "2030-01-03");
        assert_eq!(
            ids(&app.get("/api/events/").await.json()),
            ["Json", "Form", "Multipart"]
        );
    });
}

fn create_validates_with_drf_messages(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let cases = [
            (
                json!({}),
                json!({ "name": ["This field is required."], "date": ["This field is required."] }),
            ),
            (
                json!({ "name": " ", "date": "2030-02-30" }),
                json!({ "name": ["This field may not be blank."], "date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."] }),
            ),
            (
                json!({ "name": "x".repeat(101), "date": null }),
                json!({ "name": ["Ensure this field has no more than 100 characters."], "date": ["This field may not be null."] }),
            ),
            (
                json!({ "name": ["list"], "date": "01/02/2030" }),
                json!({ "name": ["Not a valid string."], "date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."] }),
            ),
        ];
        for (body, errors) in cases {
            let reply = app
                .request("POST", "/api/events/")
                .bearer(&token)
                .json(&body)
                .await;
            assert_eq!((reply.status, reply.json()), (400, errors), "{body}");
        }
        assert_eq!(
            app.get("/api/events/").await.json(),
            json!([]),
            "nothing was saved"
        );
    });
}

fn retrieve_shows_attendances_and_unknown_ids_are_404(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let bob = app.register("bob").await;
        let (a, b) = (app.token("alice").await, app.token("bob").await);
        let event = app.create_event(&a, "Party", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let rsvp = app
            .request("POST", &format!("{path}change_attendee_status/"))
            .bearer(&b)
            .json(&json!({ "status": "Maybe" }))
            .await;
        assert_eq!(rsvp.status, 200);

        let detail = app.get(&path).await;
        assert_eq!(detail.status, 200);
        let detail = detail.json();
        assert_eq!(
            detail["attendances"],
            json!([with_seat_defaults(
                json!({ "user": { "id": bob, "username": "bob", "email": "bob@example.com" }, "status": "Maybe" })
            )])
        );
        assert_eq!(
            app.get(path.trim_end_matches('/')).await.json(),
            detail,
            "same without the trailing slash"
        );

        let missing = json!({ "detail": "No Event matches the given query." });
        for path in [
            "/api/events/not-a-uuid/",
            "/api/events/00000000-0000-4000-8000-000000000000/",
            "/api/events/123",
        ] {
            let reply = app.get(path).await;
            assert_eq!(
                (reply.status, reply.json()),
                (404, missing.clone()),
                "{path}"
            );
        }
    });
}

fn organizer_can_put_patch_and_delete(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let event = app.create_event(&token, "Draft", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));

        let put_missing = app
            .request("PUT", &path)
            .bearer(&token)
            .json(&json!({ "name": "Only name" }))
            .await;
        assert_eq!(
            (put_missing.status, put_missing.json()),
            (400, json!({ "date": ["This field is required."] }))
        );

        let put = app
            .request("PUT", &path)
            .bearer(&token)
            .json(&json!({ "name": "Final", "date": "2030-06-01" }))
            .await;
        assert_eq!(put.status, 200);
        assert_eq!(
            (put.json()["name"].clone(), put.json()["date"].clone()),
            (json!("Final"), json!("2030-06-01"))
        );

        let patch = app
            .request("PATCH", path.trim_end_matches('/'))
            .bearer(&token)
            .json(&json!({ "date": "2030-07-01" }))
            .await;
        assert_eq!(patch.status, 200);
        assert_eq!(patch.json()["name"], "Final", "PATCH keeps other fields");
        assert_eq!(patch.json()["date"], "2030-07-01");
        let bad_patch = app
            .request("PATCH", &path)
            .bearer(&token)
            .json(&json!({ "name": "" }))
            .await;
        assert_eq!(
            (bad_patch.status, bad_patch.json()),
            (400, json!({ "name": ["This field may not be blank."] }))
        );

        let delete = app.request("DELETE", &path).bearer(&token).send().await;
        assert_eq!(delete.status, 204);
        assert!(delete.body.is_empty());
        assert_eq!(app.get(&path).await.status, 404);
        assert_eq!(
            app.request("DELETE", &path)
                .bearer(&token)
                .send()
                .await
                .status,
            404
        );
    });
}

fn only_the_organizer_may_write(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        app.register("mallory").await;
        let owner = app.token("alice").await;
        let other = app.token("mallory").await;
        let event = app.create_event(&owner, "Mine", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let forbidden = json!({ "detail": "You do not have permission to perform this action." });
        for method in ["PUT", "PATCH", "DELETE"] {
            let reply = app
                .request(method, &path)
                .bearer(&other)
                .json(&json!({ "name": "Hijacked", "date": "2030-01-01" }))
                .await;
            assert_eq!(
                (reply.status, reply.json()),
                (403, forbidden.clone()),
                "{method} by another user"
            );
            let anonymous = app
                .request(method, &path)
                .json(&json!({ "name": "Hijacked" }))
                .await;
            assert_eq!(anonymous.status, 401, "{method} anonymously");
            assert_eq!(
                anonymous.header("www-authenticate").as_deref(),
                Some("Bearer realm=\"api\"")
            );
            assert_eq!(
                anonymous.json(),
                json!({ "detail": "Authentication credentials were not provided." })
            );
        }
        assert_eq!(
            app.get(&path).await.json()["name"],
            "Mine",
            "nothing changed"
        );
        let anonymous_create = app
            .request("POST", "/api/events/")
            .json(&json!({ "name": "x", "date": "2030-01-01" }))
            .await;
        assert_eq!(anonymous_create.status, 401);
    });
}

fn detail_and_list_cost_a_constant_number_of_queries(db: &TestDb) {
    run(async {
        // Without the mail worker, only requests touch the database.
        let app = TestApp::spawn_with_args(db, &["--email-worker", "false"]);
        app.register("host").await;
        let host = app.token("host").await;
        let event = app.create_event(&host, "Big party", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let mut detail_costs = Vec::new();
        let mut list_costs = Vec::new();
        for guest in 0..6 {
            let name = format!("guest{guest}");
            app.register(&name).await;
            let token = app.token(&name).await;
            app.request("POST", &format!("{path}change_attendee_status/"))
                .bearer(&token)
                .json(&json!({ "status": "Going" }))
                .await;
            app.create_event(&token, &format!("Event {guest}"), "2030-02-01")
                .await;

            let before = db.queries();
            assert_eq!(
                app.get(&path).await.json()["attendances"]
                    .as_array()
                    .map(Vec::len),
                Some(guest + 1)
            );
            detail_costs.push(db.queries() - before);
            let before = db.queries();
            assert_eq!(
                app.get("/api/events/?limit=100").await.json()["count"],
                guest + 2
            );
            list_costs.push(db.queries() - before);
            // Asked again with nothing written: the kept body, after the
            // version alone.
            let before = db.queries();
            app.get(&path).await;
            app.get("/api/events/?limit=100").await;
            assert_eq!(db.queries() - before, 2, "repeated reads");
        }
        // The first time, the data version (for the ETag) rides on the
        // event's row, then the answers come; a page of everything by date
        // carries the version and the total in its one statement. After a
        // write, the body kept from before is found out of date by the
        // version read alone first, then everything is read as the first
        // time.
        assert_eq!(detail_costs, [2, 3, 3, 3, 3, 3], "detail");
        assert_eq!(list_costs, [1, 2, 2, 2, 2, 2], "list");
    });
}

fn descending_orderings_break_ties_by_id_ascending(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        let token = app.token("host").await;
        for name in ["Same", "Same", "Same", "Same"] {
            app.create_event(&token, name, "2030-01-01").await;
        }
        app.create_event(&token, "Earlier", "2029-01-01").await;
        let mut same_ids: Vec<String> = Vec::new();
        for ordering in ["-date", "-name", "-date,-name"] {
            let listed = app
                .get(&format!("/api/events/?ordering={ordering}"))
                .await
                .json();
            let ids: Vec<String> = listed
                .as_array()
                .expect("array")
                .iter()
                .filter(|e| e["name"] == "Same")
                .map(|e| e["id"].as_str().expect("id").to_owned())
                .collect();
            let mut ascending = ids.clone();
            ascending.sort();
            assert_eq!(
                ids, ascending,
                "{ordering}: ties by id ascending, as Django breaks them"
            );
            same_ids = ids;
        }
        assert_eq!(same_ids.len(), 4);
    });
}

store::backend_tests!(
    descending_orderings_break_ties_by_id_ascending,
    listing_filters_searches_orders_and_paginates,
    bad_filters_are_400_with_field_errors,
    page_size_setting_turns_on_the_envelope,
    create_accepts_json_form_and_multipart,
    create_validates_with_drf_messages,
    retrieve_shows_attendances_and_unknown_ids_are_404,
    organizer_can_put_patch_and_delete,
    only_the_organizer_may_write,
    detail_and_list_cost_a_constant_number_of_queries,
);
