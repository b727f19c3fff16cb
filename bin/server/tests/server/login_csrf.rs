//! Login CSRF: session logins and session writes sent from a page of
//! another site are refused; this site and CSRF_TRUSTED_ORIGINS pass.

use serde_json::json;
use store::testing::TestDb;

use crate::admin_client::make_user;
use crate::helpers::{run, TestApp, PASSWORD};

const EVIL: &str = "https://evil.example.com";

fn cross_site_logins_and_session_writes_are_refused(db: &TestDb) {
    run(async {
        let app =
            TestApp::spawn_with_args(db, &["--csrf-trusted-origins", "https://app.example.com"]);
        app.register("alice").await;
        let form = [("username", "alice"), ("password", PASSWORD)];
        let login = |origin: (&'static str, String)| {
            app.request("POST", "/api/auth/login/")
                .header(origin.0, &origin.1)
                .form(&form)
        };
        let refused = login(("Origin", EVIL.to_owned())).await;
        assert_eq!(
            (refused.status, refused.json()),
            (
                403,
                json!({ "detail": "CSRF Failed: Origin checking failed - https://evil.example.com does not match any trusted origins." })
            )
        );
        assert!(refused.cookies().is_empty(), "no session is set");
        let referred = login(("Referer", format!("{EVIL}/win-a-prize"))).await;
        assert_eq!(referred.status, 403, "{}", referred.text());
        for same_site in [app.base_url.clone(), "https://app.example.com".to_owned()] {
            let reply = login(("Origin", same_site.clone())).await;
            assert_eq!(reply.status, 200, "{same_site}: {}", reply.text());
        }

        let (cookie, csrf) = app.login("alice").await;
        let write = |origin: &str| {
            app.request("POST", "/api/events/")
                .header("Cookie", &cookie)
                .header("X-CSRFToken", &csrf)
                .header("Origin", origin)
                .json_owned(json!({ "name": "Picnic", "date": "2030-06-01" }))
        };
        let forged = write(EVIL).await;
        assert_eq!(forged.status, 403, "{}", forged.text());
        assert_eq!(
            forged.json()["detail"],
            "CSRF Failed: Origin checking failed - https://evil.example.com does not match any trusted origins."
        );
        assert_eq!(write(&app.base_url).await.status, 201);

        make_user(db, "boss", true);
        let admin = app
            .request("POST", "/admin/login/")
            .header("Origin", EVIL)
            .form(&[
                ("username", "boss"),
                ("password", PASSWORD),
                ("next", "/admin/"),
            ])
            .await;
        assert_eq!(admin.status, 403);
        assert!(
            admin.text().contains("Origin checking failed"),
            "{}",
            admin.text()
        );
    });
}

store::backend_tests!(cross_site_logins_and_session_writes_are_refused);
