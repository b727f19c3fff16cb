//! Issue 28's hardening of the JSON API, on a running server.

use serde_json::{json, Value};
use store::testing::TestDb;

use crate::admin_client::{make_user, Browser};
use crate::helpers::{run, TestApp, PASSWORD};

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect()
}

fn a_search_of_999_terms_uses_the_first_ten(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let token = app.token("alice").await;
        app.create_event(&token, "a b c", "2030-01-01").await;
        app.create_event(&token, "b c", "2030-01-02").await;

        let many = vec!["a"; 999].join("%20");
        let reply = app.get(&format!("/api/events/?search={many}")).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(names(&reply.json()), ["a b c"]);
        // The eleventh term on is ignored, whatever it is.
        let tail = format!("{}%20zzz", ["b"; 10].join("%20"));
        let reply = app.get(&format!("/api/events/?search={tail}")).await;
        assert_eq!(names(&reply.json()), ["a b c", "b c"]);
    });
}

/// `alice` with a fullwidth `a` (U+FF41): NFKC makes it `alice`.
const FULLWIDTH_ALICE: &str = "\u{ff41}lice";

fn usernames_are_nfkc_normalised_everywhere(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("alice").await;
        let twin = app
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": FULLWIDTH_ALICE, "password": PASSWORD }))
            .await;
        assert_eq!(
            (twin.status, twin.json()),
            (
                400,
                json!({ "username": ["A user with that username already exists."] })
            )
        );
        let bob = app
            .request("POST", "/api/auth/register/")
            .json(&json!({ "username": "\u{ff42}ob", "password": PASSWORD }))
            .await;
        assert_eq!((bob.status, &bob.json()["username"]), (201, &json!("bob")));

        let token = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": FULLWIDTH_ALICE, "password": PASSWORD }))
            .await;
        assert_eq!(token.status, 200, "{}", token.text());
        let login = app
            .request("POST", "/api/auth/login/")
            .json(&json!({ "username": FULLWIDTH_ALICE, "password": PASSWORD }))
            .await;
        assert_eq!(
            (login.status, &login.json()["username"]),
            (200, &json!("alice"))
        );

        make_user(db, "boss", true);
        let mut boss = Browser::new(&app);
        boss.login("boss").await;
        let added = boss
            .post(
                "/admin/users/add/",
                &[
                    ("username", FULLWIDTH_ALICE),
                    ("password1", PASSWORD),
                    ("password2", PASSWORD),
                ],
            )
            .await;
        assert_eq!(added.status, 400);
        assert!(added
            .text()
            .contains("A user with that username already exists."));

        let output = crate::process::createsuperuser(db.url(), FULLWIDTH_ALICE, PASSWORD);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("a user named alice already exists"),
            "{stderr}"
        );
        assert_eq!(store::users::count(&mut db.conn()).expect("count"), 3);
    });
}

fn refresh_tokens_from_before_a_password_change_are_invalid(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let alice = app.register("alice").await;
        let old = app.token_pair("alice").await["refresh"]
            .as_str()
            .expect("refresh")
            .to_owned();
        make_user(db, "boss", true);
        let mut boss = Browser::new(&app);
        boss.login("boss").await;
        let new_password = "quince-lantern-77";
        let changed = boss
            .post(
                &format!("/admin/users/{alice}/password/"),
                &[("password1", new_password), ("password2", new_password)],
            )
            .await;
        assert_eq!(changed.status, 303, "{}", changed.text());

        let invalid = json!({ "detail": "Token is invalid", "code": "token_not_valid" });
        for (path, field) in [
            ("/api/token/refresh/", "refresh"),
            ("/api/token/verify/", "token"),
            ("/api/token/blacklist/", "refresh"),
        ] {
            let reply = app.request("POST", path).json(&json!({ field: old })).await;
            assert_eq!(
                (reply.status, reply.json()),
                (401, invalid.clone()),
                "{path}"
            );
        }

        let fresh = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "alice", "password": new_password }))
            .await;
        assert_eq!(fresh.status, 200, "{}", fresh.text());
        let refresh = fresh.json()["refresh"]
            .as_str()
            .expect("refresh")
            .to_owned();
        for (path, field) in [
            ("/api/token/refresh/", "refresh"),
            ("/api/token/verify/", "token"),
            ("/api/token/blacklist/", "refresh"),
        ] {
            let reply = app
                .request("POST", path)
                .json(&json!({ field: refresh }))
                .await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        }
    });
}

store::backend_tests!(
    refresh_tokens_from_before_a_password_change_are_invalid,
    a_search_of_999_terms_uses_the_first_ten,
    usernames_are_nfkc_normalised_everywhere,
);
