//! Conditional GETs: event detail, event lists and attendance lists carry
//! an `ETag`; `If-None-Match` with a current tag is answered 304 with no
//! body, and a write to what a response shows makes its earlier tags stale
//! (`versions_api` checks each shown column). Their rendered bodies are
//! kept and served again while their version stays, and never after it
//! moved, whichever server wrote.

use diesel::connection::SimpleConnection;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

/// Fetches `path` and returns its tag, checking the answer is a full 200.
pub async fn tag_of(app: &TestApp, path: &str) -> String {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    reply.header("etag").expect("an ETag on a 200")
}

/// The status and body of `path` fetched with `If-None-Match: condition`.
async fn conditional(app: &TestApp, path: &str, condition: &str) -> (u16, String, Option<String>) {
    let reply = app
        .request("GET", path)
        .header("If-None-Match", condition)
        .send()
        .await;
    (reply.status, reply.text(), reply.header("etag"))
}

fn a_current_tag_gets_304_until_a_write(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        app.register("bob").await;
        let alice = app.token("alice").await;
        let bob = app.token("bob").await;
        let event = app.create_event(&alice, "Party", "2030-01-01").await;
        let id = event["id"].as_str().expect("id").to_owned();
        let paths = [
            "/api/events/".to_owned(),
            "/api/events/?limit=5".to_owned(),
            "/api/events/?search=par".to_owned(),
            format!("/api/events/{id}/"),
            format!("/api/events/{id}/attendances/"),
            format!("/api/events/{id}/attendances/?limit=1"),
        ];
        let mut tags = Vec::new();
        for path in &paths {
            let tag = tag_of(&app, path).await;
            let (status, body, echoed) = conditional(&app, path, &tag).await;
            assert_eq!((status, body.as_str()), (304, ""), "{path}");
            assert_eq!(echoed.as_deref(), Some(tag.as_str()), "{path}");
            // Weak comparison, and a list with the tag among others.
            let weak = format!("W/{tag}");
            assert_eq!(conditional(&app, path, &weak).await.0, 304, "{path}");
            let listed = format!("\"other\", {tag}");
            assert_eq!(conditional(&app, path, &listed).await.0, 304, "{path}");
            assert_eq!(conditional(&app, path, "\"other\"").await.0, 200, "{path}");
            assert!(!tags.contains(&tag), "{path} shares a tag with another URL");
            tags.push(tag);
        }

        // Bob answers: the event's tags are stale, and he sees his answer;
        // the listings show no answers and keep theirs.
        let reply = app
            .request("POST", &format!("/api/events/{id}/change_attendee_status/"))
            .bearer(&bob)
            .json(&json!({ "status": "Going" }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        for (path, tag) in paths.iter().zip(&tags) {
            let (status, body, fresh) = conditional(&app, path, tag).await;
            if !path.contains(&id) {
                assert_eq!(status, 304, "{path} after an answer");
                continue;
            }
            assert_eq!(status, 200, "{path} after a write");
            assert_ne!(fresh.as_deref(), Some(tag.as_str()), "{path}");
            if path.ends_with("attendances/") {
                assert!(body.contains("\"bob\""), "{path}: {body}");
            }
        }

        // The organizer renames it: the detail shows the new name at once.
        let detail = format!("/api/events/{id}/");
        let before = tag_of(&app, &detail).await;
        let reply = app
            .request("PATCH", &detail)
            .bearer(&alice)
            .json(&json!({ "name": "Renamed" }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let (status, body, _) = conditional(&app, &detail, &before).await;
        assert_eq!(status, 200);
        assert!(body.contains("Renamed"), "{body}");
    });
}

fn a_star_matches_only_what_exists(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let alice = app.token("alice").await;
        let event = app.create_event(&alice, "Party", "2030-01-01").await;
        let id = event["id"].as_str().expect("id");
        let present = conditional(&app, &format!("/api/events/{id}/"), "*").await;
        assert_eq!(present.0, 304);
        let missing = "/api/events/00000000-0000-4000-8000-000000000000/";
        let (status, body, tag) = conditional(&app, missing, "*").await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(tag, None, "no tag on an error");
    });
}

