//! The contract's error rows that are not specific to one endpoint.

use std::time::Duration;

use serde_json::json;
use store::testing::TestDb;
use store::PoolOptions;

use crate::helpers::{run, settings, TestApp, SECRET};

fn unknown_paths_are_json_404(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        for path in ["/nope", "/api/nope/", "/api/events/x/y/z/", "/api"] {
            let reply = app.get(path).await;
            assert_eq!(
                (reply.status, reply.json()),
                (404, json!({ "detail": "Not found." })),
                "{path}"
            );
        }
    });
}

fn wrong_methods_are_405_with_allow(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        let cases = [
            ("DELETE", "/api/events/", "GET, POST, HEAD, OPTIONS"),
            (
                "POST",
                "/api/events/00000000-0000-4000-8000-000000000000/",
                "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
            ),
            ("GET", "/api/token/", "POST, OPTIONS"),
            ("PUT", "/api/auth/me", "GET, PATCH, HEAD, OPTIONS"),
        ];
        for (method, path, allow) in cases {
            let reply = app.request(method, path).bearer(&token).send().await;
            assert_eq!(reply.status, 405, "{method} {path}");
            assert_eq!(reply.header("allow").as_deref(), Some(allow));
            assert_eq!(
                reply.json(),
                json!({ "detail": format!("Method \"{method}\" not allowed.") })
            );
        }
        // As in DRF, authentication and the view's permission come first.
        for (method, path) in [("DELETE", "/api/events/"), ("PUT", "/api/auth/me/")] {
            let anonymous = app.request(method, path).send().await;
            assert_eq!(anonymous.status, 401, "anonymous {method} {path}");
        }
        let bad_token = app
            .request("DELETE", "/api/events/")
            .bearer("nonsense")
            .send()
            .await;
        assert_eq!(bad_token.status, 401);
        let tokens_need_no_auth = app.request("GET", "/api/token/refresh/").send().await;
        assert_eq!(tokens_need_no_auth.status, 405);

        let options = app.request("OPTIONS", "/api/events/").send().await;
        assert_eq!(options.status, 200);
        assert_eq!(
            options.header("allow").as_deref(),
            Some("GET, POST, HEAD, OPTIONS")
        );
        assert_eq!(options.json()["name"], "Event List");
        assert_eq!(
            app.request("OPTIONS", "/api/auth/me/").send().await.status,
            401
        );
        let head = app.request("HEAD", "/api/events/").send().await;
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
        assert_eq!(app.request("HEAD", "/healthz").send().await.status, 200);
        let post_health = app.request("POST", "/healthz").send().await;
        assert_eq!(
            (post_health.status, post_health.header("allow").as_deref()),
            (405, Some("GET, HEAD"))
        );
    });
}

fn bodies_are_checked_for_size_type_and_syntax(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--max-body-size", "1024"]);
        app.register("alice").await;
        let token = app.token("alice").await;
        let big = json!({ "name": "x".repeat(2000), "date": "2030-01-01" });
        let too_large = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .json(&big)
            .await;
        assert_eq!(
            (too_large.status, too_large.json()),
            (413, json!({ "detail": "Request body too large." }))
        );

        let text = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw("text/plain", "name=x")
            .await;
        assert_eq!(
            (text.status, text.json()),
            (
                415,
                json!({ "detail": "Unsupported media type \"text/plain\" in request." })
            )
        );

        let malformed = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw("application/json", "{\"name\": ")
            .await;
        assert_eq!(malformed.status, 400);
        let detail = malformed.json()["detail"]
            .as_str()
            .expect("detail")
            .to_owned();
        assert!(detail.starts_with("JSON parse error - "), "{detail}");

        let list = app
            .request("POST", "/api/events/")
            .bearer(&token)
            .raw("application/json", "[]")
            .await;
        assert_eq!(
            (list.status, list.json()),
            (
                400,
                json!({ "non_field_errors": ["Invalid data. Expected a dictionary, but got list."] })
            )
        );
        assert_eq!(
            app.get("/api/events/").await.json(),
            json!([]),
            "nothing was created"
        );
    });
}

fn api_answers_503_when_the_database_is_unavailable(db: &TestDb) {
    run(async {
        let options = PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_millis(300),
        };
        let url = store::DatabaseUrl::parse(db.url()).expect("url");
        let pool = store::build_pool(&url, options).expect("pool");
        let held = pool.get().expect("the only connection");
        let app = TestApp::spawn_with(
            pool.clone(),
            &settings(&["--database-url", db.url(), "--secret-key", SECRET]),
        );
        let reply = app.get("/api/events/").await;
        assert_eq!(
            (reply.status, reply.json()),
            (503, json!({ "detail": "Service temporarily unavailable." }))
        );
        drop(held);
        assert_eq!(app.get("/api/events/").await.status, 200);
    });
}

store::backend_tests!(
    unknown_paths_are_json_404,
    wrong_methods_are_405_with_allow,
    bodies_are_checked_for_size_type_and_syntax,
    api_answers_503_when_the_database_is_unavailable,
);
