//! The Django workshop's own tests, translated.

use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

fn anonymous_list_shows_the_event_with_its_organizer(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("test_user").await;
        let token = app.token("test_user").await;
        app.create_event(&token, "test_event", "2021-01-01").await;

        let reply = app.get("/api/events/").await;
        assert_eq!(reply.status, 200);
        let events = reply.json();
        assert_eq!(events[0]["name"], "test_event");
        assert_eq!(events[0]["date"], "2021-01-01");
        assert_eq!(events[0]["organizer"]["username"], "test_user");
    });
}

fn authenticated_post_creates_an_event_organized_by_the_caller(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let user_id = app.register("test_user").await;
        let (cookie, csrf) = app.login("test_user").await;
        let reply = app
            .request("POST", "/api/events/")
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .form(&[("name", "test_event2"), ("date", "2021-01-02")])
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        let event = reply.json();
        assert_eq!(event["name"], "test_event2");
        assert_eq!(event["date"], "2021-01-02");
        assert_eq!(event["organizer"]["username"], "test_user");
        assert_eq!(event["attendances"], json!([]));

        // The id in the response is the one in the database.
        let id: domain::EventId = event["id"].as_str().expect("id").parse().expect("uuid");
        let stored = store::events::get(&mut db.conn(), id).expect("stored event");
        assert_eq!(stored.name.as_str(), "test_event2");
        assert_eq!(stored.organizer_id, Some(domain::UserId(user_id)));
    });
}

fn another_user_cannot_modify_the_event(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("test_user").await;
        app.register("test_user2").await;
        let owner = app.token("test_user").await;
        let event = app.create_event(&owner, "test_event", "2021-01-01").await;

        let (cookie, csrf) = app.login("test_user2").await;
        let reply = app
            .request(
                "PUT",
                &format!("/api/events/{}/", event["id"].as_str().expect("id")),
            )
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .form(&[("name", "test_event2"), ("date", "2021-01-02")])
            .await;
        assert_eq!(reply.status, 403);
        assert_eq!(
            reply.json(),
            json!({ "detail": "You do not have permission to perform this action." })
        );
    });
}

store::backend_tests!(
    anonymous_list_shows_the_event_with_its_organizer,
    authenticated_post_creates_an_event_organized_by_the_caller,
    another_user_cannot_modify_the_event,
);
