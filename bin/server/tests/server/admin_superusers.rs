//! A staff user who is not a superuser cannot take over a superuser nor
//! grant staff status; a superuser can.

use serde_json::json;
use store::testing::TestDb;

use crate::admin_client::{make_user, make_user_with, Browser};
use crate::helpers::{run, TestApp, PASSWORD};

fn staff_cannot_take_over_a_superuser_or_grant_staff(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        let root = make_user(db, "root", true);
        let member = make_user(db, "member", false);
        make_user_with(db, "helper", true, false);
        let mut helper = Browser::new(&app);
        helper.login("helper").await;

        let takeover = "Only a superuser can change the superuser “root”.";
        let new_password = "quince-lantern-77";
        let password_page = format!("/admin/users/{root}/password/");
        let change_page = format!("/admin/users/{root}/change/");
        for reply in [
            helper.get(&password_page).await,
            helper
                .post(
                    &password_page,
                    &[("password1", new_password), ("password2", new_password)],
                )
                .await,
            helper.get(&change_page).await,
            helper
                .post(
                    &change_page,
                    &[("email", "helper@example.com"), ("is_staff", "on")],
                )
                .await,
        ] {
            assert_eq!(reply.status, 403, "{}", reply.text());
            assert!(reply.text().contains(takeover), "{}", reply.text());
        }

        let grant = "Only a superuser can grant staff status.";
        let promote = helper
            .post(
                &format!("/admin/users/{member}/change/"),
                &[
                    ("email", "member@example.com"),
                    ("is_staff", "on"),
                    ("is_active", "on"),
                ],
            )
            .await;
        let add_staff = helper
            .post(
                "/admin/users/add/",
                &[
                    ("username", "sidekick"),
                    ("password1", PASSWORD),
                    ("password2", PASSWORD),
                    ("is_staff", "on"),
                    ("is_active", "on"),
                ],
            )
            .await;
        for reply in [promote, add_staff] {
            assert_eq!(reply.status, 403, "{}", reply.text());
            assert!(reply.text().contains(grant), "{}", reply.text());
        }
        // Plain members are still theirs to look after.
        let renamed = helper
            .post(
                &format!("/admin/users/{member}/change/"),
                &[
                    ("first_name", "Mem"),
                    ("email", "member@example.com"),
                    ("is_active", "on"),
                ],
            )
            .await;
        assert_eq!(renamed.status, 303, "{}", renamed.text());

        let token = app
            .request("POST", "/api/token/")
            .json(&json!({ "username": "root", "password": PASSWORD }))
            .await;
        assert_eq!(token.status, 200, "the superuser's password still works");
        let stored = store::users::get(&mut db.conn(), root).expect("root");
        assert!(stored.is_active && stored.is_staff && stored.is_superuser);
        let member_now = store::users::get(&mut db.conn(), member).expect("member");
        assert!(!member_now.is_staff);
        assert_eq!(store::users::count(&mut db.conn()).expect("count"), 3);

        // A superuser may do all of it.
        let mut boss = Browser::new(&app);
        boss.login("root").await;
        let promoted = boss
            .post(
                &format!("/admin/users/{member}/change/"),
                &[
                    ("email", "member@example.com"),
                    ("is_staff", "on"),
                    ("is_active", "on"),
                ],
            )
            .await;
        assert_eq!(promoted.status, 303, "{}", promoted.text());
    });
}

store::backend_tests!(staff_cannot_take_over_a_superuser_or_grant_staff);
