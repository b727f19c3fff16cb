//! Each response's `ETag` moves exactly when what it shows changes: an
//! event's detail and attendance list with the event, its answers and the
//! usernames and addresses of the users they show; listings with events
//! and their organizers, and not with answers.

use diesel::connection::SimpleConnection;
use domain::{Email, UserId};
use serde_json::{json, Value};
use store::testing::TestDb;
use store::users::UserChanges;

use crate::conditional_api::tag_of;
use crate::helpers::{run, TestApp};

/// The tags of `paths`, each from a full 200.
async fn tags(app: &TestApp, paths: &[String]) -> Vec<String> {
    let mut tags = Vec::new();
    for path in paths {
        tags.push(tag_of(app, path).await);
    }
    tags
}

/// Which of `paths` answer something else than 304 to their old tag.
async fn moved(app: &TestApp, paths: &[String], old: &[String]) -> Vec<bool> {
    let mut moved = Vec::new();
    for (path, tag) in paths.iter().zip(old) {
        let reply = app
            .request("GET", path)
            .header("If-None-Match", tag)
            .send()
            .await;
        assert!(
            matches!(reply.status, 200 | 304),
            "{path}: {}",
            reply.status
        );
        moved.push(reply.status == 200);
    }
    moved
}

async fn answer(app: &TestApp, token: &str, event: &str, body: Value) {
    let reply = app
        .request(
            "POST",
            &format!("/api/events/{event}/change_attendee_status/"),
        )
        .bearer(token)
        .json(&body)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

async fn patch(app: &TestApp, token: &str, event: &str, body: Value) {
    let reply = app
        .request("PATCH", &format!("/api/events/{event}/"))
        .bearer(token)
        .json(&body)
        .await;
    assert_eq!(reply.status, 200, "{body}: {}", reply.text());
}

fn rename(db: &TestDb, user: i64, username: &str) {
    let mut conn = db.conn();
    conn.batch_execute(&format!(
        "UPDATE users SET username = '{username}' WHERE id = {user}"
    ))
    .expect("rename");
}

fn readdress(db: &TestDb, user: i64, email: &str) {
    let mut conn = db.conn();
    let changes = UserChanges {
        email: Some(Some(Email::parse(email).expect("valid"))),
        ..Default::default()
    };
    store::users::update(&mut conn, UserId(user), &changes).expect("update");
}

fn an_answer_moves_only_its_events_tags(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        app.register("bob").await;
        let alice = app.token("alice").await;
        let bob = app.token("bob").await;
        let a = app.create_event(&alice, "Party", "2030-01-01").await;
        let b = app.create_event(&alice, "Picnic", "2030-02-01").await;
        let (a, b) = (a["id"].as_str().expect("id"), b["id"].as_str().expect("id"));
        let paths = [
            "/api/events/".to_owned(),
            "/api/events/?limit=1&offset=1".to_owned(),
            "/api/events/?search=p&ordering=-name".to_owned(),
            format!("/api/events/{b}/"),
            format!("/api/events/{b}/attendances/"),
            format!("/api/events/{a}/"),
            format!("/api/events/{a}/attendances/?limit=5"),
        ];
        let before = tags(&app, &paths).await;
        answer(&app, &bob, a, json!({ "status": "Going" })).await;
        let expected = [false, false, false, false, false, true, true];
        assert_eq!(moved(&app, &paths, &before).await, expected);
        // And again with the next answer: the tags moved once, not for good.
        let between = tags(&app, &paths).await;
        answer(&app, &bob, a, json!({ "status": "Maybe" })).await;
        assert_eq!(moved(&app, &paths, &between).await, expected);
    });
}