/// Renames the event called `from` behind the server's back: the data
/// changes, and the listings' and the event's versions are put back to
/// what they were, so only a response that loads the data can show the
/// new name.
fn rename_without_a_new_version(db: &TestDb, from: &str, to: &str) {
    let mut conn = db.conn();
    // The triggers bumped one shard of each by one: the connection's own
    // on PostgreSQL, the only one on SQLite.
    let (listings, event) = if db.url().starts_with("postgres") {
        (
            "WHERE shard = pg_backend_pid() % 16",
            "shard = pg_backend_pid() % 8",
        )
    } else {
        ("", "shard = 0")
    };
    conn.batch_execute(&format!(
        "UPDATE events SET name = '{to}' WHERE name = '{from}'; \
         UPDATE data_versions SET version = version - 1 {listings}; \
         UPDATE event_versions SET version = version - 1 WHERE {event} \
         AND event_id = (SELECT id FROM events WHERE name = '{to}');"
    ))
    .expect("rename");
}

fn a_kept_body_is_served_until_the_version_moves_on_any_server(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let other = TestApp::spawn(db);
        let uncached = TestApp::spawn_with_args(db, &["--response-cache-mib", "0"]);
        app.register("alice").await;
        app.register("bob").await;
        let alice = app.token("alice").await;
        let bob = other.token("bob").await;
        let event = app.create_event(&alice, "Party", "2030-01-01").await;
        app.create_event(&alice, "Later", "2031-01-01").await;
        let id = event["id"].as_str().expect("id").to_owned();
        let paths = [
            "/api/events/".to_owned(),
            "/api/events/?limit=1".to_owned(),
            format!("/api/events/{id}/"),
            format!("/api/events/{id}/attendances/"),
        ];
        let mut first = Vec::new();
        for path in &paths {
            let reply = app.get(path).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text());
            first.push((reply.text(), reply.header("etag")));
        }
        // A 404 is not kept: the same address is a 404 again.
        let missing = "/api/events/00000000-0000-4000-8000-000000000000/";
        assert_eq!(app.get(missing).await.status, 404);
        assert_eq!(app.get(missing).await.status, 404);

        rename_without_a_new_version(db, "Party", "Sneaky");
        for (path, (body, tag)) in paths.iter().zip(&first) {
            // The same version: the kept body, byte for byte, with its tag
            // and type, also for a client holding another tag. A server
            // keeping nothing loads the new name.
            let again = app.get(path).await;
            assert_eq!(again.status, 200, "{path}");
            assert_eq!(&again.text(), body, "{path} was loaded again");
            assert_eq!(&again.header("etag"), tag, "{path}");
            assert_eq!(
                again.header("content-type").as_deref(),
                Some("application/json")
            );
            let (status, stale_tag_body, _) = conditional(&app, path, "\"other\"").await;
            assert_eq!((status, &stale_tag_body), (200, body), "{path}");
            if !path.ends_with("attendances/") {
                let loaded = uncached.get(path).await;
                assert!(
                    loaded.text().contains("Sneaky"),
                    "{path}: {}",
                    loaded.text()
                );
            }
        }
        // Another origin is another address: its page links to it, and it
        // is loaded, rename and all.
        let elsewhere = app
            .request("GET", "/api/events/?limit=1")
            .header("Host", "elsewhere.example")
            .send()
            .await;
        let text = elsewhere.text();
        assert!(
            text.contains("http://elsewhere.example/api/events/?limit=1&offset=1"),
            "{text}"
        );
        assert!(text.contains("Sneaky"), "{text}");

        // Bob answers through the other server: the event's version moves,
        // and the first server loads its detail and answers afresh, the
        // rename included; the listings show no answers and stay kept.
        let reply = other
            .request("POST", &format!("/api/events/{id}/change_attendee_status/"))
            .bearer(&bob)
            .json(&json!({ "status": "Going" }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        for (path, (body, tag)) in paths.iter().zip(&first) {
            let fresh = app.get(path).await;
            assert_eq!(fresh.status, 200, "{path}");
            let text = fresh.text();
            if !path.contains(&id) {
                assert_eq!((&text, &fresh.header("etag")), (body, tag), "{path}");
                continue;
            }
            assert_ne!(&fresh.header("etag"), tag, "{path}");
            if path.ends_with("attendances/") {
                assert!(text.contains("\"bob\""), "{path}: {text}");
            } else {
                assert!(text.contains("Sneaky"), "{path}: {text}");
            }
        }
        // A new event through the other server moves the listings.
        other.create_event(&bob, "Brunch", "2032-01-01").await;
        for path in paths.iter().filter(|path| !path.contains(&id)) {
            let text = app.get(path).await.text();
            assert!(text.contains("Sneaky"), "{path}: {text}");
        }
    });
}

store::backend_tests!(
    a_current_tag_gets_304_until_a_write,
    a_star_matches_only_what_exists,
    a_kept_body_is_served_until_the_version_moves_on_any_server
);
