//! `/healthz` and `/readyz`.

use std::time::Duration;

use serde_json::{json, Value};
use store::testing::TestDb;
use store::PoolOptions;

use crate::helpers::{run, settings, TestApp, SECRET};

fn healthz_and_readyz_answer_ok(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        for path in ["/healthz", "/readyz"] {
            let mut response = app.client.get(app.url(path)).send().await.expect("request");
            assert_eq!(response.status().as_u16(), 200, "{path}");
            assert_eq!(
                response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                Some("application/json")
            );
            let body: Value = response.json().await.expect("json body");
            assert_eq!(body, json!({ "status": "ok" }), "{path}");
        }
    });
}

fn readyz_is_503_when_no_connection_is_available(db: &TestDb) {
    run(async {
        // One connection, held by the test: the server cannot get any.
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

        let mut response = app
            .client
            .get(app.url("/readyz"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 503);
        let body: Value = response.json().await.expect("json body");
        assert_eq!(
            body,
            json!({ "detail": "Service temporarily unavailable." })
        );

        let live = app
            .client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(
            live.status().as_u16(),
            200,
            "liveness does not depend on the database"
        );

        drop(held);
        let ready = app
            .client
            .get(app.url("/readyz"))
            .send()
            .await
            .expect("request");
        assert_eq!(
            ready.status().as_u16(),
            200,
            "ready again once a connection is free"
        );
    });
}

store::backend_tests!(
    healthz_and_readyz_answer_ok,
    readyz_is_503_when_no_connection_is_available
);