fn every_shown_column_moves_its_tags(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice_id = app.register("alice").await;
        let bob_id = app.register("bob").await;
        app.register("carol").await;
        let alice = app.token("alice").await;
        let bob = app.token("bob").await;
        let carol = app.token("carol").await;
        let event = app.create_event(&alice, "Party", "2030-01-01").await;
        let id = event["id"].as_str().expect("id").to_owned();
        patch(&app, &alice, &id, json!({ "capacity": 2, "max_guests": 2 })).await;
        // Bob takes a seat; Carol's party of two waits behind him.
        answer(&app, &bob, &id, json!({ "status": "Going" })).await;
        answer(&app, &carol, &id, json!({ "status": "Going", "guests": 1 })).await;
        let lists = ["/api/events/".to_owned(), "/api/events/?limit=1".to_owned()];
        let shown = [
            format!("/api/events/{id}/"),
            format!("/api/events/{id}/attendances/"),
        ];
        let paths: Vec<String> = lists.iter().chain(&shown).cloned().collect();
        let event_fields = [
            json!({ "name": "Bigger party" }),
            json!({ "date": "2030-01-02" }),
            json!({ "description": "Bring snacks" }),
            json!({ "location": "The hall" }),
            json!({ "timezone": "Europe/Paris" }),
            json!({ "max_guests": 3 }),
            json!({ "rsvp_closes_at": "2029-12-31T12:00:00Z" }),
            json!({ "rsvp_closes_at": null }),
            // Lowered and raised back: Carol keeps waiting for the guests
            // and waitlist changes below.
            json!({ "capacity": 1 }),
            json!({ "capacity": 2 }),
            json!({ "cancelled": true }),
            json!({ "cancelled": false }),
        ];
        for change in event_fields {
            let before = tags(&app, &paths).await;
            patch(&app, &alice, &id, change.clone()).await;
            assert_eq!(moved(&app, &paths, &before).await, [true; 4], "{change}");
        }
        let before = tags(&app, &paths).await;
        rename(db, alice_id, "alicia");
        assert_eq!(
            moved(&app, &paths, &before).await,
            [true; 4],
            "organizer's username"
        );
        let before = tags(&app, &paths).await;
        readdress(db, alice_id, "alicia@example.org");
        assert_eq!(
            moved(&app, &paths, &before).await,
            [true; 4],
            "organizer's email"
        );

        let attendee = [false, false, true, true];
        let before = tags(&app, &paths).await;
        rename(db, bob_id, "robert");
        assert_eq!(
            moved(&app, &paths, &before).await,
            attendee,
            "attendee's username"
        );
        let before = tags(&app, &paths).await;
        readdress(db, bob_id, "robert@example.org");
        assert_eq!(
            moved(&app, &paths, &before).await,
            attendee,
            "attendee's email"
        );
        let before = tags(&app, &paths).await;
        answer(&app, &bob, &id, json!({ "status": "Going", "guests": 1 })).await;
        assert_eq!(moved(&app, &paths, &before).await, attendee, "guests");
        // Bob leaves: his status changes and Carol's party is seated.
        let before = tags(&app, &paths).await;
        answer(&app, &bob, &id, json!({ "status": "Not Going" })).await;
        assert_eq!(
            moved(&app, &paths, &before).await,
            attendee,
            "status and waitlist"
        );
        let detail = app.get(&shown[0]).await.json();
        assert_eq!(detail["counts"]["waitlisted"], 0, "{detail}");

        // What no response shows moves no tag.
        let before = tags(&app, &paths).await;
        let mut conn = db.conn();
        let names = UserChanges {
            first_name: Some("Bob".to_owned()),
            ..Default::default()
        };
        store::users::update(&mut conn, UserId(bob_id), &names).expect("update");
        store::users::record_login(&mut conn, UserId(bob_id), store::now()).expect("login");
        assert_eq!(moved(&app, &paths, &before).await, [false; 4], "unshown");
    });
}

fn kept_search_counts_follow_writes_on_any_server(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let other = TestApp::spawn(db);
        app.register("alice").await;
        let alice = app.token("alice").await;
        let count = |term: &'static str| {
            let app = &app;
            async move {
                let path = format!("/api/events/?search={term}&limit=1");
                let reply = app.get(&path).await;
                assert_eq!(reply.status, 200, "{}", reply.text());
                reply.json()["count"].as_i64().expect("a count")
            }
        };
        app.create_event(&alice, "Jazz night", "2030-01-01").await;
        app.create_event(&alice, "Rock night", "2030-01-02").await;
        assert_eq!((count("night").await, count("jazz").await), (2, 1));
        // Kept now; a write through another server makes them count again.
        let late = other
            .create_event(&alice, "Late night jazz", "2030-01-03")
            .await;
        assert_eq!((count("night").await, count("jazz").await), (3, 2));
        let id = late["id"].as_str().expect("id");
        patch(&other, &alice, id, json!({ "name": "Late show" })).await;
        assert_eq!((count("night").await, count("show").await), (2, 1));
        let reply = other
            .request("DELETE", &format!("/api/events/{id}/"))
            .bearer(&alice)
            .send()
            .await;
        assert_eq!(reply.status, 204);
        assert_eq!((count("show").await, count("jazz").await), (0, 1));
    });
}

store::backend_tests!(
    kept_search_counts_follow_writes_on_any_server,
    an_answer_moves_only_its_events_tags,
    every_shown_column_moves_its_tags
);
