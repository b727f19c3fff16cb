//! Session-authenticated form posts may carry the CSRF token as Django's
//! `csrfmiddlewaretoken` field instead of the `X-CSRFToken` header.

use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp};

fn form_posts_may_carry_the_token_as_a_field(db: &TestDb) {
    run(async {
        let app = TestApp::spawn(db);
        app.register("host").await;
        app.register("guest").await;
        let host = app.token("host").await;
        let event = app.create_event(&host, "Party", "2030-01-01").await;
        let path = format!(
            "/api/events/{}/change_attendee_status/",
            event["id"].as_str().expect("id")
        );
        let (cookie, csrf) = app.login("guest").await;

        let with_field = app
            .request("POST", &path)
            .header("Cookie", &cookie)
            .form(&[("status", "Maybe"), ("csrfmiddlewaretoken", csrf.as_str())])
            .await;
        assert_eq!(
            (with_field.status, with_field.json()["status"].clone()),
            (200, json!("Maybe")),
            "the field stands in for the header, and the body is still read"
        );

        let boundary = "XyZ";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nGoing\r\n--{boundary}--\r\n"
        );
        let multipart = app
            .request("POST", &path)
            .header("Cookie", &cookie)
            .raw(&format!("multipart/form-data; boundary={boundary}"), body)
            .await;
        assert_eq!(
            (multipart.status, multipart.json()["status"].clone()),
            (200, json!("Going"))
        );

        let wrong = app
            .request("POST", &path)
            .header("Cookie", &cookie)
            .form(&[
                ("status", "Going"),
                ("csrfmiddlewaretoken", "x".repeat(32).as_str()),
            ])
            .await;
        assert_eq!(
            (wrong.status, wrong.json()),
            (
                403,
                json!({ "detail": "CSRF Failed: CSRF token incorrect." })
            )
        );
        let missing = app
            .request("POST", &path)
            .header("Cookie", &cookie)
            .form(&[("status", "Going")])
            .await;
        assert_eq!(
            (missing.status, missing.json()),
            (403, json!({ "detail": "CSRF Failed: CSRF token missing." }))
        );
    });
}

store::backend_tests!(form_posts_may_carry_the_token_as_a_field);
