//! Security headers on every response, a strict policy on the HTML pages,
//! no caching of what belongs to one caller, and Swagger UI's CSRF header.

use store::testing::TestDb;

use crate::helpers::{run, TestApp};

fn every_response_is_marked_and_personal_ones_are_not_stored(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;

        let public = app.get("/api/events/").await;
        assert_eq!(
            public.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(
            public.header("referrer-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(
            public.header("content-security-policy"),
            None,
            "JSON needs none"
        );
        assert_eq!(
            public.header("cache-control"),
            None,
            "public lists may be cached"
        );
        assert_eq!(
            public.header("strict-transport-security"),
            None,
            "not behind HTTPS"
        );
        let missing = app.get("/nowhere").await;
        assert_eq!(
            missing.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );

        let me = app
            .request("GET", "/api/auth/me/")
            .bearer(&token)
            .send()
            .await;
        assert_eq!(me.header("cache-control").as_deref(), Some("no-store"));
        let tokens = app
            .request("POST", "/api/token/")
            .json(&serde_json::json!({ "username": "alice", "password": crate::helpers::PASSWORD }))
            .await;
        assert_eq!(tokens.header("cache-control").as_deref(), Some("no-store"));

        for (page, policy) in [
            ("/admin/login/", "default-src 'none'; style-src 'self';"),
            ("/api/docs/", "default-src 'self'; script-src 'self';"),
        ] {
            let reply = app.get(page).await;
            assert_eq!(reply.status, 200, "{page}");
            assert_eq!(
                reply.header("x-frame-options").as_deref(),
                Some("DENY"),
                "{page}"
            );
            let csp = reply.header("content-security-policy").unwrap_or_default();
            assert!(csp.starts_with(policy), "{page}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{page}: {csp}");
        }
    });
}

fn behind_https_browsers_are_told_to_stay_there(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--secure-cookies", "true"]);
        let reply = app.get("/healthz").await;
        assert_eq!(
            reply.header("strict-transport-security").as_deref(),
            Some("max-age=31536000")
        );
    });
}

fn swagger_ui_sends_the_csrf_token_of_a_session(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let reply = app.get("/api/docs/swagger-initializer.js").await;
        assert_eq!(reply.status, 200);
        let script = reply.text();
        for part in [
            "requestInterceptor: withCsrfToken",
            "request.headers[\"X-CSRFToken\"]",
            "csrftoken=",
            "SwaggerUIBundle({",
            "/api/schema/",
        ] {
            assert!(script.contains(part), "{part:?} in {script}");
        }
    });
}

store::backend_tests!(
    every_response_is_marked_and_personal_ones_are_not_stored,
    behind_https_browsers_are_told_to_stay_there,
    swagger_ui_sends_the_csrf_token_of_a_session,
);
