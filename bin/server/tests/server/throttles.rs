//! The per-account login throttle (guesses spread over many addresses)
//! and the registration throttle per client address, both answering 429.

use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp, PASSWORD};

fn failed_logins_are_limited_per_account_whatever_the_address(db: &TestDb) {
    run(async {
        // Behind one proxy, so each guess can come from its own address.
        let app = TestApp::spawn_with_args(db, &["--trusted-proxies", "1"]);
        app.register("alice").await;
        app.register("bob").await;
        let login = |address: String, username: &'static str, password: &'static str| {
            app.request("POST", "/api/token/")
                .header("X-Forwarded-For", &address)
                .json_owned(json!({ "username": username, "password": password }))
        };
        for guess in 0..20 {
            let reply = login(format!("10.0.0.{guess}"), "alice", "wrong-guess").await;
            assert_eq!(reply.status, 401, "guess {guess}: {}", reply.text());
        }
        let locked = login("10.0.1.1".to_owned(), "alice", PASSWORD).await;
        assert_eq!(locked.status, 429, "{}", locked.text());
        assert!(locked.json()["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Request was throttled. Expected available in")));
        let other = login("10.0.1.1".to_owned(), "bob", PASSWORD).await;
        assert_eq!(other.status, 200, "other accounts are not locked");
    });
}

fn registrations_are_limited_per_client_address(db: &TestDb) {
    run(async {
        let app = TestApp::spawn_with_args(db, &["--trusted-proxies", "1"]);
        let register = |address: &'static str, username: String| {
            app.request("POST", "/api/auth/register/")
                .header("X-Forwarded-For", address)
                .json_owned(json!({ "username": username, "password": PASSWORD }))
        };
        for n in 0..20 {
            let reply = register("10.0.0.1", format!("user{n}")).await;
            assert_eq!(reply.status, 201, "registration {n}: {}", reply.text());
        }
        let refused = register("10.0.0.1", "one-too-many".to_owned()).await;
        assert_eq!(refused.status, 429, "{}", refused.text());
        assert_eq!(
            store::users::count(&mut db.conn()).expect("count"),
            20,
            "the refused one is not made"
        );
        let elsewhere = register("10.0.0.2", "elsewhere".to_owned()).await;
        assert_eq!(elsewhere.status, 201, "{}", elsewhere.text());
    });
}

store::backend_tests!(
    failed_logins_are_limited_per_account_whatever_the_address,
    registrations_are_limited_per_client_address,
);
