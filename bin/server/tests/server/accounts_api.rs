//! `/api/auth/`: register, login, logout, me, CSRF and throttling.

use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp, PASSWORD};

fn register_returns_me_and_stores_a_bcrypt_hash(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let reply = app
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": "alice", "password": PASSWORD, "email": "alice@example.com", "first_name": "Alice" }))
            .await;
        assert_eq!(reply.status, 201);
        let me = reply.json();
        assert_eq!(
            me,
            json!({
                "id": me["id"], "username": "alice", "email": "alice@example.com",
                "first_name": "Alice", "last_name": "", "is_staff": false,
                "email_notifications": true, "calendar_url": me["calendar_url"],
            })
        );
        let feed = me["calendar_url"].as_str().expect("calendar_url");
        assert!(
            feed.starts_with(&format!("{}/api/calendar/", app.base_url)) && feed.ends_with(".ics"),
            "{feed}"
        );
        assert!(
            !reply.text().contains(PASSWORD),
            "the password never comes back"
        );
        let stored = store::users::get_credentials(&mut db.conn(), "alice").expect("stored");
        assert!(
            stored.password_hash.starts_with("bcrypt_sha256$$2b$"),
            "Django's bcrypt_sha256 form, which Django verifies too: {}",
            stored.password_hash
        );
        assert!(auth::verify_password(PASSWORD, &stored.password_hash));
    });
}

fn register_validates_like_django(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("taken").await;
        let cases = [
            (
                json!({}),
                json!({ "username": ["This field is required."], "password": ["This field is required."] }),
            ),
            (
                json!({ "username": "taken", "password": PASSWORD }),
                json!({ "username": ["A user with that username already exists."] }),
            ),
            (
                json!({ "username": "bad name!", "password": PASSWORD, "email": "nope" }),
                json!({
                    "username": ["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."],
                    "email": ["Enter a valid email address."],
                }),
            ),
            (
                json!({ "username": "carol", "password": "carol123" }),
                json!({ "password": [
                    "The password is too similar to the username.",
                    "This password is too common.",
                ] }),
            ),
            (
                json!({ "username": "dave", "password": "12345" }),
                json!({ "password": [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ] }),
            ),
        ];
        for (body, errors) in cases {
            let reply = app.request("POST", "/api/auth/register/").json(&body).await;
            assert_eq!((reply.status, reply.json()), (400, errors), "{body}");
        }
        assert_eq!(store::users::count(&mut db.conn()).expect("count"), 1);
    });
}

fn login_sets_session_and_csrf_cookies(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let reply = app
            .request("POST", "/api/auth/login")
            .form(&[("username", "alice"), ("password", PASSWORD)])
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json()["username"], "alice");
        let set_cookies: Vec<String> = reply
            .headers
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        let session = set_cookies
            .iter()
            .find(|c| c.starts_with("sessionid="))
            .expect("session cookie");
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        let csrf = set_cookies
            .iter()
            .find(|c| c.starts_with("csrftoken="))
            .expect("csrf cookie");
        assert!(
            !csrf.contains("HttpOnly"),
            "scripts must read the CSRF cookie: {csrf}"
        );

        let (cookie, _) = app.login("alice").await;
        let me = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(
            (me.status, me.json()["username"].clone()),
            (200, json!("alice"))
        );
    });
}

fn wrong_credentials_are_401(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let refused = json!({ "detail": "No active account found with the given credentials" });
        for (username, password) in [("alice", "wrong-password"), ("nobody", PASSWORD)] {
            let reply = app
                .request("POST", "/api/auth/login/")
                .json(&json!({ "username": username, "password": password }))
                .await;
            assert_eq!(
                (reply.status, reply.json()),
                (401, refused.clone()),
                "{username}"
            );
        }
        let blank = app
            .request("POST", "/api/auth/login/")
            .json(&json!({ "username": "", "password": "" }))
            .await;
        assert_eq!(
            (blank.status, blank.json()),
            (
                400,
                json!({ "username": ["This field may not be blank."], "password": ["This field may not be blank."] })
            )
        );
    });
}

fn session_writes_need_the_csrf_token(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let (cookie, csrf) = app.login("alice").await;
        let body = json!({ "name": "Session event", "date": "2030-01-01" });
        let missing = app
            .request("POST", "/api/events/")
            .header("Cookie", &cookie)
            .json(&body)
            .await;
        assert_eq!(
            (missing.status, missing.json()),
            (403, json!({ "detail": "CSRF Failed: CSRF token missing." }))
        );
        let wrong = app
            .request("POST", "/api/events/")
            .header("Cookie", &cookie)
            .header("X-CSRFToken", "x".repeat(32).as_str())
            .json(&body)
            .await;
        assert_eq!(
            (wrong.status, wrong.json()),
            (
                403,
                json!({ "detail": "CSRF Failed: CSRF token incorrect." })
            )
        );
        let ok = app
            .request("POST", "/api/events/")
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .json(&body)
            .await;
        assert_eq!(ok.status, 201);
        // Reads need no token.
        let read = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(read.status, 200);
    });
}

