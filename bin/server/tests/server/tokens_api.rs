//! `/api/token/` endpoints and bearer authentication.

use chrono::{Duration, Utc};
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp, SECRET};

/// Tokens signed like the server's, but issued at a chosen time.
fn tokens_issued_at(user_id: i64, at: chrono::DateTime<Utc>) -> auth::TokenPair {
    auth::TokenConfig::new(SECRET.as_bytes(), Duration::minutes(5), Duration::days(1))
        .issue_pair(domain::UserId(user_id), "a password hash", at)
        .expect("tokens")
}

fn invalid(message: &str) -> serde_json::Value {
    json!({ "detail": message, "code": "token_not_valid" })
}

fn obtain_refresh_verify_and_blacklist(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let pair = app.token_pair("alice").await;
        let (access, refresh) = (
            pair["access"].as_str().expect("access"),
            pair["refresh"].as_str().expect("refresh"),
        );
        assert_eq!(
            pair.as_object().map(|o| o.len()),
            Some(2),
            "exactly access and refresh: {pair}"
        );

        let refreshed = app
            .request("POST", "/api/token/refresh/")
            .json(&json!({ "refresh": refresh }))
            .await;
        assert_eq!(refreshed.status, 200);
        let new_access = refreshed.json()["access"]
            .as_str()
            .expect("access")
            .to_owned();
        assert_eq!(refreshed.json().as_object().map(|o| o.len()), Some(1));
        let me = app
            .request("GET", "/api/auth/me/")
            .bearer(&new_access)
            .send()
            .await;
        assert_eq!(me.json()["username"], "alice");

        for token in [access, refresh] {
            let verified = app
                .request("POST", "/api/token/verify/")
                .json(&json!({ "token": token }))
                .await;
            assert_eq!((verified.status, verified.json()), (200, json!({})));
        }

        let blacklisted = app
            .request("POST", "/api/token/blacklist/")
            .json(&json!({ "refresh": refresh }))
            .await;
        assert_eq!((blacklisted.status, blacklisted.json()), (200, json!({})));
        let again = app
            .request("POST", "/api/token/refresh/")
            .json(&json!({ "refresh": refresh }))
            .await;
        assert_eq!(
            (again.status, again.json()),
            (401, invalid("Token is blacklisted"))
        );
        let verify = app
            .request("POST", "/api/token/verify/")
            .json(&json!({ "token": refresh }))
            .await;
        assert_eq!(
            (verify.status, verify.json()),
            (401, invalid("Token is blacklisted"))
        );
        let twice = app
            .request("POST", "/api/token/blacklist/")
            .json(&json!({ "refresh": refresh }))
            .await;
        assert_eq!(
            (twice.status, twice.json()),
            (401, invalid("Token is blacklisted"))
        );
    });
}

fn token_endpoints_refuse_bad_tokens(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        let pair = app.token_pair("alice").await;
        let access = pair["access"].as_str().expect("access");
        let expired = tokens_issued_at(alice, Utc::now() - Duration::days(2));

        let cases = [
            (
                "/api/token/refresh/",
                json!({ "refresh": "garbage" }),
                invalid("Token is invalid"),
            ),
            (
                "/api/token/refresh/",
                json!({ "refresh": access }),
                invalid("Token has wrong type"),
            ),
            (
                "/api/token/refresh/",
                json!({ "refresh": expired.refresh }),
                invalid("Token is expired"),
            ),
            (
                "/api/token/verify/",
                json!({ "token": "a.b.c" }),
                invalid("Token is invalid"),
            ),
            (
                "/api/token/verify/",
                json!({ "token": expired.access }),
                invalid("Token is expired"),
            ),
            (
                "/api/token/blacklist/",
                json!({ "refresh": access }),
                invalid("Token has wrong type"),
            ),
        ];
        for (path, body, expected) in cases {
            let reply = app.request("POST", path).json(&body).await;
            assert_eq!(
                (reply.status, reply.json()),
                (401, expected),
                "{path} {body}"
            );
            assert_eq!(
                reply.header("www-authenticate").as_deref(),
                Some("Bearer realm=\"api\"")
            );
        }
        for (path, field) in [
            ("/api/token/refresh/", "refresh"),
            ("/api/token/verify/", "token"),
            ("/api/token/blacklist/", "refresh"),
        ] {
            let reply = app.request("POST", path).json(&json!({})).await;
            assert_eq!(
                (reply.status, reply.json()),
                (400, json!({ field: ["This field is required."] })),
                "{path}"
            );
        }
        let missing = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "alice" }))
            .await;
        assert_eq!(
            (missing.status, missing.json()),
            (400, json!({ "password": ["This field is required."] }))
        );
        let wrong = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "alice", "password": "nope-nope" }))
            .await;
        assert_eq!(
            (wrong.status, wrong.json()),
            (
                401,
                json!({ "detail": "No active account found with the given credentials" })
            )
        );
    });
}

fn refresh_for_an_inactive_user_is_refused(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        let pair = app.token_pair("alice").await;
        store::users::delete(&mut db.conn(), domain::UserId(alice)).expect("delete user");
        let reply = app
            .request("POST", "/api/token/refresh/")
            .json(&json!({ "refresh": pair["refresh"] }))
            .await;
        assert_eq!(
            (reply.status, reply.json()),
            (
                401,
                json!({ "detail": "No active account found for the given token." })
            )
        );
        let me = app
            .request("GET", "/api/auth/me/")
            .bearer(pair["access"].as_str().expect("access"))
            .send()
            .await;
        assert_eq!(
            (me.status, me.json()),
            (
                401,
                json!({ "detail": "User not found", "code": "user_not_found" })
            )
        );
    });
}

fn bad_bearer_tokens_on_api_endpoints(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        let expired = tokens_issued_at(alice, Utc::now() - Duration::hours(1));
        let token_error = |message: &str| {
            json!({
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid",
                "messages": [{ "token_class": "AccessToken", "token_type": "access", "message": message }],
            })
        };
        let cases = [
            (
                "Bearer not-a-token".to_owned(),
                token_error("Token is invalid"),
            ),
            (
                format!("Bearer {}", expired.access),
                token_error("Token is expired"),
            ),
            (
                format!("Bearer {}", expired.refresh),
                token_error("Token has wrong type"),
            ),
            (
                "Bearer".to_owned(),
                json!({ "detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header" }),
            ),
            (
                "Bearer a b".to_owned(),
                json!({ "detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header" }),
            ),
        ];
        for (header, body) in cases {
            let reply = app
                .request("POST", "/api/events/")
                .header("Authorization", &header)
                .json(&json!({ "name": "x", "date": "2030-01-01" }))
                .await;
            assert_eq!((reply.status, reply.json()), (401, body), "{header}");
            assert_eq!(
                reply.header("www-authenticate").as_deref(),
                Some("Bearer realm=\"api\"")
            );
        }
        // Other schemes are not ours: the request is simply anonymous.
        let basic = app
            .request("GET", "/api/events/")
            .header("Authorization", "Basic YWxpY2U6eA==")
            .send()
            .await;
        assert_eq!(basic.status, 200);
    });
}

store::backend_tests!(
    obtain_refresh_verify_and_blacklist,
    token_endpoints_refuse_bad_tokens,
    refresh_for_an_inactive_user_is_refused,
    bad_bearer_tokens_on_api_endpoints,
);
