//! Edges of the contract: check order, inactive accounts, logout, NUL
//! characters, body limits on every write, CSRF on every unsafe method.

use futures_util::stream;
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

const NO_EVENT: &str = "/api/events/00000000-0000-4000-8000-000000000000/";

fn checks_run_in_drfs_order(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        for method in ["PUT", "PATCH", "DELETE"] {
            for path in [NO_EVENT, "/api/events/not-a-uuid/"] {
                let anonymous = app.request(method, path).json(&json!({})).await;
                assert_eq!(
                    anonymous.status, 401,
                    "anonymous {method} {path}: permission before lookup"
                );
                let user = app
                    .request(method, path)
                    .bearer(&token)
                    .json(&json!({}))
                    .await;
                assert_eq!(
                    user.status, 404,
                    "{method} {path}: lookup before the organizer check"
                );
            }
        }
        // A bad filter on an unknown event: the event is looked up first.
        let reply = app
            .get(&format!("{NO_EVENT}attendances/?status=Bogus"))
            .await;
        assert_eq!(reply.status, 404);
    });
}

fn inactive_accounts_are_refused(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        let pair = app.token_pair("alice").await;
        let (cookie, _) = app.login("alice").await;
        let changes = store::users::UserChanges {
            is_active: Some(false),
            ..Default::default()
        };
        store::users::update(&mut db.conn(), domain::UserId(alice), &changes).expect("deactivate");

        let bearer = app
            .request("GET", "/api/auth/me/")
            .bearer(pair["access"].as_str().expect("access"))
            .send()
            .await;
        assert_eq!(
            (bearer.status, bearer.json()),
            (
                401,
                json!({ "detail": "User is inactive", "code": "user_inactive" })
            )
        );
        let refresh = app
            .request("POST", "/api/token/refresh/")
            .json(&json!({ "refresh": pair["refresh"] }))
            .await;
        assert_eq!(
            (refresh.status, refresh.json()),
            (
                401,
                json!({ "detail": "No active account found for the given token." })
            )
        );
        let session = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(
            session.status, 401,
            "a deactivated user's session is anonymous"
        );
        let login = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "alice", "password": crate::helpers::PASSWORD }))
            .await;
        assert_eq!(login.status, 401);
    });
}

fn logout_ends_the_session_on_the_server(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let (cookie, csrf) = app.login("alice").await;
        assert_eq!(
            app.request("GET", "/api/auth/me/")
                .header("Cookie", &cookie)
                .send()
                .await
                .status,
            200
        );
        let logout = app
            .request("POST", "/api/auth/logout/")
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .send()
            .await;
        assert_eq!(logout.status, 204);
        let replay = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(replay.status, 401, "the old cookie no longer works");
    });
}

fn nul_characters_are_refused(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let reply = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .json(&json!({ "name": "a\u{0}b", "date": "2030-01-01" }))
            .await;
        assert_eq!(
            (reply.status, reply.json()),
            (400, json!({ "name": ["Null characters are not allowed."] }))
        );
        let register = app
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": "bob", "password": "plum-tree-42", "first_name": "x\u{0}" }))
            .await;
        assert_eq!(
            (register.status, register.json()),
            (
                400,
                json!({ "first_name": ["Null characters are not allowed."] })
            )
        );
        let login = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "a\u{0}", "password": "x" }))
            .await;
        assert_eq!(login.status, 400);
        assert_eq!(app.get("/api/events/?search=a%00b").await.status, 200);
    });
}

fn every_write_checks_size_and_type(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--max-body-size", "512"]);
        app.register("alice").await;
        let token = app.token("alice").await;
        let event = app.create_event(&token, "Party", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let big = json!({ "name": "x".repeat(1000), "status": "Going" });
        for (method, target) in [
            ("PUT", path.clone()),
            ("PATCH", path.clone()),
            ("POST", format!("{path}change_attendee_status/")),
        ] {
            let too_large = app.request(method, &target).bearer(&token).json(&big).await;
            assert_eq!(too_large.status, 413, "{method} {target}");
            let text = app
                .request(method, &target)
                .bearer(&token)
                .raw("text/plain", "status=Going")
                .await;
            assert_eq!(text.status, 415, "{method} {target}");
        }
        // Chunked bodies (no Content-Length) are counted as they arrive.
        let chunks =
            (0..64).map(|_| Ok::<_, std::io::Error>(actix_web::web::Bytes::from(vec![b'a'; 64])));
        let boundary = "b0undary";
        let chunked = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .header(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .stream(stream::iter(chunks))
            .await;
        assert_eq!(
            (chunked.status, chunked.json()),
            (413, json!({ "detail": "Request body too large." }))
        );
        let empty_multipart = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw("multipart/form-data; boundary=x", "")
            .await;
        assert_eq!(empty_multipart.status, 400);
        assert_eq!(
            empty_multipart.json()["name"],
            json!(["This field is required."])
        );
        let null = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw("application/json", "null")
            .await;
        assert_eq!(
            null.json(),
            json!({ "non_field_errors": ["This field may not be null."] })
        );
    });
}