fn logout_ends_the_session(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let (cookie, csrf) = app.login("alice").await;
        let without_token = app
            .request("POST", "/api/auth/logout/")
            .header("Cookie", &cookie)
            .send()
            .await;
        assert_eq!(
            without_token.status, 403,
            "logout by session needs the CSRF token too"
        );
        let reply = app
            .request("POST", "/api/auth/logout/")
            .header("Cookie", &cookie)
            .header("X-CSRFToken", &csrf)
            .send()
            .await;
        assert_eq!(reply.status, 204);
        let cleared = reply
            .cookies()
            .into_iter()
            .find(|(name, _)| name == "sessionid")
            .expect("session cookie cleared");
        let me = app
            .request("GET", "/api/auth/me/")
            .header("Cookie", &format!("sessionid={}", cleared.1))
            .send()
            .await;
        assert_eq!(me.status, 401);
        assert_eq!(
            app.request("POST", "/api/auth/logout/").send().await.status,
            204,
            "anyone may log out"
        );
    });
}

fn me_needs_authentication(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let anonymous = app.get("/api/auth/me/").await;
        assert_eq!(
            (anonymous.status, anonymous.json()),
            (
                401,
                json!({ "detail": "Authentication credentials were not provided." })
            )
        );
        assert_eq!(
            anonymous.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"api\"")
        );
        let token = app.token("alice").await;
        let me = app
            .request("GET", "/api/auth/me")
            .bearer(&token)
            .send()
            .await;
        assert_eq!(
            (me.status, me.json()["username"].clone()),
            (200, json!("alice"))
        );
    });
}

fn repeated_failures_are_throttled(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(
            db,
            &[
                "--login-throttle-failures",
                "3",
                "--login-throttle-window",
                "60",
            ],
        );
        app.register("alice").await;
        let wrong = json!({ "username": "alice", "password": "wrong-password" });
        for _ in 0..3 {
            assert_eq!(
                app.request("POST", "/api/auth/login/")
                    .json(&wrong)
                    .await
                    .status,
                401
            );
        }
        for path in ["/api/auth/login/", "/api/token/"] {
            let reply = app
                .request("POST", path)
                .json(&json!({ "username": "alice", "password": PASSWORD }))
                .await;
            assert_eq!(reply.status, 429, "{path}");
            let retry_after: u64 = reply
                .header("retry-after")
                .expect("Retry-After")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&retry_after), "{retry_after}");
            assert_eq!(
                reply.json(),
                json!({ "detail": format!("Request was throttled. Expected available in {retry_after} seconds.") })
            );
        }
    });
}

/// Hashes Django 5.2 made of `PASSWORD` (its own hashers, low work factors).
const DJANGO_HASHES: [&str; 4] = [
    "pbkdf2_sha256$1000$saltsaltsalt1234$1wfdlcCazG426DuUFHsoVshay7ZySuFJwE9AfD4XpyY=",
    "pbkdf2_sha1$1000$saltsaltsalt1234$yBPI4HDqo0X5DTKVczVKrIxl0Nc=",
    "bcrypt_sha256$$2b$04$ww6kjYH4Ao.H.9T8ThJyoO8gp0DW6gOanZuBBolV8PimJeRwmT4d.",
    "bcrypt$$2b$04$/f1SWz9ynR3x105wQwvG1.Yud4OTTl5tMObaiLQvzNRAv6wQLimRu",
];

fn django_password_hashes_log_in_and_are_upgraded(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        for (i, django_hash) in DJANGO_HASHES.iter().enumerate() {
            let name = format!("moved{i}");
            let id = domain::UserId(app.register(&name).await);
            store::users::set_password_hash(&mut db.conn(), id, django_hash).expect("set");
            let wrong = app
                .request("POST", "/api/token/")
                .json(&json!({ "username": name, "password": "not-the-password" }))
                .await;
            assert_eq!(wrong.status, 401, "{django_hash}");
            let pair = app.token_pair(&name).await;
            assert!(
                pair["access"].is_string(),
                "logs in with the Django password"
            );
            let upgraded = store::users::get_credentials(&mut db.conn(), &name)
                .expect("user")
                .password_hash;
            let kept = django_hash.starts_with("bcrypt_sha256$$2b$04$");
            assert_eq!(
                upgraded == *django_hash,
                kept,
                "re-hashed to bcrypt_sha256 unless already so at this cost: {upgraded}"
            );
            assert!(upgraded.starts_with("bcrypt_sha256$$2b$04$"));
            let (cookie, _) = app.login(&name).await;
            let me = app
                .request("GET", "/api/auth/me/")
                .header("Cookie", &cookie)
                .send()
                .await;
            assert_eq!(me.status, 200, "the session opened after the upgrade holds");
        }
    });
}

store::backend_tests!(
    django_password_hashes_log_in_and_are_upgraded,
    register_returns_me_and_stores_a_bcrypt_hash,
    register_validates_like_django,
    login_sets_session_and_csrf_cookies,
    wrong_credentials_are_401,
    session_writes_need_the_csrf_token,
    logout_ends_the_session,
    me_needs_authentication,
    repeated_failures_are_throttled,
);