fn every_unsafe_session_request_needs_csrf(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let event = app.create_event(&token, "Party", "2030-01-01").await;
        let path = format!("/api/events/{}/", event["id"].as_str().expect("id"));
        let (cookie, csrf) = app.login("alice").await;
        let body = json!({ "name": "Renamed", "date": "2030-01-02", "status": "Going" });
        for (method, target) in [
            ("PUT", path.clone()),
            ("PATCH", path.clone()),
            ("POST", format!("{path}change_attendee_status/")),
            ("DELETE", path.clone()),
        ] {
            let refused = app
                .request(method, &target)
                .header("Cookie", &cookie)
                .json(&body)
                .await;
            assert_eq!(
                (refused.status, refused.json()),
                (403, json!({ "detail": "CSRF Failed: CSRF token missing." })),
                "{method}"
            );
        }
        let no_cookie = app
            .request("POST", "/api/events/")
            .header(
                "Cookie",
                cookie
                    .split("; ")
                    .find(|c| c.starts_with("sessionid="))
                    .expect("session"),
            )
            .json(&body)
            .await;
        assert_eq!(
            (no_cookie.status, no_cookie.json()),
            (
                403,
                json!({ "detail": "CSRF Failed: CSRF cookie not set." })
            )
        );
        let allowed = app
            .request("DELETE", &path)
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .send()
            .await;
        assert_eq!(allowed.status, 204);
    });
}

fn pagination_edges_and_bare_paths(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        for day in 1..=3 {
            app.create_event(&token, &format!("Day {day}"), &format!("2030-01-0{day}"))
                .await;
        }
        let beyond = app.get("/api/events/?limit=2&offset=10").await.json();
        assert_eq!(
            (
                beyond["count"].clone(),
                beyond["results"].clone(),
                beyond["next"].clone()
            ),
            (json!(3), json!([]), json!(null))
        );
        assert_eq!(
            beyond["previous"],
            json!(app.url("/api/events/?limit=2&offset=8"))
        );
        let short = app.get("/api/events/?limit=2&offset=1").await.json();
        assert_eq!(
            short["previous"],
            json!(app.url("/api/events/?limit=2")),
            "previous of a short first step has no offset"
        );
        let huge = app
            .get("/api/events/?limit=10&offset=9223372036854775807")
            .await;
        assert_eq!(huge.status, 200);
        let forwarded = app
            .request("GET", "/api/events/?limit=1")
            .header("X-Forwarded-Host", "evil.example")
            .send()
            .await
            .json();
        assert!(
            forwarded["next"]
                .as_str()
                .is_some_and(|n| n.starts_with(&app.base_url)),
            "forwarded hosts are not trusted by default"
        );

        let pair = app.token_pair("alice").await;
        for (path, body) in [
            ("/api/token/refresh", json!({ "refresh": pair["refresh"] })),
            ("/api/token/verify", json!({ "token": pair["access"] })),
        ] {
            assert_eq!(
                app.request("POST", path).json(&body).await.status,
                200,
                "{path}"
            );
        }
    });
}

/// Python's dates hold years 1 to 9999, so Django's do: year 0 is refused
/// in bodies and in filters alike (PostgreSQL would store it as 1 BC).
fn dates_are_years_1_to_9999(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let post = |body: serde_json::Value| {
            let (app, token) = (&app, &token);
            async move {
                let reply = app
                    .request("POST", "/api/events/")
                    .bearer(token)
                    .json(&body)
                    .await;
                (reply.status, reply.json())
            }
        };
        let (status, body) = post(json!({ "name": "Zero", "date": "0000-01-01" })).await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({ "date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."] })
        );
        let (status, body) =
            post(json!({ "name": "Zero", "starts_at": "0000-06-01T10:00:00Z" })).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["starts_at"].is_array(), "{body}");
        let (status, body) = post(json!({ "name": "Last", "date": "9999-12-31" })).await;
        assert_eq!(
            (status, &body["date"]),
            (201, &json!("9999-12-31")),
            "{body}"
        );
        let (status, body) = post(json!({ "name": "First", "date": "0001-01-01" })).await;
        assert_eq!(
            (status, &body["date"]),
            (201, &json!("0001-01-01")),
            "{body}"
        );
        let filtered = app.get("/api/events/?date=0000-01-01").await;
        assert_eq!(filtered.status, 400);
    });
}

store::backend_tests!(
    checks_run_in_drfs_order,
    dates_are_years_1_to_9999,
    inactive_accounts_are_refused,
    logout_ends_the_session_on_the_server,
    nul_characters_are_refused,
    every_write_checks_size_and_type,
    every_unsafe_session_request_needs_csrf,
    pagination_edges_and_bare_paths,
);
